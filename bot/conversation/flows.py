"""Flows plug into the conversation engine: each may take a message before the knowledge
matcher sees it (an open case, meetings, erasure). The engine asks them in order; the first
that returns a Reply wins. They get the open session and commit with the engine's unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel import Session

from bot.conversation.models import Conversation
from bot.core.messages import Incoming, Reply


@dataclass(frozen=True, slots=True)
class Turn:
    """One incoming message as the flows see it."""

    incoming: Incoming
    text: str  # cleaned text (control/bidi/zero-width characters removed, trimmed)
    lang: str  # "sv" or "en", detected or remembered
    now: datetime


class Flow(Protocol):
    name: str

    def handle(self, session: Session, *, conversation: Conversation, turn: Turn) -> Reply | None:
        """Return a Reply to take the message, or None to let the next flow or the matcher have it.
        May change `conversation.state` / `conversation.pending` (the engine saves it)."""
        ...
