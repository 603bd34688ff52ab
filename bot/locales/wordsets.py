"""The words Lotsen reads as an answer (yes, no, cancel, "tell me more", "forget me"), from the
message catalogs' `words.*` lists: every language's words together, so a municipality adds
"kyllä" for Finnish in knowledge/locales/fi.yaml without touching code.

    YES = WordSet("words.agree", normalise=key_of)
    key_of(text) in YES

A municipality's list adds to the shipped one of its language (writing `agree: jajamensan` in
knowledge/locales/sv.yaml keeps "ja"). A set is read again whenever another catalog is installed.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.locales import active, shipped


class WordSet:
    """The words of the message ids given, in every language of the active catalog, each
    normalised the way the text it is compared with is."""

    def __init__(self, *keys: str, normalise: Callable[[str], str]) -> None:
        self.keys = keys
        self._normalise = normalise
        self._cache: tuple[object, frozenset[str]] | None = None

    def words(self) -> frozenset[str]:
        catalog = active()
        cached = self._cache
        if cached is not None and cached[0] is catalog:
            return cached[1]
        found: set[str] = set()
        for texts in (*shipped().values(), *catalog.messages.values()):
            for key in self.keys:
                for word in texts.get(key, "").replace("|", "\n").splitlines():
                    normalised = self._normalise(word)
                    if normalised:
                        found.add(normalised)
        words = frozenset(found)
        self._cache = (catalog, words)
        return words

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self._normalise(text) in self.words()

    def __iter__(self):
        return iter(self.words())

    def __len__(self) -> int:
        return len(self.words())
