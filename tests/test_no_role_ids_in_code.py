"""The municipality's vocabulary comes only from its files: no role id of the shipped
routing_rules.yaml is written as a string literal in bot/ (comments and docstrings may name them),
so another municipality's roles need no code change (tests/test_other_municipality.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.knowledge_support import ROOT, shipped_roles

# Literals that equal a role id but mean something else, with the reason.
NOT_ROLES = {
    ("bot/conversation/contact.py", "bygg"): "a word in company names ('Lindqvists Bygg'), read as a company hint",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def role_literals(root: Path, roles: set[str]) -> list[str]:
    hits = []
    for path in sorted((root / "bot").rglob("*.py")):
        name = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in roles
                    and id(node) not in docs and (name, node.value) not in NOT_ROLES):
                hits.append(f"{name}:{node.lineno}: {node.value!r}")
    return hits


def test_no_role_id_is_written_in_code():
    roles = set(shipped_roles())
    assert {"naringsliv", "bygg"} <= roles  # the check reads the real file
    assert role_literals(ROOT, roles) == []


def test_the_check_finds_a_role_written_in_code(tmp_path):
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "x.py").write_text('"""naringsliv in a docstring is fine."""\n'
                                           '# naringsliv in a comment too\n'
                                           'ROLE = "naringsliv"\n', encoding="utf-8")
    assert role_literals(tmp_path, {"naringsliv"}) == ["bot/x.py:3: 'naringsliv'"]
