"""Business activities and other authorities as knowledge (knowledge/activities.yaml,
knowledge/authorities.yaml).

An activity is a kind of business people start (café, nagelsalong, bilverkstad): the names people
use for it, and the steps it takes, in order, each an article topic that applies always or under
a condition ("om ni serverar alkohol"), with its lead time. Conditions are named once, with the
words that state them in a question. Other authorities are those that own questions the
municipality does not answer (Skatteverket for moms), with the words that signal them.

Both files are optional: without them Lotsen answers topic by topic. Every problem is reported
with file and line, like the articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.knowledge import yamllines
from bot.knowledge.models import LANGS, Bilingual
from bot.knowledge.problems import Problem

ACTIVITIES_FILE = "activities.yaml"
AUTHORITIES_FILE = "authorities.yaml"
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Condition:
    id: str
    label: Bilingual
    words: dict[str, tuple[str, ...]]
    # The topic the condition brings to any business that states it ("vi ska bygga ut och
    # anställa 20 personer": bygglov, kompetensförsörjning), even one no activity describes.
    topic: str | None = None
    convene: bool = True
    # Stated too when the question names a business the premises used to be ("i den gamla
    # bilverkstaden", "in a former bakery"): every business the file names is then a kind of
    # premises, with no list of old buildings to keep.
    former_use: bool = False
    # Stated also when the question says it is missing ("det finns inget avlopp", "no grease trap"):
    # what premises lack, they need.
    lacking: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    topic: str
    condition: str | None = None  # a Condition id; None: the step always applies
    lead: Bilingual | None = None  # the lead time or deadline for this activity
    convene: bool = True  # whether the topic's role is convened to a joint meeting


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    name: Bilingual
    terms: dict[str, tuple[str, ...]]
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class OtherAuthority:
    id: str
    name: Bilingual
    url: str
    handles: Bilingual
    terms: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Guide:
    """What the knowledge base knows beyond single articles."""

    activities: tuple[Activity, ...] = ()
    conditions: dict[str, Condition] = field(default_factory=dict)
    authorities: tuple[OtherAuthority, ...] = ()

    def activity(self, activity_id: str) -> Activity | None:
        return next((a for a in self.activities if a.id == activity_id), None)

    def authority(self, authority_id: str) -> OtherAuthority | None:
        return next((a for a in self.authorities if a.id == authority_id), None)


class _Reader:
    def __init__(self, path: Path, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.doc: yamllines.LineData | None = None
        try:
            self.doc = yamllines.load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            self.add(None if mark is None else mark.line + 1, f"bad YAML: {getattr(exc, 'problem', exc)}")
        except (OSError, UnicodeDecodeError) as exc:
            self.add(None, f"cannot read the file: {exc}")

    def add(self, at: tuple | int | None, message: str) -> None:
        line = at if isinstance(at, int) or at is None else (self.doc.line(at) if self.doc else None)
        self.problems.append(Problem(self.display, line, message))

    def bilingual(self, value: object, at: tuple, what: str) -> Bilingual | None:
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                                  for lang in LANGS):
            self.add(at, f"{what} needs a text in each of {', '.join(LANGS)}")
            return None
        return Bilingual(sv=value["sv"].strip(), en=value["en"].strip())

    def words(self, value: object, at: tuple, what: str) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            self.add(at, f"{what} must be a mapping of language to a list of words")
            return {}
        result: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            items = value.get(lang, [])
            if not isinstance(items, list) or not all(isinstance(w, str) and w.strip() for w in items):
                self.add((*at, lang), f"{what}.{lang} must be a list of words or phrases")
                continue
            result[lang] = tuple(w.strip() for w in items)
        if not any(result.values()):
            self.add(at, f"{what} has no words")
        return result


def load_guide(knowledge_dir: Path, *, topics: set[str]) -> tuple[Guide, list[Problem]]:
    """Read activities.yaml and authorities.yaml next to the articles, if they exist."""
    problems: list[Problem] = []
    conditions: dict[str, Condition] = {}
    activities: list[Activity] = []
    authorities: list[OtherAuthority] = []
    path = Path(knowledge_dir) / ACTIVITIES_FILE
    if path.is_file():
        reader = _Reader(path, f"{Path(knowledge_dir).name}/{ACTIVITIES_FILE}")
        if reader.doc is not None:
            conditions, activities = _activities(reader, topics)
        problems += reader.problems
    path = Path(knowledge_dir) / AUTHORITIES_FILE
    if path.is_file():
        reader = _Reader(path, f"{Path(knowledge_dir).name}/{AUTHORITIES_FILE}")
        if reader.doc is not None:
            authorities = _authorities(reader)
        problems += reader.problems
    return Guide(tuple(activities), conditions, tuple(authorities)), problems



def _flag(reader, body: dict, at: tuple, cid: str, name: str, default: bool) -> bool:
    """A condition's yes/no setting; anything but true or false is a problem (and the default)."""
    value = body.get(name, default)
    if not isinstance(value, bool):
        reader.add((*at, name), f"condition {cid}: {name} must be true or false")
        return default
    return value

