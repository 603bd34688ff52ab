"""Callback data is a short key, looked up server-side; whatever a client sends is never trusted.

Entrepreneurs' buttons (clarifications, consent) get a random token bound to the chat it was
sent to; the core's `Button.key` stays on the server. Navigators' buttons carry a verb from a
fixed vocabulary and a case number, both validated here; the core then decides whether the
person pressing may act at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.choices import ChoiceKeys, valid_case_number  # noqa: F401 - ChoiceKeys re-exported
from bot.core.actions import OUTCOMES

NAV_VERBS = ("claim", "reply", "close", "meeting", "add")


@dataclass(frozen=True)
class NavPress:
    verb: str  # claim | reply | close | meeting | add | outcome | back
    case_number: str
    outcome: str | None = None


def nav_data(verb: str, case_number: str, outcome: str | None = None) -> str:
    if outcome is not None:
        return f"n:o:{OUTCOMES.index(outcome)}:{case_number}"
    return f"n:{verb}:{case_number}"


def parse_nav(data: str) -> NavPress | None:
    parts = (data or "").split(":")
    if len(parts) == 3 and parts[0] == "n" and (parts[1] in NAV_VERBS or parts[1] == "back"):
        verb, number = parts[1], parts[2]
        return NavPress(verb, number) if valid_case_number(number) else None
    if len(parts) == 4 and parts[:2] == ["n", "o"] and parts[2].isdigit():
        index, number = int(parts[2]), parts[3]
        if index < len(OUTCOMES) and valid_case_number(number):
            return NavPress("outcome", number, OUTCOMES[index])
    return None
