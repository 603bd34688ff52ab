"""The re-ping ladder: a case nobody has claimed within the service level (N working hours
since it was posted or last pinged) pings again: step 1 the members, step 2 the deputies,
step 3 the coordinator's role (routing_rules.yaml `coordinator:`). Each step happens once per case (an outbox dedupe key and the case's
`ladder_step`), and is a timeline event."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import col, select

from bot.cases.models import Case
from bot.cases.service import SYSTEM, message_entrepreneur, post_to_desk, record_event
from bot.cases.states import UNCLAIMED
from bot.cases.texts import t
from bot.core.clock import Clock
from bot.routing.rules import COORDINATOR_STEP, Member, RoutingRules
from bot.storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ping:
    number: str
    step: int
    target: str  # "members" | "deputy" | the coordinator's role id
    mentions: tuple[str, ...]


def _targets(rules: RoutingRules, case: Case, target: str) -> list[Member]:
    roles = list(case.roles or [])
    if target == "members":
        return rules.members_for(roles)
    if target == "deputy":
        return rules.deputies_for(roles) or rules.members_for(roles)
    coordinator = rules.roles.get(rules.coordinator)
    people = list(coordinator.members) if coordinator else []
    if coordinator and coordinator.deputy:
        people.append(coordinator.deputy)
    return people


def sweep_ladder(db: Database, *, rules: RoutingRules, clock: Clock) -> list[Ping]:
    """Enqueue every re-ping that is due now (called by the scheduler every minute)."""
    now = clock.now()
    level = rules.service_level
    pings: list[Ping] = []
    with db.writer() as session:
        query = select(Case).where(col(Case.status).in_(UNCLAIMED), Case.ladder_step < len(level.ladder))
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        for case in session.exec(query.order_by(col(Case.id))):
            due = level.hours.add(case.last_ping_at, level.acknowledge_hours)
            if now < due:
                continue
            step = case.ladder_step + 1
            people = _targets(rules, case, level.ladder[step - 1])
            # The coordinator's step is recorded as the role it reached.
            target = rules.coordinator if level.ladder[step - 1] == COORDINATOR_STEP else level.ladder[step - 1]
            mentions = [m.as_dict() for m in people]
            event = record_event(session, case=case, kind="ping", actor=SYSTEM, now=now,
                                 data={"step": step, "target": target, "due": due.isoformat(),
                                       "mentions": [m.name for m in people]})
            post_to_desk(session, case=case, event=event, text_key="desk_ping", mentions=mentions, now=now,
                         dedupe_key=f"case:{case.id}:ladder:{step}")
            if step == len(level.ladder):  # the ladder has run out: tell the entrepreneur who takes over
                message_entrepreneur(session, case=case, event=event, now=now,
                                     text=t("ladder_out", case.lang, number=case.number,
                                            who=rules.role_name(rules.coordinator, case.lang)))
            case.ladder_step, case.last_ping_at, case.updated_at = step, now, now
            session.add(case)
            pings.append(Ping(case.number, step, target, tuple(m.name for m in people)))
            log.info("case %s: re-ping step %d (%s)", case.number, step, target)
    return pings
