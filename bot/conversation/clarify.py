"""Clarifying: Lotsen asked which of two or three topics was meant, and reads the answer
("2", "den andra", "the last", or words that match one of them).

Its state is a `Clarification` (the topics offered) under its own name in the conversation
(bot.conversation.flowstate), read and written only here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.conversation import flowstate
from bot.conversation.store import ConversationRecord
from bot.matching.text import fold

ORDINALS = {
    1: ("1", "ett", "en", "forsta", "den forsta", "nummer 1", "nr 1", "first", "the first", "one",
        "alternativ 1", "option 1"),
    2: ("2", "tva", "andra", "den andra", "nummer 2", "nr 2", "second", "the second", "two",
        "alternativ 2", "option 2"),
    3: ("3", "tre", "tredje", "den tredje", "nummer 3", "nr 3", "third", "the third", "three",
        "alternativ 3", "option 3"),
}
_ORDINAL_LOOKUP = {phrase: number for number, phrases in ORDINALS.items() for phrase in phrases}
_PUNCT = re.compile(r"[^\w\s]+")


@dataclass(slots=True)
class Clarification:
    options: list[str] = field(default_factory=list)


def remember(conversation: ConversationRecord, options: list[str]) -> None:
    flowstate.put(conversation, flowstate.CLARIFY, Clarification(options=list(options)))


def options_of(conversation: ConversationRecord) -> list[str]:
    state = flowstate.get(conversation, flowstate.CLARIFY, Clarification)
    return list(state.options) if state is not None else []


def resolve_choice(text: str, options: list[str], lang: str, *, matcher) -> str | None:
    """The topic the answer picks, or None (a new question)."""
    key = " ".join(_PUNCT.sub(" ", fold(text)).split())
    number = _ORDINAL_LOOKUP.get(key)
    if number is None and key.startswith(("den ", "the ")):
        number = _ORDINAL_LOOKUP.get(key.split(" ", 1)[1])
    if number is None and key in ("sista", "den sista", "last", "the last"):
        number = len(options)
    if number is not None:
        return options[number - 1] if 1 <= number <= len(options) else None
    if len(key) > 80:
        return None
    match = matcher.match(text, lang=lang)
    ranked = [topic for topic, score in match.scores if topic in options and score > 0.25]
    return ranked[0] if ranked else None
