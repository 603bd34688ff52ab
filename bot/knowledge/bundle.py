"""The knowledge base together with what is built from it (matcher, routing rules)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.knowledge.check import load_all
from bot.knowledge.models import KnowledgeBase
from bot.knowledge.problems import InvalidKnowledge


@dataclass
class KnowledgeBundle:
    kb: KnowledgeBase
    rules: object | None = None  # bot.routing.rules.RoutingRules; None without a routing file

    @classmethod
    def load(cls, knowledge_dir: Path, routing_file: Path | None) -> "KnowledgeBundle":
        """Load and validate everything; raise InvalidKnowledge with every problem."""
        kb, rules, problems = load_all(knowledge_dir, routing_file if routing_file and routing_file.exists() else None)
        if problems or kb is None:
            raise InvalidKnowledge(problems)
        return cls(kb=kb, rules=rules)

    @cached_property
    def matcher(self):
        from bot.matching.matcher import Matcher

        return Matcher(self.kb)

    def responder(self):
        from bot.conversation.responder import Responder

        return Responder(self.kb, matcher=self.matcher, rules=self.rules)
