"""Whether a question is a plan (an activity with its checklist), a case for several
authorities, or a request for a person, and whom to convene: from meaning, not word lists.

The roles to convene follow from the topics that apply: the steps of the activities the question
names (knowledge/activities.yaml) whose condition holds, and the topics it names outright. Each
topic brings its responsible role; the coordinator comes with every meeting. Only steps that need
an authority's decision convene anyone, so a restaurant is not seven people.

Whether to offer a joint meeting at all is a fitted decision (bot.matching.decision.MeetingModel,
fitted on dev): a question about one thing from a business ("vi har en pizzeria, hur länge gäller
kunskapsprovet?") is answered; an undertaking that needs two or more authorities ("pizzeria med
öl och uteservering i en gammal butikslokal") is offered a meeting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from bot.knowledge.models import KnowledgeBase
from bot.matching.checklist import Checklist, Findings, GuideFinder, build_checklist
from bot.matching.decision import MeetingModel
from bot.matching.matcher import Match
from bot.matching.roles import UNDERTAKING

MIN_AUTHORITIES = 2  # a joint meeting needs at least this many authorities that must decide
MANY_CONDITIONS = 3  # stated together, this many conditions describe an undertaking by themselves
# The role reader's probability at which a role counts as needed. Held-out dev halves (the meeting
# decision fitted on one half of dev's cases, measured on the other, both ways), with 1,133 cases:
# escalated / simple questions offered a meeting 0.930 / 0.031 at 0.3, 0.925 / 0.025 at 0.35,
# 0.929 / 0.023 at 0.4, 0.913 / 0.017 at 0.45, 0.905 / 0.019 at 0.5; 0.4 costs least (a missed
# meeting 2.5, a needless one 2).
NEED_AT = 0.4


@dataclass
class Plan:
    kind: str  # checklist | multi_authority | explicit_request | unanswered
    topic: str | None
    topics: list[str]
    roles: list[str] = field(default_factory=list)
    checklist: Checklist | None = None

    @property
    def escalates(self) -> bool:
        return self.kind != "checklist"


@dataclass
class Undertaking:
    """What a question brings up, before deciding whether it is a case for a meeting."""

    checklist: Checklist | None
    topic: str | None
    topics: list[str]
    roles: list[str]  # to convene, coordinator last
    features: list[float]
    authorities: int = 0  # authorities whose decisions the question brings up (the evidence for a meeting)
    context: bool = True  # the words speak of starting or running a business (or a topic answered it)
    plans: bool = False  # the words describe an undertaking
    running: bool = False  # the words speak of a business that already runs


class Planner:
    def __init__(self, *, kb: KnowledgeBase, rules, finder: GuideFinder, coordinator: str,
                 meeting: MeetingModel | None = None) -> None:
        self.kb = kb
        self.rules = rules
        self.finder = finder
        self.coordinator = coordinator
        self.meeting = meeting or MeetingModel()

    def _roles(self, topics: list[str]) -> list[str]:
        roles = [self.kb.articles[t].role for t in topics if t in self.kb.articles]
        unique = list(dict.fromkeys(r for r in roles if r != self.coordinator))
        return [*unique, self.coordinator]

    def _join(self, roles: list[str], more: list[str]) -> list[str]:
        """`roles` (coordinator last) with `more` added before the coordinator, each once."""
        return [*dict.fromkeys([*roles[:-1], *more]), self.coordinator]

    def _said(self, words, text: str) -> bool:
        return bool(self.rules is not None and words(text))

    def _settled(self, findings: Findings) -> frozenset[str]:
        """The activities the question names as already running ("vi har en camping och vill
        öppna en kiosk": the camping), from the words around each name."""
        describes = getattr(self.rules, "describes_running", None)
        owns = getattr(self.rules, "names_owner", None)
        return frozenset(a.id for a, words, before in zip(findings.activities, findings.lead_in, findings.owner, strict=False)
                         if (describes is not None and describes(words)) or (owns is not None and owns(before)))

    def undertaking(self, text: str, match: Match, findings: Findings, *, business: bool = False,
                    needs: dict[str, float] | None = None) -> Undertaking | None:
        """The checklist and roles the question brings up, with the evidence for a meeting.
        `business`: the question names an activity and reads as the service's (the second reader).
        `needs`: the role reader's probability that each role is needed (bot.matching.roles)."""
        rules = self.rules
        needs = dict(needs or {})
        whole = needs.pop(UNDERTAKING, 0.0)  # the role reader's odds that this is an undertaking
        ranked = sorted(((p, r) for r, p in needs.items() if r != self.coordinator), reverse=True)
        learned = [r for p, r in ranked if p >= NEED_AT]
        odds = [p for p, _ in ranked[:2]] + [0.0] * (2 - len(ranked[:2]))
        # A business that moves starts again in its new premises: an undertaking, none of it settled.
        moving = self._said(getattr(rules, "describes_moving", None), text)
        plans = moving or self._said(getattr(rules, "describes_plans", None), text)
        settled = frozenset() if moving else self._settled(findings)
        every_settled = bool(settled) and settled >= {a.id for a in findings.activities}
        running = (self._said(getattr(rules, "describes_running", None), text) or every_settled) and not plans
        broad = self._said(getattr(rules, "asks_broadly", None), text)
        detail = self._said(getattr(rules, "asks_detail", None), text)
        answered = match.action == "answer"
        named = list(dict.fromkeys(match.mentioned or ([match.topic] if match.topic else [])))
        checklist = None
        # An activity with what it will be like ("nattklubb i en källare som varit gym, med bar")
        # is about the business even when no single article answers it; an activity alone
        # ("kan du rekommendera en restaurang?") is not.
        # So is what several things a business must see to describe together ("a party for 300
        # in a tent with food and wine"): conditions stated beyond the names of activities.
        general = bool(findings.stated) and (plans or running or answered
                                             or len(findings.stated - findings.by_name) >= MANY_CONDITIONS)
        if (findings.activities and (answered or match.action == "clarify" or running or plans or findings.stated)) \
                or general:
            # A business that already runs has done what every such business does: only what
            # the question states or names applies to it.
            checklist = build_checklist(findings, named=[match.topic] if answered and match.topic else [],
                                        stated_only=running and (not settled or every_settled),
                                        running=settled, conditions=list(self.finder.guide.conditions.values()))
            # Only topics this knowledge base has (kb check ensures it for the files it checks).
            checklist = replace(checklist, items=tuple(i for i in checklist.items if i.topic in self.kb.articles))
        if checklist is not None and checklist.items:
            every = self._roles(checklist.convened_topics())
            stated = self._roles(checklist.convened_topics(stated_only=True))
            topic = self._main_topic(checklist, match)
            topics = [item.topic for item in checklist.applying()]
        elif named and answered:
            every = stated = self._roles(named)
            topic, topics = match.topic, named
        elif len(learned) >= MIN_AUTHORITIES:
            # No activity or topic brings the authorities up, but the role reader reads them in
            # the words ("the old tanks are still in the ground", "300 guests").
            every, stated = [*learned, self.coordinator], [self.coordinator]
            topic, topics = (match.topic, [match.topic]) if answered and match.topic else (None, [])
        else:
            return None
        # The authorities of the activities and topics, and those the role reader adds.
        joined = self._join(every, learned)
        # Authorities the question brings up beyond the one whose article answers it: "how do I
        # apply for outdoor seating for my café" brings up none; "... and a sign on the facade" one.
        answering = self.kb.articles[match.topic].role if answered and match.topic in self.kb.articles else None
        others = len([r for r in stated if r not in (self.coordinator, answering)])
        # ... and beyond it among everything the businesses it starts need (those it runs: what it states).
        beyond = len([r for r in every if r not in (self.coordinator, answering)])
        features = [len(every) - 1, len(stated) - 1, float(match.named), float(plans), float(broad),
                    float(running), float(len(findings.stated)), float(len(findings.activities)),
                    math.log1p(len(text.split())), match.confidence if answered else 0.0,
                    float(checklist is not None), float(others), float(beyond),
                    float(broad) * (len(every) - 1), float(detail), float(len(learned)), *odds,
                    float(len(joined) - 1), whole]
        # Whom to convene, once a meeting is offered: a business that starts somewhere new starts
        # in premises whose approved use the building office checks, stated or not.
        convene = joined
        if checklist is not None and plans and not running:
            premises = [i.topic for i in checklist.items
                        if not i.applies and i.convene and i.condition in self.finder.former_use]
            if premises:
                premised = self._roles([*checklist.convened_topics(), *premises])
                convene = self._join(premised, learned)
        return Undertaking(checklist, topic, topics, convene, features, authorities=len(joined) - 1,
                           context=match.action != "out_of_scope" or plans or running or business, plans=plans,
                           running=running)

    def plan(self, text: str, match: Match, *, findings: Findings | None = None,
             unanswered_streak: int = 0, in_domain: bool = True, business: bool = False,
             needs: dict[str, float] | None = None) -> Plan | None:
        """`in_domain`: whether the question is about the business service at all. A question
        that is not reaches a person only when it asks for one. `business`: it names an activity
        and reads as the service's, so what that activity takes is an answer even when no one
        article is ("padel hall on farmland")."""
        findings = findings if findings is not None else self.finder.find(text)
        rules = self.rules
        person = rules.person_trigger(text=text, unanswered_streak=unanswered_streak) if rules else None
        if person is not None and person.kind == "dispute":
            # A decision to challenge, or an urgent matter, is answered with the rule that
            # protects the person and the offer of a navigator that ends every answer, unless it
            # threatens the business (below).
            person = None
        if person is None and in_domain and rules is not None:
            dispute = self._dispute(text, match, findings)
            if dispute is not None:
                return dispute
        if not in_domain:
            # Off-topic messages reach a person only when they ask for one: a run of them is
            # not a case the navigators could help with.
            return (Plan(person.kind, None, [], [self.coordinator])
                    if person is not None and person.kind == "explicit_request" else None)
        found = self.undertaking(text, match, findings, business=business, needs=needs)
        if person is not None:
            # Whom the person asks about comes too: the topics the words name ("prata med någon om
            # bygglov och uteservering") and the authorities of what they state ("detaljplanen").
            asked = self._asked_about(match, findings) if person.kind == "explicit_request" else []
            if found is None:
                return Plan(person.kind, None, [], [*asked, self.coordinator])
            roles = [*dict.fromkeys([*found.roles[:-1], *asked]), self.coordinator]
            return Plan(person.kind, found.topic, found.topics, roles, found.checklist)
        if found is None:
            return None
        if found.authorities >= MIN_AUTHORITIES and self.meeting.offers(found.features):
            return Plan("multi_authority", found.topic, found.topics, found.roles, found.checklist)
        if found.checklist is not None and found.checklist.activities and found.context and not found.running:
            specific = match.action == "answer" and match.named
            # About the business as a whole, for one authority: the checklist is the answer. A
            # question that names its topic gets that answer, and the checklist with it when it
            # describes an undertaking with more to it. (A business that already runs asks about
            # one thing: the matcher's answer, or question back, stands.)
            if not specific or (found.plans and len(found.checklist.applying()) >= 2):
                return Plan("checklist", found.topic, found.topics, found.roles, found.checklist)
        return None

    def describes_plans(self, text: str) -> bool:
        """The words describe an undertaking or ask what one takes (plan_words)."""
        return self._said(getattr(self.rules, "describes_plans", None), text)

    def threatens(self, text: str, findings: Findings) -> bool:
        """The words speak of a decision against something the person's business has (an
        injunction, a fine, "vårt serveringstillstånd" revoked, "our pool" closed), not of a
        fine someone fears."""
        stakes = getattr(self.rules, "dispute_stakes", None)
        owns = getattr(self.rules, "names_owner", None)
        if stakes is None or owns is None or not stakes(text)[0]:
            return False
        return self._said(getattr(self.rules, "decision_received", None), text) or any(
            owns(before) for before in findings.condition_owner)

    def _dispute(self, text: str, match: Match, findings: Findings | None = None) -> Plan | None:
        """An authority's decision that threatens a running business (an injunction, a fine, a
        closure, a permit withdrawn), or a refusal with stakes (urgent, or two authorities'
        decisions): a case for the authority that decided, from the permit, activity or office
        the words name (or the answering topic), and the coordinator. "How do I appeal?" is not."""
        stakes = getattr(self.rules, "dispute_stakes", None)
        if stakes is None:
            return None
        threat, urgent_refusal = stakes(text)
        refusing = not (threat or urgent_refusal) and self.rules.refuses(text)
        if not (threat or urgent_refusal or refusing):
            return None  # most questions: nothing decided against anyone (spares the rules below)
        deciding = self.rules.deciding_roles(text)
        answering = self.kb.articles[match.topic].role if match.action == "answer" and match.topic in self.kb.articles \
            else None
        if not deciding and answering not in (None, self.coordinator):
            deciding = [answering]
        if not deciding and findings is not None:
            # What the decision is about, said in a business's words ("they revoked our licence
            # to serve", "remove the outdoor seating"): the authority of what the words state.
            deciding = self._deciding_by_condition(findings)
        if not deciding:
            return None
        if not (threat or urgent_refusal or (len(deciding) >= 2 and refusing)):
            return None
        topics = [t for t in dict.fromkeys([*([match.topic] if match.action == "answer" else []), *match.mentioned])
                  if t in self.kb.articles and (self.kb.articles[t].role in deciding or t == match.topic)]
        topic = topics[0] if topics else None
        return Plan("dispute", topic, topics, [*deciding, self.coordinator])

    def _asked_about(self, match: Match, findings: Findings) -> list[str]:
        named = [t for t in match.mentioned if t in self.kb.articles] if match.action == "answer" else []
        roles = [self.kb.articles[t].role for t in named]
        return [r for r in dict.fromkeys([*roles, *self._deciding_by_condition(findings)]) if r != self.coordinator]

    def _deciding_by_condition(self, findings: Findings) -> list[str]:
        conditions = self.finder.guide.conditions
        topics = [conditions[c].topic for c in sorted(findings.stated) if c in conditions and conditions[c].convene]
        roles = [self.kb.articles[t].role for t in topics if t in self.kb.articles]
        return [r for r in dict.fromkeys(roles) if r != self.coordinator]

    @staticmethod
    def _main_topic(checklist: Checklist, match: Match) -> str | None:
        """The item the question is most about: the matched topic (or the best-ranked one) when
        it is on the list, otherwise the first item the question itself brings up, otherwise
        the first that needs a decision."""
        topics = [item.topic for item in checklist.items]
        if match.action == "answer" and match.topic in topics:
            return match.topic
        ranked = [topic for topic, _ in match.scores[:3] if topic in topics]
        if ranked:
            return ranked[0]
        for item in checklist.applying():
            if item.stated and item.convene:
                return item.topic
        for item in checklist.applying():
            if item.convene:
                return item.topic
        return topics[0] if topics else None
