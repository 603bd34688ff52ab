"""A bounded, time-limited memory of ids already handled (Telegram update_id, Slack event_id).

Platforms redeliver: Telegram after a webhook timeout, Slack up to three times when the
acknowledgement was late or lost. An id is *claimed* when handling starts; if handling fails
it is *released*, so the platform's retry is handled instead of dropped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class SeenIds:
    def __init__(self, *, max_size: int = 10_000, ttl: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._max_size = max_size
        self._ttl = ttl
        self._clock = clock
        self._seen: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: Hashable) -> bool:
        """True the first time `key` is seen (within the TTL); False for a duplicate."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            if key in self._seen:
                return False
            self._seen[key] = now
            while len(self._seen) > self._max_size:
                self._seen.popitem(last=False)
            return True

    def release(self, key: Hashable) -> None:
        """Forget `key` (its handling failed), so a redelivery is handled."""
        with self._lock:
            self._seen.pop(key, None)

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, when = next(iter(self._seen.items()))
            if now - when < self._ttl:
                break
            self._seen.popitem(last=False)
