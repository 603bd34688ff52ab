"""routing_rules.yaml: the shipped example loads; triggers, roles and members behave; every
problem in a broken file is reported with file and line."""

from __future__ import annotations


import pytest

from bot.core.actions import Actor
from bot.knowledge.problems import InvalidKnowledge
from bot.routing.loader import check_routing_rules, load_routing_rules
from bot.routing.text import WordIndex, WordSet, fold
from tests.cases_support import RULES_FILE, small_kb
from tests.knowledge_support import eval_escalation, eval_questions, responder


@pytest.fixture(scope="module")
def rules():
    return load_routing_rules(RULES_FILE, kb=small_kb())


def test_shipped_example_has_no_problems():
    assert check_routing_rules(RULES_FILE, kb=small_kb()) == []


def test_fold_and_patterns():
    assert fold("Föreläggande  ÅÄÖ é") == "forelaggande aao e"
    words = WordSet(("förelägg", "=bar", "~servering", "ring mig"))
    assert words.find(fold("Vi fick ett FÖRELÄGGANDE")) == "förelägg"
    assert words.find(fold("vi fick ett forelaggande")) == "förelägg"
    assert words.find(fold("barnen och bara")) is None
    assert words.find(fold("en bar.")) == "=bar"
    assert words.find(fold("ny uteservering")) == "~servering"
    assert words.find(fold("Ring  mig!")) == "ring mig"
    assert words.find(fold("ringmig")) is None


def test_the_word_index_agrees_with_each_word_set_on_every_evaluation_question():
    """The rules ask WordIndex which clauses a question has instead of asking each WordSet;
    both must give the same answer for every clause of the shipped rules."""
    rules = responder().rules
    clauses = {words for rule in rules.rules for words in (*rule.words, rule.unless) if words}
    index = WordIndex(clauses)
    questions = [item["q"] for item in eval_questions()]
    questions += [case["q"] for group in eval_escalation().values() for case in group]
    questions += ["Vi driver E-handel och vill ta över en krog", "ringmig", "öl och vinäger", ""]
    checked = 0
    for question in questions:
        folded = fold(question)
        hits = index.hits(folded)
        for words in clauses:
            assert (words in hits) == (words.find(folded) is not None), (question, words.patterns[:5])
            checked += 1
    assert checked > 5000


def test_phrases_are_found_wherever_their_first_word_starts_a_word():
    """Phrases are only tried when a word of the text starts with the phrase's first word;
    that shortcut must never hide a phrase that is there."""
    words = WordSet(("ring mig", "e-handel", "~tjänst avgift", "=öl och vin"))
    assert words.find(fold("Kan ni ringa mig?")) is None  # "ringa" is not "ring"
    assert words.find(fold("ring migration")) == "ring mig"  # the last word is a start of a word
    assert words.find(fold("Vi driver E-handel")) == "e-handel"
    assert words.find(fold("ehandel")) is None
    assert words.find(fold("tillsynstjänst avgift")) == "~tjänst avgift"  # infix: inside a word
    assert words.find(fold("Får vi sälja öl och vin?")) == "=öl och vin"
    assert words.find(fold("öl och vinäger")) is None


@pytest.mark.parametrize("text, kind", [
    ("kan jag prata med någon?", "explicit_request"),
    ("Kan jag prata med nagon pa kommunen", "explicit_request"),
    ("boka ett lotsmöte", "explicit_request"),
    ("ring mig när ni kan", "explicit_request"),
    ("I want to talk to a person", "explicit_request"),
    ("can someone call me", "explicit_request"),
    ("Could we book a meeting?", "explicit_request"),
    ("Vi har fått avslag på bygglovet", "dispute"),
    ("jag vill överklaga beslutet", "dispute"),
    ("vi har fatt ett forelaggande", "dispute"),
    ("de har förelagt oss att stänga", "dispute"),
    ("vitet är 50 000 kr", "dispute"),
    ("en sanktionsavgift på 10 000", "dispute"),
    ("restaurangen är stängd sedan igår", "dispute"),
    ("de stängde köket", "dispute"),
    ("det är akut!", "dispute"),
    ("URGENT: we were shut down", "dispute"),
])
def test_triggers_from_words(rules, text, kind):
    trigger = rules.person_trigger(text=text, unanswered_streak=0)
    assert trigger is not None and trigger.kind == kind


