"""knowledge/cases.yaml and the role reader (bot/matching/roles.py): which authorities a message
needs, learned from example cases; checked line by line, optional, and taken by the planner next
to the roles of the activities and topics."""

from __future__ import annotations

import shutil

from bot.knowledge.bundle import KnowledgeBundle
from bot.knowledge.cases import CASES_FILE
from bot.knowledge.loader import check_knowledge
from bot.matching import roles as role_reader
from tests.knowledge_support import KNOWLEDGE, ROUTING, bundle, shipped_roles

# Made-up words no article, phrasing or shipped case holds: what the reader knows of them it
# learned from the cases written here.
MADE_UP = [
    {"q": "Vi ska ha en blorkfest på ängen med tusen gäster", "roles": ["gata", "raddning"]},
    {"q": "blorkfest i stadsparken nästa sommar, hur gör vi", "roles": ["gata", "raddning"]},
    {"q": "We are planning a blorkfest by the river", "roles": ["gata", "raddning"]},
    {"q": "Vår förening ordnar blorkfest varje år", "roles": ["gata", "raddning"]},
    {"q": "blorkfest igen i år, samma plats", "roles": ["gata", "raddning"]},
    {"q": "Can we hold a blorkfest in June", "roles": ["gata", "raddning"]},
    {"q": "blorkfesten växer, vad behövs nu", "roles": ["gata", "raddning"]},
    {"q": "Jag vill snurpa kaffe i en gammal lada", "roles": ["livsmedel", "bygg"]},
    {"q": "snurpa kaffe och sälja det i butiken", "roles": ["livsmedel", "bygg"]},
    {"q": "We snurp coffee in a converted barn", "roles": ["livsmedel", "bygg"]},
    {"q": "vad kostar en plinkskylt", "roles": ["bygg"]},
    {"q": "hur länge gäller plinkskylten", "roles": ["bygg"]},
    {"q": "plinkskylt avgift", "roles": ["bygg"]},
    {"q": "how much is a plink sign", "roles": ["bygg"]},
]


