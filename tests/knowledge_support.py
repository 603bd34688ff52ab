"""Shared loading of the bundled knowledge for tests (built once per test session)."""

from __future__ import annotations

import hashlib
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
    """The evaluation questions of one split: `dev` (fitting) or `test` (frozen, blind-written);
    every `questions*.yaml` of the split, in name order (a split grows by files of its own)."""
    return [item for path in sorted((EVAL / split).glob("questions*.yaml"))
            for item in yaml.safe_load(path.read_text(encoding="utf-8")) or ()]


def eval_escalation(split: str = "dev") -> dict:
    """The escalation cases of one split: every `escalation*.yaml`, their lists joined."""
    cases: dict[str, list] = {"escalate": [], "simple": []}
    for path in sorted((EVAL / split).glob("escalation*.yaml")):
        for kind, items in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            cases.setdefault(kind, []).extend(items or ())
    return cases


def half_of(text: str, salt: str = "") -> int:
    """Which half of dev a question is in (0 or 1, by the SHA-1 of its text): the held-out
    protocol fits on one half and measures the other (scripts/heldout_understanding.py,
    scripts/escalation_halves.py). Another `salt` gives other halves, to see the noise."""
    return int(hashlib.sha1((salt + text).encode("utf-8")).hexdigest(), 16) % 2
