"""Everything `lotsen kb check` validates, in one place, also used at start-up."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.loader import check_knowledge
from bot.knowledge.models import KnowledgeBase
from bot.knowledge.problems import Problem


def check_all(knowledge_dir: Path, routing_file: Path | None) -> tuple[KnowledgeBase | None, list[Problem]]:
    kb, _, problems = load_all(knowledge_dir, routing_file)
    if kb is not None:
        from bot.knowledge.activities import load_guide

        problems += load_guide(knowledge_dir, topics=set(kb.articles))[1]
    return kb, problems


def load_all(knowledge_dir: Path, routing_file: Path | None):
    """(knowledge base, routing rules, problems), each file read and parsed once."""
    from bot.routing.loader import parse_routing_rules, read_routing_file, role_ids

    doc, problems = read_routing_file(Path(routing_file)) if routing_file is not None else (None, [])
    # Articles may name only the roles of the routing file (any slug when checked without one).
    kb, kb_problems = check_knowledge(knowledge_dir, roles=role_ids(doc))
    problems = kb_problems + problems
    rules = None
    if kb is not None and doc is not None and routing_file is not None:
        rules, rule_problems = parse_routing_rules(Path(routing_file), kb, doc=doc)
        problems += rule_problems
    return kb, rules, problems
