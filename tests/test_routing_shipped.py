"""The shipped routing rules are valid against the real knowledge base. (Escalation quality is
measured on the frozen test set by tests/test_quality.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.routing.loader import check_routing_rules, load_routing_rules
from tests.cases_support import REPO, RULES_FILE



@pytest.fixture(scope="module")
def real_kb():
    from bot.knowledge.loader import load_knowledge

    return load_knowledge(Path(REPO / "knowledge"))


@pytest.fixture(scope="module")
def rules(real_kb):
    return load_routing_rules(RULES_FILE, kb=real_kb)


def test_shipped_rules_pass_kb_check_against_the_real_knowledge_base(real_kb):
    assert check_routing_rules(RULES_FILE, kb=real_kb) == []
