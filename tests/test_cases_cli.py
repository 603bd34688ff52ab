"""`lotsen cases ...` with the same authorization as the chat desks, and the console desk."""

from __future__ import annotations

import io

import pytest
from typer.testing import CliRunner

from bot.adapters.console_desk import ConsoleDesk
from bot.cases.outbox_handlers import make_case_outbox
from bot.cases.queries import find_case, timeline
from bot.cli.main import app
from bot.core.ports import NavigatorDesk
from bot.outbox.dispatcher import OutboxDispatcher
from tests.cases_support import RULES_FILE
from tests.test_cases_flow import kb, open_case, rules  # noqa: F401

MAJA = "maja.forsberg@sjovik.example"


@pytest.fixture
def cli(db_url, monkeypatch, kb):
    monkeypatch.setenv("LOTSEN_DATABASE_URL", db_url)
    monkeypatch.setenv("LOTSEN_ROUTING_FILE", str(RULES_FILE))
    monkeypatch.delenv("LOTSEN_NAVIGATOR", raising=False)
    monkeypatch.setattr("bot.knowledge.loader.load_knowledge", lambda directory: kb)
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(app, ["cases", *args], **kw)


def test_cli_claim_note_reply_close_with_audit(db, clock, rules, kb, cli):
    _, number = open_case(db, rules, kb, clock)
    listed = cli("list", "--open")
    assert listed.exit_code == 0 and number in listed.output and "alkohol" in listed.output
    assert cli("claim", number, "--as", MAJA).exit_code == 0
    assert cli("note", number, "Kolla detaljplanen", "--as", MAJA).exit_code == 0
    reply = cli("reply", number, "Hej! Jag ringer dig i morgon.", env={"LOTSEN_NAVIGATOR": MAJA})
    assert reply.exit_code == 0, reply.output
    bad = cli("close", number, "--outcome", "fixed", "--as", MAJA)
    assert bad.exit_code == 1 and "answered" in bad.output
    assert cli("close", number, "--outcome", "answered", "--as", MAJA).exit_code == 0
    shown = cli("show", number)
    assert shown.exit_code == 0 and "Maja Forsberg" in shown.output and "Kolla detaljplanen" in shown.output
    with db.session() as session:
        case = find_case(session, number=number)
        assert case.status == "closed" and case.claimed_by == MAJA
        kinds = [e.kind for e in timeline(session, case_id=case.id)]
        assert kinds[-5:] == ["claimed", "note", "reply", "refused", "closed"]


def test_cli_proposes_a_meeting_time_in_swedish_time(db, clock, rules, kb, cli):
    _, number = open_case(db, rules, kb, clock)
    assert cli("claim", number, "--as", MAJA).exit_code == 0
    for bad in ("i morgon", "2020-01-15 10:00"):  # not a time; in the past
        refused = cli("meeting", number, "--at", bad, "--as", MAJA)
        assert refused.exit_code == 1, refused.output
    proposed = cli("meeting", number, "--at", "2027-01-15 10:00", "--as", MAJA)
    assert proposed.exit_code == 0, proposed.output
    with db.session() as session:
        case = find_case(session, number=number)
        assert case.status == "meeting_proposed"
        assert case.meeting_at.isoformat() == "2027-01-15T09:00:00+00:00"  # 10:00 in Stockholm in winter


def test_cli_refuses_unknown_navigators_and_audits(db, clock, rules, kb, cli):
    _, number = open_case(db, rules, kb, clock)
    missing = cli("claim", number)
    assert missing.exit_code == 2 and "--as" in missing.output
    refused = cli("claim", number, "--as", "intruder@example.com")
    assert refused.exit_code == 1 and "routing_rules.yaml" in refused.output
    closed = cli("close", number, "--outcome", "answered", "--as", "intruder@example.com")
    assert closed.exit_code == 1
    with db.session() as session:
        case = find_case(session, number=number)
        assert case.status == "new"
        refusals = [e for e in timeline(session, case_id=case.id) if e.kind == "refused"]
        assert [(e.actor_channel, e.actor_id, e.data["verb"]) for e in refusals] == [
            ("cli", "intruder@example.com", "claim"), ("cli", "intruder@example.com", "close")]
    assert cli("show", "L-2026-9999").exit_code == 1


def test_console_desk_shows_the_case_mentions_and_actions(db, clock, rules, kb):
    stream = io.StringIO()
    desk = ConsoleDesk(stream)
    assert isinstance(desk, NavigatorDesk)
    outbox = make_case_outbox(desks={"console": desk}, db=db, rules=rules)
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers=outbox.handlers, after_sent=outbox.after_sent)
    with db.writer() as session:
        from bot.cases.contact import Contact
        from bot.cases.service import create_case

        case = create_case(session, rules=rules, kb=kb, channel="console", user_id="me", desk="console",
                           text="Vi ska ha en festival med ölservering", topics=["serveringstillstand"],
                           contact=Contact(name="Kim", email="kim@example.com"), consent_text="Ja", clock=clock)
    assert dispatcher.drain().sent == 1
    shown = stream.getvalue()
    assert case.number in shown and "Serveringstillstånd" in shown
    assert "@Johan Wik" in shown and "@Maja Forsberg" in shown
    assert "[Ta ärendet]" in shown and "[Avsluta]" in shown
    assert "Vi ska ha en festival med ölservering" in shown and "kim@example.com" in shown
    desk.post(case_ref=f"console:{case.number}", text="Påminnelse", mentions=[{"name": "Erik Dahl"}])
    assert stream.getvalue().rstrip().endswith(f"↳ {case.number}: @Erik Dahl Påminnelse")
