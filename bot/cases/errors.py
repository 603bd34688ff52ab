"""Domain errors of the cases domain, each with a Swedish and an English message."""

from __future__ import annotations


class CaseError(Exception):
    def __init__(self, sv: str, en: str) -> None:
        super().__init__(f"{sv} / {en}")
        self.sv, self.en = sv, en

    def text(self, lang: str = "sv") -> str:
        return self.en if lang == "en" else self.sv


class IllegalTransition(CaseError):
    """A state change the case's state machine does not allow."""


class InvalidContact(CaseError):
    """Contact details that cannot be used (e.g. no way to reach the person)."""


class CaseNotFound(CaseError):
    pass
