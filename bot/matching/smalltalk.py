"""Greetings, thanks and "what can you do?": recognised before the knowledge matcher."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.matching.text import content_words, fold

GREETINGS = (
    "hej", "hejsan", "hallå", "hallo", "tjena", "tjenare", "tja", "god morgon", "god dag",
    "god kväll", "goddag", "morrn", "hello", "hi", "hey", "good morning", "good afternoon",
    "good evening", "yo", "hej hej", "hej där", "hi there", "hello there", "hejhej", "tjabba", "halloj",
)
THANKS = (
    "tack", "tack så mycket", "tusen tack", "stort tack", "tackar", "tack för hjälpen",
    "thanks", "thank you", "thank you very much", "thanks a lot", "cheers", "ok tack",
    "okej tack", "bra tack", "perfekt tack", "great thanks", "many thanks", "toppen",
    "toppen tack", "super", "perfekt", "great", "ok", "okej", "hej då", "hejdå", "bye", "goodbye",
)
CAPABILITIES = (
    "vad kan du", "vad kan du hjälpa till med", "vad kan du göra", "vad gör du", "vem är du",
    "vad är du", "hjälp", "help", "what can you do", "what do you do", "who are you",
    "what can you help with", "what are you", "how does this work", "hur funkar det här",
    "hur fungerar detta", "vad kan jag fråga", "what can i ask", "meny", "menu", "start",
    "vad kan jag fråga om", "vad kan du svara på", "what can you help me with",
)
_ALL = [(fold(p), kind) for kind, phrases in (("greeting", GREETINGS), ("thanks", THANKS),
                                             ("capabilities", CAPABILITIES)) for p in phrases]
_PHRASES = [phrase for phrase, _ in _ALL]
_KIND = dict(_ALL)
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)


def smalltalk_kind(text: str) -> str | None:
    """'greeting', 'thanks' or 'capabilities' when the whole message is small talk, else None.

    "Hej, behöver jag bygglov?" is not small talk: it has content words left after the
    greeting is taken away."""
    normalised = " ".join(_PUNCT.sub(" ", fold(text)).split())
    if not normalised or len(normalised) > 60:
        return None
    best = process.extractOne(normalised, _PHRASES, scorer=fuzz.ratio, score_cutoff=86)
    if best is not None:
        return _KIND[best[0]]
    # A greeting followed by a name or "Lotsen" ("hej lotsen", "hi there bot").
    first = normalised.split()[0]
    if first in {fold(g) for g in GREETINGS if " " not in g} and len(content_words(normalised)) <= 1 \
            and len(normalised.split()) <= 3:
        return "greeting"
    return None
