"""Local (Europe/Stockholm) time for meetings: parsing what people type, formatting, and
reminder times that keep the local clock time across daylight-saving changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.core.clock import STOCKHOLM
from bot.locales import msg, words
from bot.meetings.errors import MeetingError

_OFFSET = re.compile(r"^(\d{1,3})([dhm])$")


def parse_local(text: str) -> datetime:
    """"2026-12-03 08:00" (Stockholm local time) or ISO 8601 with an offset → aware UTC.
    A local time that does not exist (the hour skipped in March) is refused."""
    raw = (text or "").strip()
    try:
        value = datetime.fromisoformat(raw.replace("T", " ", 1) if "T" in raw else raw)
    except ValueError:
        raise MeetingError("bad_time", raw) from None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return local_to_utc(value, original=raw)


def local_to_utc(naive: datetime, *, original: str | None = None) -> datetime:
    aware = naive.replace(tzinfo=STOCKHOLM)
    back = aware.astimezone(UTC).astimezone(STOCKHOLM).replace(tzinfo=None)
    if back != naive:
        raise MeetingError("bad_time", original or naive.isoformat(sep=" ", timespec="minutes"))
    return aware.astimezone(UTC)


def parse_offset(offset: str) -> timedelta:
    match = _OFFSET.match((offset or "").strip())
    if not match or int(match.group(1)) == 0:
        raise MeetingError("bad_reminder", str(offset))
    amount, unit = int(match.group(1)), match.group(2)
    return {"d": timedelta(days=amount), "h": timedelta(hours=amount), "m": timedelta(minutes=amount)}[unit]


def reminder_due(starts_at: datetime, offset: str) -> datetime:
    """When a reminder `offset` ("7d", "1d", "2h") before `starts_at` is due, in UTC.
    Days are calendar days at the same local clock time (a 09:00 meeting is reminded at 09:00
    a week before, also across a daylight-saving change); hours and minutes are elapsed time."""
    delta = parse_offset(offset)
    if offset.strip().endswith("d"):
        local = starts_at.astimezone(STOCKHOLM).replace(tzinfo=None) - delta
        return local.replace(tzinfo=STOCKHOLM).astimezone(UTC)
    return starts_at.astimezone(UTC) - delta


def to_local(value: datetime) -> datetime:
    return value.astimezone(STOCKHOLM)


def format_local(value: datetime, lang: str = "sv", *, end: datetime | None = None) -> str:
    """"tor 3 dec 2026 kl. 08.00–09.30" / "Thu 3 Dec 2026, 08:00–09:30"."""
    local = to_local(value)
    day = (f"{words(lang, 'meetings.time.short_days')[local.weekday()]} {local.day} "
           f"{words(lang, 'meetings.time.short_months')[local.month - 1]} {local.year}")
    clock = msg(lang, "meetings.time.clock", hour=local.hour, minute=local.minute)
    if end is not None:
        local_end = to_local(end)
        clock += "–" + msg(lang, "meetings.time.clock", hour=local_end.hour, minute=local_end.minute)
    return msg(lang, "meetings.time.meeting", date=day, clock=clock)


def format_input(value: datetime) -> str:
    """The form the CLI accepts back: "2026-12-03 08:00" local."""
    return to_local(value).strftime("%Y-%m-%d %H:%M")
