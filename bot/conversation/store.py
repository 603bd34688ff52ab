"""Reading and writing conversations on the engine's hot path, in SQLAlchemy Core.

Every message loads one conversation row, saves it and appends two message rows. Through the
ORM that unit of work costs more than answering the question does (identity map, flush,
attribute events), so the engine works on a plain record here: one SELECT (FOR UPDATE on
PostgreSQL, so one person's messages handled at once by two workers queue up instead of
overwriting each other), one INSERT for a new person, one UPDATE of the columns that changed,
one multi-row INSERT of the messages, each statement built once and, on SQLite, run on the
driver (bot/storage/driver.py). The table is still the sqlmodel `Conversation`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.conversation.models import Conversation, Message
from bot.storage.driver import Prepared
from bot.storage.rows import table_of

CONVERSATION = table_of(Conversation)
MESSAGE = table_of(Message)
STORED_TEXT_LIMIT = 4_000


@dataclass(slots=True)
class ConversationRecord:
    """One person's conversation on one channel, as the engine and its flows change it."""

    id: int
    channel: str
    user_id: str
    address: str
    lang: str = "sv"
    state: str = "idle"  # bot.conversation.states.State
    pending: dict[str, Any] = field(default_factory=dict)
    unanswered_streak: int = 0
    case_id: int | None = None
    # Not read (nothing decides on it, and parsing times costs): set when the turn is saved.
    updated_at: datetime | None = None
    # The mutable columns as last read or written, so that `save` writes only what changed.
    stored: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


_COLUMNS = tuple(f.name for f in fields(ConversationRecord) if f.name != "stored")
_READ = tuple(name for name in _COLUMNS if name != "updated_at")
_MUTABLE = tuple(name for name in _COLUMNS if name not in ("id", "channel", "user_id"))
# Built once: a statement made per call costs more to build than to run.
_SELECT = select(*(CONVERSATION.c[name] for name in _READ)).where(
    CONVERSATION.c.channel == bindparam("channel"), CONVERSATION.c.user_id == bindparam("user_id"))
_LOAD, _LOAD_LOCKED = Prepared(_SELECT), Prepared(_SELECT.with_for_update())
_MESSAGE_KEYS = ("conversation_id", "direction", "text", "action", "topic", "created_at")  # see message_row
_APPEND = Prepared(insert(MESSAGE), keys=_MESSAGE_KEYS)
_CREATED_KEYS = ("created_at", *(name for name in _COLUMNS if name != "id"))
_CREATE = {dialect: Prepared(make(CONVERSATION).on_conflict_do_nothing(index_elements=["channel", "user_id"])
                             .returning(CONVERSATION.c.id), keys=_CREATED_KEYS)
           for dialect, make in (("sqlite", sqlite_insert), ("postgresql", pg_insert))}


@cache
def _save_statement(names: tuple[str, ...]):
    """UPDATE of these columns, built once per set of columns (a handful occur)."""
    return Prepared(update(CONVERSATION).where(CONVERSATION.c.id == bindparam("record_id")).values(
        {name: bindparam(f"new_{name}", type_=CONVERSATION.c[name].type) for name in names}))


def _remember(record: ConversationRecord) -> ConversationRecord:
    record.stored = {name: getattr(record, name) for name in _MUTABLE}
    record.stored["pending"] = copy.deepcopy(record.pending) if record.pending else {}  # flows may change it in place
    return record


def load(connection: Connection, *, channel: str, user_id: str) -> ConversationRecord | None:
    """The conversation, locked for this transaction on PostgreSQL (SQLite's writer holds
    the whole database already)."""
    statement = _LOAD_LOCKED if connection.dialect.name == "postgresql" else _LOAD
    rows = statement.rows(connection, {"channel": channel, "user_id": user_id})
    return _remember(ConversationRecord(**rows[0])) if rows else None


def load_or_create(connection: Connection, *, channel: str, user_id: str, address: str,
                   now: datetime) -> ConversationRecord:
    """The person's conversation, created on the first message. Two first messages at once
    (PostgreSQL) cannot both create it: the second insert does nothing and reads the first."""
    record = load(connection, channel=channel, user_id=user_id)
    if record is not None:
        return record
    record = ConversationRecord(id=0, channel=channel, user_id=user_id, address=address, updated_at=now)
    values = {"created_at": now, **{name: getattr(record, name) for name in _COLUMNS if name != "id"}}
    rows = _CREATE[connection.dialect.name].rows(connection, values)
    if not rows:  # someone else's first message won the race: theirs is the row
        record = load(connection, channel=channel, user_id=user_id)
        assert record is not None
        return record
    record.id = rows[0]["id"]
    return _remember(record)


def save(connection: Connection, *, record: ConversationRecord) -> None:
    """Write back what changed since it was read (the row is this transaction's: see `load`)."""
    changed = tuple(name for name in _MUTABLE if getattr(record, name) != record.stored.get(name))
    if changed:
        _save_statement(changed).run(connection, {
            "record_id": record.id, **{f"new_{name}": getattr(record, name) for name in changed}})
        _remember(record)


def message_row(record: ConversationRecord, *, direction: str, text: str, action: str | None,
                topic: str | None, now: datetime) -> dict[str, Any]:
    return {"conversation_id": record.id, "direction": direction, "text": text[:STORED_TEXT_LIMIT],
            "action": action, "topic": topic, "created_at": now}


def append_messages(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """All of a turn's messages in one statement."""
    if rows:
        _APPEND.many(connection, rows)


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


def recent_messages(connection: Connection, *, conversation_id: int, limit: int = 12) -> list[dict[str, Any]]:
    """The conversation's latest messages, newest first (this turn's are stored at its end):
    direction, text, action and topic. Read only for the turns that refer back."""
    rows = connection.execute(select(MESSAGE.c.direction, MESSAGE.c.text, MESSAGE.c.action, MESSAGE.c.topic).where(
        MESSAGE.c.conversation_id == conversation_id).order_by(MESSAGE.c.id.desc()).limit(limit))
    return [dict(row._mapping) for row in rows]
