"""Writing to the outbox. Call `enqueue` inside the same session that changes the state the
message is about, so both are committed together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from bot.outbox.models import OutboxItem
from bot.storage.types import utcnow


def enqueue(session: Session, *, kind: str, channel: str, address: str = "",
            payload: dict[str, Any], due_at: datetime, expires_at: datetime | None = None,
            dedupe_key: str | None = None, case_id: int | None = None,
            created_at: datetime | None = None, new_subject: bool = False) -> OutboxItem:
    """Add a row to the outbox (not yet committed). With a `dedupe_key` that already exists,
    the existing row is returned and nothing is added. `created_at` defaults to the wall clock
    (a reminder is created now and due later). `new_subject`: what the row is about was made
    in this unit of work, so no row can have its key yet (the look-up is skipped)."""
    if dedupe_key is not None and not new_subject:
        existing = session.exec(select(OutboxItem).where(OutboxItem.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return existing
    item = OutboxItem(kind=kind, channel=channel, address=address, payload=payload, due_at=due_at,
                      expires_at=expires_at, dedupe_key=dedupe_key, case_id=case_id,
                      created_at=created_at or utcnow())
    session.add(item)
    return item
