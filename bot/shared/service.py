"""Reading and writing the shared state. Every operation is one atomic statement, so two
replicas racing on the same event or token get one answer each and never both "first"."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.shared.models import KeptValue, SeenEvent
from bot.storage.db import Database
from bot.storage.rows import table_of

_SEEN = table_of(SeenEvent)
_KEPT = table_of(KeptValue)


def claim_once(db: Database, *, scope: str, key: str, now: datetime, ttl: timedelta) -> bool:
    """True the first time `key` is seen in `scope` (or once its memory has expired), False
    for a repeat, in whichever process it was seen first."""
    make = sqlite_insert if db.is_sqlite else pg_insert
    insert = make(_SEEN).values(scope=scope, key=key[:200], seen_at=now, expires_at=now + ttl)
    statement = insert.on_conflict_do_update(
        index_elements=["scope", "key"], set_={"seen_at": now, "expires_at": now + ttl},
        where=_SEEN.c.expires_at <= now).returning(_SEEN.c.key)
    with db.unit() as unit:
        return unit.connection.execute(statement).first() is not None


def forget(db: Database, *, scope: str, key: str) -> None:
    """Forget `key` (its handling failed), so that the platform's retry is handled."""
    with db.unit() as unit:
        unit.connection.execute(delete(_SEEN).where(_SEEN.c.scope == scope, _SEEN.c.key == key[:200]))


def keep(db: Database, *, scope: str, owner: str, data: dict[str, Any], now: datetime, ttl: timedelta,
         token: str | None = None) -> str:
    """Keep `data` for `owner`; returns the token that refers to it: a new random one (16
    characters), or `token` when the caller has a key of its own (kept again, it is replaced)."""
    token = secrets.token_urlsafe(12) if token is None else token[:64]
    values = {"scope": scope, "owner": str(owner)[:128], "data": data, "created_at": now, "expires_at": now + ttl}
    make = sqlite_insert if db.is_sqlite else pg_insert
    with db.unit() as unit:
        unit.connection.execute(make(_KEPT).values(token=token, **values)
                                .on_conflict_do_update(index_elements=["token"], set_=values))
    return token


def look(db: Database, *, scope: str, token: str, owner: str, now: datetime) -> dict[str, Any] | None:
    """The value behind `token` if it is `owner`'s and has not expired; it stays kept."""
    with db.engine.connect() as connection:
        row = connection.execute(select(_KEPT.c.data).where(*_mine(scope, token, owner, now))).first()
    return dict(row.data) if row is not None else None


def take(db: Database, *, scope: str, token: str, owner: str, now: datetime) -> dict[str, Any] | None:
    """Like `look`, and the value is gone afterwards: of two replicas taking it at once, one
    gets it."""
    with db.unit() as unit:
        row = unit.connection.execute(delete(_KEPT).where(*_mine(scope, token, owner, now))
                                 .returning(_KEPT.c.data)).first()
    return dict(row.data) if row is not None else None


def purge_expired(db: Database, *, now: datetime) -> int:
    """Delete what has expired; run by the scheduler."""
    with db.unit() as unit:
        seen = unit.connection.execute(delete(_SEEN).where(_SEEN.c.expires_at <= now)).rowcount or 0
        kept = unit.connection.execute(delete(_KEPT).where(_KEPT.c.expires_at <= now)).rowcount or 0
    return seen + kept


def _mine(scope: str, token: str, owner: str, now: datetime) -> tuple:
    return (_KEPT.c.token == (token or "")[:64], _KEPT.c.scope == scope, _KEPT.c.owner == str(owner)[:128],
            _KEPT.c.expires_at > now)
