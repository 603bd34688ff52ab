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
from bot.outbox.models import OutboxAudit, OutboxItem
from bot.outbox.unknown import withdraw_report

log = logging.getLogger(__name__)


class OutboxError(Exception):
    def __init__(self, sv: str, en: str) -> None:
        super().__init__(en)
        self.sv, self.en = sv, en

    def text(self) -> str:
        return f"{self.sv} / {self.en}"


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
            raise OutboxError(f"Meddelandet är redan avgjort ({previous}).",
                              f"The message is already settled ({previous}).")
        case ("pending" | "claimed" | "sending", _):
            raise OutboxError(f"Meddelandet är inte skickat än ({previous}); utfallet är inte okänt.",
                              f"The message has not gone out yet ({previous}); its outcome is not unknown.")
        case _:
            raise OutboxError(f"Det går inte att gå från {previous} till {new}.",
                              f"Cannot go from {previous} to {new}.")


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
        return ActionResult(ok=False, message="Du finns inte med bland företagslotsarna i routing_rules.yaml. / "
                                              "You are not listed as a navigator in routing_rules.yaml.")
    row = session.get(OutboxItem, outbox_id, with_for_update=session.get_bind().dialect.name != "sqlite")
    if row is None:
        return ActionResult(ok=False, message=f"Det finns inget meddelande #{outbox_id}. / "
                                              f"There is no message #{outbox_id}.")
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
        message = (f"Meddelande #{row.id} är markerat som skickat. / Message #{row.id} is marked as sent.")
    else:
        row.due_at, row.last_error = now, f"resend requested by {member.name}"[:500]
        message = (f"Meddelande #{row.id} skickas igen. / Message #{row.id} will be sent again.")
    session.add(row)
    withdraw_report(session, row=row, reason=f"settled by a person ({verb})")
    audit(session, outbox_id=row.id, action=verb, actor=actor, actor_name=member.name, now=now,
          data={"previous_error": (previous_error or "")[:300], "attempts": row.attempts})
    log.info("outbox row %s: %s by a navigator", row.id, verb)
    return ActionResult(ok=True, message=message)


def _check_resendable(row: OutboxItem, now: datetime) -> None:
    if row.expires_at is not None and row.expires_at <= now:
        raise OutboxError("Meddelandet har gått ut (t.ex. mötet har börjat); det skickas inte igen.",
                          "The message has expired (e.g. the meeting has started); it is not sent again.")
    if row.kind == "message" and not row.address:
        raise OutboxError("Mottagarens uppgifter är raderade; meddelandet kan inte skickas igen.",
                          "The recipient's data has been erased; the message cannot be sent again.")
