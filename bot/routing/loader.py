"""Reading and checking routing_rules.yaml. Every problem names the file and the line.

`check_routing_rules` returns the problems (for `lotsen kb check`); `load_routing_rules`
raises `InvalidKnowledge` with all of them, or returns usable `RoutingRules`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.knowledge import yamllines
from bot.knowledge.loader import ROLE_SLUG as ROLE_ID
from bot.knowledge.models import Bilingual, KnowledgeBase
from bot.knowledge.problems import InvalidKnowledge, Problem
from bot.routing.members import MemberChecks
from bot.routing.rules import Member, Role, RoutingRules, Rule, Triggers
from bot.routing.service_level_checks import LADDER_STEPS, ServiceLevelChecks
from bot.routing.text import WordSet, pattern_error

TOP_KEYS = {"version", "desk", "coordinator", "service_level", "roles", "include_also_roles", "topics", "rules",
            "triggers"}


class _Checker(MemberChecks, ServiceLevelChecks):
    def __init__(self, path: str, doc: yamllines.LineData, kb: KnowledgeBase) -> None:
        self.path, self.doc, self.kb = path, doc, kb
        self.problems: list[Problem] = []
        # The role ids defined under `roles:` (set by `roles()`, which runs first).
        self.known_roles: tuple[str, ...] = ()

    def problem(self, where: tuple, message: str) -> None:
        self.problems.append(Problem(self.path, self.doc.line(where), message))

    def mapping(self, value: Any, where: tuple, what: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(where, f"{what} must be a mapping (key: value)")
            return {}
        return value

    def seq(self, value: Any, where: tuple, what: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, f"{what} must be a list")
            return []
        return value

    def words(self, value: Any, where: tuple, what: str) -> WordSet:
        good = []
        for i, pattern in enumerate(self.seq(value, where, what)):
            error = pattern_error(pattern)
            if error:
                self.problem((*where, i), f"{what}: {error}")
            else:
                good.append(pattern)
        return WordSet(tuple(good))

    def role_ids(self, value: Any, where: tuple, what: str) -> tuple[str, ...]:
        out = []
        for i, role in enumerate(self.seq(value, where, what)):
            if role not in self.known_roles:
                self.problem((*where, i), f"{what}: unknown role {role!r}; the roles under 'roles:' are "
                                          f"{' '.join(self.known_roles)}")
            else:
                out.append(role)
        return tuple(out)

    def topic_ids(self, value: Any, where: tuple, what: str) -> frozenset[str]:
        out = set()
        for i, topic in enumerate(self.seq(value, where, what)):
            if topic not in self.kb.articles:
                self.problem((*where, i), f"{what}: unknown topic {topic!r} (no article with that id)")
            else:
                out.add(topic)
        return frozenset(out)

    # -- sections ------------------------------------------------------------------------
    def bilingual(self, value: Any, where: tuple, what: str) -> Bilingual | None:
        data = self.mapping(value, where, what)
        for key in sorted(set(data) - {"sv", "en"}, key=str):
            self.problem((*where, key), f"{what}: unknown key {key!r} (a comma inside {{...}}? quote the text)")
        if not all(isinstance(text := data.get(k), str) and text.strip() for k in ("sv", "en")):
            self.problem(where, f"{what}: needs both sv and en")
            return None
        return Bilingual(sv=data["sv"].strip(), en=data["en"].strip())

    def roles(self, value: Any) -> dict[str, Role]:
        where = ("roles",)
        data = self.mapping(value, where, "roles")
        roles: dict[str, Role] = {}
        owners: dict[tuple[str, str], tuple[Member, tuple]] = {}
        self.known_roles = role_ids(self.doc) or ()
        for role_id, spec in data.items():
            at = (*where, role_id)
            if role_id not in self.known_roles:
                self.problem(at, f"role id {role_id!r} must be a slug of a-z, 0-9, - and _, "
                                 f"and not one of the ladder's steps ({', '.join(LADDER_STEPS)})")
                continue
            spec = self.mapping(spec, at, f"role {role_id}")
            for key in sorted(set(spec) - {"name", "members", "deputy", "working_hours", "survey"}, key=str):
                self.problem((*at, key), f"role {role_id}: unknown key {key!r}")
            name = self.bilingual(spec.get("name"), (*at, "name"), f"role {role_id}: name")
            members = []
            for i, raw in enumerate(self.seq(spec.get("members"), (*at, "members"), f"role {role_id}: members")):
                member = self.member(raw, (*at, "members", i), f"role {role_id}: member {i + 1}")
                if member is not None:
                    members.append(member)
                    self._unique(member, (*at, "members", i), owners)
            if not members:
                self.problem(at, f"role {role_id}: needs at least one member")
            deputy = None
            if spec.get("deputy") is not None:
                deputy = self.member(spec["deputy"], (*at, "deputy"), f"role {role_id}: deputy")
                if deputy is not None:
                    self._unique(deputy, (*at, "deputy"), owners)
            hours = self.hours(spec.get("working_hours"), (*at, "working_hours"))
            survey = spec.get("survey", "nki")
            if survey not in ("nki", "nui"):
                self.problem((*at, "survey"), f"role {role_id}: survey must be nki or nui (procurement), not {survey!r}")
                survey = "nki"
            if name is not None:
                roles[role_id] = Role(id=role_id, name=name, members=tuple(members), deputy=deputy,
                                      working_hours=hours, survey=survey)
        if not data:
            self.problem(where, "no roles: define at least the coordinator's role under 'roles:'")
        return roles

    def coordinator(self, value: Any, ladder: Any) -> str:
        """The coordinating role: `coordinator:`, or in an older file the role id ending the ladder."""
        where: tuple = ("coordinator",)
        if value is None:
            steps = ladder if isinstance(ladder, list) else []
            value = next((s for s in reversed(steps) if s in self.known_roles), None)
            where = ("service_level", "ladder") if value is not None else ()
        if value is None:
            self.problem((), "'coordinator' is missing: name the role that coordinates every case "
                             "(coordinator: <role id>), one of the roles under 'roles:'")
            return ""
        if value not in self.known_roles:
            self.problem(where, f"coordinator: unknown role {value!r}; the roles under 'roles:' are "
                                f"{' '.join(self.known_roles)}")
            return ""
        return str(value)

    def topics(self, value: Any, include_also: bool) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
        where = ("topics",)
        topic_roles = {tid: (a.role, *(a.also_roles if include_also else ())) for tid, a in self.kb.articles.items()}
        responsible = {tid: a.role for tid, a in self.kb.articles.items()}
        for topic, roles in self.mapping(value, where, "topics").items():
            at = (*where, topic)
            if topic not in self.kb.articles:
                self.problem(at, f"unknown topic {topic!r} (no article with that id)")
                continue
            ids = self.role_ids(roles, at, f"topic {topic}")
            if not ids:
                self.problem(at, f"topic {topic}: give at least one role")
                continue
            topic_roles[topic] = tuple(dict.fromkeys(ids))
        return {t: tuple(dict.fromkeys(r)) for t, r in topic_roles.items()}, responsible

    def rules(self, value: Any) -> tuple[Rule, ...]:
        rules, seen = [], set()
        for i, spec in enumerate(self.seq(value, ("rules",), "rules")):
            at = ("rules", i)
            spec = self.mapping(spec, at, "a rule")
            rule_id = str(spec.get("id") or f"rule {i + 1}")
            for key in sorted(set(spec) - {"id", "description", "when", "unless", "add", "escalate"}, key=str):
                self.problem((*at, key), f"{rule_id}: unknown key {key!r}")
            if rule_id in seen:
                self.problem((*at, "id"), f"duplicate rule id {rule_id!r}")
            seen.add(rule_id)
            add = self.role_ids(spec.get("add"), (*at, "add"), f"{rule_id}: add")
            if not add:
                self.problem(at, f"{rule_id}: 'add' must list at least one role")
            topics, roles, words = [], [], []
            clauses = self.seq(spec.get("when"), (*at, "when"), f"{rule_id}: when")
            if not clauses:
                self.problem(at, f"{rule_id}: 'when' needs at least one condition")
            for j, clause in enumerate(clauses):
                cat = (*at, "when", j)
                clause = self.mapping(clause, cat, f"{rule_id}: condition")
                if len(clause) != 1 or next(iter(clause), None) not in ("topics", "roles", "words"):
                    self.problem(cat, f"{rule_id}: each condition is exactly one of topics:, roles:, words:")
                    continue
                kind, items = next(iter(clause.items()))
                if kind == "topics":
                    topics.append(self.topic_ids(items, (*cat, kind), rule_id))
                elif kind == "roles":
                    roles.append(frozenset(self.role_ids(items, (*cat, kind), rule_id)))
                else:
                    words.append(self.words(items, (*cat, kind), rule_id))
            escalate = spec.get("escalate", False)
            if not isinstance(escalate, bool):
                self.problem((*at, "escalate"), f"{rule_id}: escalate must be true or false")
                escalate = False
            unless = self.words(spec.get("unless"), (*at, "unless"), f"{rule_id}: unless")
            rules.append(Rule(id=rule_id, add=add, topics=tuple(topics), roles=tuple(roles), words=tuple(words),
                              unless=unless, escalate=escalate, description=str(spec.get("description", ""))))
        return tuple(rules)

    def triggers(self, value: Any) -> Triggers:
        where = ("triggers",)
        data = self.mapping(value, where, "triggers")
        for key in sorted(set(data) - {"multi_authority", "explicit_request", "unanswered", "dispute"}, key=str):
            self.problem((*where, key), f"unknown trigger {key!r}")

        def section(name: str) -> tuple[bool, dict]:
            spec = self.mapping(data.get(name), (*where, name), f"trigger {name}")
            enabled = spec.get("enabled", True)
            if not isinstance(enabled, bool):
                self.problem((*where, name, "enabled"), f"trigger {name}: enabled must be true or false")
                enabled = True
            return enabled, spec

        def positive(spec: dict, key: str, name: str, default: int) -> int:
            value = spec.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.problem((*where, name, key), f"trigger {name}: {key} must be a whole number of at least 1")
                return default
            return value

        multi_on, multi = section("multi_authority")
        explicit_on, explicit = section("explicit_request")
        unanswered_on, unanswered = section("unanswered")
        dispute_on, dispute = section("dispute")
        phrases = self.words(explicit.get("phrases"), (*where, "explicit_request", "phrases"), "explicit_request")
        words = self.words(dispute.get("words"), (*where, "dispute", "words"), "dispute")
        for on, ws, name in ((explicit_on, phrases, "explicit_request"), (dispute_on, words, "dispute")):
            if on and not ws:
                self.problem((*where, name), f"trigger {name} is enabled but lists no words or phrases")
        count_topics = multi.get("count_topics", "first")
        if count_topics not in ("first", "all"):
            self.problem((*where, "multi_authority", "count_topics"),
                         "trigger multi_authority: count_topics must be first or all")
            count_topics = "first"
        min_roles = positive(multi, "min_roles", "multi_authority", 2)
        without_plans = positive(multi, "min_roles_without_plans", "multi_authority", min_roles)
        if without_plans < min_roles:
            self.problem((*where, "multi_authority", "min_roles_without_plans"),
                         "trigger multi_authority: min_roles_without_plans cannot be below min_roles")
            without_plans = min_roles
        plan_words = self.words(multi.get("plan_words"), (*where, "multi_authority", "plan_words"), "plan_words")
        running = (self.words(multi.get("running_words"), (*where, "multi_authority", "running_words"), "running_words")
                   if multi.get("running_words") is not None else None)
        broad = (self.words(multi.get("broad_words"), (*where, "multi_authority", "broad_words"), "broad_words")
                 if multi.get("broad_words") is not None else None)

        def optional(spec: dict, name: str, key: str) -> WordSet | None:
            return (self.words(spec.get(key), (*where, name, key), key) or None) if spec.get(key) is not None else None

        detail, owner = optional(multi, "multi_authority", "detail_words"), optional(multi, "multi_authority", "owner_words")
        moving = optional(multi, "multi_authority", "moving_words")
        threat, refusal, urgent, received = (optional(dispute, "dispute", key) for key in (
            "threat_words", "refusal_words", "urgent_words", "received_words"))
        return Triggers(multi_authority=multi_on, min_roles=min_roles, min_roles_without_plans=without_plans,
                        plan_words=plan_words or None, running_words=running or None, broad_words=broad or None,
                        detail_words=detail or None, owner_words=owner or None, moving_words=moving,
                        count_topics=count_topics,
                        explicit_request=phrases if explicit_on else None,
                        unanswered_turns=positive(unanswered, "turns", "unanswered", 2) if unanswered_on else None,
                        dispute=words if dispute_on else None, threat_words=threat if dispute_on else None,
                        refusal_words=refusal if dispute_on else None, urgent_words=urgent if dispute_on else None,
                        received_words=received if dispute_on else None)


def read_routing_file(path: Path) -> tuple[yamllines.LineData | None, list[Problem]]:
    """The routing file parsed (with line numbers), or None and the reason."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, None, f"cannot read the routing rules: {exc}")]
    try:
        return yamllines.load(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(name, mark.line + 1 if mark else None, f"not valid YAML: {getattr(exc, 'problem', exc)}")]


