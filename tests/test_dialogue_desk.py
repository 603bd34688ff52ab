"""The navigators' side as the entrepreneur and the navigators meet it: one set of verbs on
every desk, claiming only for the convened roles (and the coordinator), times in Stockholm
time, the entrepreneur told when a navigator should have answered and when the ladder ran out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.adapters.slack import render as slack_render
from bot.adapters.telegram.keys import NAV_VERBS
from bot.cases.actions import VERBS
from bot.cases.models import Case
from bot.cli.main import app
from bot.core.actions import Actor, NavigatorAction
from tests.dialogue_support import ConsoleDriver, driver  # noqa: F401 (driver: a fixture)
from tests.test_dialogue_navigator import QUESTION

PETRA = Actor("slack", "U0SJ0LIVS1")  # livsmedel: not convened on a serveringstillstånd case
JOHAN = Actor("slack", "U0SJ0ALKO1")  # alkohol
MAJA = Actor("cli", "maja.forsberg@sjovik.example")  # naringsliv, the coordinator


@pytest.fixture
def console(tmp_path):
    made = ConsoleDriver(tmp_path)
    yield made
    made.close()


def _open(driver) -> str:
    driver.say(QUESTION)
    driver.say("lots")
    driver.say("ja")
    return driver.say("Anna Svensson, Vinbaren AB, 070-123 45 67")


def test_the_verbs_are_one_set_on_every_desk(console):
    commands = {c.name for group in app.registered_groups if group.name == "cases"
                for c in group.typer_instance.registered_commands}
    assert set(VERBS) <= commands  # lotsen cases claim|note|reply|meeting|add|close
    assert set(slack_render.VERBS) == set(VERBS) and set(NAV_VERBS) <= set(VERBS)
    _open(console)
    assert "desk (ok)" in console.say("/lotse johan.wik@sjovik.example claim L-2026-0001")
    proposed = console.say("/lotse johan.wik@sjovik.example meeting L-2026-0001 2026-12-03 10:00")
    assert "desk (ok)" in proposed and "2026-12-03 10:00" in proposed
    again = console.say("/lotse johan.wik@sjovik.example propose_meeting L-2026-0001 2026-12-04 10:00")
    assert "desk (ok)" in again  # the old name still works
    unknown = console.say("/lotse johan.wik@sjovik.example boka L-2026-0001")
    assert "desk (nej)" in unknown and "claim, note, reply, meeting, add, close" in unknown


def test_claiming_is_for_the_convened_roles_and_the_coordinator(console):
    _open(console)
    lotsen = console.lotsen
    refused = lotsen.navigator_action(NavigatorAction(PETRA, "claim", "L-2026-0001"))
    assert not refused.ok and "Alkohol" in refused.message
    assert "Be Näringsliv och företagslots att lägga till dig" in refused.message  # the coordinator, named from routing_rules.yaml
    with lotsen.db.session() as session:
        assert session.exec(select(Case)).one().status != "claimed"
    assert lotsen.navigator_action(NavigatorAction(JOHAN, "claim", "L-2026-0001")).ok
    console.say("/lotse johan.wik@sjovik.example close L-2026-0001 answered")
    _open(console)  # a second case: the coordinator may take it
    assert lotsen.navigator_action(NavigatorAction(MAJA, "claim", "L-2026-0002")).ok


def test_the_entrepreneur_is_told_when_a_navigator_should_have_answered(driver):
    # The clock stands at Monday 23 November 2026, 10.00 in Stockholm; 4 working hours on.
    opened = _open(driver)
    assert "L-2026-0001" in opened and "senast måndag 23 november kl. 14.00" in opened


def test_the_entrepreneur_hears_when_the_ladder_has_run_out(driver):
    _open(driver)
    lotsen = driver.lotsen
    lotsen.dispatch_outbox()
    driver.outbox()
    for _ in range(3):  # members, deputies, the coordinator
        lotsen.clock.advance(timedelta(days=1))
        assert lotsen.sweep_ladder() == 1
    told = driver.outbox()
    assert "Ingen har hunnit ta ditt ärende L-2026-0001" in told and "Näringsliv" in told
    lotsen.clock.advance(timedelta(days=1))
    assert lotsen.sweep_ladder() == 0 and driver.outbox() == ""  # told once


def test_the_timeline_is_in_stockholm_time(console, monkeypatch):
    _open(console)
    console.lotsen.navigator_action(NavigatorAction(JOHAN, "claim", "L-2026-0001"))
    monkeypatch.setenv("LOTSEN_DATABASE_URL", str(console.lotsen.db.engine.url))
    shown = CliRunner().invoke(app, ["cases", "show", "L-2026-0001"])
    assert shown.exit_code == 0, shown.output
    assert "2026-11-23 10:00  claimed" in shown.output  # 09:00 UTC
    assert "09:00Z" not in shown.output


def _events(lotsen, kind):
    from bot.cases.models import CaseEvent

    with lotsen.db.session() as session:
        return [e.data for e in session.exec(select(CaseEvent).where(CaseEvent.kind == kind).order_by(CaseEvent.id))]


def test_the_coordinator_adds_a_navigator_who_may_then_claim(console):
    _open(console)  # a serveringstillstånd case: alcohol licensing and the coordinator
    lotsen = console.lotsen
    assert not lotsen.navigator_action(NavigatorAction(PETRA, "claim", "L-2026-0001")).ok
    # Only the coordinator may add; the refusal is audited.
    refused = console.say("/lotse johan.wik@sjovik.example add L-2026-0001 petra.lundqvist@sjovik.example")
    assert "desk (nej)" in refused and "bara Näringsliv och företagslots som kan lägga till" in refused
    assert _events(lotsen, "refused")[-1]["verb"] == "add"
    posts = len(lotsen.desk.posts)
    added = console.say("/lotse maja.forsberg@sjovik.example add L-2026-0001 petra.lundqvist@sjovik.example")
    assert "desk (ok)" in added and "Petra Lundqvist är tillagd i L-2026-0001" in added
    lotsen.dispatch_outbox()
    [post] = lotsen.desk.posts[posts:]
    assert "Maja Forsberg lade till Petra Lundqvist i L-2026-0001" in post
    assert _events(lotsen, "added") == [{"member": "petra.lundqvist@sjovik.example", "who": "Petra Lundqvist",
                                        "mentions": ["Petra Lundqvist"]}]
    again = console.say("/lotse maja.forsberg@sjovik.example add L-2026-0001 petra.lundqvist@sjovik.example")
    assert "desk (nej)" in again and "kan redan ta" in again
    assert lotsen.navigator_action(NavigatorAction(PETRA, "claim", "L-2026-0001")).ok


def test_the_coordinator_adds_a_role_by_name_or_id(console, monkeypatch):
    _open(console)
    lotsen = console.lotsen
    unknown = console.say("/lotse maja.forsberg@sjovik.example add L-2026-0001 nobody@example.com")
    assert "desk (nej)" in unknown and "Jag hittar ingen roll eller lots" in unknown
    monkeypatch.setenv("LOTSEN_DATABASE_URL", str(lotsen.db.engine.url))
    cli = CliRunner().invoke(app, ["cases", "add", "L-2026-0001", "Livsmedelskontroll", "--as",
                                   "maja.forsberg@sjovik.example"])
    assert cli.exit_code == 0, cli.output
    assert "Livsmedelskontroll är tillagd i L-2026-0001" in cli.output
    with lotsen.db.session() as session:
        case = session.exec(select(Case)).one()
        assert "livsmedel" in case.roles
    [data] = _events(lotsen, "added")
    assert data["role"] == "livsmedel" and data["mentions"] == ["Petra Lundqvist", "Omar Haddad"]
    from bot.cases.models import CaseEvent
    from bot.cases.outbox_handlers import render_event
    with lotsen.db.session() as session:  # the desk post (due by the CLI's real clock, so rendered here)
        event = session.exec(select(CaseEvent).where(CaseEvent.kind == "added")).one()
        assert "Maja Forsberg lade till Livsmedelskontroll i L-2026-0001" in render_event(case, event, "desk_added", "sv")
        assert "Maja Forsberg added Food control to L-2026-0001" in render_event(case, event, "desk_added", "en")
    # The role's deputy may claim now too.
    assert lotsen.navigator_action(NavigatorAction(Actor("slack", "U0SJ0MILJ2"), "claim", "L-2026-0001")).ok
