"""The knowledge base together with what is built from it (matcher, routing rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge.activities import Guide, load_guide
from bot.knowledge.check import load_all
from bot.knowledge.models import KnowledgeBase
from bot.knowledge.problems import InvalidKnowledge
from bot.locales import Catalog, install

if TYPE_CHECKING:  # pragma: no cover
    from bot.routing.rules import RoutingRules


@dataclass
class KnowledgeBundle:
    kb: KnowledgeBase
    rules: RoutingRules | None = None  # None without a routing file
    guide: Guide = field(default_factory=Guide)  # activities and other authorities
    catalog: Catalog = field(default_factory=Catalog.load)  # the messages, with the municipality's own

    @classmethod
    def load(cls, knowledge_dir: Path, routing_file: Path | None) -> KnowledgeBundle:
        """Load and validate everything; raise InvalidKnowledge with every problem."""
        kb, rules, problems = load_all(knowledge_dir, routing_file if routing_file and routing_file.exists() else None)
        guide = Guide()
        if kb is not None:
            guide, more = load_guide(knowledge_dir, topics=set(kb.articles))
            problems += more
        if problems or kb is None:
            raise InvalidKnowledge(problems)
        catalog = Catalog.load(knowledge_dir, default=kb.profile.default_language)
        return cls(kb=kb, rules=rules, guide=guide, catalog=catalog)

    @cached_property
    def matcher(self):
        from bot.matching.matcher import Matcher

        return Matcher(self.kb)

    @cached_property
    def domain(self):
        """The domain classifier, fitted on this knowledge base (kept by the bundle cache)."""
        from bot.matching.domain import train

        return train(self.kb, self.guide)

    @cached_property
    def finder(self):
        """What reads activities, conditions and other authorities in a question (kept by the
        bundle cache: building its term sets is a large part of a cold start)."""
        from bot.matching.checklist import GuideFinder

        return GuideFinder(self.guide)

    @cached_property
    def roles(self):
        """The role reader, learned from the cases and phrasings (None without cases.yaml)."""
        from bot.matching.roles import train

        return train(self.kb, self.domain, coordinator=self.rules.coordinator if self.rules is not None else None)

    def responder(self):
        """The responder; it speaks with this knowledge base's message catalog."""
        from bot.conversation.responder import Responder

        install(self.catalog)
        return Responder(self.kb, matcher=self.matcher, rules=self.rules, guide=self.guide, domain=self.domain,
                         roles=self.roles, finder=self.finder)
