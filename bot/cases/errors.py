"""Domain errors of the cases domain, each a message id of the catalogs (bot/locales) with its
values, said in the language of whoever reads it."""

from __future__ import annotations

from bot.locales import msg


class CaseError(Exception):
    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values

    def text(self, lang: str = "sv") -> str:
        return msg(lang, self.key, **self.values)

    @property
    def sv(self) -> str:
        return self.text("sv")

    @property
    def en(self) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return f"{self.sv} / {self.en}"


class IllegalTransition(CaseError):
    """A state change the case's state machine does not allow."""


class InvalidContact(CaseError):
    """Contact details that cannot be used (e.g. no way to reach the person)."""


class CaseNotFound(CaseError):
    pass
