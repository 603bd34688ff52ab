"""From a question to what applies: the activities it names, the conditions it states, and the
ordered checklist of topics that follows (knowledge/activities.yaml).

`GuideFinder.find` reads a question once; `build_checklist` turns what was found, plus the topics
the question names outright, into items, each one applying (always, or because the question
states its condition) or conditional ("om ni serverar alkohol"). The roles to convene are the
responsible roles of the applying items that need an authority's decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.knowledge.activities import Activity, Guide, OtherAuthority
from bot.knowledge.models import Bilingual
from bot.matching.terms import TermSet, tokens


@dataclass(frozen=True)
class Findings:
    activities: tuple[Activity, ...] = ()
    stated: frozenset[str] = frozenset()  # condition ids the question states
    denied: frozenset[str] = frozenset()  # condition ids the question rules out ("utan alkohol")
    authorities: tuple[OtherAuthority, ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    topic: str
    applies: bool  # False: it depends on `condition`, which the question did not state
    condition: str | None = None
    lead: Bilingual | None = None
    convene: bool = True


@dataclass(frozen=True)
class Checklist:
    activities: tuple[Activity, ...]
    items: tuple[ChecklistItem, ...] = field(default_factory=tuple)

    def applying(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.applies]

    def convened_topics(self) -> list[str]:
        return [item.topic for item in self.items if item.applies and item.convene]


class GuideFinder:
    """Built once per knowledge base."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self._activities = TermSet({a.id: [t for terms in a.terms.values() for t in terms]
                                    for a in guide.activities})
        self._conditions = TermSet({c.id: [w for words in c.words.values() for w in words]
                                    for c in guide.conditions.values()})
        self._authorities = TermSet({a.id: [t for terms in a.terms.values() for t in terms]
                                     for a in guide.authorities})
        self._by_id = {a.id: a for a in guide.activities}
        self._authority_by_id = {a.id: a for a in guide.authorities}

    def find(self, text: str) -> Findings:
        words = tokens(text)
        if not words:
            return Findings()
        activities = tuple(self._by_id[hit.key] for hit in self._activities.find(words) if not hit.denied)
        conditions = self._conditions.find(words)
        authorities = tuple(self._authority_by_id[hit.key] for hit in self._authorities.find(words)
                            if not hit.denied)
        return Findings(activities=activities,
                        stated=frozenset(h.key for h in conditions if not h.denied),
                        denied=frozenset(h.key for h in conditions if h.denied),
                        authorities=authorities)


def build_checklist(findings: Findings, *, named: list[str] = ()) -> Checklist:
    """The activities' steps in order (each topic once), with `named` topics (those the question
    names outright) applying and added at the end when no activity lists them."""
    items: dict[str, ChecklistItem] = {}
    named_set = set(named)
    for activity in findings.activities:
        for step in activity.steps:
            if step.condition in findings.denied and step.topic not in named_set:
                continue
            applies = (step.condition is None or step.condition in findings.stated
                       or step.topic in named_set)
            item = ChecklistItem(step.topic, applies, None if applies else step.condition, step.lead,
                                 step.convene)
            known = items.get(step.topic)
            if known is None:
                items[step.topic] = item
            elif applies and not known.applies:
                items[step.topic] = ChecklistItem(step.topic, True, None, known.lead or step.lead,
                                                  known.convene or step.convene)
            elif applies and step.convene and not known.convene:
                items[step.topic] = ChecklistItem(step.topic, True, None, known.lead or step.lead, True)
    for topic in named:
        if topic not in items:
            items[topic] = ChecklistItem(topic, True)
    # Applying items first (in their order), then those that depend on a condition.
    ordered = [i for i in items.values() if i.applies] + [i for i in items.values() if not i.applies]
    return Checklist(findings.activities, tuple(ordered))
