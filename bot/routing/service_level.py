"""Working hours: service levels are counted in working time, in Stockholm local time, with
weekends, Swedish public holidays (the `holidays` package) and optionally the eves that are
de facto closed (midsommarafton, julafton, nyårsafton) skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from bot.core.clock import STOCKHOLM, as_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVES = ("midsommarafton", "julafton", "nyarsafton")


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> frozenset[date]:
    # holidays.Sweden may list every Sunday as a holiday depending on the version; weekdays
    # are handled separately, so only dated holidays matter here.
    import holidays  # imported when first needed: it is slow to import and `lotsen ask` never needs it

    return frozenset(holidays.Sweden(years=year, include_sundays=False).keys())


def _eve(name: str, year: int) -> date:
    if name == "julafton":
        return date(year, 12, 24)
    if name == "nyarsafton":
        return date(year, 12, 31)
    # Midsommarafton: the Friday between 19 and 25 June.
    day = date(year, 6, 19)
    return day + timedelta(days=(4 - day.weekday()) % 7)


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(8, 0)
    end: time = time(16, 30)
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    closed_eves: tuple[str, ...] = EVES
    extra_closed: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() not in self.days or day in self.extra_closed:
            return False
        if day in _swedish_holidays(day.year):
            return False
        return all(day != _eve(name, day.year) for name in self.closed_eves)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a local date as UTC datetimes, or None on a closed day."""
        if not self.is_working_day(day):
            return None
        opens = datetime.combine(day, self.start, tzinfo=STOCKHOLM)
        closes = datetime.combine(day, self.end, tzinfo=STOCKHOLM)
        return as_utc(opens), as_utc(closes)

    def add(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `start` (aware; returned in UTC)."""
        remaining = timedelta(hours=hours)
        moment = as_utc(start)
        day = moment.astimezone(STOCKHOLM).date()
        for _ in range(3660):
            window = self.window(day)
            if window is not None:
                begin = max(moment, window[0])
                if begin < window[1]:
                    available = window[1] - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
        raise ValueError("no working time within ten years: check the working hours")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments (zero if end is before start)."""
        start, end = as_utc(start), as_utc(end)
        total = timedelta()
        day = start.astimezone(STOCKHOLM).date()
        last = end.astimezone(STOCKHOLM).date()
        while day <= last:
            window = self.window(day)
            if window is not None:
                begin, finish = max(start, window[0]), min(end, window[1])
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total
