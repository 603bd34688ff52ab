"""What the Telegram handlers share: the injected service and the adapter's small memories."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.adapters.dedupe import SeenIds
from bot.adapters.telegram.keys import ChoiceKeys
from bot.core.service import LotsenService

if TYPE_CHECKING:  # pragma: no cover
    from bot.shared.stores import SharedPrompts, SharedSeenIds, SharedStores


@dataclass
class TelegramContext:
    service: LotsenService
    navigator_chat_id: int | None = None
    keys: ChoiceKeys = field(default_factory=ChoiceKeys)
    # Update ids already handled. In process memory until `share` gives the core's store: a
    # webhook delivery that Telegram retries may reach another replica.
    seen_updates: SeenIds | SharedSeenIds = field(default_factory=lambda: SeenIds(max_size=20_000, ttl=24 * 3600))
    # The navigators' "reply" and "add" prompts: prompt message id -> {case, user, verb}. In
    # process memory until `share` gives the core's store: the answer may reach another replica.
    prompts: LocalPrompts | SharedPrompts = field(default_factory=lambda: LocalPrompts())
    _locks: OrderedDict = field(default_factory=OrderedDict)

    def share(self, stores: SharedStores) -> None:
        """Use the core's shared stores (bot.shared, in the database) instead of process memory."""
        self.seen_updates = stores.seen
        self.prompts = stores.prompts

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """One entrepreneur's messages are handled in order, even with concurrent updates."""
        lock = self._locks.pop(chat_id, None) or asyncio.Lock()
        self._locks[chat_id] = lock
        while len(self._locks) > 5_000:
            oldest, old_lock = next(iter(self._locks.items()))
            if old_lock.locked():
                break
            self._locks.pop(oldest)
        return lock



class LocalPrompts:
    """The reply prompts in this process's memory (the 2,000 latest): `SharedPrompts`' interface."""

    def __init__(self, max_size: int = 2_000) -> None:
        self._kept: OrderedDict = OrderedDict()
        self.max_size = max_size

    def remember(self, key: int, value: dict) -> None:
        self._kept[key] = value
        while len(self._kept) > self.max_size:
            self._kept.popitem(last=False)

    def get(self, key: int) -> dict | None:
        return self._kept.get(key)

    def forget(self, key: int) -> None:
        self._kept.pop(key, None)

    def __contains__(self, key: int) -> bool:
        return key in self._kept


def lang_of(language_code: str | None) -> str | None:
    if not language_code:
        return None
    code = language_code.lower()
    return "sv" if code.startswith("sv") else "en" if code.startswith("en") else None
