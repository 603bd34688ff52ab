"""Fixed texts of the conversation flows, from the message catalogs (bot/locales), and the
words that answer yes, no, cancel and "forget me"."""

from __future__ import annotations

from bot.core.messages import Button
from bot.locales import msg


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


YES = frozenset({"ja", "japp", "jajamen", "absolut", "gärna", "garna", "ok", "okej", "visst", "jepp", "yes",
                 "y", "yeah", "yep", "sure", "please", "ja tack", "ja gärna", "ja garna", "yes please", "j"})
NO = frozenset({"nej", "nej tack", "no", "nope", "n", "no thanks", "no thank you", "nä", "nää", "inte nu",
                "not now", "avbryt", "cancel", "stopp", "stop"})
NAVIGATOR_WORDS = frozenset({"lots", "lotsen", "en lots", "foretagslots", "en foretagslots", "navigator",
                             "a navigator", "business navigator", "lots tack", "lots please", "ja lots"})
ERASE_WORDS = frozenset({"glom mig", "glom mig tack", "radera mig", "radera mina uppgifter", "ta bort mina uppgifter",
                         "forget me", "forget me please", "delete my data", "erase my data", "/glom_mig"})


def is_erasure_request(text: str | None) -> bool:
    """The whole message asks to be forgotten ("glöm mig", "forget me")."""
    from bot.matching.text import fold

    return " ".join(fold(text or "").replace("!", " ").replace(".", " ").split()) in ERASE_WORDS


CANCEL = frozenset({"avbryt", "cancel", "stopp", "stop", "ångra", "angra"})
