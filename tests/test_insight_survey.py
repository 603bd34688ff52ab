"""The survey's state machine, how typed answers are read, the deterministic sample, and the
area of a case (procurement by the role's `survey: nui`, not by a role id in code)."""

from __future__ import annotations

import pytest

from bot.insight.flow import sampled
from bot.insight.survey import SKIP, STOP, IllegalSurveyMove, area_of, parse_reply, transition
from tests.knowledge_support import bundle


@pytest.mark.parametrize("previous,new", [("asked", "answering"), ("answering", "answering"), ("answering", "done"),
                                          ("asked", "stopped"), ("answering", "expired"), ("asked", "done")])
def test_legal_moves(previous, new):
    assert transition(previous, new) == new


@pytest.mark.parametrize("previous,new", [("done", "answering"), ("stopped", "answering"), ("expired", "done"),
                                          ("done", "stopped"), ("answering", "asked"), ("asked", "asked")])
def test_illegal_moves_raise(previous, new):
    with pytest.raises(IllegalSurveyMove, match=f"from {previous} to {new}"):
        transition(previous, new)


@pytest.mark.parametrize("text,value", [("5", 5), (" 1 ", 1), ("6.", 6), ("Hoppa över", SKIP), ("hoppa over", SKIP),
                                        ("vet inte", SKIP), ("skip", SKIP), ("Avsluta", STOP), ("stop", STOP),
                                        ("0", None), ("7", None), ("10", None), ("ja", None), ("nej tack", None),
                                        ("Behöver jag bygglov?", None), ("", None)])
def test_typed_answers(text, value):
    assert parse_reply(text) == value


def test_the_sample_is_deterministic_and_about_one_in_n():
    picks = [sampled(conversation_id=i, moment="2026-11-23T09:00:00+00:00", every=5) for i in range(2000)]
    assert picks == [sampled(conversation_id=i, moment="2026-11-23T09:00:00+00:00", every=5) for i in range(2000)]
    assert 300 < sum(picks) < 500
    assert all(sampled(conversation_id=i, moment="x", every=1) for i in range(10))
    assert not any(sampled(conversation_id=i, moment="x", every=0) for i in range(10))


def test_area_is_the_first_topics_responsible_role_and_procurement_comes_from_the_rules():
    rules = bundle().rules
    assert area_of(topics=[{"id": "bygglov"}], roles=["bygg", "naringsliv"], rules=rules) == ("bygg", "bygglov", False)
    procurement = [role for role in rules.roles.values() if role.survey == "nui"]
    assert [role.id for role in procurement] == ["upphandling"]  # routing_rules.yaml: survey: nui
    assert area_of(topics=["lamna-anbud"], roles=[], rules=rules)[2] is True
    assert area_of(topics=[], roles=[], rules=rules) == (rules.coordinator, None, False)


def test_a_role_may_only_say_nki_or_nui(tmp_path):
    from bot.routing.loader import check_routing_rules
    from tests.knowledge_support import ROUTING

    text = ROUTING.read_text(encoding="utf-8")
    assert "    survey: nui\n" in text
    path = tmp_path / "routing_rules.yaml"
    path.write_text(text.replace("    survey: nui\n", "    survey: upphandlingsindex\n"), encoding="utf-8")
    line = text.splitlines().index("    survey: nui") + 1
    problems = [str(p) for p in check_routing_rules(path, kb=bundle().kb)]
    assert problems == [f"{path}:{line}: role upphandling: survey must be nki or nui (procurement), "
                        "not 'upphandlingsindex'"]
