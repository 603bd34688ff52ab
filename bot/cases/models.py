"""Tables of the cases domain: cases, their timeline (every action audited), consents, and
the per-year counter behind the case numbers (L-2026-0042)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import json_column, utc_column


class CaseCounter(SQLModel, table=True):
    """The last number given out per year; incremented in the transaction creating the case,
    so two processes never give out the same number (the row lock serialises them)."""

    __tablename__ = "case_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = Field(default=0)


class Case(SQLModel, table=True):
    __tablename__ = "lotsen_case"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_case_year_seq"),
        Index("ix_case_person", "channel", "user_id"),
        Index("ix_case_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True)
    year: int
    seq: int
    status: str = Field(default="new", max_length=24)
    outcome: str | None = Field(default=None, max_length=32)
    # The entrepreneur: who and where to answer (blanked on erasure; the pseudonym stays).
    channel: str = Field(max_length=32)
    user_id: str | None = Field(default=None, max_length=128)
    address: str | None = Field(default=None, max_length=128)
    lang: str = Field(default="sv", max_length=2)
    pseudonym: str = Field(max_length=32)
    words: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    contact_name: str | None = Field(default=None, max_length=200)
    contact_company: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=64)
    contact_email: str | None = Field(default=None, max_length=254)
    # [{"id", "title", "url"}], role ids, member snapshots ({"name", "email", "identities"};
    # rows written before identities have "slack_id"/"telegram_id": bot.core.ports.member_identity reads both).
    topics: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    roles: list[str] = Field(default_factory=list, sa_column=json_column())
    members: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    trigger: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # The navigators' side: where the case was posted and who took it.
    desk: str = Field(max_length=32)
    desk_ref: str | None = Field(default=None, max_length=200)
    claimed_by: str | None = Field(default=None, max_length=200)
    claimed_by_name: str | None = Field(default=None, max_length=200)
    meeting_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ladder_step: int = Field(default=0)
    last_ping_at: datetime = Field(sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())
    closed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    erased_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class CaseEvent(SQLModel, table=True):
    """The timeline and audit log: every ping, claim, note, reply, state change and refusal."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case", "case_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    # Null for a refused action on a case number that does not exist.
    case_id: int | None = Field(default=None, foreign_key="lotsen_case.id")
    kind: str = Field(max_length=32)
    actor_channel: str = Field(max_length=32)
    actor_id: str = Field(max_length=200)
    actor_name: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(sa_column=utc_column())


class Consent(SQLModel, table=True):
    """Consent to pass the person's words and contact details to navigators, with the exact
    text shown and when. On erasure only the fact and time of withdrawal remain."""

    __tablename__ = "case_consent"
    __table_args__ = (Index("ix_case_consent_person", "channel", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="lotsen_case.id", index=True)
    channel: str = Field(max_length=32)
    user_id: str | None = Field(default=None, max_length=128)
    purpose: str = Field(default="case", max_length=32)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    lang: str = Field(default="sv", max_length=2)
    given_at: datetime = Field(sa_column=utc_column())
    withdrawn_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
