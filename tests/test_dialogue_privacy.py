"""Scripted dialogues on the console, Telegram and Slack: a long contact message keeps the
e-mail at its end; "glöm mig" asks once when it would close an open case."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.cases.models import Case
from tests.dialogue_support import driver  # noqa: F401 (driver: a fixture)
from tests.test_dialogue_navigator import QUESTION


def _case(driver) -> Case:
    with driver.lotsen.db.session() as session:
        return session.exec(select(Case)).one()


def _open(driver, contact="Anna Svensson, Vinbaren AB, 070-123 45 67") -> str:
    driver.say(QUESTION)
    driver.say("lots")
    driver.say("ja")
    return driver.say(contact)


def test_a_long_contact_message_keeps_the_email_at_its_end(driver):
    story = ("Vi är ett litet familjeföretag som har drivit vinbar i tio år och nu vill flytta till en större "
             "lokal vid torget, med uteservering på sommaren och provningar på vintern. ") * 8
    contact = f"Anna Svensson, Vinbaren AB. {story}Nå mig helst på anna.svensson@vinbaren.example"
    assert len(contact) > 1_000
    opened = _open(driver, contact)
    assert "L-2026-0001" in opened
    assert _case(driver).contact_email == "anna.svensson@vinbaren.example"


def _forget(driver) -> str:
    return driver.say("glöm mig")


def test_forget_me_asks_once_when_an_open_case_would_be_closed(driver):
    _open(driver)
    question = _forget(driver)
    assert "avslutas också ditt öppna ärende L-2026-0001" in question and "ja eller nej" in question
    assert _case(driver).status != "closed" and _case(driver).contact_phone  # nothing erased yet
    assert "raderar ingenting" in driver.say("nej")
    assert _case(driver).status != "closed"
    # Any other message drops the question: a later "ja" is not an erasure.
    _forget(driver)
    driver.say("Behöver jag bygglov för ett skärmtak?")
    assert "Raderat" not in driver.say("ja") and _case(driver).contact_phone
    _forget(driver)
    erased = driver.say("ja")
    assert "Raderat" in erased and "L-2026-0001" in erased
    case = _case(driver)
    assert case.status == "closed" and case.outcome == "withdrawn" and case.contact_phone is None


def test_forget_me_without_an_open_case_erases_at_once(driver):
    driver.say("Behöver jag bygglov för ett skärmtak?")
    assert "Raderat" in _forget(driver)


@pytest.mark.parametrize("driver", ["telegram", "console"], indirect=True)
def test_the_erase_command_asks_with_buttons(driver):
    _open(driver)
    question = driver.say("/glom_mig")
    assert "L-2026-0001" in question and driver.buttons() == ["Ja, radera", "Nej, behåll ärendet"]
    assert "Raderat" in driver.press("Ja, radera")
    assert _case(driver).status == "closed"


@pytest.mark.parametrize("driver", ["slack"], indirect=True)
def test_the_slack_erase_command_asks_then_the_answer_erases(driver):
    _open(driver)
    assert "L-2026-0001" in driver.command("/glom_mig")
    assert _case(driver).status != "closed"
    assert "Raderat" in driver.say("ja")
    assert _case(driver).status == "closed"
