"""Tables of the meetings domain: dialogue meetings, sign-ups, tag subscriptions.

Reminders and announcements are not stored here: they are outbox rows (bot.outbox), keyed
`meeting:<id>:...` so they can be rescheduled when a meeting changes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import json_column, utc_column

MEETING_KINDS = ("upphandlingsdialog", "naringslivsrad", "frukost", "information", "tema",
                 "natverk", "lotsmote")
MEETING_STATUSES = ("scheduled", "cancelled")
# invited: a case meeting offered to one entrepreneur, waiting for accept/decline.
SIGNUP_STATUSES = ("confirmed", "waitlisted", "invited", "declined", "cancelled")


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    title_sv: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    starts_at: datetime = Field(sa_column=utc_column(index=True))
    ends_at: datetime = Field(sa_column=utc_column())
    place: str | None = Field(default=None, max_length=300)
    link: str | None = Field(default=None, max_length=500)
    description_sv: str = Field(default="")
    description_en: str = Field(default="")
    tags: list[str] = Field(default_factory=list, sa_column=json_column())
    capacity: int | None = Field(default=None)  # None: no limit
    signup_deadline: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # The role organising it; by default the routing rules' coordinator (set on validation).
    organiser_role: str = Field(default="", max_length=32)
    # Where the organiser's reminder (with the attendee list) goes, if anywhere.
    organiser_channel: str | None = Field(default=None, max_length=32)
    organiser_address: str | None = Field(default=None, max_length=128)
    # Reminder offsets before the start, e.g. ["7d", "1d"] or ["2h"].
    reminders: list[str] = Field(default_factory=lambda: ["7d", "1d"], sa_column=json_column())
    status: str = Field(default="scheduled", max_length=16)
    sequence: int = Field(default=0)  # iCalendar SEQUENCE, bumped on every change
    seed_key: str | None = Field(default=None, max_length=100, unique=True)
    case_id: int | None = Field(default=None, index=True)
    created_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_sv

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" and self.description_en else self.description_sv


class Signup(SQLModel, table=True):
    __tablename__ = "meeting_signup"
    __table_args__ = (UniqueConstraint("meeting_id", "channel", "user_id", name="uq_signup_person"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    status: str = Field(max_length=16)
    channel: str = Field(max_length=32)
    address: str = Field(max_length=128)
    user_id: str = Field(max_length=128)
    # Name and company, asked at sign-up so the organiser knows who comes; given after being told
    # what they are for (details_consent_at), erased with the person ("glöm mig").
    name: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    details_consent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    lang: str = Field(default="sv", max_length=2)
    # Bumped each time the sign-up becomes active again, so its reminders get fresh keys.
    revision: int = Field(default=0)
    queued_at: datetime = Field(sa_column=utc_column())  # waiting-list order
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Subscription(SQLModel, table=True):
    __tablename__ = "meeting_subscription"
    __table_args__ = (UniqueConstraint("channel", "user_id", "tag", name="uq_subscription_tag"),)

    id: int | None = Field(default=None, primary_key=True)
    tag: str = Field(max_length=64, index=True)
    channel: str = Field(max_length=32)
    address: str = Field(max_length=128)
    user_id: str = Field(max_length=128)
    lang: str = Field(default="sv", max_length=2)
    created_at: datetime = Field(sa_column=utc_column())


class MeetingAudit(SQLModel, table=True):
    """Who looked at a meeting's attendees (personal data), and who was refused."""

    __tablename__ = "meeting_audit"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int | None = Field(default=None, index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=32)  # attendees | attendees_csv
    outcome: str = Field(max_length=16)  # ok | refused | not_found
    at: datetime = Field(sa_column=utc_column())
