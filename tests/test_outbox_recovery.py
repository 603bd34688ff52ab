"""Fast, honest recovery in one process, on a manual clock: short owned leases renewed by a
heartbeat, a dead owner's rows taken over, and unknown outcomes reported to the desk once.
(tests/test_outbox_processes.py does the same with real processes and SIGKILL.)"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.config import load_settings
from bot.core.ports import Delivery, SendError
from bot.outbox.dispatcher import OutboxDispatcher, SweepResult
from bot.outbox.leases import Heartbeat
from bot.outbox.models import OutboxItem
from bot.outbox.service import enqueue
from bot.outbox.unknown import NOTICE_KIND, make_notice_handler
from tests.test_outbox_dispatcher import Recorder, _add, _row

SWEEP = timedelta(seconds=5)  # how often `lotsen serve` sweeps the outbox


class NoticeDesk:
    name = "slack"

    def __init__(self) -> None:
        self.notices: list[str] = []

    def notice(self, *, text: str, mentions=None) -> Delivery:
        self.notices.append(text)
        return Delivery(ok=True, ref=f"n{len(self.notices)}")


def _reports(db) -> list[OutboxItem]:
    with db.session() as session:
        return list(session.exec(select(OutboxItem).where(OutboxItem.kind == NOTICE_KIND)))


def _wait_for_beats(heartbeat: Heartbeat, count: int) -> None:
    import time

    deadline = time.monotonic() + 30
    while heartbeat.beats < count:
        assert time.monotonic() < deadline, "the heartbeat never beat"
        time.sleep(0.005)


def test_a_dead_owners_rows_go_out_within_30_seconds_with_the_default_settings(db, clock):
    settings = load_settings()
    lease, beat = timedelta(seconds=settings.outbox_lease_seconds), timedelta(seconds=settings.outbox_heartbeat)
    start = clock.now()
    rows = [_add(db, clock, f"meeting:1:signup:{n}:remind:4m", expires=timedelta(minutes=4)) for n in range(5)]
    dead = OutboxDispatcher(db=db, clock=clock, handlers={"message": Recorder()}, lease=lease, heartbeat=beat)
    claimed = dead.claim_due()
    assert dead._mark_sending(claimed[0])  # the request was on its way when the process died
    send, desk = Recorder(), NoticeDesk()
    live = OutboxDispatcher(db=db, clock=clock, lease=lease, heartbeat=beat, handlers={
        "message": send, NOTICE_KIND: make_notice_handler(db=db, desks={"slack": desk}, default_desk="slack")})
    while len(send.calls) < 4:
        assert clock.now() - start <= timedelta(seconds=30), "not taken over within 30 seconds"
        clock.advance(seconds=SWEEP.total_seconds())
        live.run_once()
    assert sorted(send.calls) == sorted(f"meeting:1:signup:{n}:remind:4m" for n in range(1, 5))
    assert _row(db, rows[0]).status == "unknown"
    assert all(_row(db, row_id).status == "sent" for row_id in rows[1:])
    assert len(desk.notices) == 1 and f"#{rows[0]}" in desk.notices[0]


def test_a_live_owners_heartbeat_keeps_its_rows_past_the_lease(db, clock):
    row_id = _add(db, clock, "held")
    lease = timedelta(seconds=20)
    owner = OutboxDispatcher(db=db, clock=clock, handlers={"message": Recorder()}, lease=lease,
                             heartbeat=timedelta(milliseconds=5))
    other_send = Recorder()
    other = OutboxDispatcher(db=db, clock=clock, handlers={"message": other_send}, lease=lease)
    [item] = owner.claim_due()
    with Heartbeat(db=db, clock=clock, owner=owner.owner, lease=lease, interval=owner.heartbeat) as heartbeat:
        for _ in range(4):  # a minute and more, in steps shorter than the lease
            clock.advance(seconds=15)
            _wait_for_beats(heartbeat, heartbeat.beats + 2)
            assert other.run_once().recovered == 0
    assert other_send.calls == []
    row = _row(db, row_id)
    assert (row.status, row.lease_owner) == ("claimed", owner.owner)
    clock.advance(seconds=21)  # the owner stopped beating (it died): the row is free again
    assert other.run_once().sent == 1 and other_send.calls == ["held"]
    owner._send_one(item, SweepResult())  # the old claim is worth nothing now
    assert _row(db, row_id).attempts == 1


def test_an_unknown_outcome_is_reported_to_the_desk_once(db, clock):
    with db.session() as session:
        row = enqueue(session, kind="message", channel="telegram", address="chat-4711",
                      payload={"text": "Påminnelse: frukostmöte i morgon"}, due_at=clock.now(),
                      dedupe_key="meeting:7:s0:signup:3.0:remind:1d")
        session.flush()
        row_id = row.id
    desk = NoticeDesk()
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={
        "message": Recorder(SendError("read timed out", outcome_unknown=True)),
        NOTICE_KIND: make_notice_handler(db=db, desks={"slack": desk}, default_desk="slack")})
    dispatcher.drain()
    clock.advance(hours=2)
    dispatcher.drain()
    OutboxDispatcher(db=db, clock=clock, handlers=dispatcher.handlers).drain()  # another process
    assert _row(db, row_id).status == "unknown"
    assert len(desk.notices) == 1
    text = desk.notices[0]
    assert f"#{row_id}" in text and "påminnelse" in text and "telegram" in text and "read timed out" in text
    assert f"lotsen outbox resolve {row_id}" in text and f"lotsen outbox resend {row_id}" in text
    assert "chat-4711" not in text and "frukostmöte" not in text  # no address, no message text
    [report] = _reports(db)
    assert report.status == "sent"


def test_a_report_about_a_row_settled_before_it_went_out_is_skipped(db, clock):
    from bot.core.actions import Actor
    from bot.outbox.settle import resolve

    row_id = _add(db, clock, "x")
    OutboxDispatcher(db=db, clock=clock,
                     handlers={"message": Recorder(SendError("cut off", outcome_unknown=True))}).drain()
    [report] = _reports(db)
    assert report.status == "pending"

    class Rules:
        def member_for(self, actor):
            return type("Member", (), {"name": "Maja"})()

    with db.writer() as session:
        assert resolve(session, outbox_id=row_id, actor=Actor("cli", "maja@k.se"), rules=Rules(), clock=clock).ok
    desk = NoticeDesk()
    OutboxDispatcher(db=db, clock=clock, handlers={
        NOTICE_KIND: make_notice_handler(db=db, desks={"slack": desk}, default_desk="slack")}).drain()
    assert desk.notices == [] and _reports(db)[0].status == "skipped"


def test_the_outcome_a_stalled_owner_reports_late_still_counts(db, clock):
    """A process stalls mid-send past its lease; another gives up on it (unknown, reported);
    then the stalled one's answer arrives: the row is sent, and the report is withdrawn."""
    row_id = _add(db, clock, "slow")
    stalled = OutboxDispatcher(db=db, clock=clock, handlers={"message": Recorder()}, lease=timedelta(seconds=20))
    [item] = stalled.claim_due()
    assert stalled._mark_sending(item)
    clock.advance(seconds=25)
    other = OutboxDispatcher(db=db, clock=clock, handlers={"message": Recorder()})
    assert other.run_once().unknown == 1
    assert [r.status for r in _reports(db)] == ["pending"]
    result = SweepResult()
    stalled._record(item, Delivery(ok=True, ref="late"), True, result)
    assert result.sent == 1
    row = _row(db, row_id)
    assert (row.status, row.ref) == ("sent", "late")
    assert [r.status for r in _reports(db)] == ["skipped"]


