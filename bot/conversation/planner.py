"""Whether a question is a plan (an activity with its checklist), a case for several
authorities, or a request for a person, and whom to convene: from meaning, not word lists.

The roles to convene follow from the topics that apply: the steps of the activities the question
names (knowledge/activities.yaml) whose condition holds, and the topics it names outright. Each
topic brings its responsible role; the coordinator comes with every meeting. Only steps that need
an authority's decision convene anyone, so a restaurant is not seven people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.knowledge.models import KnowledgeBase
from bot.matching.checklist import Checklist, Findings, GuideFinder, build_checklist
from bot.matching.matcher import Match

MIN_AUTHORITIES = 2  # a joint meeting is offered when this many authorities must decide


@dataclass
class Plan:
    kind: str  # checklist | multi_authority | explicit_request | dispute | unanswered
    topic: str | None
    topics: list[str]
    roles: list[str] = field(default_factory=list)
    checklist: Checklist | None = None

    @property
    def escalates(self) -> bool:
        return self.kind != "checklist"


class Planner:
    def __init__(self, *, kb: KnowledgeBase, rules, finder: GuideFinder, coordinator: str) -> None:
        self.kb = kb
        self.rules = rules
        self.finder = finder
        self.coordinator = coordinator

    def _responsible(self, topic: str) -> str | None:
        article = self.kb.articles.get(topic)
        return article.role if article is not None else None

    def _roles(self, topics: list[str]) -> list[str]:
        roles = [self._responsible(t) for t in topics]
        unique = list(dict.fromkeys(r for r in roles if r and r != self.coordinator))
        return [*unique, self.coordinator]

    def plan(self, text: str, match: Match, *, findings: Findings | None = None,
             unanswered_streak: int = 0, in_domain: bool = True) -> Plan | None:
        """`in_domain`: whether the question is about the business service at all. A question
        that is not goes to a person only after unanswered turns, never as a dispute or a plan."""
        findings = findings if findings is not None else self.finder.find(text)
        rules = self.rules
        person = rules.person_trigger(text=text, unanswered_streak=unanswered_streak) if rules else None
        if not in_domain:
            return (Plan(person.kind, None, [], [self.coordinator])
                    if person is not None and person.kind == "unanswered" else None)
        plans = bool(rules and rules.describes_plans(text))
        named = list(dict.fromkeys(match.mentioned or ([match.topic] if match.topic else [])))
        checklist = None
        if findings.activities and (plans or person or match.action == "clarify"
                                    or (match.action == "answer" and match.topic not in named)):
            checklist = build_checklist(findings, named=named if match.action == "answer" else [])
        if checklist is not None and checklist.items:
            convened = checklist.convened_topics()
            roles = self._roles(convened)
            topic = self._main_topic(checklist, match)
            topics = [item.topic for item in checklist.applying()]
            if person is not None:
                return Plan(person.kind, topic, topics, roles, checklist)
            if len(roles) - 1 >= MIN_AUTHORITIES:
                return Plan("multi_authority", topic, topics, roles, checklist)
            return Plan("checklist", topic, topics, roles, checklist)
        if person is not None:
            return Plan(person.kind, match.topic if match.action == "answer" else None, named, self._roles(named))
        roles = self._roles(named)
        if plans and len(roles) - 1 >= MIN_AUTHORITIES:
            return Plan("multi_authority", match.topic if match.action == "answer" else None, named, roles)
        return None

    @staticmethod
    def _main_topic(checklist: Checklist, match: Match) -> str | None:
        """The item the question is most about: the matched topic when it is on the list,
        otherwise the first item that needs a decision."""
        topics = [item.topic for item in checklist.items]
        if match.action == "answer" and match.topic in topics:
            return match.topic
        for item in checklist.applying():
            if item.convene:
                return item.topic
        return topics[0] if topics else None
