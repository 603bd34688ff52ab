"""Wiring the knowledge upkeep into the composition root: the scheduler's monthly review and
weekly gaps sweeps, and the outbox handler that posts them to the navigators' desk.

    handlers.update(upkeep_handlers(db=db, bundle=bundle, desks=desks))
    jobs += Upkeep(db=db, bundle=bundle, clock=clock).jobs()

The sweeps are safe to run in every process as often as the scheduler likes (a period's post
has one dedupe key), but they need not look at the database every few seconds: each runs at
most once per `every` in a process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.clock import Clock
from bot.core.throttle import Throttle
from bot.knowledge.gaps import DIGEST, make_gaps_renderer, sweep_gaps
from bot.knowledge.notices import KIND, make_notice_handler
from bot.knowledge.review import sweep_review
from bot.storage.db import Database

if TYPE_CHECKING:  # pragma: no cover
    from bot.knowledge.bundle import KnowledgeBundle


def upkeep_handlers(*, db: Database, bundle, desks: dict, lang: str = "sv",
                    render: dict[str, Callable] | None = None) -> dict[str, Callable]:
    """The desk notices' handler; `render` adds other domains' digests (e.g. the monthly report)."""
    renderer = make_gaps_renderer(db, bundle=bundle, lang=lang)
    return {KIND: make_notice_handler(desks=desks, render={DIGEST: renderer, **(render or {})})}


@dataclass
class Upkeep:
    db: Database
    bundle: KnowledgeBundle
    clock: Clock
    every: float = 300.0  # seconds between two looks at the database in one process
    lang: str = "sv"
    _throttle: Throttle = field(default_factory=Throttle, repr=False)

    def _due(self, name: str) -> bool:
        return self._throttle.due(name, every=self.every)

    def sweep_review(self) -> int:
        if self.bundle.rules is None or not self._due("review"):
            return 0
        return len(sweep_review(self.db, kb=self.bundle.kb, rules=self.bundle.rules, clock=self.clock,
                                lang=self.lang))

    def sweep_gaps(self) -> int:
        if self.bundle.rules is None or not self._due("gaps"):
            return 0
        return int(sweep_gaps(self.db, rules=self.bundle.rules, clock=self.clock, lang=self.lang) is not None)

    def jobs(self) -> list[tuple[str, Callable[[], object]]]:
        return [("kb_review", self.sweep_review), ("kb_gaps", self.sweep_gaps)]
