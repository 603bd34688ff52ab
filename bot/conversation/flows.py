"""Flows plug into the conversation engine: each may take a message before the knowledge
matcher sees it (an open case, meetings, erasure). The engine asks them in order; the first
that returns a Reply wins. They get the turn's unit of work (`unit.session` makes an ORM session
on first use) and commit with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.conversation.store import ConversationRecord
from bot.core.messages import Incoming, Reply
from bot.storage.db import Unit


@dataclass(frozen=True, slots=True)
class Turn:
    """One incoming message as the flows see it."""

    incoming: Incoming
    text: str  # cleaned text (control/bidi/zero-width characters removed, trimmed)
    lang: str  # "sv" or "en", detected or remembered
    now: datetime


class Flow(Protocol):
    name: str

    def handle(self, unit: Unit, *, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        """Return a Reply to take the message, or None to let the next flow or the matcher have it.
        May change `conversation.state` and its own section of the conversation's state, through
        bot.conversation.flowstate under its own name (the engine saves it)."""
        ...


class AnswerFollowUp(Flow, Protocol):
    """A flow that also hears about every answer given (the follow-up survey samples them)."""

    def after_answer(self, *, conversation: ConversationRecord, turn: Turn, reply: Reply) -> None: ...