def test_a_report_whose_own_outcome_is_unknown_is_not_reported_again(db, clock):
    with db.session() as session:
        enqueue(session, kind=NOTICE_KIND, channel="desk", payload={"outbox_id": 999}, due_at=clock.now(),
                dedupe_key="outbox:999:unknown:1")
    OutboxDispatcher(db=db, clock=clock, handlers={NOTICE_KIND: Recorder(TimeoutError("slow"))}).drain()
    [report] = _reports(db)
    assert report.status == "unknown"


def test_the_heartbeat_must_be_shorter_than_the_lease(db, clock):
    import pytest

    with pytest.raises(ValueError, match="heartbeat"):
        OutboxDispatcher(db=db, clock=clock, handlers={}, lease=timedelta(seconds=5), heartbeat=timedelta(seconds=5))


def test_the_core_reports_an_unknown_outcome_on_the_deployments_desk(tmp_path, clock):
    """Wired in the composition root: a reminder cut off mid-flight on Telegram is reported on
    the desk routing_rules.yaml names (Slack here) and on no other."""
    from bot.app import build_lotsen
    from tests.knowledge_support import bundle

    class CutOff:
        name = "telegram"

        def send(self, message):
            raise SendError("connection reset mid-request", outcome_unknown=True)

    desk, other = NoticeDesk(), NoticeDesk()
    lotsen = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'l.db'}", bundle=bundle(),
                          clock=clock, channels={"telegram": CutOff()}, desks={"slack": desk, "telegram": other})
    try:
        row_id = _add(lotsen.db, clock, "meeting:2:s0:signup:1.0:remind:10m")
        with lotsen.db.session() as session:
            row = session.get(OutboxItem, row_id)
            row.channel = "telegram"
            session.add(row)
        for _ in range(3):
            lotsen.dispatch_outbox()
        assert _row(lotsen.db, row_id).status == "unknown"
        assert len(desk.notices) == 1 and other.notices == []
        assert f"lotsen outbox resend {row_id}" in desk.notices[0]
    finally:
        lotsen.close()


def test_lease_settings_name_the_variable_when_wrong(monkeypatch):
    import pytest

    from bot.config import ConfigError

    monkeypatch.setenv("LOTSEN_OUTBOX_LEASE_SECONDS", "8")
    monkeypatch.setenv("LOTSEN_OUTBOX_HEARTBEAT_SECONDS", "2")
    assert load_settings().outbox_heartbeat == 2.0
    for name, value in (("LOTSEN_OUTBOX_HEARTBEAT_SECONDS", "5"), ("LOTSEN_OUTBOX_LEASE_SECONDS", "0")):
        monkeypatch.setenv(name, value)
        with pytest.raises(ConfigError) as caught:
            load_settings()
        assert str(caught.value).startswith(f"{name}:") and "\n" not in str(caught.value)
        monkeypatch.setenv(name, {"LOTSEN_OUTBOX_HEARTBEAT_SECONDS": "2", "LOTSEN_OUTBOX_LEASE_SECONDS": "8"}[name])
