"""Waking the live streams (Server-Sent Events) when a person's transcript grows.

A line written in this process (a reply, the outbox's `send`) wakes that person's streams at
once. Lines written by another replica are found by one poll per interval for the whole process
(`changed_since`: the people with new lines), only while streams are open. Streams run on the
HTTP server's event loop; `notify` may be called from any thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Waiter:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()

    def wake(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:  # the loop has closed: nobody is waiting any more
            pass


class Hub:
    def __init__(self, *, changed_since: Callable[[int], tuple[int, set[str]]] | None = None,
                 poll_seconds: float = 1.0) -> None:
        self._waiters: dict[str, set[Waiter]] = {}
        self._lock = threading.Lock()
        self._changed_since = changed_since
        self._poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.closed = False

    # -- streams ---------------------------------------------------------------------------
    def subscribe(self, person: str) -> Waiter:
        waiter = Waiter(asyncio.get_running_loop())
        with self._lock:
            self._waiters.setdefault(person, set()).add(waiter)
        return waiter

    def unsubscribe(self, person: str, waiter: Waiter) -> None:
        with self._lock:
            waiters = self._waiters.get(person)
            if waiters is not None:
                waiters.discard(waiter)
                if not waiters:
                    del self._waiters[person]

    def count(self, person: str | None = None) -> int:
        with self._lock:
            if person is not None:
                return len(self._waiters.get(person, ()))
            return sum(len(w) for w in self._waiters.values())

    def notify(self, person: str) -> None:
        with self._lock:
            waiters = list(self._waiters.get(person, ()))
        for waiter in waiters:
            waiter.wake()

    # -- other replicas --------------------------------------------------------------------
    def start(self, since: int = -1) -> None:
        if self._changed_since is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._poll, args=(since,), name="lotsen-web-hub", daemon=True)
        self._thread.start()

    def _poll(self, last: int) -> None:
        while not self._stop.wait(self._poll_seconds):
            if not self.count():
                last = -1  # nothing open: ask nothing; a new stream reads its own lines first
                continue
            try:
                changed_since = self._changed_since
                if changed_since is None:  # start() does not run the thread without it
                    return
                last, people = changed_since(last)
            except Exception as exc:  # the database blinked: the streams poll again next time
                log.warning("web chat: could not look for new lines (%s)", type(exc).__name__)
                continue
            for person in people:
                self.notify(person)

    def close(self) -> None:
        """End every stream (the server is stopping) and the poll."""
        self.closed = True
        self._stop.set()
        with self._lock:
            waiters = [w for ws in self._waiters.values() for w in ws]
        for waiter in waiters:
            waiter.wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
