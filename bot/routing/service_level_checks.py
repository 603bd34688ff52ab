"""The `service_level` section of routing_rules.yaml: the working hours, the time within which a
navigator should take a case, and the re-ping ladder.

The loader's checker mixes these in; every problem names the file and line (`self.problem`).
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from bot.routing.rules import COORDINATOR_STEP, ServiceLevel
from bot.routing.service_level import EVES, WEEKDAYS, WorkingHours

LADDER_STEPS = ("members", "deputy", COORDINATOR_STEP)


class ServiceLevelChecks:
    """Needs `problem(where, message)`, `mapping(...)` and `seq(...)` from the checker."""

    problem: Any
    mapping: Any
    seq: Any

    def hours(self, value: Any, where: tuple) -> WorkingHours | None:
        data = self.mapping(value, where, "working_hours")
        if not data:
            return None
        unknown = set(data) - {"days", "start", "end", "closed_eves", "closed_days"}
        for key in sorted(unknown, key=str):
            self.problem((*where, key), f"working_hours: unknown key {key!r}")
        start, end = self._time(data.get("start", "08:00"), (*where, "start")), \
            self._time(data.get("end", "16:30"), (*where, "end"))
        if start and end and start >= end:
            self.problem(where, f"working_hours: start {start:%H:%M} must be before end {end:%H:%M}")
        days = []
        for i, day in enumerate(self.seq(data.get("days", list(WEEKDAYS[:5])), (*where, "days"), "days")):
            if str(day).lower()[:3] not in WEEKDAYS:
                self.problem((*where, "days", i), f"working_hours: unknown day {day!r}; use mon tue wed thu fri sat sun")
            else:
                days.append(WEEKDAYS.index(str(day).lower()[:3]))
        if not days:
            self.problem((*where, "days"), "working_hours: at least one working day is needed")
        eves = []
        for i, eve in enumerate(self.seq(data.get("closed_eves", list(EVES)), (*where, "closed_eves"), "closed_eves")):
            if eve not in EVES:
                self.problem((*where, "closed_eves", i), f"working_hours: unknown eve {eve!r}; use {' '.join(EVES)}")
            else:
                eves.append(eve)
        closed = set()
        for i, day in enumerate(self.seq(data.get("closed_days"), (*where, "closed_days"), "closed_days")):
            if isinstance(day, date):
                closed.add(day)
            else:
                self.problem((*where, "closed_days", i), f"working_hours: {day!r} is not a date (YYYY-MM-DD)")
        if not (start and end and days) or (start >= end):
            return None
        return WorkingHours(start=start, end=end, days=tuple(sorted(set(days))), closed_eves=tuple(eves),
                            extra_closed=frozenset(closed))

    def _time(self, value: Any, where: tuple) -> time | None:
        if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 08:00 as sexagesimal
            value = f"{value // 60:02d}:{value % 60:02d}"
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", str(value).strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.problem(where, f"working_hours: {value!r} is not a time like \"08:00\"")
            return None
        return time(int(match[1]), int(match[2]))

    def service_level(self, value: Any, coordinator: str) -> ServiceLevel:
        where = ("service_level",)
        data = self.mapping(value, where, "service_level")
        for key in sorted(set(data) - {"acknowledge_within_hours", "working_hours", "ladder"}, key=str):
            self.problem((*where, key), f"service_level: unknown key {key!r}")
        hours = data.get("acknowledge_within_hours", 4)
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 200:
            self.problem((*where, "acknowledge_within_hours"),
                         "service_level: acknowledge_within_hours must be a number of working hours above 0")
            hours = 4
        steps = []
        for i, step in enumerate(self.seq(data.get("ladder", list(LADDER_STEPS)), (*where, "ladder"), "ladder")):
            if coordinator and step == coordinator:  # older files name the coordinator's role
                step = COORDINATOR_STEP
            if step not in LADDER_STEPS:
                self.problem((*where, "ladder", i), f"service_level: unknown ladder step {step!r}; "
                                                    f"use {', '.join(LADDER_STEPS)}")
            else:
                steps.append(step)
        working = self.hours(data.get("working_hours"), (*where, "working_hours")) or WorkingHours()
        return ServiceLevel(acknowledge_hours=float(hours), hours=working, ladder=tuple(steps))
