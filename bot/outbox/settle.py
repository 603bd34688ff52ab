"""A person settles a message whose outcome is unknown: it arrived (`resolve`, the row becomes
`sent`) or it did not (`resend`, the row goes back to pending and the dispatcher sends it once
more). Only navigators listed in routing_rules.yaml may, and every action and every refusal is
audited in `outbox_audit`, like the case actions on a case's timeline.

    with db.writer() as session:
        result = resolve(session, outbox_id=42, actor=Actor("cli", "anna@kommun.se"), rules=rules, clock=clock)
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from bot.core.actions import ActionResult, Actor
from bot.core.clock import Clock
from bot.locales import both, msg
from bot.outbox.models import OutboxAudit, OutboxItem
from bot.outbox.unknown import withdraw_report

log = logging.getLogger(__name__)


class OutboxError(Exception):
    """A move on an outbox row that is refused: the message id (`outbox.*` in the catalogs) and
    its values; the navigators read it in Swedish and English together."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(self.en)

    @property
    def sv(self) -> str:
        return msg("sv", self.key, **self.values)

    @property
    def en(self) -> str:
        return msg("en", self.key, **self.values)

    def text(self) -> str:
        return both(self.key, **self.values)


class Navigators(Protocol):
    def member_for(self, actor: Actor) -> Any: ...


def transition(previous: str, new: str) -> str:
    """The moves a person may make on an outbox row; anything else raises OutboxError."""
    match (previous, new):
        case ("unknown", "sent"):  # checked with the recipient: it arrived
            return new
        case ("unknown", "pending"):  # it did not arrive: send it once more
            return new
        case ("sent" | "skipped" | "failed", _):
            raise OutboxError("outbox.settled", previous=previous)
        case ("pending" | "claimed" | "sending", _):
            raise OutboxError("outbox.not_sent_yet", previous=previous)
        case _:
            raise OutboxError("outbox.cannot_move", previous=previous, new=new)


def list_unknown(session: Session, *, limit: int = 100) -> list[OutboxItem]:
    return list(session.exec(select(OutboxItem).where(OutboxItem.status == "unknown")
                             .order_by(col(OutboxItem.id)).limit(limit)))


def audit(session: Session, *, outbox_id: int | None, action: str, actor: Actor, actor_name: str | None,
          now: datetime, data: dict[str, Any] | None = None) -> OutboxAudit:
    entry = OutboxAudit(outbox_id=outbox_id, action=action, actor_channel=actor.channel,
                        actor_id=str(actor.user_id)[:200], actor_name=actor_name, data=data or {}, created_at=now)
    session.add(entry)
    return entry


def history(session: Session, *, outbox_id: int) -> list[OutboxAudit]:
    return list(session.exec(select(OutboxAudit).where(OutboxAudit.outbox_id == outbox_id).order_by(col(OutboxAudit.id))))


def resolve(session: Session, *, outbox_id: int, actor: Actor, rules: Navigators, clock: Clock) -> ActionResult:
    """The message arrived: `unknown` -> `sent`."""
    return _settle(session, outbox_id=outbox_id, actor=actor, rules=rules, clock=clock, verb="resolve")


def resend(session: Session, *, outbox_id: int, actor: Actor, rules: Navigators, clock: Clock) -> ActionResult:
    """The message did not arrive: `unknown` -> `pending`, due now (sent once more)."""
    return _settle(session, outbox_id=outbox_id, actor=actor, rules=rules, clock=clock, verb="resend")


def _settle(session: Session, *, outbox_id: int, actor: Actor, rules: Navigators, clock: Clock,
            verb: str) -> ActionResult:
    now = clock.now()
    member = rules.member_for(actor)
    if member is None:
        audit(session, outbox_id=outbox_id, action="refused", actor=actor, actor_name=None, now=now,
              data={"verb": verb, "reason": "not_a_member"})
        log.warning("refused outbox %s on row %s: actor not in routing rules", verb, outbox_id)
        return ActionResult(ok=False, message=both("outbox.not_navigator"))
    row = session.get(OutboxItem, outbox_id, with_for_update=session.get_bind().dialect.name != "sqlite")
    if row is None:
        return ActionResult(ok=False, message=both("outbox.no_such", id=outbox_id))
    try:
        new = transition(row.status, "sent" if verb == "resolve" else "pending")
        if verb == "resend":
            _check_resendable(row, now)
    except OutboxError as exc:
        audit(session, outbox_id=row.id, action="refused", actor=actor, actor_name=member.name, now=now,
              data={"verb": verb, "reason": exc.en, "status": row.status})
        return ActionResult(ok=False, message=exc.text())
    previous_error = row.last_error
    row.status, row.lease_until, row.lease_owner, row.claim_token = new, None, None, None
    if verb == "resolve":
        row.sent_at, row.ref = now, f"confirmed by {member.name}"[:200]
        message = both("outbox.resolved", id=row.id)
    else:
        row.due_at, row.last_error = now, f"resend requested by {member.name}"[:500]
        message = both("outbox.resent", id=row.id)
    session.add(row)
    withdraw_report(session, row=row, reason=f"settled by a person ({verb})")
    audit(session, outbox_id=row.id, action=verb, actor=actor, actor_name=member.name, now=now,
          data={"previous_error": (previous_error or "")[:300], "attempts": row.attempts})
    log.info("outbox row %s: %s by a navigator", row.id, verb)
    return ActionResult(ok=True, message=message)


def _check_resendable(row: OutboxItem, now: datetime) -> None:
    if row.expires_at is not None and row.expires_at <= now:
        raise OutboxError("outbox.expired")
    if row.kind == "message" and not row.address:
        raise OutboxError("outbox.erased")
