"""The APScheduler factory: late runs are not dropped, jobs never overlap, failures are logged."""

from __future__ import annotations

import threading
import time

import pytest

from bot.scheduler import JOB_DEFAULTS, build_scheduler

WAIT = 30


def test_jobs_have_safe_defaults_and_nothing_starts_at_import():
    scheduler = build_scheduler(periodic=[("a", lambda: None), ("b", lambda: None)], interval_seconds=60)
    assert not scheduler.running
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"a", "b"}
    for job in jobs.values():
        assert job.misfire_grace_time is None
        assert job.coalesce is True
        assert job.max_instances == 1
    assert JOB_DEFAULTS["misfire_grace_time"] is None


def test_duplicate_names_and_bad_interval_are_refused():
    with pytest.raises(ValueError):
        build_scheduler(periodic=[("a", lambda: None), ("a", lambda: None)])
    with pytest.raises(ValueError):
        build_scheduler(periodic=[("a", lambda: None)], interval_seconds=0)


def test_a_run_delayed_past_one_second_still_happens():
    """Both executor threads are held busy by a blocker job for over a second while the
    probe job comes due; with APScheduler's default grace of 1 s the probe would be dropped
    as misfired. Here it must run once the pool frees up."""
    release = threading.Event()
    blocker_started = threading.Event()
    probe_ran = threading.Event()
    blocked_seconds: list[float] = []

    def blocker():
        blocker_started.set()
        release.wait(WAIT)

    scheduler = build_scheduler(periodic=[("blocker1", blocker), ("blocker2", blocker)],
                                interval_seconds=3600)
    scheduler.start()
    try:
        assert blocker_started.wait(WAIT)
        due = time.monotonic()
        scheduler.add_job(probe_ran.set, "date", id="probe", **JOB_DEFAULTS)
        time.sleep(1.5)  # the probe is now over a second late: the pool of two is busy
        assert not probe_ran.is_set()
        blocked_seconds.append(time.monotonic() - due)
        release.set()
        assert probe_ran.wait(WAIT), "a run more than a second late was dropped"
    finally:
        release.set()
        scheduler.shutdown(wait=True)
    assert blocked_seconds[0] >= 1.0


def test_a_failing_job_keeps_running_every_interval():
    calls: list[int] = []
    twice = threading.Event()

    def flaky():
        calls.append(1)
        if len(calls) >= 2:
            twice.set()
        raise RuntimeError("boom")

    scheduler = build_scheduler(periodic=[("flaky", flaky)], interval_seconds=0.05)
    scheduler.start()
    try:
        assert twice.wait(WAIT)
    finally:
        scheduler.shutdown(wait=True)
    assert len(calls) >= 2


def test_the_outbox_job_runs_the_dispatcher(db, clock):
    from datetime import timedelta

    from bot.core.ports import Delivery
    from bot.outbox.dispatcher import OutboxDispatcher
    from bot.outbox.service import enqueue

    with db.session() as session:
        enqueue(session, kind="message", channel="console", payload={"text": "hej"},
                due_at=clock.now() - timedelta(seconds=1), dedupe_key="k")
    sent = threading.Event()

    def send(item):
        sent.set()
        return Delivery(ok=True)

    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send})
    scheduler = build_scheduler(dispatcher=dispatcher, interval_seconds=0.05)
    scheduler.start()
    try:
        assert sent.wait(WAIT)
    finally:
        scheduler.shutdown(wait=True)
