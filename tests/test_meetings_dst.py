"""Reminders across the daylight-saving changes (last Sunday of March and October): "7 days
before" and "1 day before" keep the meeting's local clock time, and a clock moved across the
change fires them at that local time through the real dispatcher."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.clock import STOCKHOLM, ManualClock
from bot.core.ports import Delivery
from bot.meetings import service
from bot.meetings.times import parse_local, reminder_due
from bot.meetings.validation import known_tags
from tests.knowledge_support import shipped_roles
from bot.outbox.dispatcher import OutboxDispatcher


def local_naive(value: datetime) -> datetime:
    return value.astimezone(STOCKHOLM).replace(tzinfo=None)


@pytest.mark.parametrize("start, offset, expected", [
    # Spring forward 2026-03-29: a CEST meeting reminded in CET keeps 09:00.
    ("2026-03-30 09:00", "7d", datetime(2026, 3, 23, 9, 0)),
    ("2026-03-30 09:00", "1d", datetime(2026, 3, 29, 9, 0)),
    # Fall back 2026-10-25.
    ("2026-10-26 09:00", "1d", datetime(2026, 10, 25, 9, 0)),
    ("2026-10-30 09:00", "7d", datetime(2026, 10, 23, 9, 0)),
    ("2027-03-29 08:30", "7d", datetime(2027, 3, 22, 8, 30)),
    ("2027-10-31 10:00", "1d", datetime(2027, 10, 30, 10, 0)),
    ("2027-11-01 10:00", "7d", datetime(2027, 10, 25, 10, 0)),
])
def test_day_reminders_keep_the_local_clock_time(start, offset, expected):
    assert local_naive(reminder_due(parse_local(start), offset)) == expected


def test_hour_reminders_are_elapsed_time_across_the_change():
    start = parse_local("2026-03-29 05:00")  # CEST; 02:00-03:00 did not exist that night
    due = reminder_due(start, "4h")
    assert start - due == timedelta(hours=4)
    assert local_naive(due) == datetime(2026, 3, 29, 0, 0)


@pytest.mark.parametrize("start_local, reminders", [
    (datetime(2026, 10, 26, 9, 0), {"7d": datetime(2026, 10, 19, 9, 0), "1d": datetime(2026, 10, 25, 9, 0)}),
    (datetime(2027, 3, 29, 9, 0), {"7d": datetime(2027, 3, 22, 9, 0), "1d": datetime(2027, 3, 28, 9, 0)}),
])
def test_a_clock_moved_across_the_change_fires_at_the_right_local_time(db, start_local, reminders):
    clock = ManualClock((start_local - timedelta(days=10)).replace(tzinfo=STOCKHOLM))
    with db.session() as session:
        meeting = service.create_meeting(session, actor="anna", clock=clock, known_tags=known_tags(shipped_roles()), fields={
            "title_sv": "Frukostmöte", "kind": "frukost", "place": "Hotellet",
            "starts_at": start_local.replace(tzinfo=STOCKHOLM), "ends_at": (start_local + timedelta(hours=1)).replace(tzinfo=STOCKHOLM)})
        service.sign_up(session, meeting_id=meeting.id, channel="telegram", address="c1", user_id="u1", clock=clock)
    fired: dict[str, datetime] = {}

    def send(item):
        fired[item.dedupe_key.rsplit(":", 1)[1]] = local_naive(clock.now())
        return Delivery(ok=True)

    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send})
    end = meeting.starts_at
    while clock.now() < end:  # a sweep every 15 minutes of (manual) time, UTC steps
        dispatcher.run_once()
        clock.advance(minutes=15)
    assert fired == reminders
