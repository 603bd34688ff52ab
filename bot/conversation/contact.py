"""Reading contact details from one free-text message ("Anna Svensson, Pizzeria Roma, 070-123 45 67").

The Contact type and its validation belong to the cases domain (bot.cases.contact); this module
only reads them out of what a person wrote.
"""

from __future__ import annotations

import re

from bot.cases.contact import Contact

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(r"(?:\+46|0046|0)[\s-]?\d{1,3}(?:[\s-]?\d){5,9}")
_COMPANY_HINTS = ("ab", "hb", "kb", "aktiebolag", "handelsbolag", "firma", "ekonomisk förening",
                  "restaurang", "pizzeria", "café", "cafe", "kafé", "bageri", "salong", "bygg", "ltd", "inc")
_LABEL_WORDS = frozenset({"namn", "name", "företag", "foretag", "company", "firma", "telefon", "tel", "phone",
                          "mobil", "e-post", "epost", "e-mail", "email", "mail"})
_LABELS = re.compile(r"^(namn|name|företag|foretag|company|firma|telefon|tel|phone|mobil|e-?post|e-?mail|mail)\s*[:=]\s*",
                     re.IGNORECASE)


def reachable(contact: Contact) -> bool:
    return bool(contact.phone or contact.email)


def parse_contact(text: str) -> Contact:
    email_match = EMAIL.search(text)
    email = email_match.group(0) if email_match else None
    rest = EMAIL.sub(" ", text)
    phone_match = PHONE.search(rest)
    phone = " ".join(phone_match.group(0).split()) if phone_match else None
    rest = PHONE.sub(" ", rest)
    parts = [(_LABELS.sub("", part.strip())).strip(" .") for part in re.split(r"[,;\n]", rest)]
    parts = [part for part in parts if part and any(char.isalpha() for char in part)
             and part.casefold() not in _LABEL_WORDS][:4]
    name = company = None
    for part in parts:
        lowered = part.casefold()
        if company is None and any(hint in lowered.split() or lowered.endswith(" " + hint) or lowered == hint
                                   for hint in _COMPANY_HINTS):
            company = part[:120]
        elif name is None:
            name = part[:120]
        elif company is None:
            company = part[:120]
    return Contact(name=name, company=company, phone=phone, email=email)
