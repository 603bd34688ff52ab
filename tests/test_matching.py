"""Matching: Swedish-aware, honest about what it does not know, measured on the evaluation set."""

from __future__ import annotations

import pytest

from tests.knowledge_support import eval_escalation, eval_questions, responder


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


# -- quality on the evaluation set (written independently of the articles) -----------------------

def _evaluate():
    in_scope = correct = oos = oos_correct = 0
    answered = []
    for item in eval_questions():
        reply = ask(item["q"])
        if item["topic"] == "out_of_scope":
            oos += 1
            oos_correct += reply.action in ("out_of_scope", "invalid")
        else:
            in_scope += 1
            correct += reply.action in ("answer", "escalate") and reply.topic == item["topic"]
        if reply.action == "answer":
            answered.append((reply.confidence, reply.topic == item["topic"]))
    return correct / in_scope, oos_correct / oos, answered


def test_evaluation_set_is_big_and_mixed():
    questions = eval_questions()
    assert len(questions) >= 200
    swedish = sum(1 for q in questions if q["lang"] == "sv") / len(questions)
    assert 0.5 <= swedish <= 0.7
    assert sum(1 for q in questions if q["topic"] == "out_of_scope") >= 30


def test_quality_holds_the_line():
    topic_accuracy, oos_accuracy, _ = _evaluate()
    print(f"topic accuracy {topic_accuracy:.3f}, out-of-scope accuracy {oos_accuracy:.3f}")
    assert topic_accuracy >= 0.88
    assert oos_accuracy >= 0.90


def test_confidence_is_calibrated():
    """Answers given with confidence c are right about c of the time: the expected calibration
    error over confidence bins is small, and confident answers are nearly always right."""
    _, _, answered = _evaluate()
    assert all(0.0 <= conf <= 1.0 for conf, _ in answered)
    bins: dict[int, list[tuple[float, bool]]] = {}
    for conf, ok in answered:
        bins.setdefault(min(9, int(conf * 10)), []).append((conf, ok))
    error = sum(abs(sum(c for c, _ in items) / len(items) - sum(ok for _, ok in items) / len(items)) * len(items)
                for items in bins.values()) / len(answered)
    print(f"expected calibration error {error:.3f}")
    assert error <= 0.08
    confident = [ok for conf, ok in answered if conf >= 0.8]
    assert len(confident) >= 50 and sum(confident) / len(confident) >= 0.95


def test_escalation_decisions():
    data = eval_escalation()
    escalated, recalls = 0, []
    for case in data["escalate"]:
        reply = ask(case["q"])
        if reply.action == "escalate":
            escalated += 1
            needed = set(case["roles"])
            recalls.append(len(needed & set(reply.roles)) / len(needed))
            assert "naringsliv" in reply.roles
    false_alarms = [case["q"] for case in data["simple"] if ask(case["q"]).action == "escalate"]
    assert escalated / len(data["escalate"]) >= 0.95
    assert sum(recalls) / len(recalls) >= 0.9
    assert len(false_alarms) <= 2, false_alarms
