"""Reading and writing conversations on the engine's hot path, in SQLAlchemy Core.

Every message loads one conversation row, saves it and appends two message rows. Through the
ORM that unit of work costs more than answering the question does (identity map, flush,
attribute events), so the engine works on a plain record here: one SELECT (FOR UPDATE on
PostgreSQL, so one person's messages handled at once by two workers queue up instead of
overwriting each other), one INSERT for a new person, one UPDATE, one multi-row INSERT of the
messages, each statement built once. The table is still the sqlmodel `Conversation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.conversation.models import Conversation, Message

CONVERSATION = Conversation.__table__
MESSAGE = Message.__table__
STORED_TEXT_LIMIT = 4_000


@dataclass(slots=True)
class ConversationRecord:
    """One person's conversation on one channel, as the engine and its flows change it."""

    id: int
    channel: str
    user_id: str
    address: str
    created_at: datetime
    updated_at: datetime
    lang: str = "sv"
    state: str = "idle"  # bot.conversation.states.State
    pending: dict[str, Any] = field(default_factory=dict)
    unanswered_streak: int = 0
    case_id: int | None = None


_COLUMNS = tuple(f.name for f in fields(ConversationRecord))
_MUTABLE = tuple(name for name in _COLUMNS if name not in ("id", "channel", "user_id", "created_at"))
# Built once: a statement made per call costs more to build than to run.
_LOAD = select(*(CONVERSATION.c[name] for name in _COLUMNS)).where(
    CONVERSATION.c.channel == bindparam("channel"), CONVERSATION.c.user_id == bindparam("user_id"))
_LOAD_LOCKED = _LOAD.with_for_update()
_SAVE = update(CONVERSATION).where(CONVERSATION.c.id == bindparam("record_id")).values(
    {name: bindparam(f"new_{name}", type_=CONVERSATION.c[name].type) for name in _MUTABLE})
_APPEND = insert(MESSAGE)
_CREATE = {dialect: make(CONVERSATION).on_conflict_do_nothing(index_elements=["channel", "user_id"])
           .returning(*(CONVERSATION.c[name] for name in _COLUMNS))
           for dialect, make in (("sqlite", sqlite_insert), ("postgresql", pg_insert))}


def load(connection: Connection, *, channel: str, user_id: str) -> ConversationRecord | None:
    """The conversation, locked for this transaction on PostgreSQL (SQLite's writer holds
    the whole database already)."""
    statement = _LOAD_LOCKED if connection.dialect.name == "postgresql" else _LOAD
    row = connection.execute(statement, {"channel": channel, "user_id": user_id}).first()
    return ConversationRecord(**row._mapping) if row is not None else None


def load_or_create(connection: Connection, *, channel: str, user_id: str, address: str,
                   now: datetime) -> ConversationRecord:
    """The person's conversation, created on the first message. Two first messages at once
    (PostgreSQL) cannot both create it: the second insert does nothing and reads the first."""
    record = load(connection, channel=channel, user_id=user_id)
    if record is not None:
        return record
    row = connection.execute(_CREATE[connection.dialect.name], {
        "channel": channel, "user_id": user_id, "address": address, "lang": "sv", "state": "idle", "pending": {},
        "unanswered_streak": 0, "case_id": None, "created_at": now, "updated_at": now}).first()
    record = ConversationRecord(**row._mapping) if row is not None else load(connection, channel=channel,
                                                                              user_id=user_id)
    assert record is not None  # inserted just now, or by whoever won the race
    return record


def save(connection: Connection, *, record: ConversationRecord) -> None:
    """Write the record back (the row is this transaction's: see `load`)."""
    connection.execute(_SAVE, {"record_id": record.id, **{f"new_{name}": getattr(record, name) for name in _MUTABLE}})


def message_row(record: ConversationRecord, *, direction: str, text: str, action: str | None,
                topic: str | None, now: datetime) -> dict[str, Any]:
    return {"conversation_id": record.id, "direction": direction, "text": text[:STORED_TEXT_LIMIT],
            "action": action, "topic": topic, "created_at": now}


def append_messages(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """All of a turn's messages in one statement."""
    if rows:
        connection.execute(_APPEND, rows)


def language_of(connection: Connection, *, channel: str, user_id: str) -> str:
    """The language the person last wrote in ("sv" if we have not talked)."""
    lang = connection.execute(select(CONVERSATION.c.lang).where(
        CONVERSATION.c.channel == channel, CONVERSATION.c.user_id == user_id)).scalar()
    return lang or "sv"


def previous_question(connection: Connection, *, conversation_id: int) -> str:
    """The person's latest stored message (this turn's is stored at the end of the turn)."""
    text = connection.execute(select(MESSAGE.c.text).where(
        MESSAGE.c.conversation_id == conversation_id, MESSAGE.c.direction == "in")
        .order_by(MESSAGE.c.id.desc()).limit(1)).scalar()
    return text or ""
