"""Cases and whom they need (knowledge/cases.yaml): messages as entrepreneurs write them, each with
the roles whose decisions or advice a careful official would bring in. They are never shown; the
role reader (bot/matching/roles.py) learns from them, next to the phrasings, which authorities a
message needs, including from details that name no permit ("the old tanks are still in the
ground", "300 guests", "no sewer out there"). The file is optional (without it the roles follow
from the activities and topics alone), and every problem is reported on its line:

    - {q: "Vi vill öppna ett bageri med kafé i gamla posten", lang: sv, roles: [bygg, livsmedel]}
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import yamllines
from bot.knowledge.problems import Problem

CASES_FILE = "cases.yaml"


@dataclass(frozen=True, slots=True)
class Case:
    q: str
    lang: str
    roles: tuple[str, ...]


def load_cases(path: Path, display: str, *, roles: Collection[str] | None, languages: Collection[str]
               ) -> tuple[tuple[Case, ...], list[Problem]]:
    """The cases of the file (none when it is missing) and every problem, on its line. `roles`:
    the routing rules' role ids a case may name (None: any)."""
    parsed, report = yamllines.load_optional(path, display)
    add, problems = report.add, report.problems
    if parsed is None:
        return (), problems
    data = parsed.data
    if not isinstance(data, list):
        add(1, "cases must be a list of {q: ..., lang: ..., roles: [...]}")
        return (), problems
    found: list[Case] = []
    for i, item in enumerate(data):
        line = parsed.line((i,))
        q, lang, named = (item.get("q"), item.get("lang"), item.get("roles")) if isinstance(item, dict) \
            else (None, None, None)
        if not isinstance(q, str) or not q.strip():
            add(line, "a case needs a message: {q: \"...\", lang: ..., roles: [...]}")
            continue
        if lang not in languages:
            add(line, f"'lang' must be one of {', '.join(languages)} (the profile's languages), got {lang!r}")
            continue
        if not isinstance(named, list) or not named or not all(isinstance(r, str) for r in named):
            add(line, "'roles' must list the role ids the case needs, at least one")
            continue
        unknown = [r for r in named if roles is not None and r not in roles]
        if unknown:
            add(line, f"unknown role {unknown[0]!r}; the routing rules' roles are {' '.join(roles or ())}")
            continue
        found.append(Case(q=q.strip(), lang=str(lang), roles=tuple(dict.fromkeys(named))))
    return tuple(found), problems
