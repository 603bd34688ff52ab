"""Once a month, the headline figures of the month before go to the business office (the
coordinator's role in routing_rules.yaml) on the navigators' desk, with the whole report
attached, through the outbox: a "desk.notice" row with one dedupe key per month
("insight.report:2026-11"), rendered when it is sent (bot.knowledge.notices), like the
knowledge upkeep's posts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.clock import STOCKHOLM, Clock
from bot.core.throttle import Throttle
from bot.insight.report import build_report, headline
from bot.knowledge.notices import (
    coordinator_role,
    enqueue_once,
    existing_keys,
    first_working_moment,
    month_start,
    period_start_local,
    role_mentions,
)
from bot.storage.db import Database

if TYPE_CHECKING:  # pragma: no cover
    from bot.knowledge.bundle import KnowledgeBundle

log = logging.getLogger(__name__)
DIGEST = "insight.report"


def month_key(first_of_month) -> str:
    return f"{DIGEST}:{first_of_month:%Y-%m}"


def sweep_report(db: Database, *, rules, clock: Clock, lang: str = "sv") -> str | None:
    """Enqueue last month's report for the business office from this month's first working
    moment, unless it is in the outbox already. Returns the key when it enqueued."""
    now = clock.now()
    this_month = month_start(now.astimezone(STOCKHOLM).date())
    if now < first_working_moment(rules, this_month):
        return None
    previous = month_start(this_month - timedelta(days=1))
    key = month_key(previous)
    if existing_keys(db, [key]):
        return None
    payload = {"digest": DIGEST, "since": period_start_local(previous).isoformat(),
               "until": period_start_local(this_month).isoformat(), "lang": lang,
               "mentions": role_mentions(rules, coordinator_role(rules))}
    with db.unit() as unit:
        added = enqueue_once(unit.connection, channel=rules.desk, payload=payload, due_at=now, dedupe_key=key, now=now)
    if added:
        log.info("insight: enqueued %s", key)
    return key if added else None


def make_report_renderer(db: Database, *, bundle, lang: str = "sv") -> Callable[[dict], tuple[str, str, bytes]]:
    """Written when sent, from the figures as they are then: (text, attachment name, HTML bytes)."""

    def render(payload: dict) -> tuple[str, str, bytes]:
        since, until = datetime.fromisoformat(payload["since"]), datetime.fromisoformat(payload["until"])
        language = payload.get("lang", lang)
        html, figures = build_report(db, rules=bundle.rules, kb=bundle.kb, since=since, until=until, lang=language)
        name = f"lotsen-rapport-{since.astimezone(STOCKHOLM):%Y-%m}.html"
        return headline(figures, rules=bundle.rules, lang=language), name, html.encode("utf-8")

    return render


@dataclass
class MonthlyReport:
    db: Database
    bundle: KnowledgeBundle
    clock: Clock
    every: float = 300.0  # seconds between two looks at the database in one process
    lang: str = "sv"
    _throttle: Throttle = field(default_factory=Throttle, repr=False)

    def sweep(self) -> int:
        if self.bundle.rules is None or not self._throttle.due(every=self.every):
            return 0
        return int(sweep_report(self.db, rules=self.bundle.rules, clock=self.clock, lang=self.lang) is not None)

    def jobs(self) -> list[tuple[str, Callable[[], object]]]:
        return [("insight_report", self.sweep)]
