"""A case's first claim as a fact for the figures: its area and the wait in working hours
(Stockholm office hours and Swedish public holidays from the routing rules' service level).
Written in the claiming transaction, once, so the report sums waits in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.insight.models import ClaimFact
from bot.insight.survey import area_of


def record_claim(session: Session, *, case, rules, now: datetime) -> ClaimFact | None:
    if rules is None or session.get(ClaimFact, case.id) is not None:
        return None
    area, _, procurement = area_of(topics=case.topics or [], roles=case.roles or [], rules=rules)
    level = rules.service_level
    waited = level.hours.between(case.created_at, now).total_seconds() / 3600
    fact = ClaimFact(case_id=case.id, area=area, procurement=procurement, opened_at=case.created_at,
                     claimed_at=now, working_hours=round(waited, 3), within_level=waited <= level.acknowledge_hours)
    session.add(fact)
    return fact
