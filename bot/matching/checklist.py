"""From a question to what applies: the activities it names, the conditions it states, and the
ordered checklist of topics that follows (knowledge/activities.yaml).

`GuideFinder.find` reads a question once; `build_checklist` turns what was found, plus the topics
the question names outright, into items, each one applying (always, or because the question
states its condition) or conditional ("om ni serverar alkohol"). The roles to convene are the
responsible roles of the applying items that need an authority's decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot.knowledge.activities import Activity, Guide, OtherAuthority
from bot.knowledge.models import Bilingual
from bot.matching.terms import TermSet, tokens

SHORT_HEAD = 4  # an activity's one-word name this long is found as the head of a compound


@dataclass(frozen=True)
class Findings:
    activities: tuple[Activity, ...] = ()
    stated: frozenset[str] = frozenset()  # condition ids the question states
    denied: frozenset[str] = frozenset()  # condition ids the question rules out ("utan alkohol")
    # Stated only by the name of an activity the question names ("kiosk" is food, "pub" alcohol):
    # they apply to that business, but the question does not bring them up beyond naming it.
    by_name: frozenset[str] = frozenset()
    # Where each activity is named: the words just before it (up to and with the name), which may
    # say that this business already runs ("vi har en camping och vill öppna en kiosk").
    lead_in: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()  # the words right before each name ("jag har pizzeria", "min kiosk")
    # ... and right before each condition stated ("vårt serveringstillstånd", "our pool").
    condition_owner: tuple[str, ...] = ()
    authorities: tuple[OtherAuthority, ...] = ()


@dataclass(frozen=True)
class ChecklistItem:
    topic: str
    applies: bool  # False: it depends on `condition`, which the question did not state
    condition: str | None = None
    lead: Bilingual | None = None
    convene: bool = True
    stated: bool = False  # it applies because the question states its condition or names it


@dataclass(frozen=True)
class Checklist:
    activities: tuple[Activity, ...]
    items: tuple[ChecklistItem, ...] = field(default_factory=tuple)

    def applying(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.applies]

    def convened_topics(self, *, stated_only: bool = False) -> list[str]:
        """Topics that need an authority's decision; `stated_only`: only those the question
        itself brings up (a condition it states, a topic it names)."""
        return [item.topic for item in self.items if item.applies and item.convene
                and (item.stated or not stated_only)]


class GuideFinder:
    """Built once per knowledge base."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        # A business is often named by a compound whose head is a short name ("strandkafé", "ölkrog").
        self._activities = TermSet({a.id: [t for terms in a.terms.values() for t in terms]
                                    for a in guide.activities}, head=SHORT_HEAD)
        # Conditions are short common words: a misspelling of one must start like it
        # ("tabletter" is not "toaletter").
        self._conditions = TermSet({c.id: [w for words in c.words.values() for w in words]
                                    for c in guide.conditions.values()}, alike=2)
        self._authorities = TermSet({a.id: [t for terms in a.terms.values() for t in terms]
                                     for a in guide.authorities})
        self._by_id = {a.id: a for a in guide.activities}
        self.former_use = frozenset(c.id for c in guide.conditions.values() if c.former_use)
        self.lacking = frozenset(c.id for c in guide.conditions.values() if c.lacking)
        self._authority_by_id = {a.id: a for a in guide.authorities}

    def find(self, text: str) -> Findings:
        words = tokens(text)
        if not words:
            return Findings()
        occurrences = self._activities.find_every(words)
        every = [hit for hit in occurrences if not hit.denied]
        spans = [(hit.start, hit.end) for hit in every]
        # A name inside a longer one is that one's part ("dagis" in "hund dagis").
        whole = {hit.key for hit in every if not any(s <= hit.start and hit.end <= e and e - s > hit.end - hit.start
                                                    for s, e in spans)}
        every_named = [hit for hit in self._activities.find(words, occurrences) if not hit.denied and hit.key in whole]
        named = [hit for hit in every_named if not _former(words, hit.start)]
        # A business the premises used to be states the conditions of a former use.
        former = bool(self.former_use) and len(named) < len(every_named)
        activities = tuple(self._by_id[hit.key] for hit in named)
        lead_in = tuple(" ".join(words[max(0, hit.start - LEAD_IN):hit.end]) for hit in named)
        owner = tuple(" ".join(words[max(0, hit.start - OWNER_REACH):hit.start]) for hit in named)
        said = _outermost(self._conditions.find_every(words))
        conditions = self._conditions.find(words, said)
        beyond = {hit.key for hit in said
                  if not hit.denied and not any(s <= hit.start and hit.end <= e for s, e in spans)}
        # What the premises lack ("inget avlopp") they need: such a condition is stated, not denied.
        conditions = [replace(h, denied=False) if h.denied and h.key in self.lacking else h for h in conditions]
        stated = frozenset(h.key for h in conditions if not h.denied)
        if former:
            stated |= self.former_use
            beyond |= self.former_use
        authorities = tuple(self._authority_by_id[hit.key] for hit in self._authorities.find(words)
                            if not hit.denied)
        return Findings(activities=activities, stated=stated,
                        denied=frozenset(h.key for h in conditions if h.denied),
                        by_name=stated - beyond if activities else frozenset(), lead_in=lead_in,
                        owner=owner,
                        condition_owner=tuple(" ".join(words[max(0, h.start - CONDITION_OWNER_REACH):h.start])
                                              for h in conditions if not h.denied),
                        authorities=authorities)


