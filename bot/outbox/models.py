"""The outbox: every message about committed state is a row first, sent afterwards.

Immediate notifications and scheduled reminders are the same thing here: a row with a due
time. A sweeper claims due rows (lease), sends outside the transaction and records the
outcome, so a crash never loses a message and a restart never sends one twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.storage.types import json_column, utc_column

# pending -> claimed (leased) -> sending (request about to go out) -> sent | failed | unknown
# pending -> skipped (expired). A lease is short and renewed by its owner's heartbeat while
# the owner lives; one that runs out while "claimed" returns the row to pending (nothing went
# out), one that runs out while "sending" becomes "unknown" (it may have gone out) and is
# never repeated blindly: a person is told and decides (bot.outbox.unknown).
OUTBOX_STATUSES = ("pending", "claimed", "sending", "sent", "failed", "skipped", "unknown")
# Settled for good: nothing will send the row again. ("unknown" waits for a person's decision.)
FINAL_STATUSES = ("sent", "failed", "skipped")


class OutboxItem(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),
                      Index("ix_outbox_lease_owner", "lease_owner"))

    id: int | None = Field(default=None, primary_key=True)
    # What kind of send: "message" (to a person on a channel), "desk.convene", "desk.post",
    # "desk.update", "reminder", ... The dispatcher maps kinds to ports.
    kind: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    address: str = Field(default="", max_length=128)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    status: str = Field(default="pending", max_length=16)
    due_at: datetime = Field(sa_column=utc_column())
    # After this the message no longer makes sense (e.g. the meeting has started): skipped.
    expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    attempts: int = Field(default=0)
    lease_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Who holds the lease (a dispatcher: host, process, instance) and which claim it is: only
    # the holder of this claim may mark the row sending or record its outcome.
    lease_owner: str | None = Field(default=None, max_length=64)
    claim_token: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    ref: str | None = Field(default=None, max_length=200)
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Idempotency: enqueueing the same key twice keeps one row.
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    case_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(sa_column=utc_column())


class OutboxAudit(SQLModel, table=True):
    """What people did to outbox rows (resolve, resend) and what they were refused: the audit
    log of `lotsen outbox`, like a case's timeline is for the case actions."""

    __tablename__ = "outbox_audit"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=16)  # resolve | resend | refused
    actor_channel: str = Field(max_length=32)
    actor_id: str = Field(max_length=200)
    actor_name: str | None = Field(default=None, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(sa_column=utc_column())
