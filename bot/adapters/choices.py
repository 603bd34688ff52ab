"""Entrepreneurs' buttons (clarifications, consent), shared by the channels.

A button's data is the core's `Button.key` with a signature (HMAC-SHA256) over the chat it was
sent to and the key. Nothing a client sends is taken unless we made it for that chat, and with
a stable secret (derived from the channel's own token, see `derive_secret`) a button still
works after a restart or in another process. A key too long for Telegram's 64 bytes gets a
random token remembered in this process instead (it expires politely on restart). Slack's
buttons take 2,000 characters, so every Slack key is signed and nothing of Slack's is remembered:
any replica resolves any Slack button.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict

MAX_DATA_BYTES = 64  # Telegram's limit for callback data
SLACK_VALUE_CHARS = 2000  # Slack's limit for a button's value: every key fits signed, nothing is remembered
_SIGNED = "c:"
_REMEMBERED = "e:"


def derive_secret(purpose: str, material: str) -> bytes:
    """A key for one purpose from a secret the deployment already has (a bot token, a signing
    secret), so that nothing new has to be configured and the secret itself is never reused."""
    return hmac.new(material.encode(), f"lotsen:{purpose}".encode(), hashlib.sha256).digest()


class ChoiceKeys:
    """Issue and check button data for one channel. Without a secret, one is made for this
    process (buttons then expire when it restarts)."""

    def __init__(self, secret: bytes | None = None, *, max_remembered: int = 50_000,
                 max_bytes: int = MAX_DATA_BYTES) -> None:
        self._secret = secret or secrets.token_bytes(32)
        self._max_bytes = max_bytes
        self._remembered: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._max = max_remembered
        self._lock = threading.Lock()

    def _signature(self, chat_id: str, key: str) -> str:
        digest = hmac.new(self._secret, f"{chat_id}\n{key}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:12]).decode()  # 96 bits, 16 characters

    def issue(self, chat_id: str, key: str) -> str:
        token = f"{_SIGNED}{key}:{self._signature(str(chat_id), key)}"
        if len(token.encode()) <= self._max_bytes:
            return token
        token = _REMEMBERED + secrets.token_urlsafe(9)
        with self._lock:
            self._remembered[token] = (str(chat_id), key)
            while len(self._remembered) > self._max:
                self._remembered.popitem(last=False)
        return token

    def resolve(self, chat_id: str, token: str) -> str | None:
        """The core's key when `token` was issued to this chat; None otherwise (forged, for
        another chat, or remembered by a process that has since restarted)."""
        token = token or ""
        if token.startswith(_SIGNED):
            key, _, signature = token[len(_SIGNED):].rpartition(":")
            if key and hmac.compare_digest(signature.encode(), self._signature(str(chat_id), key).encode()):
                return key
            return None
        with self._lock:
            entry = self._remembered.get(token)
        return entry[1] if entry is not None and entry[0] == str(chat_id) else None


_CASE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def valid_case_number(value: str | None) -> bool:
    """A case number as it may appear in button data (checked; the core checks the rest)."""
    return value is not None and bool(_CASE_NUMBER.match(value))
