"""Matching: Swedish-aware, honest about what it does not know, measured on the evaluation set."""

from __future__ import annotations

import pytest

from tests.knowledge_support import responder


def ask(text: str):
    return responder().respond(text)


@pytest.mark.parametrize("question, topic", [
    ("tillstand for uteservering", "uteservering"),  # no å
    ("Tillstånd för uteservering", "uteservering"),
    ("serveringstillståndet", "serveringstillstand"),  # inflected compound
    ("registrera livsmedel", "livsmedelsregistrering"),  # parts of a compound, other word order
    ("byglov", "bygglov"),  # typo
    ("serverinstillstånd", "serveringstillstand"),  # typo in a compound
    ("alkoholtillstånd", "serveringstillstand"),  # synonym compound
    ("BYGGLOV?!", "bygglov"),
    ("Do I need a building permit for an extension?", "bygglov"),
    ("food truck permit", "foodtruck"),
    ("fettavskiljare", "fettavskiljare"),
    ("hur lång tid tar det att få bygglov", "bygglov"),
])
def test_swedish_aware_matching(question, topic):
    reply = ask(question)
    assert (reply.action, reply.topic) == ("answer", topic), reply.as_json()


@pytest.mark.parametrize("question, lang", [
    ("Behöver jag bygglov för en altan?", "sv"),
    ("behover jag bygglov for en altan", "sv"),
    ("Do I need a building permit?", "en"),
    ("how long does a food registration take", "en"),
])
def test_answers_in_the_askers_language(question, lang):
    reply = ask(question)
    assert reply.lang == lang
    marker = {"sv": "Så gör du:", "en": "Next step:"}[lang]
    assert marker in reply.text


def test_answer_has_law_deadline_fee_next_step_source_and_offer():
    reply = ask("Behöver jag bygglov för att bygga ut verkstaden?")
    assert reply.action == "answer" and reply.topic == "bygglov"
    for part in ("Plan- och bygglagen", "10 veckor", "Avgift:", "Så gör du:", "https://", "företagslots"):
        assert part in reply.text
    assert "Sjöviks kommun" in reply.text or "sjovik.example" in reply.text  # profile values resolved


@pytest.mark.parametrize("question", [
    "Hur blir vädret i helgen?", "berätta ett skämt", "tell me a joke", "What's the weather tomorrow?",
    "Hur förnyar jag mitt pass?", "vilken bank har bäst bolån just nu",
])
def test_out_of_scope_is_honest_and_gives_the_contact(question):
    reply = ask(question)
    assert reply.action == "out_of_scope" and reply.topic is None
    assert "0520-49 70 00" in reply.text  # the municipality's contact channel from the profile


@pytest.mark.parametrize("question, kind", [
    ("Hej!", "greeting"), ("hej lotsen", "greeting"), ("tack så mycket", "greeting"),
    ("vad kan du?", "greeting"), ("What can you do?", "greeting"), ("thanks", "greeting"),
])
def test_small_talk(question, kind):
    reply = ask(question)
    assert reply.action == kind
    assert reply.topic is None


def test_greeting_with_a_question_is_answered():
    reply = ask("Hej! Behöver jag bygglov för ett nytt skärmtak?")
    assert reply.action == "answer" and reply.topic == "bygglov"


def test_clarify_lists_two_or_three_topics_as_buttons():
    reply = ask("tillstånd för alkohol på festen")
    assert reply.action in ("clarify", "answer")
    if reply.action == "clarify":
        assert 2 <= len(reply.alternatives) <= 3
        assert [b.key for b in reply.buttons] == [f"topic:{t}" for t in reply.alternatives]


@pytest.mark.parametrize("text", [
    "", "   \n\t  ", "😀🎉👍", "Привет, как дела?", "مرحبا كيف حالك", "\u200b\u200b\u200b",
    "\u202ebygglov\u202c", "'; DROP TABLE conversation; --", "**bygglov** [länk](https://x.example)",
    "a" * 100_000, "bygglov " * 20_000, "\x00\x01\x02 bygglov \x7f",
])
def test_bad_input_gets_a_polite_reply_never_a_traceback(text):
    reply = ask(text)
    assert reply.action in ("invalid", "out_of_scope", "answer", "clarify", "greeting")
    assert reply.text and len(reply.text) < 3_000
    assert "Traceback" not in reply.text


def test_bidi_and_zero_width_characters_do_not_hide_words():
    assert ask("byg\u200bglov\u202c").topic == "bygglov"
    assert ask("tillst\u00e5nd f\u00f6r uteservering\u2066\u2069").topic == "uteservering"


def test_other_scripts_are_told_which_languages_work():
    reply = ask("Привет, как дела?")
    assert reply.action == "invalid"
    assert "svenska" in reply.text and "English" in reply.text
