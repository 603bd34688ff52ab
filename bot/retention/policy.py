"""The retention policy, read from the municipality profile (knowledge/municipality.yaml):

    retention:
      question_months: 12        # conversations with questions only: deleted this long after the last message
      closed_cases: keep         # keep | anonymise | delete, closed_case_months after a case was closed
      closed_case_months: 24     # needed unless closed_cases is keep

The section is optional; without it questions go after 12 months and cases are kept (a case
is an official document, and the municipality's records policy, its dokumenthanteringsplan,
says when it may be thinned out).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

CASE_ACTIONS = ("keep", "anonymise", "delete")
DEFAULT_QUESTION_MONTHS = 12


@dataclass(frozen=True)
class RetentionPolicy:
    question_months: int = DEFAULT_QUESTION_MONTHS
    closed_cases: str = "keep"
    closed_case_months: int | None = None

    def questions_before(self, now: datetime) -> datetime:
        """Conversations whose last message is older than this are due."""
        return months_before(now, self.question_months)

    def closed_before(self, now: datetime) -> datetime | None:
        """Cases closed before this are due, or None when cases are kept."""
        if self.closed_cases == "keep" or self.closed_case_months is None:
            return None
        return months_before(now, self.closed_case_months)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def parse_policy(profile_data: Mapping[str, Any]) -> tuple[RetentionPolicy, list[str]]:
    """The policy in a profile's data, and a line per problem (for `lotsen kb check`)."""
    section = profile_data.get("retention")
    if section is None:
        return RetentionPolicy(), []
    if not isinstance(section, Mapping):
        return RetentionPolicy(), ["'retention' must be a mapping (question_months, closed_cases, closed_case_months)"]
    problems: list[str] = []
    unknown = sorted(set(section) - {"question_months", "closed_cases", "closed_case_months"})
    if unknown:
        problems.append(f"unknown key(s) in 'retention': {', '.join(map(str, unknown))}")
    question_months = _months(section, "question_months", problems, default=DEFAULT_QUESTION_MONTHS)
    action = section.get("closed_cases", "keep")
    if action not in CASE_ACTIONS:
        problems.append(f"'retention.closed_cases' must be one of {', '.join(CASE_ACTIONS)}, not {action!r}")
        action = "keep"
    case_months = _months(section, "closed_case_months", problems, default=None)
    if action != "keep" and case_months is None:
        problems.append(f"'retention.closed_case_months' is needed when closed cases are to be {action}d")
        action = "keep"
    return RetentionPolicy(question_months=question_months or DEFAULT_QUESTION_MONTHS, closed_cases=action,
                           closed_case_months=case_months), problems


def _months(section: Mapping[str, Any], key: str, problems: list[str], *, default: int | None) -> int | None:
    value = section.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1200:
        problems.append(f"'retention.{key}' must be a whole number of months (1 to 1200), not {value!r}")
        return default
    return value
