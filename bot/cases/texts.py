"""What the cases domain says to entrepreneurs and navigators: the `cases.*` messages of the
catalogs (bot/locales)."""

from __future__ import annotations

from bot.locales import active, msg


def t(key: str, lang: str = "sv", **values: object) -> str:
    return msg(lang, f"cases.{key}", **values)


def outcome_name(outcome: str, lang: str = "sv") -> str:
    key = f"cases.outcome.{outcome}"
    return msg(lang, key) if active().has("sv", key) else outcome


def format_when(moment, lang: str = "sv") -> str:
    from bot.core.clock import STOCKHOLM

    return msg(lang, "cases.when", when=moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"))
