"""Finding named things (activities, conditions, other authorities) in a question.

Each key has phrases ("nagelsalong", "nail salon", "gammal butikslokal"). A phrase occurs when its
words occur in a row, each word read the way Swedish and English are written:

- folded: case and diacritics do not matter (`frisör` = `frisor`);
- inflected: `nagelsalongen`, `kaféet`, `salons`;
- in a compound: `kebabrestaurang` holds `restaurang`, `restaurangverksamhet` starts with it;
- misspelt: `resturang`, `pizzera` (long words only, rapidfuzz).

A phrase right after a negation (`utan alkohol`, `no alcohol`) counts as denied, not stated.

A phrase may name a class of words: `{gammal|gamla|old} {lokal|butik|shop}` stands for every
combination (`gamla lokalen`, `old shop`), `*` for any one word (`gammal * affär`: "gammal sko
affär") and `#100` for any number of at least 100 (`#100 gäster`: "ca 300 gäster"). So a file can
say "any old premises" or "any crowd" once instead of listing every case.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.matching.text import fold

_TOKEN = re.compile(r"[a-z0-9]+")
# Endings of inflected forms, Swedish and English; after a vowel and after a consonant.
_AFTER_VOWEL = ("n", "t", "r", "rna", "rnas", "ns", "ts", "s", "na", "nas", "er", "ers", "erna", "et", "ets", "es")
_AFTER_CONSONANT = ("en", "et", "er", "ar", "or", "erna", "arna", "orna", "ens", "ets", "ers", "ernas",
                    "arnas", "s", "es", "ing", "ingen", "ning", "ningen", "na", "ade", "at", "a", "e")
_ENDINGS = tuple(sorted(set(_AFTER_VOWEL + _AFTER_CONSONANT), key=len, reverse=True))
NEGATIONS = frozenset({"utan", "ingen", "inget", "inga", "inte", "ej", "aldrig", "no", "not", "without",
                       "dont", "never", "nor"})
NEGATION_REACH = 3  # words between a negation and what it denies ...
CLAUSE_BREAKS = frozenset({"med", "och", "men", "samt", "plus", "with", "and", "but"})  # ... within its clause
MIN_COMPOUND = 5  # a word must be this long to be found inside a compound
MIN_FUZZY = 6  # ... or with a typo
FUZZY_CUTOFF = 86.0


_CHOICE = re.compile(r"\{([^{}]*)\}")
ANY = "*"  # a phrase word that any one word of the question fills
_NUMBER = re.compile(r"^#(\d+)$")  # a phrase word that a number at least this big fills
_ENDS = ""  # no word is empty: the key under which a tree node lists the phrases ending there


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def expand(phrase: str) -> list[tuple[str, ...]]:
    """The word sequences a phrase stands for: each `{a|b}` is one of its choices, `*` any word."""
    found = _CHOICE.search(phrase)
    if found is None:
        return [tuple(w for part in phrase.split() for w in
                      ((part,) if part == ANY or _NUMBER.match(part) else tokens(part)))]
    result: list[tuple[str, ...]] = []
    for choice in found.group(1).split("|"):
        result += expand(phrase[:found.start()] + choice + phrase[found.end():])
    return list(dict.fromkeys(result))


def _one_slip(word: str, known: str) -> bool:
    """A misspelling of a short common word is one letter wrong, missing or extra (in the word or
    in its stem before an ending): "alkhol" is "alkohol", "förening" is not "förorening"."""
    return Levenshtein.distance(word, known) <= 1 or Levenshtein.distance(word[:len(known)], known) <= 1


BARE_ENDINGS = frozenset({"a", "e"})  # ... which a short word does not take: "bara" (only) is no form of "bar"


def _inflection_fits(base: str, ending: str) -> bool:
    if ending in BARE_ENDINGS and len(base) < 4:
        return False
    return ending in (_AFTER_VOWEL if base[-1] in "aeiouy" else _AFTER_CONSONANT)


def _number_forms(word: str, numbers: tuple[tuple[int, str], ...]) -> frozenset[str]:
    """The number words (`#100`) that a number in the question fills."""
    if not numbers or not word.isdigit():
        return frozenset()
    value = int(word)
    return frozenset(name for least, name in numbers if value >= least)


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    start: int  # token positions in the question
    end: int
    denied: bool = False


def _negated(words: list[str], start: int) -> bool:
    """A negation shortly before `start`, in the same clause ("utan alkohol", not "utan alkohol
    med uteservering" for the seating)."""
    for position in range(start - 1, max(-1, start - 1 - NEGATION_REACH), -1):
        if words[position] in CLAUSE_BREAKS:
            return False
        if words[position] in NEGATIONS:
            return True
    return False


class TermSet:
    """Built once from {key: phrases}; `find(words)` lists every key whose phrase occurs."""

    def __init__(self, phrases: dict[str, Iterable[str]], *, alike: int = 1, head: int = MIN_COMPOUND) -> None:
        """`alike`: how many first letters a misspelt word shares with the word it stands for;
        `head`: how long a name must be to be found as the head of a compound. A head shorter than
        MIN_COMPOUND counts only when it is a name on its own ("strandkafé" is a "kafé")."""
        self._alike = alike
        self._head = min(head, MIN_COMPOUND)
        # The phrases as a tree of words: a question is walked from each word along the words
        # that follow it, so the cost grows with the question, not with how many phrases a word
        # class like `{gammal|gamla|old} {lokal|butik|shop}` expands to. A node maps a word to the
        # next node; `_ENDS` holds the keys of the phrases that end there.
        self._tree: dict[str, Any] = {}  # word -> node; _ENDS -> list of keys
        vocabulary: set[str] = set()
        numbers: set[tuple[int, str]] = set()
        for key, items in phrases.items():
            for phrase in items:
                for words in expand(phrase):
                    if not words or words[0] == ANY or words[-1] == ANY:
                        continue
                    node: dict[str, Any] = self._tree
                    for word in words:
                        node = node.setdefault(word, {})
                        if (number := _NUMBER.match(word)) is not None:
                            numbers.add((int(number.group(1)), word))
                        elif word != ANY:
                            vocabulary.add(word)
                    ends = node.setdefault(_ENDS, [])
                    if key not in ends:
                        ends.append(key)
        self._vocabulary = frozenset(vocabulary)
        self._numbers = tuple(sorted(numbers))  # the number words of the phrases ("#100"), least first
        # Long words by their first letters: a misspelling is looked for among words that start
        # alike (with alike=2, a different word that shares most letters, "tabletter" and
        # "toaletter", is not one).
        self._long: dict[str, list[str]] = defaultdict(list)
        for word in sorted(w for w in vocabulary if len(w) >= MIN_FUZZY):
            self._long[word[:alike]].append(word)
        self._cache: dict[str, frozenset[str]] = {}

    def resolve(self, word: str) -> frozenset[str]:
        """The vocabulary words that `word` is a form, compound or misspelling of."""
        found = self._cache.get(word)
        if found is None:
            found = self._resolve(word)
            if len(self._cache) < 100_000:
                self._cache[word] = found
        return found

    def _resolve(self, word: str) -> frozenset[str]:
        vocab = self._vocabulary
        found: set[str] = set()
        if word in vocab:
            found.add(word)
        for ending in _ENDINGS:
            if len(word) > len(ending) + 1 and word.endswith(ending):
                base = word[: -len(ending)]
                if base in vocab and _inflection_fits(base, ending):
                    found.add(base)
        if found:
            # The word itself (or its inflected form) is known: its parts are not read apart,
            # so `hunddagis` is not also `dagis`.
            return frozenset(found)
        if len(word) >= self._head + 3:
            # The word and its stems without an inflection ending, each read as modifier + head.
            forms = [word] + [word[: -len(e)] for e in _ENDINGS
                              if word.endswith(e) and len(word) - len(e) >= self._head + 3]
            for number, form in enumerate(forms):
                ending = word[len(form):]
                for cut in range(3, len(form) - self._head + 1):
                    head = form[cut:]
                    if head in vocab and (not number or _inflection_fits(head, ending)) \
                            and (len(head) >= MIN_COMPOUND or _ENDS in self._tree.get(head, {})):
                        found.add(head)
            for cut in range(MIN_COMPOUND, len(word) - 2):
                modifier = word[:cut]
                if modifier in vocab:
                    found.add(modifier)
                elif modifier.endswith("s") and modifier[:-1] in vocab and cut - 1 >= MIN_COMPOUND:
                    found.add(modifier[:-1])
        start = word[:self._alike]
        if not found and len(word) >= MIN_FUZZY and self._long.get(start):
            best = process.extractOne(word, self._long[start], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None and (self._alike < 2 or _one_slip(word, best[0])):
                found.add(best[0])
        return frozenset(found)

    def find(self, words: list[str], every: list[Hit] | None = None) -> list[Hit]:
        """Every key with a phrase in `words` (tokens of the folded question), once per key:
        the first place it is stated (its longest phrase there), or denied when every place it
        occurs is negated. `every`: `find_every(words)` when the caller has it already."""
        hits: dict[str, Hit] = {}
        for hit in self.find_every(words) if every is None else every:
            known = hits.get(hit.key)
            if known is None or (hit.denied, hit.start, -hit.end) < (known.denied, known.start, -known.end):
                hits[hit.key] = hit
        return sorted(hits.values(), key=lambda hit: (hit.start, hit.key))

    def find_every(self, words: list[str]) -> list[Hit]:
        """Every place a phrase occurs, in order of where it starts."""
        resolve, numbers = self.resolve, self._numbers
        resolved = [resolve(w) | _number_forms(w, numbers) if numbers and w.isdigit() else resolve(w) for w in words]
        found: list[Hit] = []
        size = len(words)
        for start, forms in enumerate(resolved):
            # (node, next position): the partial phrases that fit the question from `start` on.
            reached = [(child, start + 1) for form in forms if (child := self._tree.get(form)) is not None]
            if not reached:
                continue
            denied = _negated(words, start)
            while reached:
                node, end = reached.pop()
                for key in node.get(_ENDS, ()):
                    found.append(Hit(key, start, end, denied))
                if end < size:
                    reached += [(child, end + 1) for form in resolved[end] if (child := node.get(form)) is not None]
                    if (child := node.get(ANY)) is not None:
                        reached.append((child, end + 1))
        return found
