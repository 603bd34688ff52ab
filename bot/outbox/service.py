"""Writing to the outbox. Call `enqueue` inside the same session that changes the state the
message is about, so both are committed together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlmodel import Session, select

from bot.outbox.models import OutboxItem
from bot.storage.rows import new_row, table_of
from bot.storage.types import utcnow


def enqueue(session: Session, *, kind: str, channel: str, address: str = "",
            payload: dict[str, Any], due_at: datetime, expires_at: datetime | None = None,
            dedupe_key: str | None = None, case_id: int | None = None,
            created_at: datetime | None = None) -> OutboxItem:
    """Add a row to the outbox (not yet committed). With a `dedupe_key` that already exists,
    the existing row is returned and nothing is added. `created_at` defaults to the wall clock
    (a reminder is created now and due later)."""
    if dedupe_key is not None:
        existing = session.exec(select(OutboxItem).where(OutboxItem.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return existing
    item = OutboxItem(kind=kind, channel=channel, address=address, payload=payload, due_at=due_at,
                      expires_at=expires_at, dedupe_key=dedupe_key, case_id=case_id,
                      created_at=created_at or utcnow())
    session.add(item)
    return item


def insert_new(connection: Connection, *, kind: str, channel: str, payload: dict[str, Any], due_at: datetime,
               dedupe_key: str, case_id: int | None = None, address: str = "") -> None:
    """Core INSERT of a row about something made in this same transaction, so that no row can
    have its key yet (no look-up; the unique dedupe key would still refuse a second one)."""
    connection.execute(insert(table_of(OutboxItem)), new_row(
        OutboxItem, kind=kind, channel=channel, address=address, payload=payload, due_at=due_at,
        dedupe_key=dedupe_key, case_id=case_id, created_at=utcnow()))
