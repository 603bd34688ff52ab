"""Refusals of the meetings domain: a code for programs, and its polite sentence in the catalogs."""

from __future__ import annotations

from bot.locales import msg, shipped

# The refusals' codes; their texts are `meetings.error.<code>` in the catalogs (bot/locales).
CODES = frozenset(key.rsplit(".", 1)[1] for key in shipped()["sv"] if key.startswith("meetings.error."))


class MeetingError(Exception):
    """A refusal; nothing has been written when it is raised inside the unit of work."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown meeting error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: str = "sv") -> str:
        return msg(lang, f"meetings.error.{self.code}", detail=self.detail)
