"""Scripted dialogues, on the console, Telegram and Slack: saying yes to the offer of a
navigator, pressing its button, asking for a person in one's own words, and `/lots` / `lots`
after a question. The case that comes of it is about the person's question, in their words,
with its topics and the roles they need."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.cases.models import Case
from bot.conversation.models import Conversation
from tests.dialogue_support import driver, user_of  # noqa: F401 (driver: a fixture)

QUESTION = "Behöver jag serveringstillstånd för att servera vin?"
ARTICLE_TITLE = "Serveringstillstånd (stadigvarande)"


def conversation(driver) -> Conversation:
    channel, user = user_of(driver)
    with driver.lotsen.db.session() as session:
        return session.exec(select(Conversation).where(Conversation.channel == channel,
                                                       Conversation.user_id == user)).one()


def assert_consent_about_the_question(driver, text: str) -> None:
    assert f"Det gäller din fråga: ”{QUESTION}”" in text
    assert ARTICLE_TITLE in text and "samtycke" in text
    assert driver.buttons() == ["Ja, gärna", "Nej tack"]
    record = conversation(driver)
    assert record.state == "consenting"
    assert record.pending["escalation"]["words"] == QUESTION
    assert record.pending["escalation"]["topics"][0] == "serveringstillstand"
    assert "alkohol" in record.pending["escalation"]["roles"] and record.pending["escalation"]["roles"][-1] == "naringsliv"


def test_yes_to_the_offer_opens_the_consent_step_with_the_question(driver):
    answer = driver.say(QUESTION)
    assert ARTICLE_TITLE in answer and "Vill du att en företagslots hör av sig?" in answer
    assert driver.buttons() == ["Berätta mer", "Kontakta en företagslots"]
    assert_consent_about_the_question(driver, driver.say("Ja"))


def test_the_offer_button_opens_the_consent_step(driver):
    driver.say(QUESTION)
    assert_consent_about_the_question(driver, driver.press("Kontakta en företagslots"))


@pytest.mark.parametrize("words", ["Jag vill prata med en företagslots", "kan någon ringa mig"])
def test_asking_for_a_person_reaches_a_person_not_the_article(driver, words):
    driver.say(QUESTION)
    text = driver.say(words)
    assert "Företagslots – en väg in till kommunen" not in text  # not the article about the service
    assert_consent_about_the_question(driver, text)


def test_yes_without_an_offer_is_not_an_unanswerable_question(driver):
    text = driver.say("ja")
    assert "Det kan jag tyvärr inte svara på" not in text and "lots" in text
    assert conversation(driver).state == "idle"


def _lots(driver) -> str:
    if driver.name == "slack":
        return driver.command("/lots")
    return driver.say("/lots")


@pytest.mark.parametrize("how", ["/lots", "lots"])
def test_lots_after_a_question_carries_it_into_the_case(driver, how):
    driver.say(QUESTION)
    offer = _lots(driver) if how == "/lots" else driver.say("lots")
    assert f"”{QUESTION}”" in offer and ARTICLE_TITLE in offer
    assert "telefonnummer" in driver.say("ja")
    opened = driver.say("Anna Svensson, Vinbaren AB, 070-123 45 67")
    assert "L-2026-0001" in opened
    with driver.lotsen.db.session() as session:
        case = session.exec(select(Case)).one()
    assert case.words == QUESTION  # the entrepreneur's own words, never the bot's text
    assert [t["id"] for t in case.topics][0] == "serveringstillstand"
    assert "alkohol" in case.roles and case.trigger["kind"] == "explicit_request"
    driver.lotsen.dispatch_outbox()
    card = driver.lotsen.desk.cards[0]
    assert ARTICLE_TITLE in card.title and card.entrepreneur_words == QUESTION
