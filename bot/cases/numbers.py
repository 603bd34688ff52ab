"""Case numbers: L-<year>-<4 digits>, sequential per year (Stockholm time).

A counter row per year is incremented with UPDATE ... RETURNING in the transaction that
creates the case: on PostgreSQL the row lock serialises concurrent creators, on SQLite the
single writer does. The first case of a year inserts the row inside a savepoint; if another
process inserted it first, the unique key makes us fall back to the update. The unique
constraint on (year, seq) is the last line of defence.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, update
from sqlalchemy.exc import IntegrityError

from bot.cases.models import CaseCounter
from bot.core.clock import STOCKHOLM
from bot.storage.rows import table_of

_COUNTER = table_of(CaseCounter)
_BUMP = (update(_COUNTER).where(_COUNTER.c.year == bindparam("counter_year"))
         .values(last=_COUNTER.c.last + 1).returning(_COUNTER.c.last))
NUMBER = re.compile(r"^L-(\d{4})-(\d{4,})$")


def format_number(year: int, seq: int) -> str:
    return f"L-{year}-{seq:04d}"


def normalise_number(text: str) -> str | None:
    """"l-2026-42" or " L-2026-0042 " → "L-2026-0042"; anything else → None."""
    match = re.fullmatch(r"\s*[Ll]-?(\d{4})-(\d{1,6})\s*", text or "")
    return format_number(int(match[1]), int(match[2])) if match else None


def next_number(connection: Connection, *, now: datetime) -> tuple[int, int, str]:
    year = now.astimezone(STOCKHOLM).year
    seq = connection.execute(_BUMP, {"counter_year": year}).scalar_one_or_none()
    if seq is None:
        try:
            with connection.begin_nested():
                connection.execute(insert(_COUNTER).values(year=year, last=0))
        except IntegrityError:
            pass  # another process created this year's counter first
        seq = connection.execute(_BUMP, {"counter_year": year}).scalar_one()
    return year, seq, format_number(year, seq)
