"""Server-side keys for entrepreneurs' buttons (clarifications, consent), shared by the channels.

A button carries a random token bound to the chat it was sent to; the core's `Button.key`
stays on the server, so nothing a client sends is taken as anything but a lookup key.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict


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


_CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def valid_case_number(value: str | None) -> bool:
    """A case number as it may appear in button data (checked; the core checks the rest)."""
    return bool(value) and bool(_CASE_NUMBER.match(value))
