"""The Insikt follow-up as the entrepreneur meets it, on the console, Telegram and Slack
(the real libraries against the fakes): closing a case asks the questions on the person's
channel, each answered by a button or in words, or skipped; the answers are stored against the
area and topic, never the person; the one reminder follows the person's progress and is dropped
when they finish; erasure leaves only the anonymous answers. And the sampled "Fick du svar på
din fråga?" under an answer."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.core.actions import Actor, NavigatorAction
from bot.insight.models import Answer, ClaimFact, Survey
from bot.insight.texts import QUESTIONS
from bot.outbox.models import OutboxItem
from tests.dialogue_support import driver, user_of  # noqa: F401 (driver: a fixture)
from tests.test_dialogue_navigator import QUESTION

JOHAN = Actor("cli", "johan.wik@sjovik.example")  # alkohol, convened on a serveringstillstånd case


def _open_and_close(driver, *, hours: float = 3) -> str:
    driver.say(QUESTION)
    driver.say("lots")
    driver.say("ja")
    assert "L-2026-0001" in driver.say("Anna Svensson, Vinbaren AB, 070-123 45 67")
    lotsen = driver.lotsen
    assert lotsen.navigator_action(NavigatorAction(JOHAN, "claim", "L-2026-0001")).ok
    driver.outbox()
    lotsen.clock.advance(timedelta(hours=hours))
    assert lotsen.navigator_action(NavigatorAction(JOHAN, "close", "L-2026-0001", outcome="answered")).ok
    return driver.outbox()


def _answer(driver, label: str) -> str:
    """Press the button when the channel shows it, else write it (the console shows buttons of replies only)."""
    return driver.press(label) if label in driver.buttons() else driver.say(label)


def _answers(driver) -> list[Answer]:
    with driver.lotsen.db.session() as session:
        return list(session.exec(select(Answer).order_by(Answer.id)))


def _reminder(driver) -> OutboxItem:
    with driver.lotsen.db.session() as session:
        return session.exec(select(OutboxItem).where(OutboxItem.dedupe_key.like("insight:survey:%:reminder"))).one()


def test_closing_a_case_asks_the_insikt_questions_and_stores_answers_without_the_person(driver):
    asked = _open_and_close(driver)
    assert "Ditt ärende L-2026-0001 är avslutat" in asked and "9 korta frågor" in asked
    assert "Fråga 1 av 9: Hur nöjd är du sammantaget med kommunens service i ditt ärende?" in asked
    if driver.name != "console":
        assert driver.buttons() == ["1", "2", "3", "4", "5", "6", "Hoppa över", "Avsluta enkäten"]
    reminder = _reminder(driver)
    assert reminder.status == "pending" and "Fråga 1 av 9" in reminder.payload["text"]

    assert "Fråga 2 av 9" in _answer(driver, "5")
    assert "Fråga 3 av 9" in driver.say("hoppa över")  # skipped in words
    assert "Fråga 3 av 9" in _reminder(driver).payload["text"]  # the reminder follows the person
    assert "Fråga 4 av 9: Information" in _answer(driver, "4")
    for label in ("6", "Hoppa över", "3", "2"):
        _answer(driver, label)
    assert "Fråga 9 av 9: Effektivitet" in _answer(driver, "1")
    assert "Tack för dina svar" in _answer(driver, "6")

    answers = _answers(driver)
    assert [(a.question, a.score) for a in answers] == list(zip(QUESTIONS, [5, None, 4, 6, None, 3, 2, 1, 6]))
    assert {(a.kind, a.area, a.topic, a.procurement) for a in answers} == {
        ("survey", "alkohol", "serveringstillstand", False)}
    assert _reminder(driver).status == "skipped"  # finished: never reminded
    with driver.lotsen.db.session() as session:
        survey = session.exec(select(Survey)).one()
        fact = session.exec(select(ClaimFact)).one()
    assert (survey.state, survey.step, survey.lang) == ("done", 9, "sv")
    assert fact.area == "alkohol" and fact.within_level  # claimed at once, within the service level


def test_stopping_and_erasure_leave_only_anonymous_answers(driver):
    _open_and_close(driver)
    _answer(driver, "4")
    assert "jag frågar inte mer" in _answer(driver, "Avsluta enkäten")
    assert _reminder(driver).status == "skipped"
    assert "Fråga" not in driver.say("3")  # the survey is over: "3" is an ordinary message again
    assert [(a.question, a.score) for a in _answers(driver)] == [("nki_overall", 4)]
    channel, user = user_of(driver)
    erased = driver.lotsen.erase(channel=channel, user_id=user, confirmed=True)
    assert "Dina svar finns kvar utan koppling till dig" in erased.text
    with driver.lotsen.db.session() as session:
        assert session.exec(select(Survey)).all() == []  # who was asked, and where: gone
    kept = _answers(driver)
    assert [(a.question, a.score, a.area) for a in kept] == [("nki_overall", 4, "alkohol")]
    columns = set(Answer.__table__.columns.keys())
    assert not columns & {"channel", "user_id", "address", "case_id", "name"}


def test_the_reminder_is_sent_once_in_the_question_reached(driver):
    _open_and_close(driver)
    _answer(driver, "5")
    driver.lotsen.clock.advance(timedelta(days=4))  # past two working days
    reminded = driver.outbox()
    assert "En påminnelse" in reminded and "Fråga 2 av 9" in reminded
    driver.lotsen.clock.advance(timedelta(days=4))
    assert "En påminnelse" not in driver.outbox()  # at most one
    assert "Fråga 3 av 9" in _answer(driver, "6")  # the reminder's buttons answer the survey


def test_did_you_get_an_answer_is_sampled_and_stored_against_the_topic(driver):
    driver.lotsen.engine.insight.sample_every = 1  # the sample takes every answer in this test
    answer = driver.say("Behöver jag bygglov för ett skärmtak?")
    assert "Fick du svar på din fråga?" in answer
    assert driver.buttons()[-2:] == ["Ja, jag fick svar", "Nej"]
    assert "Bra att du fick svar" in driver.press("Ja, jag fick svar")
    rows = [a for a in _answers(driver) if a.kind == "check"]
    assert [(a.question, a.score, a.topic, a.area) for a in rows] == [("answered", 1, "bygglov", "bygg")]
    driver.lotsen.engine.insight.sample_every = 10_000  # and a sample that skips it: no question
    assert "Fick du svar" not in driver.say("Behöver jag bygglov för ett skärmtak?")
