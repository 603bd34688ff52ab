"""Callback data is a short key, looked up server-side; whatever a client sends is never trusted.

Entrepreneurs' buttons (clarifications, consent) get a random token bound to the chat it was
sent to; the core's `Button.key` stays on the server. Navigators' buttons carry a verb from a
fixed vocabulary and a case number, both validated here; the core then decides whether the
person pressing may act at all.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from bot.core.actions import OUTCOMES

NAV_VERBS = ("claim", "reply", "close", "meeting")
_CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class ChoiceKeys:
    """token -> (chat id, the core's button key); bounded, oldest forgotten first."""

    def __init__(self, max_size: int = 50_000) -> None:
        self._keys: OrderedDict[str, tuple[str, str, str]] = OrderedDict()
        self._max = max_size
        self._lock = threading.Lock()

    def issue(self, chat_id: str, key: str, label: str) -> str:
        token = "e:" + secrets.token_urlsafe(9)
        with self._lock:
            self._keys[token] = (str(chat_id), key, label)
            while len(self._keys) > self._max:
                self._keys.popitem(last=False)
        return token

    def resolve(self, chat_id: str, token: str) -> tuple[str, str] | None:
        """(key, label) when `token` was issued to this chat; None otherwise."""
        with self._lock:
            entry = self._keys.get(token)
        if entry is None or entry[0] != str(chat_id):
            return None
        return entry[1], entry[2]


@dataclass(frozen=True)
class NavPress:
    verb: str  # claim | reply | close | meeting | outcome | back
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
        return NavPress(verb, number) if _CASE_NUMBER.match(number) else None
    if len(parts) == 4 and parts[:2] == ["n", "o"] and parts[2].isdigit():
        index, number = int(parts[2]), parts[3]
        if index < len(OUTCOMES) and _CASE_NUMBER.match(number):
            return NavPress("outcome", number, OUTCOMES[index])
    return None
