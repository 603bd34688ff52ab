"""Folding and word patterns for routing rules and escalation triggers.

Text and patterns are both folded (lower case, å/ä/ö → a/a/o, accents removed), so people who
type without Swedish letters are matched too. A pattern matches at the start of a word, so
"förelägg" matches "föreläggande"; "=bar" matches only the whole word "bar"; "~servering"
matches anywhere inside a word ("uteservering"). Several words are a phrase ("ring mig").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.matching.text import fold as fold_letters

def fold(text: str) -> str:
    """Lower-case, strip accents and Swedish diacritics (the matcher's fold), collapse whitespace."""
    return " ".join(fold_letters(text).split())


def pattern_error(pattern: object) -> str | None:
    """Why a pattern cannot be used, or None."""
    if not isinstance(pattern, str):
        return f"a word or phrase must be text, not {type(pattern).__name__}"
    body = pattern.strip().lstrip("=~")
    if not fold(body):
        return f"empty word or phrase {pattern!r}"
    if len(fold(body)) < 2:
        return f"word {pattern!r} is too short to match safely"
    return None


def compile_pattern(pattern: str) -> re.Pattern[str]:
    raw = pattern.strip()
    exact = raw.startswith("=")
    infix = raw.startswith("~")
    body = fold(raw.lstrip("=~"))
    escaped = r"\s+".join(re.escape(part) for part in body.split(" "))
    if infix:
        return re.compile(escaped)
    if exact:
        return re.compile(rf"(?<!\w){escaped}(?!\w)")
    return re.compile(rf"(?<!\w){escaped}")


@dataclass(frozen=True)
class WordSet:
    """A list of words/phrases; `find` returns the first one present in folded text."""

    patterns: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", tuple((p, compile_pattern(p)) for p in self.patterns))

    def find(self, folded_text: str) -> str | None:
        for pattern, regex in self._compiled:  # type: ignore[attr-defined]
            if regex.search(folded_text):
                return pattern
        return None

    def __bool__(self) -> bool:
        return bool(self.patterns)
