"""What the conversation engine needs of the cases domain. `bot.cases.gateway` implements it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection
from sqlmodel import Session

from bot.cases.contact import Contact
from bot.conversation.store import ConversationRecord


@dataclass(frozen=True)
class OpenedCase:
    case_id: int
    number: str
    roles: list[str]


@dataclass(frozen=True)
class CaseInfo:
    case_id: int
    number: str
    status: str
    contact_name: str | None


class CaseGateway(Protocol):
    def open_case(self, connection: Connection, *, conversation: ConversationRecord, words: str,
                  topics: list[str], roles: list[str], contact: Contact, consent_text: str, consent_at: datetime,
                  lang: str, now: datetime, reason: str | dict | None = None) -> OpenedCase:
        """Writes through the unit's Core connection (the busiest write of a conversation).
        `reason`: why a case (the escalation trigger), when known."""
        ...

    def open_cases(self, session: Session, *, channel: str, user_id: str) -> list[CaseInfo]:
        """The person's open cases."""
        ...

    def answer_choice(self, session: Session, *, conversation: ConversationRecord, choice: str,
                      now: datetime) -> str | None:
        """A pressed case button -> the text to show, or None when the key is not a case's."""
        ...

    def open_case_info(self, session: Session, *, case_id: int) -> CaseInfo | None:
        """The case if it is still open, else None."""
        ...

    def add_entrepreneur_message(self, session: Session, *, case_id: int, text: str, now: datetime) -> None: ...
