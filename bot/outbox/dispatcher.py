"""Sending what the outbox holds: claim due rows, send outside the transaction, record.

Claiming is atomic: PostgreSQL uses SELECT ... FOR UPDATE SKIP LOCKED, SQLite a single
writer (BEGIN IMMEDIATE). Each row is marked `sending` in its own commit just before the
request goes out, so after a crash a row still `claimed` is safe to send again and a row left
`sending` is `unknown` (it may have gone out) and is not repeated.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from bot.core.clock import Clock
from bot.core.ports import Delivery, SendError
from bot.outbox.models import OutboxItem
from bot.storage.db import Database

log = logging.getLogger(__name__)

Handler = Callable[[OutboxItem], Delivery]
AfterSent = Callable[[Session, OutboxItem, Delivery], None]


@dataclass
class SweepResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    unknown: int = 0
    recovered: int = 0


@dataclass
class OutboxDispatcher:
    db: Database
    clock: Clock
    handlers: dict[str, Handler]
    after_sent: dict[str, AfterSent] = field(default_factory=dict)
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    owner: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def recover_expired_leases(self) -> SweepResult:
        """Rows whose lease ran out: `claimed` goes back to pending (nothing went out),
        `sending` becomes `unknown` (it may have gone out)."""
        now = self.clock.now()
        result = SweepResult()
        with self.db.writer() as session:
            result.recovered = session.exec(
                update(OutboxItem).where(OutboxItem.status == "claimed", OutboxItem.lease_until < now)
                .values(status="pending", lease_until=None)).rowcount or 0
            result.unknown = session.exec(
                update(OutboxItem).where(OutboxItem.status == "sending", OutboxItem.lease_until < now)
                .values(status="unknown", lease_until=None,
                        last_error="outcome unknown: the process stopped while sending")).rowcount or 0
        if result.unknown:
            log.warning("outbox: %d message(s) left in an unknown state after a stop", result.unknown)
        return result

    def claim_due(self, *, limit: int = 50) -> list[OutboxItem]:
        now = self.clock.now()
        with self.db.writer() as session:
            query = (select(OutboxItem)
                     .where(OutboxItem.status == "pending", OutboxItem.due_at <= now,
                            OutboxItem.kind.in_(list(self.handlers)))
                     .order_by(OutboxItem.due_at, OutboxItem.id).limit(limit))
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            items = list(session.exec(query))
            lease_until = now + self.lease
            claimed = []
            for item in items:
                if item.expires_at is not None and item.expires_at <= now:
                    item.status = "skipped"
                    item.last_error = "expired before it could be sent"
                else:
                    item.status = "claimed"
                    item.lease_until = lease_until
                    claimed.append(item)
                session.add(item)
        return claimed

    def run_once(self, *, limit: int = 50) -> SweepResult:
        result = self.recover_expired_leases()
        for item in self.claim_due(limit=limit):
            self._send_one(item, result)
        return result

    def drain(self, *, max_rounds: int = 100) -> SweepResult:
        """Send everything due now (used by the console and tests)."""
        total = SweepResult()
        for _ in range(max_rounds):
            result = self.run_once()
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(result, name))
            if not (result.sent or result.failed or result.retried or result.skipped):
                break
        return total

    def _send_one(self, item: OutboxItem, result: SweepResult) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            marked = session.exec(update(OutboxItem)
                                  .where(OutboxItem.id == item.id, OutboxItem.status == "claimed")
                                  .values(status="sending", attempts=OutboxItem.attempts + 1)).rowcount
        if not marked:
            return  # someone else recovered or took it
        try:
            delivery = self.handlers[item.kind](item)
        except SendError as exc:
            delivery = Delivery(ok=False, error=str(exc), retry_after=exc.retry_after,
                                outcome_unknown=exc.outcome_unknown)
            retryable = exc.retryable
        except Exception as exc:  # an adapter bug must not stop the sweep
            log.exception("outbox: handler for %s failed", item.kind)
            delivery = Delivery(ok=False, error=f"{type(exc).__name__}: {exc}")
            retryable = True
        else:
            retryable = True
        self._record(item, delivery, retryable, now, result)

    def _record(self, item: OutboxItem, delivery: Delivery, retryable: bool, now, result: SweepResult) -> None:
        with self.db.session() as session:
            row = session.get(OutboxItem, item.id)
            row.lease_until = None
            if delivery.ok:
                row.status, row.ref, row.sent_at, row.last_error = "sent", delivery.ref, self.clock.now(), None
                hook = self.after_sent.get(row.kind)
                if hook is not None:
                    hook(session, row, delivery)
                result.sent += 1
            elif delivery.outcome_unknown:
                row.status, row.last_error = "unknown", (delivery.error or "outcome unknown")[:500]
                result.unknown += 1
            elif retryable and row.attempts < self.max_attempts:
                backoff = delivery.retry_after if delivery.retry_after is not None else min(30 * 2 ** row.attempts, 3600)
                row.status, row.due_at = "pending", now + timedelta(seconds=backoff)
                row.last_error = (delivery.error or "send failed")[:500]
                result.retried += 1
            else:
                row.status, row.last_error = "failed", (delivery.error or "send failed")[:500]
                result.failed += 1
            session.add(row)