@pytest.mark.parametrize("text", [
    "Behöver jag bygglov för ett skärmtak?",
    "hur söker man serveringstillstånd",
    "Hur ofta ska fettavskiljaren tömmas?",
    "Vad gör en företagslots?",
])
def test_plain_questions_do_not_ask_for_a_person(rules, text):
    assert rules.person_trigger(text=text, unanswered_streak=0) is None


def test_plan_running_and_broad_words(rules):
    assert rules.describes_plans("Vi ska öppna en restaurang") and not rules.describes_running("Vi ska öppna en restaurang")
    assert rules.describes_running("vi har en pizzeria sedan länge")
    assert rules.asks_broadly("vad behöver jag för att starta?") and not rules.asks_broadly("hur lång tid tar bygglov?")


def test_unanswered_streak(rules):
    assert rules.person_trigger(text="blorp", unanswered_streak=1) is None
    assert rules.person_trigger(text="blorp", unanswered_streak=2).kind == "unanswered"


def test_roles_for_restaurant_needs_every_authority(rules):
    text = ("Vi ska öppna restaurang med fullständiga rättigheter och uteservering i en lokal som tidigare "
            "var klädbutik, med gasolvärmare och fettavskiljare")
    roles = rules.roles_for(topics=["serveringstillstand"], text=text)
    assert {"alkohol", "livsmedel", "bygg", "gata", "raddning", "va", "miljo"} <= set(roles)
    assert roles[-1] == "naringsliv" and roles.count("naringsliv") == 1
    assert roles[0] == "alkohol", "the topic's own role comes first"
    assert roles == rules.roles_for(topics=["serveringstillstand"], text=text), "stable"


def test_roles_for_defaults_to_the_articles_roles_and_always_naringsliv(rules):
    # The shipped rules convene only the responsible role of a topic (include_also_roles: false).
    assert rules.roles_for(topics=["bygglov"], text="") == ["bygg", "naringsliv"]
    assert rules.roles_for(topics=[], text="") == ["naringsliv"]
    assert "alkohol" not in rules.roles_for(topics=[], text="Vi ska öppna ett café i centrum")
    assert "alkohol" in rules.roles_for(topics=[], text="Vi ska öppna ett café och servera öl")


def test_members_and_authorization_identities(rules):
    assert rules.member_for(Actor("slack", "U0SJ0BYGG1")).name == "Anna Berg"
    assert rules.member_for(Actor("telegram", "510000101")).name == "Anna Berg"
    assert rules.member_for(Actor("cli", "ANNA.BERG@sjovik.example")).name == "Anna Berg"
    assert rules.member_for(Actor("cli", "U0SJ0BYGG1")) is None
    assert rules.member_for(Actor("slack", "510000101")) is None
    assert rules.member_for(Actor("slack", "U0SJ0BYGG9")).name == "Karin Ek"  # a deputy may act
    names = [m.name for m in rules.members_for(["bygg", "plan"])]
    assert names == ["Anna Berg", "Jonas Lind", "Mikael Sand", "Maja Forsberg", "David Ekström"]
    assert rules.role_name("va", "en") == "Water, sewage and waste"
    assert rules.role_name("alkohol", "sv") == "Alkohol- och tobakstillstånd"


BROKEN = """\
version: 1
service_level:
  acknowledge_within_hours: -1
  working_hours: {start: "17:00", end: "08:00", days: [mon, funday]}
roles:
  bygg:
    name: {sv: Bygg, en: Building}
    members:
      - {name: Anna, slack: U0SJ0BYGG1}
      - {name: Nobody}
      - {name: Bertil, slack: U0SJ0BYGG1, email: bertil@sjovik.example}
  Pizza:
    name: {sv: Pizza, en: Pizza}
    members: [{name: P, email: p@sjovik.example}]
rules:
  - id: r1
    when:
      - topics: [no-such-topic]
    add: [bygg, kaffe]
triggers:
  dispute: {enabled: true, words: []}
"""


