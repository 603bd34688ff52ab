"""Recognising the turns people take after an answer: yes to the offer of a navigator, asking
for a person in their own words, "tell me more", cancelling, commands, complaints.

Pure functions on text (folded: lower case, å/ä/ö read as a/a/o, punctuation dropped), so
every channel gets the same understanding. The engine decides what to do with them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.locales.wordsets import WordSet
from bot.matching.text import RECENT, fold

_PUNCT = re.compile(r"[^\w\s]+")


@lru_cache(maxsize=RECENT)
def key_of(text: str | None) -> str:
    """The folded words of a message, single-spaced ("Ja, tack!" -> "ja tack")."""
    return " ".join(_PUNCT.sub(" ", fold(text or "")).split())


# The words, per language, are in the message catalogs (`words.*` in bot/locales/<lang>.yaml;
# a municipality adds its own in knowledge/locales/); every language's words count everywhere.
YES = WordSet("words.agree", normalise=key_of)
NO = WordSet("words.decline", normalise=key_of)
MORE = WordSet("words.more", normalise=key_of)
CANCEL = WordSet("words.cancel", normalise=key_of)
NAVIGATOR_WORDS = WordSet("words.navigator", normalise=key_of)

# Asking for a person, in the words people use. Read together with the routing rules'
# explicit_request phrases (the municipality's own list).
PERSON = re.compile(
    r"\b(prata|tala|snacka|traffa|ses|kontakt|kontakta|ringa|ring|ringer|mejla|maila)(\s+\w+){0,3}?\s+"
    r"(lots|lotsen|foretagslots\w*|nagon|person|manniska|handlaggare|tjansteperson\w*|er|mig)\b"
    r"|\b(kan|vill|far|ska)\s+(jag\s+)?(fa\s+)?(prata|tala|traffa)\s+(med\s+)?(en\s+)?(lots|foretagslots\w*|nagon)\b"
    r"|\b(nagon|en lots|lotsen|foretagslotsen)\s+(kan\s+|som\s+kan\s+)?(ringa|ringer|kontakta|hora av)\b"
    r"|\b(talk|speak|chat)\s+(to|with)\s+(a|an|the|someone|somebody|person|human|navigator|officer)\b"
    r"|\b(someone|somebody|a person|a navigator)\s+(call|contact|phone|ring)\b"
    r"|\b(call|contact|phone|ring)\s+me\b")
# A request about the service itself rather than for it ("vad gör en företagslots?").
_ABOUT_SERVICE = re.compile(r"^(vad|hur|what|how|vem|who)\b.*\b(ar|gor|kostar|does|is|cost)\b")


def is_yes(text: str | None) -> bool:
    return key_of(text) in YES


def is_no(text: str | None) -> bool:
    return key_of(text) in NO


def wants_more(text: str | None) -> bool:
    return key_of(text) in MORE


def is_cancel(text: str | None) -> bool:
    return key_of(text) in CANCEL or (text or "").strip().casefold() in ("/avbryt", "/cancel")


def wants_person(text: str | None, rules=None) -> bool:
    """The message asks for a person ("lots", "jag vill prata med en företagslots", "kan
    någon ringa mig", "call me"), not about the navigator service."""
    key = key_of(text)
    if not key:
        return False
    if key in NAVIGATOR_WORDS:
        return True
    if len(key) > 200 or _ABOUT_SERVICE.search(key):
        return False
    if PERSON.search(key):
        return True
    trigger = rules.person_trigger(text=text or "", unanswered_streak=0) if rules is not None else None
    return trigger is not None and trigger.kind == "explicit_request"


def is_followup(text: str | None, rules=None) -> bool:
    """Words that refer back to the conversation instead of asking something new."""
    key = key_of(text)
    return (key in YES or key in NO or key in MORE or key in CANCEL or key in NAVIGATOR_WORDS
            or (wants_person(text, rules) and len(key.split()) <= 12))


# -- meeting proposals: "Ja, det passar", "1", "nej, det passar inte", "2" ----------------------
_ACCEPT = re.compile(r"^(1|ja|yes|ok|okej|absolut|gärna|garna|perfekt|toppen|bra|fint|sure|great|fine)\b"
                     r"|\b(det passar|passar bra|passar mig|funkar|fungerar|that suits|suits me|works for me)\b")
_DECLINE = re.compile(r"^(2|nej|no|nope)\b|\b(passar inte|funkar inte|fungerar inte|kan inte|does not suit|"
                      r"doesn t suit|doesn t work|does not work|can t make it|cannot make it|annan tid|"
                      r"another time)\b")


def meeting_answer(text: str | None) -> bool | None:
    """True to accept a proposed time, False to decline it, None when the message is neither."""
    key = key_of(text)
    if not key or len(key) > 80:
        return None
    if _DECLINE.search(key):
        return False
    if _ACCEPT.search(key):
        return True
    return None
