"""Fixed texts of the conversation flows, from the message catalogs (bot/locales), and the
words that answer yes, no, cancel and "forget me"."""

from __future__ import annotations

from bot.conversation.followups import key_of
from bot.core.messages import Button
from bot.locales import msg
from bot.locales.wordsets import WordSet
from bot.matching.text import fold


def consent_text(lang: str, *, municipality: str) -> str:
    return msg(lang, "consent.text", municipality=municipality)


def consent_buttons(lang: str) -> list[Button]:
    return [Button("consent:yes", msg(lang, "consent.agree")), Button("consent:no", msg(lang, "consent.refuse"))]


def ask_contact(lang: str) -> str:
    return msg(lang, "contact.ask")


def contact_missing(lang: str) -> str:
    return msg(lang, "contact.missing")


def declined(lang: str) -> str:
    return msg(lang, "consent.declined")


def case_opened(number: str, role_names: list[str], lang: str, due: str | None = None) -> str:
    """`due`: when a navigator should have taken the case at the latest (local time, from the
    service level)."""
    when = msg(lang, "case.due", due=due) if due else msg(lang, "case.due_unknown")
    return msg(lang, "case.opened", number=number, who=", ".join(role_names), when=when)


def added_to_case(number: str, lang: str) -> str:
    return msg(lang, "case.added", number=number)


def consent_reminder(lang: str) -> str:
    return msg(lang, "consent.reminder")


def already_in_case(number: str, lang: str) -> str:
    return msg(lang, "case.already_open", number=number)


def open_cases(cases: list, lang: str) -> str:
    if not cases:
        return no_open_cases(lang)
    lines = [msg(lang, "case.list_head")]
    for case in cases:
        lines.append(msg(lang, "case.list_row", number=case.number,
                         contact=case.contact_name or msg(lang, "case.no_contact_yet")))
    return "\n".join(lines)


def no_open_cases(lang: str) -> str:
    return msg(lang, "case.none_open")


# Read in the consent and contact steps (the engine's keys: lower case, no punctuation); the
# words are the catalogs' (`words.*`), with the short answers only these steps take.
YES = WordSet("words.agree", "words.consent_agree", normalise=key_of)
NO = WordSet("words.decline", "words.cancel", "words.consent_decline", normalise=key_of)
CANCEL = WordSet("words.cancel", normalise=key_of)


def _erasure_key(text: str) -> str:
    return " ".join(fold(text or "").replace("!", " ").replace(".", " ").split())


ERASE_WORDS = WordSet("words.forget", normalise=_erasure_key)


def is_erasure_request(text: str | None) -> bool:
    """The whole message asks to be forgotten ("glöm mig", "forget me")."""
    return _erasure_key(text or "") in ERASE_WORDS
