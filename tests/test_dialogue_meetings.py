"""Scripted dialogues on the console, Telegram and Slack: complaints, meetings found by name,
kind and date with paging, and a navigator's proposed meeting time accepted or declined in free
text and by button."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.cases.models import Case
from bot.core.actions import Actor, NavigatorAction
from bot.meetings.models import Signup
from bot.meetings.service import erase_person
from tests.dialogue_support import driver, user_of  # noqa: F401 (driver: a fixture)
from tests.test_dialogue_navigator import QUESTION, conversation

JOHAN = Actor("slack", "U0SJ0ALKO1")  # Johan Wik, alkohol, in routing_rules.yaml


def test_a_complaint_is_acknowledged_answered_with_the_protecting_rule_and_offered_a_case(driver):
    text = driver.say("4 månader utan bygglov! Vad håller ni på med??")
    assert "Jag förstår att du är besviken" in text
    assert "Kommunen ska besluta inom 10 veckor" in text  # the deadline
    assert "femtedel för varje påbörjad vecka" in text  # the fee reduction
    assert "12 kap. 8 a §" in text and "Plan- och bygglagen (2010:900)" in text
    assert "samtycke" in text and driver.buttons() == ["Ja, gärna", "Nej tack"]
    record = conversation(driver)
    assert record.state == "consenting" and record.pending["escalation"]["reason"] == "dispute"
    assert record.pending["escalation"]["words"] == "4 månader utan bygglov! Vad håller ni på med??"
    assert "bygg" in record.pending["escalation"]["roles"] and record.pending["escalation"]["topics"] == ["bygglov"]


def test_meetings_found_by_name_kind_and_date(driver):
    breakfast = driver.say("När är nästa företagsfrukost?")
    assert "Nästa: Företagsfrukost – tor 21 jan 2027" in breakfast
    assert "Näringslivsrådet" not in breakfast and "Nätverk och träffar för företagare" not in breakfast
    council = driver.say("näringslivsrådet")
    assert "Nästa: Näringslivsrådet – tor 4 mar 2027" in council
    february = driver.say("Vilka möten finns i februari?")
    assert "11 feb 2027" in february and "18 feb 2027" in february and "21 jan" not in february
    asked = driver.say("Jag vill anmäla mig till upphandlingsdialogen")
    assert "Du anmäler dig till Upphandlingsdialog med Företagarna Sjövik" in asked
    assert "Miljöfarlig" not in asked and "tatuering" not in asked
    signed = driver.say("Anna Svensson, Pizzeria Roma")
    assert "Du är anmäld till Upphandlingsdialog med Företagarna Sjövik" in signed
    with driver.lotsen.db.session() as session:
        assert session.exec(select(Signup)).one().status == "confirmed"
    # A question about what it is still gets the article.
    assert "Dialog med kommunen inför upphandlingar" in driver.say("Vad är en upphandlingsdialog?")


def test_show_more_meetings_pages_on(driver):
    first = driver.say("vilka möten finns?")
    assert "\n1. " in first and "\n5. " in first and "visa fler möten" in first
    second = driver.say("visa fler möten")
    assert "\n6. " in second and "\n1. " not in second
    firsts = {line.split(" – ")[1] for line in first.splitlines() if line[:2] in ("1.", "2.", "3.", "4.", "5.")}
    seconds = {line.split(" – ")[1] for line in second.splitlines() if line[:2] in ("6.", "7.", "8.", "9.", "10")}
    assert firsts.isdisjoint(seconds) and len(seconds) == 5
    asked = driver.say("anmäl mig till 7")  # numbers go on from the first page
    title = next(line for line in second.splitlines() if line.startswith("7. ")).split(" – ")[0][3:]
    assert f"Du anmäler dig till {title}" in asked
    assert f"Du är anmäld till {title}" in driver.say("Anna Svensson")


def _case_with_a_proposed_time(driver) -> str:
    driver.say(QUESTION)
    driver.say("lots")
    driver.say("ja")
    opened = driver.say("Anna Svensson, Vinbaren AB, 070-123 45 67")
    number = opened.split("ärendenummer är ")[1][:11]
    assert driver.lotsen.navigator_action(NavigatorAction(JOHAN, "claim", number)).ok
    result = driver.lotsen.navigator_action(NavigatorAction(JOHAN, "meeting", number, text="2026-12-03 10:00"))
    assert result.ok, result.message
    proposal = driver.outbox()
    assert "föreslår ett möte om ärende" in proposal and "2026-12-03 10:00" in proposal
    return number


def _status(driver, number) -> str:
    with driver.lotsen.db.session() as session:
        return session.exec(select(Case).where(Case.number == number)).one().status


@pytest.mark.parametrize("answer", ["Ja, det passar", "1"])
def test_a_proposed_time_accepted_in_free_text(driver, answer):
    number = _case_with_a_proposed_time(driver)
    text = driver.say(answer)
    assert "Mötet 2026-12-03 10:00 är bokat" in text
    assert _status(driver, number) == "meeting_agreed"


@pytest.mark.parametrize("answer", ["Nej, det passar inte", "2"])
def test_a_proposed_time_declined_in_free_text(driver, answer):
    number = _case_with_a_proposed_time(driver)
    assert "återkommer med ett nytt förslag" in driver.say(answer)
    assert _status(driver, number) == "claimed"


@pytest.mark.parametrize("driver", ["telegram", "slack"], indirect=True)  # the terminal has numbers: "1" above
def test_a_proposed_time_accepted_by_button(driver):
    number = _case_with_a_proposed_time(driver)
    assert driver.buttons() == ["Ja, det passar", "Nej, föreslå en annan tid"]
    assert "är bokat" in driver.press("Ja, det passar")
    assert _status(driver, number) == "meeting_agreed"


def _signups(driver):
    with driver.lotsen.db.session() as session:
        return [(s.status, s.name, s.company) for s in session.exec(select(Signup).order_by(Signup.id))]


def test_sign_up_asks_name_and_company_and_the_organiser_sees_them(driver):
    driver.say("vilka möten finns?")
    asked = driver.say("anmäl mig till 1")
    assert "Arrangören behöver veta vilka som kommer" in asked and "glöm mig" in asked
    assert _signups(driver) == []
    signed = driver.say("Anna Svensson, Pizzeria Roma")
    assert "Du är anmäld till" in signed
    assert _signups(driver) == [("confirmed", "Anna Svensson", "Pizzeria Roma")]
    if driver.name == "console":  # the terminal writes the invitation to a file and prints its path
        path = signed.split("attachment saved: ")[1].split(")")[0]
        assert path.endswith(".ics") and b"BEGIN:VCALENDAR" in open(path, "rb").read()
    if driver.name == "telegram":
        assert driver.fake.wait_for(lambda fake: fake.calls_to("sendDocument"), 10)
    # Next time the details are offered again, as a button.
    driver.say("vilka möten finns?")
    again = driver.say("anmäl mig till 2")
    assert "Ska jag anmäla dig som Anna Svensson, Pizzeria Roma?" in again
    assert driver.buttons() == ["Ja, som Anna Svensson, Pizzeria Roma"]
    assert "Du är anmäld till" in driver.press("Ja, som Anna Svensson, Pizzeria Roma")
    assert [s[1] for s in _signups(driver)] == ["Anna Svensson", "Anna Svensson"]
    # "glöm mig" erases them.
    with driver.lotsen.db.session() as session:
        channel, user = user_of(driver)
        erase_person(session, channel=channel, user_id=user, clock=driver.lotsen.clock)
    assert _signups(driver) == [("cancelled", None, None), ("cancelled", None, None)]


def test_cancel_while_asked_for_a_name_signs_nobody_up(driver):
    driver.say("vilka möten finns?")
    driver.say("anmäl mig till 1")
    assert "avbrutit" in driver.say("/avbryt")
    assert "anmäld" not in driver.say("Anna Svensson")  # no longer read as the answer
    assert _signups(driver) == []
