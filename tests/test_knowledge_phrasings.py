"""knowledge/phrasings.yaml: how entrepreneurs ask about each topic, checked line by line, optional,
part of the cache key, and what the second reader learns the style of questions from."""

from __future__ import annotations

import shutil

import pytest

from bot.knowledge import cache
from bot.knowledge.loader import check_knowledge
from bot.knowledge.phrasings import PHRASINGS_FILE
from bot.matching.domain import OUTSIDE, train
from tests.knowledge_support import KNOWLEDGE, ROUTING, bundle, eval_questions


def _copy(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def test_the_shipped_phrasings_are_valid_and_cover_every_topic():
    kb, problems = check_knowledge(KNOWLEDGE)
    assert problems == []
    assert {p.topic for p in kb.phrasings} == set(kb.articles)
    assert {p.lang for p in kb.phrasings} == {"sv", "en"}


def test_no_phrasing_is_a_dev_question():
    """They (and the cases) were written blind; a dev question among them would flatter the dev figures."""
    kb = bundle().kb
    phrasings = {p.q.casefold().strip(" ?.!") for p in [*kb.phrasings, *kb.cases]}
    assert not phrasings & {q["q"].casefold().strip(" ?.!") for q in eval_questions("dev")}


def test_no_training_line_is_close_to_a_frozen_test_question():
    """The phrasings, the cases (knowledge/cases.yaml, what the role reader learns from) and the
    out-of-domain corpus are what the readers learn from; a line
    close to a question of the frozen test set (ratio 85 of the folded texts, the way near
    copies and stock questions like "tell me a joke" look alike) would flatter the reported
    figures. Written blind, some still came close by chance: they are left out. (This reads the
    test set only to keep it out; see tests/eval/README.md.)"""
    from rapidfuzz import fuzz, process

    from bot.matching.domain import load_corpus
    from bot.matching.text import fold
    from tests.knowledge_support import eval_escalation

    cases = eval_escalation("test")
    frozen = [fold(q["q"]) for q in [*eval_questions("test"), *cases["escalate"], *cases["simple"]]]
    kb = bundle().kb
    lines = [p.q for p in kb.phrasings] + [c.q for c in kb.cases] + load_corpus()
    close = [line for line in lines if process.extractOne(fold(line), frozen, scorer=fuzz.ratio)[1] >= 85]
    assert close == []


def test_bad_lines_are_reported_on_their_line(tmp_path):
    target = _copy(tmp_path)
    (target / PHRASINGS_FILE).write_text(
        "# a comment\n"
        "bygglov:\n"
        "  - {q: \"Får jag bygga ett förråd vid verkstaden?\", lang: sv}\n"
        "  - {q: \"  \", lang: sv}\n"
        "  - {q: \"Can I build a shed?\", lang: de}\n"
        "flygplats:\n"
        "  - {q: \"Var landar planen?\", lang: sv}\n"
        "skyltlov: en fråga\n", encoding="utf-8")
    _, problems = check_knowledge(target)
    found = {(p.line, p.message.split(" ")[0]) for p in problems if p.path.endswith(PHRASINGS_FILE)}
    messages = [str(p) for p in problems]
    assert len(found) == 4, messages
    assert any(p.line == 4 and "needs a question" in p.message for p in problems), messages
    assert any(p.line == 5 and "'lang' must be one of sv, en" in p.message for p in problems), messages
    assert any(p.line == 6 and "unknown topic id 'flygplats'" in p.message for p in problems), messages
    assert any(p.line == 8 and "'skyltlov' must list" in p.message for p in problems), messages


def test_broken_yaml_is_a_problem_not_a_crash(tmp_path):
    target = _copy(tmp_path)
    (target / PHRASINGS_FILE).write_text("bygglov:\n  - {q: \"oavslutad\n", encoding="utf-8")
    _, problems = check_knowledge(target)
    assert any(p.path.endswith(PHRASINGS_FILE) and "bad YAML" in p.message for p in problems)


def test_a_knowledge_base_without_the_file_loads_and_answers(tmp_path):
    target = _copy(tmp_path)
    (target / PHRASINGS_FILE).unlink()
    kb, problems = check_knowledge(target)
    assert problems == [] and kb is not None and kb.phrasings == ()
    model = train(kb)
    assert set(model.classes) == {*kb.articles, OUTSIDE}


def test_an_edited_phrasings_file_is_a_new_cache_key(tmp_path, monkeypatch):
    monkeypatch.setenv("LOTSEN_CACHE_DIR", str(tmp_path / "cache"))
    target = _copy(tmp_path)
    routing = tmp_path / "routing_rules.yaml"
    shutil.copy(ROUTING, routing)
    before = cache._digest(target, routing)
    path = target / PHRASINGS_FILE
    path.write_text(path.read_text(encoding="utf-8") + "  - {q: \"Hur gör man?\", lang: sv}\n", encoding="utf-8")
    assert cache._digest(target, routing) != before
    assert cache.load_bundle(target, routing).kb.phrasings[-1].q == "Hur gör man?"


def test_the_second_reader_learns_how_questions_are_phrased():
    """Plain story questions in the phrasings' style (written for this test, not taken from the
    corpus or dev). Learned from the articles' prose alone, naive Bayes took the first for
    off-topic: a question's style was evidence against every topic. With the phrasings it is not.
    (Naive Bayes alone here; the shipped reader mixes in DomainModel.inside, below.)"""
    kb = bundle().kb
    learned, prose_only = train(kb, inside_c=None), train(kb, phrasing_weight=0.0, inside_c=None)
    question = "jag har en liten bilverkstad och oljan från tvätthallen, måste jag ha en sån avskiljare?"
    candidates = ["fettavskiljare", "miljofarlig-verksamhet", "avfall"]
    assert prose_only.posterior(question, candidates)[OUTSIDE] > 0.5
    found = learned.posterior(question, candidates)
    assert found[OUTSIDE] < 0.1 and max(found, key=found.get) in ("miljofarlig-verksamhet", "fettavskiljare")
    plain = "hej, vi ska öppna en pizzeria i gamla bageriet, vad behöver vi göra?"
    candidates = ["livsmedelsregistrering", "starta-foretag", "serveringstillstand", "bygglov"]
    assert learned.probability(plain, candidates) > max(0.9, prose_only.probability(plain, candidates))


def test_the_optional_inside_reader_says_how_likely_outside_is():
    """DomainModel.inside (a logistic regression of any topic against `outside`, on by default):
    the posterior still sums to one, and an everyday question is outside, a permit question not."""
    model = train(bundle().kb, inside_c=10.0)
    assert model.inside is not None and len(model.inside) == len(model.vocabulary)
    candidates = ["bygglov", "uteservering"]
    everyday = model.posterior("hur länge ska potatisen koka innan den är klar?", candidates)
    permit = model.posterior("vi vill bygga ett glasat uterum till kaféet, måste vi söka lov", candidates)
    assert sum(everyday.values()) == pytest.approx(1.0) and sum(permit.values()) == pytest.approx(1.0)
    assert everyday[OUTSIDE] > 0.5 > permit[OUTSIDE] and max(permit, key=permit.get) == "bygglov"
