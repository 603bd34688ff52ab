"""The outbox dispatcher in one process: statuses, retries, expiry, unknown outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.core.ports import Delivery, SendError
from bot.outbox.dispatcher import OutboxDispatcher
from bot.outbox.models import OutboxItem
from bot.outbox.service import enqueue


def _add(db, clock, key, *, kind="message", due=timedelta(0), expires=None):
    with db.session() as session:
        item = enqueue(session, kind=kind, channel="console", address="a", payload={"text": key},
                       due_at=clock.now() + due,
                       expires_at=None if expires is None else clock.now() + expires, dedupe_key=key)
        session.flush()
        return item.id


def _row(db, row_id) -> OutboxItem:
    with db.session() as session:
        return session.get(OutboxItem, row_id)


class Recorder:
    def __init__(self, *results):
        self.calls: list[str] = []
        self.results = list(results)

    def __call__(self, item):
        self.calls.append(item.dedupe_key)
        result = self.results.pop(0) if self.results else Delivery(ok=True, ref="ref")
        if isinstance(result, Exception):
            raise result
        return result


def test_sends_due_rows_once_and_not_future_ones(db, clock):
    now_id = _add(db, clock, "now")
    later_id = _add(db, clock, "later", due=timedelta(hours=1))
    send = Recorder()
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send})
    assert dispatcher.drain().sent == 1
    assert dispatcher.drain().sent == 0
    assert send.calls == ["now"]
    assert _row(db, now_id).status == "sent" and _row(db, now_id).ref == "ref"
    assert _row(db, later_id).status == "pending"
    clock.advance(hours=1)
    dispatcher.drain()
    assert send.calls == ["now", "later"]


def test_outcome_unknown_is_never_repeated(db, clock):
    row_id = _add(db, clock, "timeout")
    send = Recorder(SendError("read timed out", outcome_unknown=True))
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send})
    assert dispatcher.drain().unknown == 1
    clock.advance(days=2)
    dispatcher.drain()
    assert send.calls == ["timeout"]
    row = _row(db, row_id)
    assert row.status == "unknown" and "timed out" in row.last_error


def test_a_plain_timeout_error_is_treated_as_unknown(db, clock):
    row_id = _add(db, clock, "t")
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": Recorder(TimeoutError("slow"))})
    dispatcher.drain()
    assert _row(db, row_id).status == "unknown"


def test_retry_after_is_honoured(db, clock):
    row_id = _add(db, clock, "limited")
    send = Recorder(SendError("429", retry_after=42))
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send})
    assert dispatcher.run_once().retried == 1
    row = _row(db, row_id)
    assert row.status == "pending" and row.due_at == clock.now() + timedelta(seconds=42)
    clock.advance(seconds=41)
    dispatcher.run_once()
    assert send.calls == ["limited"]
    clock.advance(seconds=1)
    assert dispatcher.run_once().sent == 1
    assert send.calls == ["limited", "limited"]
    assert _row(db, row_id).attempts == 2


def test_not_retryable_and_max_attempts_fail(db, clock):
    hard = _add(db, clock, "hard")
    soft = _add(db, clock, "soft")
    send = Recorder(SendError("chat not found", retryable=False), *[SendError("5xx")] * 10)
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send}, max_attempts=3)
    for _ in range(6):
        dispatcher.run_once()
        clock.advance(hours=2)
    assert _row(db, hard).status == "failed"
    assert _row(db, soft).status == "failed" and _row(db, soft).attempts == 3
    assert send.calls.count("hard") == 1 and send.calls.count("soft") == 3


def test_a_crashing_handler_does_not_stop_the_sweep(db, clock):
    first = _add(db, clock, "a")
    second = _add(db, clock, "b")
    send = Recorder(RuntimeError("adapter bug"), Delivery(ok=True))
    OutboxDispatcher(db=db, clock=clock, handlers={"message": send}).run_once()
    assert _row(db, first).status == "pending" and "adapter bug" in _row(db, first).last_error
    assert _row(db, second).status == "sent"


def test_expired_rows_are_skipped_not_sent(db, clock):
    row_id = _add(db, clock, "too late", due=timedelta(hours=-2), expires=timedelta(hours=-1))
    fresh = _add(db, clock, "late but useful", due=timedelta(hours=-2), expires=timedelta(hours=1))
    send = Recorder()
    result = OutboxDispatcher(db=db, clock=clock, handlers={"message": send}).drain()
    assert result.skipped == 1 and result.sent == 1
    assert send.calls == ["late but useful"]
    assert _row(db, row_id).status == "skipped"
    assert _row(db, fresh).status == "sent"


def test_kinds_without_a_handler_are_left_alone(db, clock):
    row_id = _add(db, clock, "desk", kind="desk.post", expires=timedelta(seconds=-1))
    OutboxDispatcher(db=db, clock=clock, handlers={"message": Recorder()}).drain()
    row = _row(db, row_id)
    assert row.status == "pending" and row.attempts == 0


def test_stale_claims_return_to_pending_and_stale_sends_become_unknown(db, clock):
    claimed = _add(db, clock, "claimed")
    sending = _add(db, clock, "sending")
    with db.session() as session:
        for row_id, status in ((claimed, "claimed"), (sending, "sending")):
            row = session.get(OutboxItem, row_id)
            row.status, row.lease_until = status, clock.now() + timedelta(minutes=5)
            session.add(row)
    send = Recorder()
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send})
    dispatcher.drain()
    assert send.calls == []  # leases still running: another process may be on them
    clock.advance(minutes=6)
    result = dispatcher.drain()
    assert result.recovered == 1 and result.unknown == 1
    assert send.calls == ["claimed"]
    assert _row(db, sending).status == "unknown"


def test_a_claim_taken_over_after_its_lease_is_not_sent_by_the_old_owner(db, clock):
    row_id = _add(db, clock, "contested")
    send_a, send_b = Recorder(), Recorder()
    slow = OutboxDispatcher(db=db, clock=clock, handlers={"message": send_a}, lease=timedelta(seconds=10))
    items = slow.claim_due()
    clock.advance(seconds=11)  # process A stalls past its lease
    other = OutboxDispatcher(db=db, clock=clock, handlers={"message": send_b})
    assert other.run_once().sent == 1
    from bot.outbox.dispatcher import SweepResult

    for item in items:  # A wakes up and carries on with what it had claimed
        slow._send_one(item, SweepResult())
    assert send_b.calls == ["contested"] and send_a.calls == []
    assert _row(db, row_id).attempts == 1


def test_after_sent_hook_failure_keeps_the_row_sent(db, clock):
    row_id = _add(db, clock, "hooked")

    def hook(session, row, delivery):
        raise RuntimeError("hook bug")

    send = Recorder()
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": send}, after_sent={"message": hook})
    dispatcher.drain()
    clock.advance(hours=1)
    dispatcher.drain()
    assert _row(db, row_id).status == "sent" and send.calls == ["hooked"]


def test_after_sent_hook_sees_the_delivery(db, clock):
    row_id = _add(db, clock, "ref")
    seen = []

    def hook(session, row, delivery):
        seen.append((row.id, row.status, delivery.ref))

    OutboxDispatcher(db=db, clock=clock, handlers={"message": Recorder(Delivery(ok=True, ref="ts1"))},
                     after_sent={"message": hook}).drain()
    assert seen == [(row_id, "sent", "ts1")]


@pytest.mark.parametrize("threads", [4])
def test_threads_in_one_process_send_each_row_once(db, clock, threads):
    import threading

    for n in range(40):
        _add(db, clock, f"k{n}")
    lock = threading.Lock()
    calls: list[str] = []

    def send(item):
        with lock:
            calls.append(item.dedupe_key)
        return Delivery(ok=True)

    def worker():
        OutboxDispatcher(db=db, clock=clock, handlers={"message": send}).drain()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    assert sorted(calls) == sorted(f"k{n}" for n in range(40))
    with db.session() as session:
        assert {r.status for r in session.exec(select(OutboxItem))} == {"sent"}