def role_ids(doc: yamllines.LineData | None) -> tuple[str, ...] | None:
    """The role ids defined under `roles:` (what articles may name), None when unreadable."""
    data = doc.data if doc is not None else None
    roles = data.get("roles") if isinstance(data, dict) else None
    if not isinstance(roles, dict):
        return None
    return tuple(r for r in roles if isinstance(r, str) and ROLE_ID.match(r) and r not in LADDER_STEPS)


def parse_routing_rules(path: Path, kb: KnowledgeBase, *,
                        doc: yamllines.LineData | None = None) -> tuple[RoutingRules | None, list[Problem]]:
    """The rules and every problem found (rules are only safe to use with no problems).
    `doc`: the file already parsed by `read_routing_file`."""
    name = str(path)
    if doc is None:
        doc, problems = read_routing_file(Path(path))
        if doc is None:
            return None, problems
    checker = _Checker(name, doc, kb)
    for key_path, line in doc.duplicates:
        checker.problems.append(Problem(name, line, f"duplicate key {key_path[-1]!r}"))
    data = checker.mapping(doc.data, (), "the routing rules file")
    if not data:
        checker.problem((), "the routing rules file is empty")
        return None, checker.problems
    for key in sorted(set(data) - TOP_KEYS, key=str):
        checker.problem((key,), f"unknown top-level key {key!r}")
    include_also = data.get("include_also_roles", True)
    if not isinstance(include_also, bool):
        checker.problem(("include_also_roles",), "include_also_roles must be true or false")
        include_also = True
    desk = data.get("desk", "slack")
    if not isinstance(desk, str) or not desk.strip():
        checker.problem(("desk",), "desk must be the name of the navigators' channel (slack, telegram, console)")
        desk = "slack"
    roles = checker.roles(data.get("roles"))  # first: the other sections name these roles
    level = data.get("service_level")
    coordinator = checker.coordinator(data.get("coordinator"),
                                      level.get("ladder") if isinstance(level, dict) else None)
    topic_roles, responsible = checker.topics(data.get("topics"), include_also)
    rules = RoutingRules(roles=roles, topic_roles=topic_roles, responsible=responsible,
                         rules=checker.rules(data.get("rules")), triggers=checker.triggers(data.get("triggers")),
                         service_level=checker.service_level(level, coordinator), coordinator=coordinator,
                         desk=desk, path=name)
    return rules, checker.problems


def check_routing_rules(path: Path | str, *, kb: KnowledgeBase) -> list[Problem]:
    """Every problem in the routing rules file, each with file and line."""
    return sorted(parse_routing_rules(Path(path), kb)[1], key=lambda p: (p.line or 0, p.message))


def load_routing_rules(path: Path | str, *, kb: KnowledgeBase) -> RoutingRules:
    """The rules, or InvalidKnowledge carrying every problem."""
    rules, problems = parse_routing_rules(Path(path), kb)
    if problems or rules is None:
        raise InvalidKnowledge(problems or [Problem(str(path), None, "the routing rules cannot be used")])
    return rules
