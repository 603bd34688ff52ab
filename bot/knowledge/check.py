"""Everything `lotsen kb check` validates, in one place, also used at start-up."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.loader import check_knowledge
from bot.knowledge.models import KnowledgeBase
from bot.knowledge.problems import Problem


def check_all(knowledge_dir: Path, routing_file: Path | None) -> tuple[KnowledgeBase | None, list[Problem]]:
    kb, problems = check_knowledge(knowledge_dir)
    if kb is not None and routing_file is not None:
        from bot.routing.loader import check_routing_rules

        problems += check_routing_rules(routing_file, kb=kb)
    return kb, problems
