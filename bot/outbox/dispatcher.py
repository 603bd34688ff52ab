"""Sending what the outbox holds: claim due rows, send outside the transaction, record.

Claiming is atomic: PostgreSQL uses SELECT ... FOR UPDATE SKIP LOCKED, SQLite a single
writer (BEGIN IMMEDIATE). A claim has an owner (this dispatcher) and a token, and a short lease
that the owner's heartbeat renews while it works (bot.outbox.leases). Each row is marked
`sending` in its own commit just before the request goes out, so after a crash a row still
`claimed` is safe to send again and a row left `sending` is `unknown` (it may have gone out)
and is not repeated. A dead owner's rows are taken over `lease` after its last heartbeat.

What "exactly once" means here: a row is handed to its handler at most once per claim, and a
row is never handed over again once it was marked `sending`. The one message that was in
flight when a process died (or whose send timed out) is therefore delivered at most once and
left `unknown`; every other message is delivered exactly once. A message the receiver got
but whose answer never came back is not repeated. Every `unknown` outcome is reported to the
navigators' desk (an outbox row itself, once per outcome), and a person settles it with
`lotsen outbox resolve` or `resend` (bot.outbox.unknown).

Statuses: pending -> claimed -> sending -> sent | failed | unknown; pending -> skipped (its
`expires_at` passed before it could go out, e.g. the meeting has started, or its handler found
nothing left to send). A failed send that may be retried goes back to pending with a later
`due_at` (the channel's `retry_after` when it gave one, else exponential backoff) until
`max_attempts`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.core.ports import Delivery, SendError

if TYPE_CHECKING:  # pragma: no cover
    from bot.core.ports import EntrepreneurChannel, OutboundMessage
from bot.outbox.leases import (
    DEFAULT_HEARTBEAT,
    DEFAULT_LEASE,
    Heartbeat,
    OnUnknown,
    new_claim_token,
    recover_expired,
    worker_id,
)
from bot.outbox.models import OutboxItem
from bot.storage.db import Database

log = logging.getLogger(__name__)

Handler = Callable[[OutboxItem], Delivery]
AfterSent = Callable[[Session, OutboxItem, Delivery], None]

MAX_BACKOFF_SECONDS = 3600
MAX_RETRY_AFTER_SECONDS = 24 * 3600


class NothingToSend(Exception):
    """Raised by a handler when, at send time, the message has no point any more (e.g. a
    report about an outcome that has since become known): the row is `skipped`."""


def _report_unknown(session: Session, row: OutboxItem, now: datetime) -> None:
    from bot.outbox.unknown import report_unknown

    report_unknown(session, row=row, now=now)


@dataclass
class SweepResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    unknown: int = 0
    recovered: int = 0

    def add(self, other: SweepResult) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def busy(self) -> bool:
        return bool(self.sent or self.failed or self.retried or self.skipped or self.unknown or self.recovered)


@dataclass
class OutboxDispatcher:
    db: Database
    clock: Clock
    handlers: dict[str, Handler]
    after_sent: dict[str, AfterSent] = field(default_factory=dict)
    lease: timedelta = DEFAULT_LEASE
    heartbeat: timedelta = DEFAULT_HEARTBEAT
    max_attempts: int = 8
    batch: int = 10  # rows claimed at once
    owner: str = field(default_factory=worker_id)
    # Called in the transaction that makes a row `unknown`; by default a report to the desk.
    on_unknown: OnUnknown | None = _report_unknown

    def __post_init__(self) -> None:
        if self.heartbeat >= self.lease:
            raise ValueError("the heartbeat must be shorter than the lease it renews")

    def recover_expired_leases(self) -> SweepResult:
        """Rows whose lease ran out: `claimed` goes back to pending (nothing went out),
        `sending` becomes `unknown` (it may have gone out) and is reported."""
        result = SweepResult()
        result.recovered, result.unknown = recover_expired(self.db, now=self.clock.now(), on_unknown=self.on_unknown)
        return result

    def claim_due(self, *, limit: int = 50, result: SweepResult | None = None) -> list[OutboxItem]:
        """Claim up to `limit` due rows of kinds this dispatcher can send (others are left
        alone), under this dispatcher's name and a fresh claim token. Rows past their
        `expires_at` are marked skipped instead."""
        if not self.handlers:
            return []
        now = self.clock.now()
        with self.db.writer() as session:
            query = (select(OutboxItem)
                     .where(OutboxItem.status == "pending", OutboxItem.due_at <= now,
                            col(OutboxItem.kind).in_(sorted(self.handlers)))
                     .order_by(col(OutboxItem.due_at), col(OutboxItem.id)).limit(limit))
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            items = list(session.exec(query))
            lease_until, token = now + self.lease, new_claim_token()
            claimed = []
            for item in items:
                if item.expires_at is not None and item.expires_at <= now:
                    item.status = "skipped"
                    item.last_error = "expired before it could be sent"
                    if result is not None:
                        result.skipped += 1
                else:
                    item.status, item.lease_until = "claimed", lease_until
                    item.lease_owner, item.claim_token = self.owner, token
                    claimed.append(item)
                session.add(item)
        return claimed

    def run_once(self, *, limit: int = 50) -> SweepResult:
        """One sweep of up to `limit` rows, `batch` at a time: recover stale leases, claim what
        is due, send each while the heartbeat keeps the claim, record outcomes. Small batches
        keep few rows waiting behind a slow send where another process could take them. Never
        raises for a failing handler; a database error propagates (the scheduler logs it and
        the next sweep starts over from the rows' committed state)."""
        result = SweepResult()
        remaining = limit
        while remaining > 0:
            result.add(self.recover_expired_leases())
            items = self.claim_due(limit=min(self.batch, remaining), result=result)
            if not items:
                break
            remaining -= len(items)
            with Heartbeat(db=self.db, clock=self.clock, owner=self.owner, lease=self.lease,
                           interval=self.heartbeat):
                for item in items:
                    self._send_one(item, result)
        return result

    def drain(self, *, max_rounds: int = 100) -> SweepResult:
        """Send everything due now (used by the console and tests)."""
        total = SweepResult()
        for _ in range(max_rounds):
            result = self.run_once()
            total.add(result)
            if not result.busy:
                break
        return total

    def _mark_sending(self, item: OutboxItem) -> bool:
        """claimed -> sending, only if the row is still ours under this claim (not recovered
        by another process after our lease ran out, not erased); the lease is renewed."""
        now = self.clock.now()
        ours = (col(OutboxItem.id) == item.id, col(OutboxItem.status) == "claimed",
                col(OutboxItem.claim_token) == item.claim_token)
        with self.db.writer() as session:
            if item.expires_at is not None and item.expires_at <= now:
                session.exec(update(OutboxItem).where(*ours).values(
                    status="skipped", lease_until=None, lease_owner=None,
                    last_error="expired before it could be sent"))
                return False
            marked = session.exec(update(OutboxItem).where(*ours).values(
                status="sending", attempts=OutboxItem.attempts + 1, lease_until=now + self.lease)).rowcount
        return bool(marked)

    def _send_one(self, item: OutboxItem, result: SweepResult) -> None:
        if not self._mark_sending(item):
            return  # expired, or someone else recovered or took it
        handler = self.handlers[item.kind]
        retryable: bool | None = True  # None: skip it
        try:
            delivery = handler(item)
        except NothingToSend as exc:
            delivery = Delivery(ok=False, error=f"nothing to send: {exc}")
            retryable = None  # -> skipped
        except SendError as exc:
            delivery = Delivery(ok=False, error=str(exc), retry_after=exc.retry_after,
                                outcome_unknown=exc.outcome_unknown)
            retryable = exc.retryable
        except TimeoutError as exc:  # the request may have gone out
            delivery = Delivery(ok=False, error=f"timeout: {exc}", outcome_unknown=True)
        except Exception as exc:  # an adapter bug must not stop the sweep
            log.exception("outbox: handler for %s failed on row %s", item.kind, item.id)
            delivery = Delivery(ok=False, error=f"{type(exc).__name__}: {exc}")
        if not isinstance(delivery, Delivery):
            delivery = Delivery(ok=False, error=f"handler returned {type(delivery).__name__}")
        self._record(item, delivery, retryable, result)

    def _record(self, item: OutboxItem, delivery: Delivery, retryable: bool | None, result: SweepResult) -> None:
        """The outcome, written only while the row is still this claim's: `sending`, or
        `unknown` because another process gave up on us (then the outcome we know now is
        truer, and the report about it is withdrawn). A row a person settled meanwhile is
        left as they settled it."""
        now = self.clock.now()
        with self.db.writer() as session:
            row = session.get(OutboxItem, item.id, with_for_update=not self.db.is_sqlite)
            if row is None:  # erased while in flight
                return
            if row.claim_token != item.claim_token or row.status not in ("sending", "unknown"):
                log.info("outbox: row %s was settled elsewhere while it was being sent", row.id)
                return
            was_unknown = row.status == "unknown"
            row.lease_until, row.lease_owner = None, None
            if delivery.ok:
                row.status, row.ref, row.sent_at, row.last_error = "sent", delivery.ref, now, None
                result.sent += 1
            elif delivery.outcome_unknown:
                row.status, row.last_error = "unknown", (delivery.error or "outcome unknown")[:500]
                result.unknown += 1
                log.warning("outbox: row %s outcome unknown; not repeated", row.id)
                if self.on_unknown is not None and not was_unknown:
                    self.on_unknown(session, row, now)
            elif retryable is None:
                row.status, row.last_error = "skipped", (delivery.error or "nothing to send")[:500]
                result.skipped += 1
            elif retryable and row.attempts < self.max_attempts:
                row.status, row.due_at = "pending", now + timedelta(seconds=_backoff(delivery, row.attempts))
                row.last_error, row.claim_token = (delivery.error or "send failed")[:500], None
                result.retried += 1
            else:
                row.status, row.last_error = "failed", (delivery.error or "send failed")[:500]
                result.failed += 1
                log.warning("outbox: row %s failed after %d attempt(s)", row.id, row.attempts)
            if was_unknown and row.status != "unknown":
                from bot.outbox.unknown import withdraw_report

                withdraw_report(session, row=row, reason="the outcome became known")
            session.add(row)
        if delivery.ok:
            self._after_sent(item, delivery)

    def _after_sent(self, item: OutboxItem, delivery: Delivery) -> None:
        """Hooks (e.g. keep a case's thread reference) run after `sent` is committed, so a
        failing hook can never make a delivered message look undelivered and be resent."""
        hook = self.after_sent.get(item.kind)
        if hook is None:
            return
        try:
            with self.db.writer() as session:
                row = session.get(OutboxItem, item.id)
                if row is not None:
                    hook(session, row, delivery)
        except Exception:
            log.exception("outbox: after-sent hook for %s failed on row %s", item.kind, item.id)


def _backoff(delivery: Delivery, attempts: int) -> float:
    if delivery.retry_after is not None:
        return min(max(float(delivery.retry_after), 0.0), MAX_RETRY_AFTER_SECONDS)
    return float(min(30 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def pending_count(db: Database, *, now: datetime | None = None) -> int:
    """Rows not yet settled (pending, claimed or sending); due ones only when `now` is given."""
    from sqlalchemy import func

    with db.session() as session:
        query = select(func.count()).select_from(OutboxItem).where(
            col(OutboxItem.status).in_(("pending", "claimed", "sending")))
        if now is not None:
            query = query.where(OutboxItem.due_at <= now)
        return int(session.exec(query).one())


def outbound_message(item: OutboxItem) -> OutboundMessage:
    """A "message" row's payload ({"text", "buttons", "attachment_name"?, "attachment_b64"?,
    "thread_ref"?}) as the OutboundMessage the channel ports send."""
    import base64

    from bot.core.messages import Button
    from bot.core.ports import OutboundMessage

    payload = item.payload or {}
    attachment = payload.get("attachment_b64")
    return OutboundMessage(
        channel=item.channel, address=item.address, text=str(payload.get("text", "")),
        buttons=[Button(key=b["key"], label=b["label"]) for b in payload.get("buttons") or []],
        thread_ref=payload.get("thread_ref"), attachment_name=payload.get("attachment_name"),
        attachment=base64.b64decode(attachment) if attachment else None)


def message_handler(channels: dict[str, EntrepreneurChannel], *,
                    missing_channel_retry: float = 600.0) -> Handler:
    """The handler for kind "message": sends through the port named by the row's channel. A
    channel this process does not have is retried later (configuration may be fixed) until the
    dispatcher's max_attempts."""

    def send(item: OutboxItem) -> Delivery:
        port = channels.get(item.channel)
        if port is None:
            raise SendError(f"no channel {item.channel!r} configured", retry_after=missing_channel_retry)
        return port.send(outbound_message(item))

    return send