def _outermost(hits: list) -> list:
    """Conditions without those inside a longer phrase of another one: "sandwich board" is a
    sign, not sandwiches."""
    return [hit for hit in hits if not any(
        other.key != hit.key and other.start <= hit.start and hit.end <= other.end
        and other.end - other.start > hit.end - hit.start for other in hits)]


LEAD_IN = 3  # words before an activity's name that may say it already runs
OWNER_REACH = 1  # ... and the word right before it that may say whose it is
CONDITION_OWNER_REACH = 2  # words before a condition that may say whose it is ("vår nya bassäng")
FORMER = frozenset({"tidigare", "fd", "forut", "varit", "former", "formerly", "previously", "was"})
# "Old" before a business named as the place where something happens ("i den gamla kiosken", "in an
# old bank"): the premises, not a business that runs ("vi har en gammal restaurang").
OLD = frozenset({"gammal", "gamla", "gammalt", "nedlagd", "nedlagda", "nedlagt", "old", "disused", "abandoned",
                 "empty", "derelict"})
PLACE = frozenset({"i", "in", "into", "till", "ur", "fran", "from", "inside"})


def _former(words: list[str], start: int) -> bool:
    """The business named is what the premises used to be ("lokalen var tidigare frisör", "en f.d.
    bank", "used to be a bank", "i den gamla kiosken"), not what the person starts."""
    before = words[max(0, start - 3):start]
    if any(w in FORMER for w in before) or ("detta" in before and "fore" in before) or (
            "used" in before and "be" in before):
        return True
    old = [i for i, w in enumerate(before) if w in OLD]
    return bool(old) and any(w in PLACE for w in words[max(0, start - 4):start - len(before) + old[-1]])


def build_checklist(findings: Findings, *, named: Sequence[str] = (), stated_only: bool = False,
                    conditions: Sequence = (), running: frozenset[str] = frozenset()) -> Checklist:
    """The activities' steps in order (each topic once), with `named` topics (those the question
    names outright) applying and added at the end when no activity lists them. `stated_only`:
    leave out the steps that apply to every such business (it already runs); `running`: the ids
    of the activities for which that holds while the others are new. `conditions`: the guide's
    conditions, whose topics apply to any business that states them."""
    items: dict[str, ChecklistItem] = {}
    named_set = set(named)
    # What every business of a running kind has already done (its food registration): stating
    # the matching condition ("till maten") brings nothing new.
    done = {step.topic for activity in findings.activities if stated_only or activity.id in running
            for step in activity.steps if step.condition is None}
    for activity in findings.activities:
        settled = stated_only or activity.id in running
        for step in activity.steps:
            if step.condition in findings.denied and step.topic not in named_set:
                continue
            holds = step.condition in findings.stated or step.topic in named_set
            stated = holds and (step.condition not in findings.by_name or step.topic in named_set)
            if settled and not stated:
                continue
            applies = step.condition is None or holds
            item = ChecklistItem(step.topic, applies, None if applies else step.condition, step.lead,
                                 step.convene, stated)
            known = items.get(step.topic)
            if known is None or (applies and not known.applies):
                items[step.topic] = item if known is None else replace(item, lead=known.lead or step.lead)
            elif applies:
                items[step.topic] = replace(known, convene=known.convene or step.convene,
                                            stated=known.stated or stated)
    for condition in conditions:
        # What the question states brings its topic to any business, listed or not; and a step
        # the business sees to by itself (a grease separator in the drawings) needs the authority
        # once the question states what makes it a decision ("lokalen saknar fettavskiljare").
        if not condition.topic or condition.id not in findings.stated or condition.topic in done:
            continue
        known = items.get(condition.topic)
        if known is None:
            items[condition.topic] = ChecklistItem(condition.topic, True, None, None, condition.convene,
                                                   condition.id not in findings.by_name)
        elif condition.convene and known.applies and not known.convene:
            items[condition.topic] = replace(known, convene=True,
                                             stated=known.stated or condition.id not in findings.by_name)
    for topic in named:
        if topic not in items:
            items[topic] = ChecklistItem(topic, True, stated=True)
    # Applying items first (in their order), then those that depend on a condition.
    ordered = [i for i in items.values() if i.applies] + [i for i in items.values() if not i.applies]
    return Checklist(findings.activities, tuple(ordered))
