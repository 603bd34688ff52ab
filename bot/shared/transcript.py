"""A channel's own transcript of each person's conversation, and shared secrets.

The web chat shows the conversation again after a reload, in another tab and on another
replica; the conversation engine's messages are the core's record, this is what the channel
showed. Every operation is one short statement; the live streams of all replicas follow the
table by `id` (`changed_since`). Erasure (bot.app, "glöm mig") deletes a person's lines with the
rest of their data.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.shared.models import SharedSecret, TranscriptEntry
from bot.storage.db import Database
from bot.storage.rows import table_of

_LINES = table_of(TranscriptEntry)
_SECRETS = table_of(SharedSecret)
_COLUMNS = (_LINES.c.id, _LINES.c.kind, _LINES.c.text, _LINES.c.data, _LINES.c.created_at)
_INSERT = _LINES.insert()


def _as_dict(row) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "text": row.text, "data": dict(row.data or {}),
            "at": row.created_at.isoformat()}


def append(db: Database, *, channel: str, person: str, lines: Iterable[tuple[str, str, dict]],
           now: datetime) -> list[dict[str, Any]]:
    """Add lines (kind, text, data) in order, in one transaction; returns them with their ids."""
    rows = [{"channel": channel, "person": person[:64], "kind": kind, "text": text, "data": data, "created_at": now}
            for kind, text, data in lines]
    if not rows:
        return []
    with db.unit() as unit:  # one statement (several rows with RETURNING), compiled once and cached
        found = unit.connection.execute(_INSERT.returning(*_COLUMNS, sort_by_parameter_order=True), rows).all()
    return [_as_dict(row) for row in found]


def since(db: Database, *, channel: str, person: str, after: int = 0, limit: int = 200) -> list[dict[str, Any]]:
    """The person's lines after `after` (oldest first); with `after=0` the last `limit` lines."""
    where = (_LINES.c.channel == channel, _LINES.c.person == person[:64], _LINES.c.id > after)
    with db.engine.connect() as connection:
        if after:
            rows = connection.execute(select(*_COLUMNS).where(*where).order_by(_LINES.c.id).limit(limit)).all()
        else:
            rows = list(reversed(connection.execute(
                select(*_COLUMNS).where(*where).order_by(_LINES.c.id.desc()).limit(limit)).all()))
    return [_as_dict(row) for row in rows]


def line(db: Database, *, channel: str, person: str, line_id: int) -> dict[str, Any] | None:
    """One of the person's lines (an attachment's download), None if it is not theirs."""
    with db.engine.connect() as connection:
        row = connection.execute(select(*_COLUMNS).where(_LINES.c.channel == channel, _LINES.c.person == person[:64],
                                                         _LINES.c.id == line_id)).first()
    return _as_dict(row) if row is not None else None


def changed_since(db: Database, *, channel: str, after: int) -> tuple[int, set[str]]:
    """The newest id of the channel and the people with lines after `after` (what a replica's
    live streams must look at). `after=-1` (a first look) only gives the newest id."""
    with db.engine.connect() as connection:
        newest = connection.execute(select(func.max(_LINES.c.id))).scalar() or 0
        if after < 0:  # a first look only sets the mark
            return newest, set()
        if newest <= after:
            return after, set()
        people = {row.person for row in connection.execute(
            select(_LINES.c.person).where(_LINES.c.channel == channel, _LINES.c.id > after, _LINES.c.id <= newest)
            .distinct())}
    return newest, people


def erase(connection, *, channel: str, person: str) -> int:
    """Delete the person's lines, inside the caller's transaction (the erasure's)."""
    return connection.execute(delete(_LINES).where(_LINES.c.channel == channel,
                                                   _LINES.c.person == person[:64])).rowcount or 0


def purge_before(db: Database, *, before: datetime) -> int:
    with db.unit() as unit:
        return unit.connection.execute(delete(_LINES).where(_LINES.c.created_at < before)).rowcount or 0


def shared_secret(db: Database, *, name: str, now: datetime) -> str:
    """The random value named `name`, made by whichever replica asks first."""
    make = sqlite_insert if db.is_sqlite else pg_insert
    with db.unit() as unit:
        unit.connection.execute(make(_SECRETS).values(name=name, value=secrets.token_urlsafe(48), created_at=now)
                                .on_conflict_do_nothing(index_elements=["name"]))
        return unit.connection.execute(select(_SECRETS.c.value).where(_SECRETS.c.name == name)).scalar_one()
