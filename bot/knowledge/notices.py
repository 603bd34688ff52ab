"""Posts to the navigators' desk that are not about a case: the monthly list of articles due
for review and the weekly digest of what Lotsen could not answer.

Both are outbox rows of kind "desk.notice" like every other message. Each period's post has a
deterministic dedupe key ("kb.review:2026-12:bygg", "kb.gaps:2026-W49") and is inserted with
INSERT ... ON CONFLICT (dedupe_key) DO NOTHING, so however many processes sweep, and however
often they restart, a period's post is one row, and the dispatcher sends a row once.

The gaps digest is written when it is sent, from the messages as they are then, so nothing
people wrote waits in the outbox and an erasure before sending is respected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.clock import STOCKHOLM
from bot.core.ports import Delivery, SendError
from bot.outbox.models import OutboxItem
from bot.storage.rows import new_row, table_of

KIND = "desk.notice"


def enqueue_once(connection: Connection, *, channel: str, payload: dict[str, Any], due_at: datetime,
                 dedupe_key: str, now: datetime) -> bool:
    """Add the period's post unless a row with its key exists (in any process): True if added."""
    make = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    row = new_row(OutboxItem, kind=KIND, channel=channel, payload=payload, due_at=due_at,
                  dedupe_key=dedupe_key, created_at=now)
    statement = make(table_of(OutboxItem)).values(row).on_conflict_do_nothing(
        index_elements=["dedupe_key"]).returning(table_of(OutboxItem).c.id)
    return connection.execute(statement).first() is not None


def existing_keys(db: Any, keys: list[str]) -> set[str]:
    """Which of these dedupe keys the outbox holds already."""
    table = table_of(OutboxItem)
    with db.engine.connect() as connection:
        return set(connection.execute(select(table.c.dedupe_key).where(table.c.dedupe_key.in_(keys))).scalars())


def coordinator_role(rules: Any) -> str:
    """The business office: the coordinating role of the routing rules (`coordinator:`)."""
    return rules.coordinator


def role_mentions(rules: Any, role: str) -> list[dict]:
    """The members of a role, as the desk mentions them (like the case ladder's pings)."""
    found = rules.roles.get(role)
    return [member.as_dict() for member in found.members] if found is not None else []


def first_working_moment(rules: Any, day: date) -> datetime:
    """The first working moment on or after a local date (a weekend or holiday moves it on)."""
    return rules.service_level.hours.add(period_start_local(day), 0)


def period_start_local(day: date) -> datetime:
    """Midnight of a local (Stockholm) date, as an aware datetime."""
    return datetime.combine(day, datetime.min.time(), tzinfo=STOCKHOLM)


def month_start(today: date) -> date:
    return today.replace(day=1)


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def make_notice_handler(*, desks: dict[str, Any],
                        render: dict[str, Callable[[dict], str]] | None = None) -> Callable[[OutboxItem], Delivery]:
    """The "desk.notice" kind: payload {"text"} or {"digest": name, ...} (rendered at send time by
    `render[name]`, which returns the text, or (text, attachment name, attachment bytes)), plus
    "mentions" (the members the post is addressed to)."""
    render = render or {}

    def send(item: OutboxItem) -> Delivery:
        desk = desks.get(item.channel) or (next(iter(desks.values())) if len(desks) == 1 else None)
        if desk is None:
            raise SendError(f"no navigator desk named {item.channel!r} is configured", retryable=False)
        notice = getattr(desk, "notice", None)
        if notice is None:
            raise SendError(f"the {item.channel} desk cannot post notices", retryable=False)
        payload = item.payload or {}
        digest = payload.get("digest")
        attachment = None
        if digest is not None:
            if digest not in render:
                raise SendError(f"no renderer for the {digest!r} digest", retryable=False)
            text = render[digest](payload)
            if isinstance(text, tuple):
                text, *attachment = text
        else:
            text = payload.get("text") or ""
        if not text:
            raise SendError("an empty notice", retryable=False)
        if attachment:
            return notice(text=text, mentions=payload.get("mentions") or None, attachment_name=attachment[0],
                          attachment=attachment[1])
        return notice(text=text, mentions=payload.get("mentions") or None)

    return send
