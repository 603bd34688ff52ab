"""Folding and word patterns for routing rules and escalation triggers.

Text and patterns are both folded (lower case, å/ä/ö → a/a/o, accents removed), so people who
type without Swedish letters are matched too. A pattern matches at the start of a word, so
"förelägg" matches "föreläggande"; "=bar" matches only the whole word "bar"; "~servering"
matches anywhere inside a word ("uteservering"). Several words are a phrase ("ring mig").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.matching.text import RECENT
from bot.matching.text import fold as fold_letters

_WORD = re.compile(r"\w+")

@lru_cache(maxsize=RECENT)
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


@lru_cache(maxsize=256)
def _words_of(folded_text: str) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """The text's words, every prefix of them, and the words in order (one pass per text)."""
    words = tuple(_WORD.findall(folded_text))
    prefixes = frozenset(word[:end] for word in words for end in range(1, len(word) + 1))
    return frozenset(words), prefixes, words


@dataclass(frozen=True, eq=False)  # identity hashing: WordIndex keys on the sets themselves, often
class WordSet:
    """A list of words/phrases; `find` returns one present in folded text, or None.

    Single words are looked up in sets (exact words, word starts, parts of words), so a list of
    hundreds of words costs about as much as one; only phrases use regular expressions."""

    patterns: tuple[str, ...]

    def __post_init__(self) -> None:
        exact: dict[str, str] = {}
        starts: dict[str, str] = {}
        infix: list[tuple[str, str]] = []
        phrases: list[tuple[str, re.Pattern[str], str | None]] = []
        for pattern in self.patterns:
            body = fold(pattern.strip().lstrip("=~"))
            if not _WORD.fullmatch(body):  # phrases, and words with hyphens or digits' commas
                # A phrase that starts at a word start can only be there if the text has a word
                # starting with its first word: a set look-up spares most regular expressions.
                gate = None if pattern.strip().startswith("~") else _WORD.match(body)
                phrases.append((pattern, compile_pattern(pattern), gate.group() if gate else None))
            elif pattern.strip().startswith("~"):
                infix.append((pattern, body))
            elif pattern.strip().startswith("="):
                exact.setdefault(body, pattern)
            else:
                starts.setdefault(body, pattern)
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_exact_keys", frozenset(exact))  # frozenset & frozenset is the fast way
        object.__setattr__(self, "_start_keys", frozenset(starts))
        object.__setattr__(self, "_infix", tuple(infix))
        # Is any part of a word there at all? One search of the text (a part of a word is a run
        # of word characters, so it is in the text exactly when it is in one of its words).
        object.__setattr__(self, "_any_infix", re.compile("|".join(re.escape(body) for _, body in infix))
                           if infix else None)
        object.__setattr__(self, "_phrases", tuple(phrases))

    def find(self, folded_text: str) -> str | None:
        words, prefixes, ordered = _words_of(folded_text)
        exact, starts = self._exact, self._starts  # type: ignore[attr-defined]
        for word in words & self._exact_keys:  # type: ignore[attr-defined]
            return exact[word]
        for prefix in prefixes & self._start_keys:  # type: ignore[attr-defined]
            return starts[prefix]
        if self._any_infix is not None and self._any_infix.search(folded_text):  # type: ignore[attr-defined]
            for pattern, body in self._infix:  # type: ignore[attr-defined]
                if any(body in word for word in ordered):
                    return pattern
        for pattern, regex, gate in self._phrases:  # type: ignore[attr-defined]
            if (gate is None or gate in prefixes) and regex.search(folded_text):
                return pattern
        return None

    def __bool__(self) -> bool:
        return bool(self.patterns)


class WordIndex:
    """Which of many WordSets (all the rules' word clauses) have a word in a text, in one pass
    over the text's words instead of one look-up per set. A set is searched on its own only
    when it has parts of words (~) or when a word of the text starts one of its phrases."""

    def __init__(self, sets: Iterable[WordSet]) -> None:
        self._exact: dict[str, set[WordSet]] = {}
        self._starts: dict[str, set[WordSet]] = {}
        self._gates: dict[str, set[WordSet]] = {}  # a phrase's first word -> sets with such phrases
        self._always: set[WordSet] = set()  # sets with parts of words, or phrases without a gate
        for words in sets:
            for word in words._exact:  # type: ignore[attr-defined]
                self._exact.setdefault(word, set()).add(words)
            for start in words._starts:  # type: ignore[attr-defined]
                self._starts.setdefault(start, set()).add(words)
            if words._infix:  # type: ignore[attr-defined]
                self._always.add(words)
            for _, _, gate in words._phrases:  # type: ignore[attr-defined]
                if gate is None:
                    self._always.add(words)
                else:
                    self._gates.setdefault(gate, set()).add(words)
        self._start_keys = frozenset(self._starts)
        self._gate_keys = frozenset(self._gates)

    def hits(self, folded_text: str) -> WordHits:
        words, prefixes, _ = _words_of(folded_text)
        found: set[WordSet] = set()
        for word in words:
            found.update(self._exact.get(word, ()))
        for prefix in prefixes & self._start_keys:
            found.update(self._starts[prefix])
        searched = set(self._always)
        for gate in prefixes & self._gate_keys:
            searched.update(self._gates[gate])
        return WordHits(found, searched - found, folded_text)


class WordHits:
    """`words in hits`: whether a WordSet has a word in the text (see WordIndex)."""

    __slots__ = ("_found", "_search", "_text")

    def __init__(self, found: set[WordSet], search: set[WordSet], text: str) -> None:
        self._found, self._search, self._text = found, search, text

    def __contains__(self, words: WordSet) -> bool:
        if words in self._found:
            return True
        return words in self._search and words.find(self._text) is not None
