"""Rate limits for the web chat: a token bucket per key (a session, a client address).

In process memory: each replica limits what reaches it. Bounded: the least recently used keys
are forgotten beyond `max_keys` (a forgotten key starts with a full bucket, so forgetting only
ever lets through, never refuses).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    burst: int  # requests at once
    per_second: float  # refill


class RateLimiter:
    def __init__(self, limit: Limit, *, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self._max, self._clock = limit, max_keys, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (float(self.limit.burst), now))
            tokens = min(float(self.limit.burst), tokens + (now - then) * self.limit.per_second)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return allowed


@dataclass(frozen=True)
class Limits:
    """The web chat's limits; a deployment under load tests (benchmarks) passes its own."""

    per_session: Limit = Limit(burst=10, per_second=0.5)  # 30 messages a minute after a burst of 10
    per_address: Limit = Limit(burst=60, per_second=2.0)  # an office behind one address
    new_sessions: Limit = Limit(burst=20, per_second=0.2)  # sessions minted per address
    max_text: int = 2000  # characters in one message
    max_body: int = 16_000  # bytes of one post
    streams_per_session: int = 4
    max_streams: int = 5000
