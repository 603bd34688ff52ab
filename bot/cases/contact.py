"""Contact details: all optional, but at least one way to reach the person (phone or e-mail)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.cases.errors import InvalidContact

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True, slots=True)
class Contact:
    name: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None


def _clean(value: str | None, limit: int, what_sv: str, what_en: str) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    if len(value) > limit:
        raise InvalidContact(f"{what_sv} är för lång{'t' if what_sv.endswith('namn') else ''} (högst {limit} tecken).",
                             f"The {what_en} is too long (at most {limit} characters).")
    return value or None


def validate_contact(contact: Contact) -> Contact:
    """The contact details cleaned, or InvalidContact saying what is wrong (sv and en)."""
    name = _clean(contact.name, 200, "Namnet", "name")
    company = _clean(contact.company, 200, "Företagsnamnet", "company name")
    phone = _clean(contact.phone, 64, "Telefonnumret", "phone number")
    email = _clean(contact.email, 254, "E-postadressen", "e-mail address")
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        if not re.fullmatch(r"\+?[\d\s\-()./]+", phone) or not 6 <= len(digits) <= 15:
            raise InvalidContact("Telefonnumret ser inte rätt ut. Skriv till exempel 070-123 45 67.",
                                 "The phone number does not look right. Write it like +46 70 123 45 67.")
    if email is not None and not _EMAIL.match(email):
        raise InvalidContact("E-postadressen ser inte rätt ut. Skriv till exempel namn@foretag.se.",
                             "The e-mail address does not look right. Write it like name@company.com.")
    if phone is None and email is None:
        raise InvalidContact("Vi behöver ett sätt att nå dig: ett telefonnummer eller en e-postadress.",
                             "We need a way to reach you: a phone number or an e-mail address.")
    return Contact(name=name, company=company, phone=phone, email=email.lower() if email else None)