def _copy(tmp_path, cases: list[dict] | None = None, *, text: str | None = None):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    if text is not None:
        (target / CASES_FILE).write_text(text, encoding="utf-8")
    elif cases is not None:
        lines = [f'- {{q: "{c["q"]}", lang: {"en" if c["q"].startswith("We") else "sv"}, '
                 f'roles: [{", ".join(c["roles"])}]}}' for c in cases]
        (target / CASES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def test_the_shipped_cases_are_valid_and_name_every_role_but_the_coordinator():
    kb, problems = check_knowledge(KNOWLEDGE, roles=shipped_roles())
    assert problems == []
    named = {role for case in kb.cases for role in case.roles}
    coordinator = bundle().rules.coordinator
    assert named == set(shipped_roles()) - {coordinator}
    assert sum(len(case.roles) >= 2 for case in kb.cases) > len(kb.cases) / 2  # mostly undertakings


def test_bad_lines_are_reported_on_their_line(tmp_path):
    target = _copy(tmp_path, text=(
        "# a comment\n"
        "- {q: \"Vi vill öppna ett bageri\", lang: sv, roles: [bygg, livsmedel]}\n"
        "- {q: \"  \", lang: sv, roles: [bygg]}\n"
        "- {q: \"A bakery\", lang: de, roles: [bygg]}\n"
        "- {q: \"Ett bageri\", lang: sv, roles: []}\n"
        "- {q: \"Ett bageri\", lang: sv, roles: [bagare]}\n"))
    kb, problems = check_knowledge(target, roles=shipped_roles())
    found = [p for p in problems if p.path.endswith(CASES_FILE)]
    messages = [str(p) for p in found]
    assert len(found) == 4, messages
    assert any(p.line == 3 and "needs a message" in p.message for p in found), messages
    assert any(p.line == 4 and "'lang' must be one of sv, en" in p.message for p in found), messages
    assert any(p.line == 5 and "'roles' must list" in p.message for p in found), messages
    assert any(p.line == 6 and "unknown role 'bagare'" in p.message for p in found), messages


def test_broken_yaml_is_a_problem_not_a_crash(tmp_path):
    target = _copy(tmp_path, text="- {q: \"oavslutad\n")
    _, problems = check_knowledge(target)
    assert any(p.path.endswith(CASES_FILE) and "bad YAML" in p.message for p in problems)


def test_without_the_file_there_is_no_reader_and_answers_still_come(tmp_path):
    target = _copy(tmp_path)
    (target / CASES_FILE).unlink()
    loaded = KnowledgeBundle.load(target, ROUTING)
    assert loaded.kb.cases == () and loaded.roles is None
    responder = loaded.responder()
    assert responder.needs("Vi vill öppna en restaurang") is None
    reply = responder.respond("Vi vill öppna en pizzeria med uteservering och servera öl, vad behöver vi?")
    assert reply.action in ("answer", "escalate") and reply.text


def test_the_reader_learns_whom_a_message_needs_from_the_cases(tmp_path):
    """Words it saw only in the cases: "blorkfest" needs streets and rescue, "snurpa" food and
    building, and neither needs what the other does."""
    loaded = KnowledgeBundle.load(_copy(tmp_path, MADE_UP), ROUTING)
    reader = loaded.roles
    assert reader is not None and loaded.rules.coordinator not in reader.roles
    party = reader.probabilities(loaded.domain, "blorkfest på torget i augusti")
    coffee = reader.probabilities(loaded.domain, "vi ska snurpa kaffe")
    assert min(party["gata"], party["raddning"]) > max(coffee["gata"], coffee["raddning"])
    assert min(coffee["livsmedel"], coffee["bygg"]) > max(party["livsmedel"], party["bygg"])
    # Unknown words leave only the roles' base rates: nothing stands out.
    nothing = reader.probabilities(loaded.domain, "qqq zzz")
    assert max(p for role, p in nothing.items() if role != role_reader.UNDERTAKING) < role_reader_threshold()
    # The cases with two roles are undertakings, those with one narrow questions.
    sign = reader.probabilities(loaded.domain, "vad kostar plinkskylten")
    assert party[role_reader.UNDERTAKING] > 0.5 > sign[role_reader.UNDERTAKING]


def role_reader_threshold() -> float:
    from bot.conversation.planner import NEED_AT

    return NEED_AT


def test_the_planner_convenes_the_roles_the_reader_finds_when_nothing_else_names_them(tmp_path):
    """No activity, condition or topic in "blorkfest ...": without the reader nothing is brought
    up; with it, the two roles it learned (and the coordinator)."""
    loaded = KnowledgeBundle.load(_copy(tmp_path, MADE_UP), ROUTING)
    responder = loaded.responder()
    text = "Vi ska ha en blorkfest i höst"
    findings = responder.finder.find(text)
    match = responder._judge(text, responder.matcher.match(text), findings)
    assert not findings.activities and not findings.stated
    assert responder.planner.undertaking(text, match, findings) is None
    found = responder.planner.undertaking(text, match, findings, needs=responder.needs(text))
    assert found is not None and found.authorities == 2
    assert set(found.roles) == {"gata", "raddning", loaded.rules.coordinator}
    assert found.roles[-1] == loaded.rules.coordinator


def test_reader_roles_join_those_of_an_activity():
    """A café brings its own roles; the roles the reader finds likely enough join them, the
    others do not, and the coordinator stays last."""
    from bot.conversation.planner import NEED_AT

    loaded = bundle()
    responder = loaded.responder()
    coordinator = loaded.rules.coordinator
    text = "Vi vill öppna ett kafé i centrum"
    findings = responder.finder.find(text)
    match = responder._judge(text, responder.matcher.match(text), findings)
    alone = responder.planner.undertaking(text, match, findings)
    assert alone is not None and "gata" not in alone.roles and "raddning" not in alone.roles
    needs = {"gata": NEED_AT + 0.2, "raddning": NEED_AT, "plan": NEED_AT - 0.01, coordinator: 0.99}
    joined = responder.planner.undertaking(text, match, findings, needs=needs)
    assert set(joined.roles) == set(alone.roles) | {"gata", "raddning"}
    assert joined.roles[-1] == coordinator and joined.authorities == alone.authorities + 2
    assert joined.features[-5:-1] == [2.0, NEED_AT + 0.2, NEED_AT, float(joined.authorities)]


def test_training_is_deterministic_and_takes_its_weights():
    loaded = bundle()
    first, again, other = (role_reader.train(loaded.kb, loaded.domain, coordinator=loaded.rules.coordinator,
                                             phrasing_weight=weight) for weight in (None, None, 1.0))
    assert first.roles == again.roles and (first.weights == again.weights).all()
    assert first.weights.shape == (len(first.columns), len(first.roles) + 1)  # and the undertaking's
    assert not (first.weights == other.weights).all()
