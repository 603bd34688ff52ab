"""Leases on claimed outbox rows: short, owned, and renewed by a heartbeat while the owner lives.

A dispatcher claims rows under its own name (`lease_owner`, one per dispatcher: host, process
and a random part) and a token for that claim. While it works through them, a heartbeat thread
pushes the lease of every row it holds (`claimed` or `sending`) `lease` ahead of now, every
`heartbeat`. So a live owner never loses a row however slow a send is, and the rows of an
owner that died (SIGKILL, a lost machine) are free again `lease` after its last heartbeat:
any live dispatcher's next sweep returns the `claimed` ones to pending and sends them, and
marks the `sending` ones `unknown` (they may have gone out) and tells a person.

With the defaults (20 s lease, 5 s heartbeat, a sweep every 5 s in `lotsen serve`) a dead
owner's rows go out again within 25 s, well before a reminder a few minutes ahead expires.
Clocks of the hosts must agree to within a few seconds (NTP), as for any lease.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.outbox.models import OutboxItem
from bot.storage.db import Database

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(seconds=20)
DEFAULT_HEARTBEAT = timedelta(seconds=5)
HELD = ("claimed", "sending")

OnUnknown = Callable[[Session, OutboxItem, datetime], None]


def worker_id() -> str:
    """A name for one dispatcher: readable (host and process, for `lotsen outbox list`) and
    unique (two dispatchers in one process differ)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"[-64:]


def new_claim_token() -> str:
    return secrets.token_hex(12)


def renew(db: Database, *, owner: str, until: datetime) -> int:
    """Push the lease of every row `owner` holds to `until`; returns how many it still holds."""
    with db.writer() as session:
        return session.exec(update(OutboxItem)
                            .where(col(OutboxItem.lease_owner) == owner, col(OutboxItem.status).in_(HELD))
                            .values(lease_until=until)).rowcount or 0


def recover_expired(db: Database, *, now: datetime, on_unknown: OnUnknown | None = None) -> tuple[int, int]:
    """Rows whose lease ran out (their owner stopped renewing it): `claimed` goes back to
    pending (nothing went out), `sending` becomes `unknown` (it may have gone out) and
    `on_unknown` is called for it in the same transaction. Returns (recovered, unknown)."""
    with db.writer() as session:
        query = select(OutboxItem).where(col(OutboxItem.status).in_(HELD), col(OutboxItem.lease_until) < now)
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        stale = list(session.exec(query))
        recovered = unknown = 0
        for row in stale:
            if row.status == "claimed":
                row.status, row.lease_until, row.lease_owner, row.claim_token = "pending", None, None, None
                recovered += 1
            else:
                # The claim token stays: should the owner turn out to be alive after all (a
                # stalled process), the outcome it then reports still counts.
                row.status, row.lease_until, row.lease_owner = "unknown", None, None
                row.last_error = "outcome unknown: the process stopped while sending"
                unknown += 1
                if on_unknown is not None:
                    on_unknown(session, row, now)
            session.add(row)
    if unknown:
        log.warning("outbox: %d message(s) left in an unknown state after a stop", unknown)
    return recovered, unknown


class Heartbeat:
    """While in its `with` block, renews `owner`'s leases every `interval` (a thread). A failed
    renewal is logged and tried again; should the owner lose a row meanwhile, its claim token
    no longer matches and the row is not sent twice."""

    def __init__(self, *, db: Database, clock: Clock, owner: str, lease: timedelta, interval: timedelta) -> None:
        self.db, self.clock, self.owner = db, clock, owner
        self.lease, self.interval = lease, interval
        self.beats = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-heartbeat", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval.total_seconds()):
            try:
                renew(self.db, owner=self.owner, until=self.clock.now() + self.lease)
                self.beats += 1
            except Exception as exc:  # the database may be back next beat
                log.warning("outbox: lease renewal failed (%s); retrying", type(exc).__name__)
