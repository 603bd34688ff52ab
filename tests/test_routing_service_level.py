"""Working hours in Stockholm with weekends, Swedish public holidays and closed eves."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import holidays

from bot.core.clock import STOCKHOLM
from bot.routing.service_level import WorkingHours


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def test_the_calendar_agrees_with_the_holidays_package():
    sweden = holidays.Sweden(years=2026)
    assert date(2026, 4, 3) in sweden and date(2026, 4, 6) in sweden  # Good Friday, Easter Monday
    assert date(2026, 12, 25) in sweden and date(2026, 12, 26) in sweden
    hours = WorkingHours()
    assert not hours.is_working_day(date(2026, 4, 3)) and not hours.is_working_day(date(2026, 4, 6))
    assert not hours.is_working_day(date(2026, 6, 19))  # midsommarafton (closed eve)
    assert not hours.is_working_day(date(2026, 12, 24))  # julafton
    assert hours.is_working_day(date(2026, 4, 7))
    assert WorkingHours(closed_eves=()).is_working_day(date(2026, 6, 19))


def test_within_a_day_and_over_a_weekend():
    hours = WorkingHours()
    assert hours.add(local(2026, 11, 23, 9, 0), 4) == local(2026, 11, 23, 13, 0)
    # Friday 15:00 + 4 h: 1.5 h on Friday, 2.5 h on Monday.
    assert hours.add(local(2026, 11, 27, 15, 0), 4) == local(2026, 11, 30, 10, 30)
    # Saturday counts nothing: from Monday 08:00.
    assert hours.add(local(2026, 11, 28, 12, 0), 4) == local(2026, 11, 30, 12, 0)


def test_easter_midsummer_and_christmas_are_skipped():
    hours = WorkingHours()
    # Thursday before Good Friday 15:00: Friday, the weekend and Easter Monday are closed.
    assert hours.add(local(2026, 4, 2, 15, 0), 4) == local(2026, 4, 7, 10, 30)
    # Thursday before midsommarafton: the Friday eve and the weekend are closed.
    assert hours.add(local(2026, 6, 18, 15, 0), 4) == local(2026, 6, 22, 10, 30)
    # Wednesday 23 December 2026 15:00: 24th (eve), 25th, 26th, 27th closed → Monday 28th.
    assert hours.add(local(2026, 12, 23, 15, 0), 4) == local(2026, 12, 28, 10, 30)


def test_daylight_saving_time_changes_do_not_shift_working_hours():
    hours = WorkingHours()
    # DST starts Sunday 29 March 2026; Friday 27 March 15:00 + 4 h → Monday 10:30 local (CEST).
    result = hours.add(local(2026, 3, 27, 15, 0), 4)
    assert result == local(2026, 3, 30, 10, 30) and result.tzinfo == timezone.utc
    assert hours.between(local(2026, 3, 27, 15, 0), result) == timedelta(hours=4)
