"""Business activities as knowledge: finding them in a question (forms, compounds, typos,
negation), the checklist that follows, and the validation of knowledge/activities.yaml."""

from __future__ import annotations

import textwrap

import pytest

from bot.knowledge.activities import Activity, Condition, Guide, Step, load_guide
from bot.knowledge.models import Bilingual
from bot.matching.checklist import GuideFinder, build_checklist
from bot.matching.terms import TermSet, tokens
from tests.knowledge_support import responder


@pytest.fixture(scope="module")
def terms():
    return TermSet({"restaurang": ["restaurang", "pizzeria", "kafé", "bar"],
                    "nagel": ["nagelsalong", "nail salon"],
                    "alkohol": ["alkohol", "öl", "vin"],
                    "former": ["gammal butikslokal", "used to be"]})


def keys(terms, text, denied=False):
    return [hit.key for hit in terms.find(tokens(text)) if hit.denied == denied]


@pytest.mark.parametrize("text, expected", [
    ("Jag ska öppna en kebabrestaurang", ["restaurang"]),  # compound head
    ("restaurangverksamheten går bra", ["restaurang"]),  # compound modifier
    ("Nagelsalongen ligger i en gammal butikslokal", ["nagel", "former"]),  # inflection, phrase
    ("we are opening two nail salons", ["nagel"]),  # English plural inside a phrase
    ("resturang med öl", ["restaurang", "alkohol"]),  # typo, short word exact
    ("pizzera och vinet", ["restaurang", "alkohol"]),
    ("barnen vill ha vinst", []),  # `bar` and `vin` are not in `barnen` and `vinst`
])
def test_terms_are_found_in_their_forms(terms, text, expected):
    assert keys(terms, text) == expected


def test_a_negated_condition_is_denied_not_stated(terms):
    assert keys(terms, "en pizzeria utan alkohol", denied=True) == ["alkohol"]
    assert keys(terms, "en pizzeria utan alkohol") == ["restaurang"]
    assert keys(terms, "no alcohol, but we serve öl") == ["alkohol"]  # stated elsewhere wins


def test_a_phrase_can_name_a_class_of_words():
    terms = TermSet({"old": ["{gammal|gamla} {lokal|affär}", "{gammal|gamla} * affär"],
                     "crowd": ["#100 {gäster|people}"]})
    assert keys(terms, "i den gamla cykelaffären") == ["old"]  # a choice, inside a compound
    assert keys(terms, "en gammal sko affär") == ["old"]  # `*`: any one word between
    assert keys(terms, "en gammal bil") == []
    assert keys(terms, "runt 1 200 gäster") == ["crowd"]  # `#100`: a number of at least 100
    assert keys(terms, "tolv gäster, 40 people") == []


GUIDE_YAML = textwrap.dedent("""\
    conditions:
      alcohol:
        label: {sv: "om ni serverar alkohol", en: "if you serve alcohol"}
        words: {sv: [alkohol, öl, vin], en: [alcohol, beer, wine]}
      change_of_use:
        label: {sv: "om lokalen användes till annat", en: "if the premises had another use"}
        words: {sv: [gammal butikslokal, tidigare], en: [former shop, used to be]}
    activities:
      - id: pizzeria
        name: {sv: Pizzeria, en: Pizzeria}
        terms: {sv: [pizzeria, pizzabageri], en: [pizzeria, pizza place]}
        steps:
          - {topic: starta-foretag, convene: false}
          - {topic: livsmedelsregistrering, lead: {sv: "Minst 2 veckor innan.", en: "At least 2 weeks before."}}
          - {topic: bygglov, if: change_of_use}
          - {topic: serveringstillstand, if: alcohol}
    """)


@pytest.fixture
def guide_dir(tmp_path):
    (tmp_path / "activities.yaml").write_text(GUIDE_YAML, encoding="utf-8")
    return tmp_path


TOPICS = {"starta-foretag", "livsmedelsregistrering", "bygglov", "serveringstillstand"}


def test_checklist_applies_what_the_question_states(guide_dir):
    guide, problems = load_guide(guide_dir, topics=TOPICS)
    assert problems == []
    finder = GuideFinder(guide)
    found = finder.find("Vi ska öppna en pizzeria i en gammal butikslokal, utan alkohol")
    checklist = build_checklist(found)
    assert [(i.topic, i.applies) for i in checklist.items] == [
        ("starta-foretag", True), ("livsmedelsregistrering", True), ("bygglov", True)]
    assert checklist.convened_topics() == ["livsmedelsregistrering", "bygglov"]
    # Not stated either way: listed with its condition, convening nobody.
    open_question = build_checklist(finder.find("ska öppna pizzabageri"))
    conditional = [i for i in open_question.items if not i.applies]
    assert [(i.topic, i.condition) for i in conditional] == [("bygglov", "change_of_use"),
                                                             ("serveringstillstand", "alcohol")]
    assert open_question.convened_topics() == ["livsmedelsregistrering"]
    # A topic the question names outright applies even when its condition is not stated.
    named = build_checklist(finder.find("pizzeria, hur söker man"), named=["serveringstillstand"])
    assert "serveringstillstand" in named.convened_topics()


