"""Scripted dialogues on the console, Telegram and Slack: "berätta mer" / "tell me more",
cancelling at every step, unknown commands answered with the list of commands, and every
button press answered."""

from __future__ import annotations

import pytest

from tests.dialogue_support import driver  # noqa: F401 (driver: a fixture)
from tests.test_dialogue_navigator import QUESTION, conversation


def test_tell_me_more_shows_the_article_body(driver):
    driver.say("Behöver jag bygglov för ett skärmtak?")
    more = driver.say("Berätta mer")
    assert "Om vi drar över tiden sänks avgiften med en femtedel" in more  # from the body, not the front matter
    assert "**" not in more and driver.buttons() == ["Kontakta en företagslots"]
    english = driver.say("Do I need a building permit for a canopy?")
    assert "Building permit" in english
    assert "If we run over the time limit, the fee is reduced by one fifth" in driver.say("tell me more")


def test_the_more_button_shows_the_article_body(driver):
    driver.say("Behöver jag bygglov för ett skärmtak?")
    assert "Om vi drar över tiden" in driver.press("Berätta mer")


def _cancel(driver) -> str:
    return driver.say("avbryt" if driver.name == "slack" else "/avbryt")


def test_cancel_works_at_every_step(driver):
    assert "Det finns inget att avbryta" in _cancel(driver)  # idle
    driver.say("lov?")
    assert conversation(driver).state == "clarifying"
    assert "avbrutit" in _cancel(driver) and conversation(driver).state == "idle"
    driver.say(QUESTION)
    driver.say("ja")
    assert conversation(driver).state == "consenting"
    assert "skapar inget ärende" in _cancel(driver) and conversation(driver).state == "idle"
    driver.say("lots")
    driver.say("ja")
    assert conversation(driver).state == "collecting"
    assert "skapar inget ärende" in _cancel(driver) and conversation(driver).state == "idle"
    driver.say("lots")
    driver.say("ja")
    driver.say("Anna Svensson, 070-123 45 67")
    assert conversation(driver).state == "in_case"
    in_case = _cancel(driver)
    assert "L-2026-0001 är fortfarande öppet" in in_case and conversation(driver).state == "in_case"


@pytest.mark.parametrize("command", ["/foo", "/stop", "/meny", "/lots_x@lotsen_bot hej"])
def test_unknown_commands_get_the_list_of_commands(driver, command):
    text = driver.say(command)
    assert f"Kommandot {command.split()[0]} känner jag inte till" in text or command == "/meny"
    assert "Det här kan du skriva:" in text and "lots" in text and "avbryt" in text
    assert "Det kan jag tyvärr inte svara på" not in text


@pytest.mark.parametrize("driver", ["telegram"], indirect=True)
def test_every_telegram_button_press_is_answered(driver):
    driver.say("Behöver jag bygglov för ett skärmtak?")
    for data in ("made-up", "n:claim:L-2026-0001", "c:topic:bygglov:AAAAAAAAAAAAAAAA", "e:gone", "c:more:x:y"):
        driver.press_data(data)
    answered = driver.fake.wait_for(lambda f: (lambda a: a if len(a) >= 5 else None)(
        f.calls_to("answerCallbackQuery")), 20)
    assert all(call.params.get("show_alert") and call.params.get("text") for call in answered)


@pytest.mark.parametrize("driver", ["slack"], indirect=True)
def test_a_made_up_slack_button_is_answered(driver):
    text = driver.press_value("lotsen_choice_0", "c:offer:lots:forged")
    assert "gäller inte längre" in text
    assert conversation_state_untouched(driver)


def conversation_state_untouched(driver) -> bool:
    from sqlmodel import select

    from bot.conversation.models import Conversation

    with driver.lotsen.db.session() as session:
        return session.exec(select(Conversation)).first() is None
