"""Outbound pacing within Telegram's limits, as strict sliding windows.

Telegram allows about 30 messages per second overall, one per second in a chat and 20 per
minute in a group. PTB's AIORateLimiter uses leaky buckets (which let a burst exceed a
window) and does not pace private chats at all, so this limiter keeps, per window, the times
of the last sends and waits until one more fits. A small margin absorbs network jitter. A 429
(`RetryAfter`) pauses every send for the time Telegram asks, then the request is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import deque
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Methods that post or change a message in a chat: what Telegram's limits are about.
PACED_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "sendAudio", "sendVideo",
                           "sendMediaGroup", "copyMessage", "forwardMessage", "editMessageText",
                           "editMessageReplyMarkup", "editMessageCaption"})


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds to wait, whether PTB hands an int or (from v23) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


class _Window:
    """At most `count` sends per `period`. A send occupies a slot from the moment it starts;
    its time is recorded when Telegram's answer arrives, which is never earlier than when
    Telegram counted it, so network latency can only make the pacing safer, never break it."""

    __slots__ = ("count", "period", "times", "in_flight")

    def __init__(self, count: int, period: float) -> None:
        self.count, self.period, self.in_flight = count, period, 0
        self.times: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self.times and now - self.times[0] >= self.period:
            self.times.popleft()
        if len(self.times) + self.in_flight < self.count:
            return 0.0
        if self.times:
            return max(self.times[0] + self.period - now, 0.005)
        return 0.02  # every slot is a send still in flight: look again shortly


class PacedRateLimiter(BaseRateLimiter[int]):
    def __init__(self, *, overall: tuple[int, float] = (30, 1.0), per_chat: tuple[int, float] = (1, 1.0),
                 per_group: tuple[int, float] = (20, 60.0), margin: float = 0.02,
                 max_retries: int = 3) -> None:
        self._overall_spec, self._chat_spec, self._group_spec = overall, per_chat, per_group
        self._margin = margin
        self._max_retries = max_retries
        self._overall = self._window(overall)
        self._chats: dict[Any, _Window] = {}
        self._groups: dict[Any, _Window] = {}
        self._resume_at = 0.0
        self.retries = 0  # 429s honoured (for the benchmark and logs)

    def _window(self, spec: tuple[int, float]) -> _Window:
        count, period = spec
        return _Window(count, period * (1 + self._margin) + self._margin)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def _windows_for(self, chat_id: Any) -> list[_Window]:
        windows = [self._overall]
        if chat_id is None:
            return windows
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        if len(self._chats) > 10_000:  # forget idle chats
            self._chats = {k: w for k, w in self._chats.items() if w.wait_time(time.monotonic()) > 0}
        windows.append(self._chats.setdefault(chat_id, self._window(self._chat_spec)))
        if isinstance(chat_id, str) or chat_id < 0:  # groups, supergroups and channels
            windows.append(self._groups.setdefault(chat_id, self._window(self._group_spec)))
        return windows

    async def _acquire(self, windows: list[_Window]) -> None:
        while True:
            now = time.monotonic()
            wait = max([self._resume_at - now] + [w.wait_time(now) for w in windows])
            if wait <= 0:
                for window in windows:
                    window.in_flight += 1
                return
            await asyncio.sleep(wait)

    @staticmethod
    def _release(windows: list[_Window]) -> None:
        done = time.monotonic()
        for window in windows:
            window.in_flight -= 1
            window.times.append(done)

    async def process_request(self, callback, args, kwargs, endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None):
        max_retries = self._max_retries if rate_limit_args is None else rate_limit_args
        paced = endpoint in PACED_METHODS
        windows = self._windows_for(data.get("chat_id")) if paced else []
        for attempt in range(max_retries + 1):
            if paced:
                await self._acquire(windows)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == max_retries:
                    raise
                self.retries += 1
                delay = retry_seconds(exc)
                log.info("telegram: 429 on %s, waiting %.1f s as asked", endpoint, delay)
                self._resume_at = max(self._resume_at, time.monotonic() + delay + 0.1)
            finally:
                if paced:
                    self._release(windows)  # the send is over: its slot is timed from now
            await asyncio.sleep(delay + 0.1)
        raise AssertionError("unreachable")
