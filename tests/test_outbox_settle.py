"""`lotsen outbox list --unknown | resolve | resend | show`: a navigator settles a message whose
outcome is unknown; only navigators may, and every action and refusal is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.core.ports import SendError
from bot.outbox.dispatcher import OutboxDispatcher
from bot.outbox.models import OutboxAudit, OutboxItem
from bot.outbox.service import enqueue
from bot.outbox.settle import OutboxError, transition
from tests.cases_support import RULES_FILE
from tests.test_cases_flow import kb  # noqa: F401
from tests.test_outbox_dispatcher import Recorder, _row

MAJA = "maja.forsberg@sjovik.example"


@pytest.fixture
def cli(db_url, monkeypatch, kb):  # noqa: F811
    monkeypatch.setenv("LOTSEN_DATABASE_URL", db_url)
    monkeypatch.setenv("LOTSEN_ROUTING_FILE", str(RULES_FILE))
    monkeypatch.delenv("LOTSEN_NAVIGATOR", raising=False)
    monkeypatch.setattr("bot.knowledge.loader.load_knowledge", lambda directory: kb)
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(app, ["outbox", *args], **kw)


def _unknown_row(db, clock, *, key="meeting:3:s0:signup:9.0:remind:1d", expires=timedelta(days=1)) -> int:
    """A reminder whose send was cut off mid-flight (with the wall clock: the CLI uses it)."""
    from bot.core.clock import SystemClock

    now = SystemClock().now()
    with db.session() as session:
        row = enqueue(session, kind="message", channel="telegram", address="4711", payload={"text": "Påminnelse"},
                      due_at=now - timedelta(minutes=1), expires_at=now + expires, dedupe_key=key)
        session.flush()
        row_id = row.id
    OutboxDispatcher(db=db, clock=SystemClock(), handlers={
        "message": Recorder(SendError("read timed out", outcome_unknown=True))}).drain()
    assert _row(db, row_id).status == "unknown"
    return row_id


def _audit(db, row_id) -> list[tuple[str, str]]:
    from sqlmodel import select

    with db.session() as session:
        return [(a.action, a.actor_id) for a in session.exec(
            select(OutboxAudit).where(OutboxAudit.outbox_id == row_id).order_by(OutboxAudit.id))]


def test_list_unknown_then_resolve_marks_it_sent_and_audits(db, clock, cli):
    row_id = _unknown_row(db, clock)
    listed = cli("list", "--unknown")
    assert listed.exit_code == 0 and f"#{row_id}" in listed.output and "unknown" in listed.output
    resolved = cli("resolve", str(row_id), "--as", MAJA)
    assert resolved.exit_code == 0, resolved.output
    row = _row(db, row_id)
    assert row.status == "sent" and "Maja Forsberg" in row.ref
    assert "okänt" in cli("list", "--unknown").output  # nothing unknown is left
    assert _audit(db, row_id) == [("resolve", MAJA)]
    again = cli("resolve", str(row_id), "--as", MAJA)  # already settled: refused, audited
    assert again.exit_code == 1 and "already settled" in again.output
    assert _audit(db, row_id)[-1] == ("refused", MAJA)
    shown = cli("show", str(row_id))
    assert shown.exit_code == 0 and "resolve" in shown.output and "Maja Forsberg" in shown.output


def test_resend_sends_it_once_more(db, clock, cli):
    from bot.core.clock import SystemClock

    row_id = _unknown_row(db, clock)
    assert cli("resend", str(row_id), env={"LOTSEN_NAVIGATOR": MAJA}).exit_code == 0
    assert _row(db, row_id).status == "pending"
    send = Recorder()
    dispatcher = OutboxDispatcher(db=db, clock=SystemClock(), handlers={"message": send})
    dispatcher.drain()
    dispatcher.drain()
    row = _row(db, row_id)
    assert send.calls == ["meeting:3:s0:signup:9.0:remind:1d"] and row.status == "sent" and row.attempts == 2
    assert _audit(db, row_id) == [("resend", MAJA)]


def test_only_navigators_may_settle_and_refusals_are_audited(db, clock, cli):
    row_id = _unknown_row(db, clock)
    nobody = cli("resolve", str(row_id), "--as", "someone@example.com")
    assert nobody.exit_code == 1 and "not listed as a navigator" in nobody.output
    missing = cli("resend", str(row_id))
    assert missing.exit_code == 2 and "--as" in missing.output
    assert _row(db, row_id).status == "unknown"
    assert _audit(db, row_id) == [("refused", "someone@example.com")]
    assert cli("resolve", "999999", "--as", MAJA).exit_code == 1


def test_an_expired_reminder_is_not_resent(db, clock, cli):
    row_id = _unknown_row(db, clock, expires=timedelta(seconds=1))
    with db.session() as session:  # the meeting has started meanwhile
        row = session.get(OutboxItem, row_id)
        row.expires_at = row.due_at
        session.add(row)
    refused = cli("resend", str(row_id), "--as", MAJA)
    assert refused.exit_code == 1 and "expired" in refused.output
    assert _row(db, row_id).status == "unknown" and _audit(db, row_id)[-1][0] == "refused"


@pytest.mark.parametrize("previous,new,legal", [
    ("unknown", "sent", True), ("unknown", "pending", True), ("sent", "pending", False),
    ("pending", "sent", False), ("sending", "pending", False), ("failed", "pending", False)])
def test_transitions(previous, new, legal):
    if legal:
        assert transition(previous, new) == new
    else:
        with pytest.raises(OutboxError):
            transition(previous, new)
