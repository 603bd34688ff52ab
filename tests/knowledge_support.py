"""Shared loading of the bundled knowledge for tests (built once per test session)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from bot.knowledge.bundle import KnowledgeBundle

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
ROUTING = ROOT / "routing_rules.yaml"
EVAL = Path(__file__).resolve().parent / "eval"


@lru_cache(maxsize=1)
def bundle() -> KnowledgeBundle:
    return KnowledgeBundle.load(KNOWLEDGE, ROUTING)


@lru_cache(maxsize=1)
def shipped_roles() -> tuple[str, ...]:
    """The role ids of the shipped routing_rules.yaml (read as plain YAML, no validation)."""
    return tuple(yaml.safe_load(ROUTING.read_text(encoding="utf-8"))["roles"])


@lru_cache(maxsize=1)
def responder():
    return bundle().responder()


def eval_questions(split: str = "dev") -> list[dict]:
    """The evaluation questions of one split: `dev` (fitting) or `test` (frozen, blind-written)."""
    return yaml.safe_load((EVAL / split / "questions.yaml").read_text(encoding="utf-8"))


def eval_escalation(split: str = "dev") -> dict:
    return yaml.safe_load((EVAL / split / "escalation.yaml").read_text(encoding="utf-8"))