def _activities(reader: _Reader, topics: set[str]) -> tuple[dict[str, Condition], list[Activity]]:  # noqa: C901
    data = reader.doc.data if reader.doc is not None else None
    if not isinstance(data, dict):
        reader.add(1, "the file must be a mapping with `conditions` and `activities`")
        return {}, []
    conditions: dict[str, Condition] = {}
    raw_conditions = data.get("conditions") or {}
    if not isinstance(raw_conditions, dict):
        reader.add(("conditions",), "`conditions` must be a mapping of condition id to label and words")
        raw_conditions = {}
    for cid, body in raw_conditions.items():
        at = ("conditions", cid)
        if not isinstance(cid, str) or not _ID.match(cid):
            reader.add(at, f"condition id {cid!r} must be lower case letters, digits, - or _")
            continue
        if not isinstance(body, dict):
            reader.add(at, f"condition {cid} needs `label` and `words`")
            continue
        label = reader.bilingual(body.get("label"), (*at, "label"), f"condition {cid}: label")
        words = reader.words(body.get("words"), (*at, "words"), f"condition {cid}: words")
        topic = body.get("topic")
        if topic is not None and topic not in topics:
            reader.add((*at, "topic"), f"condition {cid}: unknown topic {topic!r} (no article with that id)")
            topic = None
        convene, former_use, lacking = (_flag(reader, body, at, cid, name, default)
                                        for name, default in (("convene", True), ("former_use", False),
                                                              ("lacking", False)))
        if label is not None and words:
            conditions[cid] = Condition(cid, label, words, topic, convene, former_use, lacking)
    raw = data.get("activities")
    if not isinstance(raw, list) or not raw:
        reader.add(("activities",), "`activities` must be a non-empty list")
        return conditions, []
    activities: list[Activity] = []
    seen: set[str] = set()
    for number, body in enumerate(raw):
        at = ("activities", number)
        if not isinstance(body, dict):
            reader.add(at, "an activity must be a mapping with id, name, terms and steps")
            continue
        aid = body.get("id")
        if not isinstance(aid, str) or not _ID.match(aid):
            reader.add((*at, "id"), f"activity id {aid!r} must be lower case letters, digits and -")
            continue
        if aid in seen:
            reader.add((*at, "id"), f"activity {aid} is listed twice")
            continue
        seen.add(aid)
        name = reader.bilingual(body.get("name"), (*at, "name"), f"activity {aid}: name")
        terms = reader.words(body.get("terms"), (*at, "terms"), f"activity {aid}: terms")
        steps = _steps(reader, body.get("steps"), at, aid, topics, conditions)
        if name is not None and terms and steps:
            activities.append(Activity(aid, name, terms, steps))
    return conditions, activities


def _steps(reader: _Reader, raw: object, at: tuple, aid: str, topics: set[str],
           conditions: dict[str, Condition]) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        reader.add((*at, "steps"), f"activity {aid} needs a non-empty list of steps")
        return ()
    steps: list[Step] = []
    for number, body in enumerate(raw):
        where = (*at, "steps", number)
        if not isinstance(body, dict) or not isinstance(body.get("topic"), str):
            reader.add(where, f"activity {aid}: each step needs a `topic`")
            continue
        topic = body["topic"]
        if topic not in topics:
            reader.add((*where, "topic"), f"activity {aid}: unknown topic {topic!r} (no article with that id)")
            continue
        condition = body.get("if")
        if condition is not None and condition not in conditions:
            reader.add((*where, "if"), f"activity {aid}: unknown condition {condition!r}")
            continue
        lead = None
        if body.get("lead") is not None:
            lead = reader.bilingual(body["lead"], (*where, "lead"), f"activity {aid}: lead for {topic}")
        convene = body.get("convene", True)
        if not isinstance(convene, bool):
            reader.add((*where, "convene"), f"activity {aid}: convene must be true or false")
            convene = True
        steps.append(Step(topic=topic, condition=condition, lead=lead, convene=convene))
    return tuple(steps)


def _authorities(reader: _Reader) -> list[OtherAuthority]:
    data = reader.doc.data if reader.doc is not None else None
    raw = data.get("authorities") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        reader.add(1, "the file must be a mapping with a list `authorities`")
        return []
    result: list[OtherAuthority] = []
    for number, body in enumerate(raw):
        at = ("authorities", number)
        if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not _ID.match(body["id"]):
            reader.add(at, "an authority needs an id of lower case letters, digits and -")
            continue
        aid = body["id"]
        name = reader.bilingual(body.get("name"), (*at, "name"), f"authority {aid}: name")
        handles = reader.bilingual(body.get("handles"), (*at, "handles"), f"authority {aid}: handles")
        terms = reader.words(body.get("terms"), (*at, "terms"), f"authority {aid}: terms")
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith("https://"):
            reader.add((*at, "url"), f"authority {aid}: url must be an https:// address")
            continue
        if name is not None and handles is not None and terms:
            result.append(OtherAuthority(aid, name, url, handles, terms))
    return result