def test_problems_carry_file_and_line(tmp_path):
    path = tmp_path / "routing_rules.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    problems = check_routing_rules(path, kb=small_kb())
    found = {(p.line, p.message.split(":")[0]) for p in problems}
    text = "\n".join(str(p) for p in problems)
    assert all(p.path == str(path) for p in problems)

    def line_of(fragment: str) -> int:
        hits = [p.line for p in problems if fragment in p.message]
        assert hits, f"no problem mentions {fragment!r}:\n{text}"
        return hits[0]

    assert line_of("acknowledge_within_hours") == 3
    assert line_of("must be before end") == 4
    assert line_of("unknown day 'funday'") == 4
    assert line_of("Nobody has no id") == 10
    assert line_of("duplicate slack id 'U0SJ0BYGG1'") == 11
    assert "line 9" in next(p.message for p in problems if "duplicate slack id" in p.message)
    assert line_of("role id 'Pizza' must be a slug") == 12
    assert line_of("unknown topic 'no-such-topic'") == 18
    assert line_of("unknown role 'kaffe'") == 19
    assert line_of("'coordinator' is missing") == 1
    assert line_of("trigger dispute is enabled but lists no words") == 21
    assert len(found) >= 10
    with pytest.raises(InvalidKnowledge) as error:
        load_routing_rules(path, kb=small_kb())
    assert f"{path}:18: " in str(error.value)


def test_yaml_syntax_error_and_duplicate_keys_have_lines(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("roles:\n  bygg:\n    name: [unclosed\n", encoding="utf-8")
    [problem] = check_routing_rules(bad, kb=small_kb())
    assert problem.line is not None and problem.line >= 3 and "not valid YAML" in problem.message
    original = RULES_FILE.read_text(encoding="utf-8")
    duplicated = original.replace("  plan:\n", "  bygg:\n", 1)
    dup = tmp_path / "dup.yaml"
    dup.write_text(duplicated, encoding="utf-8")
    line = duplicated.splitlines().index("  bygg:", duplicated.splitlines().index("  bygg:") + 1) + 1
    assert any(p.line == line and "duplicate key 'bygg'" in p.message
               for p in check_routing_rules(dup, kb=small_kb()))


def test_a_member_typo_in_the_shipped_file_is_found_on_its_line(tmp_path):
    original = RULES_FILE.read_text(encoding="utf-8")
    broken = original.replace("telegram: 510000701", "telegram: sjuhundra", 1)
    path = tmp_path / "routing_rules.yaml"
    path.write_text(broken, encoding="utf-8")
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "sjuhundra" in row)
    assert [(p.line, "Telegram" in p.message) for p in check_routing_rules(path, kb=small_kb())] == [(line, True)]


def test_min_roles_without_plans_is_validated(tmp_path):
    original = RULES_FILE.read_text(encoding="utf-8")
    broken = original.replace("    min_roles_without_plans: 3", "    min_roles_without_plans: 1", 1)
    path = tmp_path / "routing_rules.yaml"
    path.write_text(broken, encoding="utf-8")
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "min_roles_without_plans: 1" in row)
    assert [p.line for p in check_routing_rules(path, kb=small_kb())] == [line]


def _shipped_with(tmp_path, change) -> list[str]:
    import yaml

    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "routing_rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_older_file_names_the_coordinator_by_ending_the_ladder_with_its_role(tmp_path):
    def older(data):
        del data["coordinator"]
        data["service_level"]["ladder"] = ["members", "deputy", "naringsliv"]

    rules = load_routing_rules(_shipped_with(tmp_path, older), kb=small_kb())
    assert rules.coordinator == "naringsliv" and rules.service_level.ladder == ("members", "deputy", "coordinator")


def test_the_coordinator_must_be_one_of_the_roles(tmp_path):
    def unknown(data):
        data["coordinator"] = "tillvaxt"

    problems = check_routing_rules(_shipped_with(tmp_path, unknown), kb=small_kb())
    assert any("coordinator: unknown role 'tillvaxt'" in p.message for p in problems)
    problems = check_routing_rules(_shipped_with(tmp_path, lambda data: data.pop("coordinator")), kb=small_kb())
    assert any("'coordinator' is missing" in p.message for p in problems)
