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


def _clean(value: str | None, limit: int, what: str) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    if len(value) > limit:
        raise InvalidContact(f"cases.too_long.{what}", limit=limit)
    return value or None


def validate_contact(contact: Contact) -> Contact:
    """The contact details cleaned, or InvalidContact saying what is wrong (sv and en)."""
    name = _clean(contact.name, 200, "name")
    company = _clean(contact.company, 200, "company")
    phone = _clean(contact.phone, 64, "phone")
    email = _clean(contact.email, 254, "email")
    if phone is not None:
        digits = re.sub(r"\D", "", phone)
        if not re.fullmatch(r"\+?[\d\s\-()./]+", phone) or not 6 <= len(digits) <= 15:
            raise InvalidContact("cases.error.bad_phone")
    if email is not None and not _EMAIL.match(email):
        raise InvalidContact("cases.error.bad_email")
    if phone is None and email is None:
        raise InvalidContact("cases.error.no_way_to_reach")
    return Contact(name=name, company=company, phone=phone, email=email.lower() if email else None)