def test_a_business_named_as_running_keeps_only_what_is_stated(guide_dir):
    guide, _ = load_guide(guide_dir, topics=TOPICS)
    finder = GuideFinder(guide)
    found = finder.find("vi har en pizzeria och vill servera vin")
    assert found.lead_in == ("vi har en pizzeria",)
    running = build_checklist(found, running=frozenset({"pizzeria"}))
    assert running.convened_topics() == ["serveringstillstand"]
    assert "livsmedelsregistrering" in build_checklist(found).convened_topics()


def test_a_name_inside_a_longer_one_and_a_condition_in_a_name_are_the_longer_ones():
    terms = {"sv": ["krog"], "en": ["pub"]}
    guide = Guide(activities=(
        Activity("krog", Bilingual("Krog", "Pub"), terms, (Step("serveringstillstand", "alcohol"),)),
        Activity("hundkrog", Bilingual("Hundkrog", "Dog pub"), {"sv": ["hund krog"], "en": []},
                 (Step("livsmedelsregistrering"),))),
        conditions={"alcohol": Condition("alcohol", Bilingual("alkohol", "alcohol"),
                                         {"sv": ["alkohol"], "en": ["pub"]})})
    finder = GuideFinder(guide)
    assert [a.id for a in finder.find("en hund krog").activities] == ["hundkrog"]
    found = finder.find("we open a pub")
    assert found.stated == {"alcohol"} and found.by_name == {"alcohol"}
    step = build_checklist(found).items[0]
    assert step.applies and not step.stated  # it holds for a pub, but the question did not bring it up
    assert finder.find("en pub med alkohol").by_name == frozenset()


@pytest.mark.parametrize("broken, message", [
    ("      - {topic: nosuchtopic}\n", "unknown topic 'nosuchtopic'"),
    ("      - {topic: bygglov, if: nosuchcondition}\n", "unknown condition 'nosuchcondition'"),
    ("      - {topic: bygglov, convene: maybe}\n", "convene must be true or false"),
])
def test_check_names_file_and_line_of_each_problem(tmp_path, broken, message):
    (tmp_path / "activities.yaml").write_text(GUIDE_YAML + broken, encoding="utf-8")
    _, problems = load_guide(tmp_path, topics=TOPICS)
    assert len(problems) == 1
    assert message in problems[0].message and problems[0].line == GUIDE_YAML.count("\n") + 1


def test_no_files_no_guide(tmp_path):
    assert load_guide(tmp_path, topics=TOPICS) == (Guide(), [])


def test_a_condition_is_not_read_into_a_different_word_that_looks_like_it():
    # A misspelt condition word starts like the word it stands for: "tabletter" is not
    # "toaletter" (water connection); "toalletter" still is.
    found = responder().finder.find
    assert "water_connection" not in found("vi vill sälja tabletter i butiken").stated
    assert "water_connection" in found("vi behöver toalletter för gästerna").stated


def test_a_jetty_is_near_water_but_brewing_is_not():
    found = responder().finder.find
    assert "near_water" in found("vi vill hyra ut kanoter från en ny brygga").stated
    assert "near_water" not in found("jag brukar brygga cider hemma").stated


def test_former_use_is_read_and_checked(tmp_path):
    flagged = GUIDE_YAML.replace("    words: {sv: [gammal butikslokal", "    former_use: true\n"
                                 "    words: {sv: [gammal butikslokal")
    assert flagged != GUIDE_YAML
    (tmp_path / "activities.yaml").write_text(flagged, encoding="utf-8")
    guide, problems = load_guide(tmp_path, topics=TOPICS)
    assert problems == [] and guide.conditions["change_of_use"].former_use
    assert GuideFinder(guide).find("bageri i en gammal pizzeria").stated == {"change_of_use"}
    (tmp_path / "activities.yaml").write_text(flagged.replace("former_use: true", "former_use: maybe"),
                                              encoding="utf-8")
    _, problems = load_guide(tmp_path, topics=TOPICS)
    assert len(problems) == 1 and "former_use must be true or false" in problems[0].message


def test_lacking_is_checked(tmp_path):
    broken = GUIDE_YAML.replace("    words: {sv: [gammal butikslokal", "    lacking: maybe\n    words: {sv: [gammal butikslokal")
    assert broken != GUIDE_YAML
    (tmp_path / "activities.yaml").write_text(broken, encoding="utf-8")
    _, problems = load_guide(tmp_path, topics=TOPICS)
    assert len(problems) == 1 and "lacking must be true or false" in problems[0].message
