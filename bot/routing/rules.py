"""Routing rules as loaded from routing_rules.yaml: who is convened for what, and when a
question should go to a person. Built by `bot.routing.loader.load_routing_rules`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.core.actions import Actor
from bot.core.ports import member_identity
from bot.knowledge.models import Bilingual
from bot.routing.service_level import WorkingHours
from bot.routing.text import WordHits, WordIndex, WordSet, fold

# The ladder's last step, the coordinator's role whatever its id; also what stands for that role
# where no routing rules are loaded (`lotsen ask` on a knowledge base alone).
COORDINATOR_STEP = "coordinator"
TriggerKind = Literal["multi_authority", "explicit_request", "unanswered", "dispute"]


# Actors who identify themselves by e-mail (the terminal): the identity they are looked up by.
IDENTIFIED_BY = {"cli": "email", "console": "email"}


@dataclass(frozen=True)
class Member:
    """A navigator: a display name, an e-mail, and one id per channel (`identities`: channel
    name -> that channel's own user id, as text; the channel's adapter parses and renders it).
    The e-mail is also the identity "email" (what the terminal acts as)."""

    name: str
    identities: dict[str, str] = field(default_factory=dict, hash=False)
    email: str | None = None

    def identity(self, channel: str) -> str | None:
        if channel == "email":
            return self.email
        return self.identities.get(channel)

    def matches(self, actor: Actor) -> bool:
        own = self.identity(IDENTIFIED_BY.get(actor.channel, actor.channel))
        return own is not None and str(actor.user_id).strip().casefold() == own.casefold()

    def in_snapshots(self, snapshots: Iterable[Mapping[str, Any]]) -> bool:
        """Whether this person is among member snapshots stored on a case (either form: with
        identities, or written before them with slack_id/telegram_id)."""
        return any(self._is(snapshot) for snapshot in snapshots)

    def _is(self, snapshot: Mapping[str, Any]) -> bool:
        if snapshot.get("name") != self.name:
            return False
        if self.email and str(snapshot.get("email") or "").casefold() == self.email.casefold():
            return True
        return any(member_identity(snapshot, channel) == own for channel, own in self.identities.items())

    def as_dict(self) -> dict:
        """The snapshot stored on cases and in desk posts (CaseCard.members)."""
        return {"name": self.name, "email": self.email, "identities": dict(self.identities)}


@dataclass(frozen=True)
class Role:
    id: str
    name: Bilingual
    members: tuple[Member, ...]
    deputy: Member | None = None
    working_hours: WorkingHours | None = None
    # How SKR's Insikt measures the area: "nki" (authority work) or "nui" (procurement, apart).
    survey: str = "nki"


@dataclass(frozen=True)
class Rule:
    """Adds roles when every clause holds (each clause: any of its topics/roles/words)."""

    id: str
    add: tuple[str, ...]
    topics: tuple[frozenset[str], ...] = ()
    roles: tuple[frozenset[str], ...] = ()
    words: tuple[WordSet, ...] = ()
    unless: WordSet = field(default_factory=lambda: WordSet(()))
    escalate: bool = False
    description: str = ""

    def fires(self, *, topics: set[str], roles: set[str], words: WordHits) -> bool:
        # Cheap set checks first; the word look-ups only when they pass. (Plain loops: every
        # rule is asked about every question.)
        for clause in self.topics:
            if clause.isdisjoint(topics):
                return False
        for clause in self.roles:
            if clause.isdisjoint(roles):
                return False
        if self.unless and self.unless in words:
            return False
        for phrases in self.words:
            if phrases not in words:
                return False
        return True


@dataclass(frozen=True)
class Trigger:
    kind: TriggerKind
    detail: str


@dataclass(frozen=True)
class Triggers:
    multi_authority: bool = True
    min_roles: int = 2
    # "first": the first topic's role counts, other topics only when strong words confirm them
    # (robust to loosely matched topics); "all": every topic's responsible role counts.
    count_topics: str = "first"
    # A question that only mentions a second authority in passing ("can we serve wine on our
    # outdoor seating?") is not multi-authority: unless the text describes an undertaking
    # (plan_words: opening, starting, relocating ...) or names topics of two authorities that the
    # words confirm, this many authorities are needed.
    min_roles_without_plans: int = 2
    plan_words: WordSet | None = None
    # Words of a business that already runs ("vi har en pizzeria", "I run a café"): a question from
    # it about one more thing is a question, not a plan, unless plan words say otherwise.
    running_words: WordSet | None = None
    # Words that ask for everything an undertaking takes ("vad behöver jag", "what do I need"): a
    # question that names one topic gets the whole checklist only with these.
    broad_words: WordSet | None = None
    # Words that ask about one detail of one thing ("hur lång tid tar", "what does it cost"): a
    # question, not an undertaking to meet about.
    detail_words: WordSet | None = None
    # Words right before a business's name that say the person already has it ("har pizzeria",
    # "min kiosk", "our bakery"), however briefly it is written.
    owner_words: WordSet | None = None
    # Words of a business moving to other premises ("vi flyttar till en större lokal", "moving to
    # a new location"): registrations and permits belong to the premises, so a business that runs
    # starts again where it moves to.
    moving_words: WordSet | None = None
    explicit_request: WordSet | None = None
    unanswered_turns: int | None = 2
    dispute: WordSet | None = None
    # Classes of a dispute's words: an authority's decision that threatens a running business (an
    # injunction, a fine, a ban, a closure, a permit withdrawn), a refusal of what it applied for,
    # and what makes it urgent (today, this weekend, bookings). A threat, or a refusal with
    # stakes, is a case for the authority that decided and the coordinator.
    threat_words: WordSet | None = None
    refusal_words: WordSet | None = None
    urgent_words: WordSet | None = None
    # Words that say the business has received a decision ("vi har fått", "told us"): a threat
    # that happened, not one feared.
    received_words: WordSet | None = None


@dataclass(frozen=True)
class ServiceLevel:
    acknowledge_hours: float = 4
    hours: WorkingHours = field(default_factory=WorkingHours)
    # Steps: "members", "deputy", "coordinator" (the coordinator's members and deputy).
    ladder: tuple[str, ...] = ("members", "deputy", COORDINATOR_STEP)


@dataclass(frozen=True)
class RoutingRules:
    roles: dict[str, Role]
    topic_roles: dict[str, tuple[str, ...]]  # every known topic → roles it needs
    responsible: dict[str, str]  # topic → its responsible role (from the article)
    rules: tuple[Rule, ...]
    triggers: Triggers
    service_level: ServiceLevel
    # The role that coordinates every case: always convened, the ladder's last step, and the
    # default organiser of meetings (routing_rules.yaml `coordinator:`).
    coordinator: str
    desk: str = "slack"
    path: str = ""
    _word_index: WordIndex = field(init=False, repr=False, compare=False)  # built from the rules' words

    def __post_init__(self) -> None:
        clauses = [words for rule in self.rules for words in (*rule.words, rule.unless) if words]
        object.__setattr__(self, "_word_index", WordIndex(clauses))

    # -- roles ---------------------------------------------------------------------------
    def _fired(self, *, topics: list[str], text: str) -> list[Rule]:
        """The rules that fire for this question. One question asks this several times
        (trigger, authorities, roles), so the last answer is kept."""
        key = (tuple(topics), text)
        last = self.__dict__.get("_last_fired")
        if last is not None and last[0] == key:
            return last[1]
        topic_set = set(topics)
        role_set = {r for t in topics for r in self.topic_roles.get(t, ())}
        words = self._word_index.hits(fold(text or ""))
        fired = [rule for rule in self.rules if rule.fires(topics=topic_set, roles=role_set, words=words)]
        object.__setattr__(self, "_last_fired", (key, fired))  # one tuple: safe across threads
        return fired

    def roles_for(self, *, topics: list[str], text: str) -> list[str]:
        """Roles to convene, in a stable order: the topics' roles in the order given, then
        what the extra rules add (in file order), the coordinator always last."""
        ordered: list[str] = []
        for topic in topics:
            ordered.extend(self.topic_roles.get(topic, ()))
        for rule in self._fired(topics=topics, text=text):
            ordered.extend(rule.add)
        return self.with_coordinator(ordered)

    def with_coordinator(self, roles: list[str]) -> list[str]:
        """The roles once each, in order, with the coordinator last (exactly once)."""
        unique = list(dict.fromkeys(r for r in roles if r != self.coordinator))
        return [*unique, self.coordinator]

    def person_trigger(self, *, text: str, unanswered_streak: int) -> Trigger | None:
        """Why this turn should go to a person whatever the topics: an explicit request, a
        dispute or urgency, or unanswered turns. (Several authorities are judged from meaning,
        by bot.conversation.planner.)"""
        last = self.__dict__.get("_last_trigger")  # asked twice a turn (the follow-ups, the planner)
        if last is not None and last[0] == (text, unanswered_streak):
            return last[1]
        found = self._person_trigger(text, unanswered_streak)
        self.__dict__["_last_trigger"] = ((text, unanswered_streak), found)  # one tuple: safe across threads
        return found

    def _person_trigger(self, text: str, unanswered_streak: int) -> Trigger | None:
        folded = fold(text or "")
        cfg = self.triggers
        if cfg.explicit_request and (hit := cfg.explicit_request.find(folded)):
            return Trigger("explicit_request", hit)
        if cfg.dispute and (hit := cfg.dispute.find(folded)):
            return Trigger("dispute", hit)
        if cfg.unanswered_turns and unanswered_streak >= cfg.unanswered_turns:
            return Trigger("unanswered", f"{unanswered_streak}")
        return None

    def dispute_stakes(self, text: str) -> tuple[bool, bool]:
        """(a decision that threatens the business, a refusal made urgent) in the text."""
        folded, cfg = fold(text or ""), self.triggers
        threat = bool(cfg.threat_words and cfg.threat_words.find(folded))
        refusal = bool(cfg.refusal_words and cfg.refusal_words.find(folded))
        return threat, refusal and bool(cfg.urgent_words and cfg.urgent_words.find(folded))

    def decision_received(self, text: str) -> bool:
        """The text says the business has received a decision (received_words)."""
        return _said(self.triggers.received_words, text)

    def refuses(self, text: str) -> bool:
        """The text speaks of a refusal or an appeal (refusal_words)."""
        return _said(self.triggers.refusal_words, text)

    def deciding_roles(self, text: str) -> list[str]:
        """The authorities the words name as strong evidence (the rules marked `escalate`): the
        permit, the activity or the office a decision came from. Coordinator not included."""
        roles = [r for rule in self._fired(topics=[], text=text) if rule.escalate for r in rule.add]
        return [r for r in dict.fromkeys(roles) if r != self.coordinator]

    def describes_plans(self, text: str) -> bool:
        """The text describes an undertaking or asks what it takes (plan_words)."""
        return _said(self.triggers.plan_words, text)

    def asks_broadly(self, text: str) -> bool:
        """The text asks what an undertaking takes as a whole (broad_words)."""
        return _said(self.triggers.broad_words, text)

    def asks_detail(self, text: str) -> bool:
        """The text asks about one detail of one thing (detail_words)."""
        return _said(self.triggers.detail_words, text)

    def names_owner(self, text: str) -> bool:
        """The words right before a business's name say whose it is (owner_words)."""
        return _said(self.triggers.owner_words, text)

    def describes_moving(self, text: str) -> bool:
        """The text speaks of a business moving to other premises (moving_words)."""
        return _said(self.triggers.moving_words, text)

    def describes_running(self, text: str) -> bool:
        """The text speaks of a business that already runs (running_words)."""
        return _said(self.triggers.running_words, text)

    # -- people --------------------------------------------------------------------------
    def role_name(self, role: str, lang: str) -> str:
        found = self.roles.get(role)
        return found.name.get(lang) if found else role

    def members_for(self, roles: list[str]) -> list[Member]:
        """The members of the roles (and the coordinator's), each person once, in role order."""
        seen: dict[tuple, Member] = {}
        for role in [*roles, *([self.coordinator] if self.coordinator not in roles else [])]:
            for member in getattr(self.roles.get(role), "members", ()):
                seen.setdefault(_identity(member), member)
        return list(seen.values())

    def deputies_for(self, roles: list[str]) -> list[Member]:
        seen: dict[tuple, Member] = {}
        for role in roles:
            deputy = getattr(self.roles.get(role), "deputy", None)
            if deputy is not None:
                seen.setdefault(_identity(deputy), deputy)
        return list(seen.values())

    def all_people(self) -> list[Member]:
        roles = list(self.roles)
        return list({_identity(m): m for m in [*self.members_for(roles), *self.deputies_for(roles)]}.values())

    def member_for(self, actor: Actor) -> Member | None:
        """The navigator acting, if listed as a member or deputy of any role."""
        for member in self.all_people():
            if member.matches(actor):
                return member
        return None


def _said(words: WordSet | None, text: str | None) -> bool:
    """Whether the text says any of a trigger's words (none configured: never)."""
    return bool(words is not None and text and words.find(fold(text)))


def _identity(member: Member) -> tuple:
    return (member.name, tuple(sorted(member.identities.items())), (member.email or "").casefold())
