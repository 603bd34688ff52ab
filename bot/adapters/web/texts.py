"""The web chat's own texts, from the message catalogs (`web.*` in bot/locales/<lang>.yaml; a
municipality overrides them in knowledge/locales/): the page's labels, the note on how a
navigator reaches the person, and the refusals of posts. Every language the profile offers gets
its texts from its catalog, falling back as `msg` does (to the default language, then Swedish).
"""

from __future__ import annotations

from bot.locales import msg

# The page's labels, by the name the page uses (data-i18n="label" is web.page.label).
PAGE_KEYS = ("skip", "intro", "log", "label", "send", "hint", "more", "cases", "erase", "privacy", "me", "bot",
             "writing", "download", "offline", "failed", "started")
REFUSALS = ("origin", "session", "size", "rate", "choice", "empty", "bad", "stopping")


def page_text(lang: str, key: str) -> str:
    return msg(lang, f"web.page.{key}")


def page_texts(lang: str) -> dict[str, str]:
    """Every label of the page in `lang`, and the language's own name (for the switch button)."""
    texts = {key: page_text(lang, key) for key in PAGE_KEYS}
    texts["language"] = msg(lang, "language.name")
    return texts


def widget_texts(offered: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The widget's button and frame title in every offered language (the first is the default)."""
    return {code: {"open": msg(code, "web.widget.open"), "title": msg(code, "web.widget.title")} for code in offered}


def contact_note(lang: str) -> str:
    return msg(lang, "web.contact_note")


def refusal(lang: str, reason: str, **values: object) -> str:
    return msg(lang, f"web.refusal.{reason}", **values)


def pick_language(offered: tuple[str, ...], accept_language: str | None) -> str | None:
    """The first offered language in the browser's Accept-Language ("fi-FI,fi;q=0.9,en"), or
    None when it names none of them."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in offered:
            return code
    return None
