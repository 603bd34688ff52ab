"""The periodic sweeps of one process, on an APScheduler 3 BackgroundScheduler.

Nothing is scheduled in memory that matters: reminders and announcements are outbox rows, and
the job only sweeps what is due. So every process runs the same job, a restart loses nothing,
and two processes never send a row twice (the dispatcher claims rows atomically). The same holds
for the knowledge upkeep (bot.knowledge.upkeep): the monthly review post and the weekly gaps
digest are enqueued under one dedupe key per period, so however many processes sweep, each
period's post is one row.

APScheduler's defaults are wrong for this: a `misfire_grace_time` of 1 second silently drops a
run that starts late (a busy or suspended process), and without `coalesce` a backlog of missed
runs would fire at once. Every job here has misfire_grace_time=None (always run, however
late), coalesce=True (one run for many missed) and max_instances=1 (no overlapping sweeps in
one process).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.outbox.dispatcher import OutboxDispatcher

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
DEFAULT_INTERVAL_SECONDS = 15.0


def _guarded(name: str, func: Callable[[], object]) -> Callable[[], None]:
    """A job that logs its own failure (ids only) and never kills the scheduler thread."""

    def run() -> None:
        try:
            func()
        except Exception:
            log.exception("scheduler: job %s failed; it runs again next interval", name)

    run.__name__ = f"sweep_{name}"
    return run


def build_scheduler(*, dispatcher: OutboxDispatcher | None = None,
                    periodic: Iterable[tuple[str, Callable[[], object]]] = (),
                    interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
                    first_run_now: bool = True) -> BackgroundScheduler:
    """A BackgroundScheduler (not started) with one interval job per sweep: the outbox
    dispatcher's `run_once` and any other `(name, callable)` given, e.g. the cases' service
    level ladder. Start it with `.start()`, stop with `.shutdown(wait=True)`."""
    from datetime import datetime

    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    if interval_seconds <= 0:
        raise ValueError("interval_seconds must be positive")
    jobs: list[tuple[str, Callable[[], object]]] = []
    if dispatcher is not None:
        jobs.append(("outbox", dispatcher.run_once))
    jobs.extend(periodic)
    names = [name for name, _ in jobs]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate job names: {names}")
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max(2, len(jobs)))},
        job_defaults=dict(JOB_DEFAULTS), timezone=UTC)
    for name, func in jobs:
        # (Passing next_run_time=None would add the job paused; leave it out instead.)
        extra = {"next_run_time": datetime.now(UTC)} if first_run_now else {}
        scheduler.add_job(
            _guarded(name, func), IntervalTrigger(seconds=interval_seconds, timezone=UTC),
            id=name, name=name, replace_existing=True, **JOB_DEFAULTS, **extra)
    return scheduler
