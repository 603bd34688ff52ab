"""How entrepreneurs ask about each topic (knowledge/phrasings.yaml): questions in their own words,
listed under the topic's id, each with its language. They are never shown; the second reader
(bot/matching/domain.py) learns from them how questions about a topic are phrased, next to the
articles' own prose. The file is optional (a municipality without one answers as before), and
every problem is reported on its line, like the articles':

    bygglov:
      - {q: "Vi ska bygga ut bageriet, måste vi söka lov?", lang: sv}
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import yamllines
from bot.knowledge.problems import Problem

PHRASINGS_FILE = "phrasings.yaml"


@dataclass(frozen=True, slots=True)
class Phrasing:
    q: str
    topic: str
    lang: str


def load_phrasings(path: Path, display: str, *, topics: Collection[str], languages: Collection[str]
                   ) -> tuple[tuple[Phrasing, ...], list[Problem]]:
    """The phrasings of the file (none when it is missing) and every problem, on its line."""
    parsed, report = yamllines.load_optional(path, display)
    add, problems = report.add, report.problems
    if parsed is None:
        return (), problems
    data = parsed.data
    if not isinstance(data, dict):
        add(1, "phrasings must be a mapping of topic ids to lists of {q: ..., lang: ...}")
        return (), problems
    for key, at in parsed.duplicates:
        add(at, f"topic '{key[-1]}' is given twice (list all its phrasings under one key)")
    found: list[Phrasing] = []
    for topic, items in data.items():
        where = parsed.line((topic,))
        if topic not in topics:
            add(where, f"unknown topic id {topic!r} (no article has it)")
            continue
        if not isinstance(items, list):
            add(where, f"'{topic}' must list its phrasings as {{q: ..., lang: ...}}")
            continue
        for i, item in enumerate(items):
            line = parsed.line((topic, i))
            q = item.get("q") if isinstance(item, dict) else None
            lang = item.get("lang") if isinstance(item, dict) else None
            if not isinstance(q, str) or not q.strip():
                add(line, f"a phrasing of '{topic}' needs a question: {{q: \"...\", lang: ...}}")
                continue
            if lang not in languages:
                add(line, f"'lang' must be one of {', '.join(languages)} (the profile's languages), got {lang!r}")
                continue
            found.append(Phrasing(q=q.strip(), topic=str(topic), lang=str(lang)))
    return tuple(found), problems
