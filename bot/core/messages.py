"""Channel-agnostic message types: what comes in from any channel and what the core answers.

Adapters (Telegram, Slack, console) translate their own updates into `Incoming` and render
`Reply` back. Nothing here knows about any channel library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

# A language code the municipality offers ("sv", "en"); which ones is data (the profile), so
# the type is a plain string, checked where a language is chosen.
Lang = str

# Every action the core can answer with. `answer`, `clarify`, `out_of_scope` and `greeting`
# come from the knowledge matcher; `escalate` when a case should be opened; the rest belong
# to the conversation flows (consent, case follow-up, meetings, erasure).
Action = Literal[
    "survey",  # the follow-up survey's questions and thanks (bot.insight)
    "answer",
    "clarify",
    "out_of_scope",
    "greeting",
    "escalate",
    "consent",
    "contact",
    "case_opened",
    "case_message",
    "declined",
    "meetings",
    "erased",
    "invalid",
]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message from an entrepreneur, whatever the channel.

    `channel` is the adapter's name ("telegram", "slack", "console", "cli"); `user_id` is the
    channel's stable id of the person; `chat_id` where replies should go when it differs.
    `choice` carries the key of a pressed button (clarification or consent) instead of text.
    """

    channel: str
    user_id: str
    text: str
    chat_id: str | None = None
    choice: str | None = None
    received_at: datetime | None = None

    @property
    def address(self) -> str:
        return self.chat_id or self.user_id


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered with a reply. `key` comes back as `Incoming.choice`; adapters must look
    it up server-side (it is never trusted as anything but a key)."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply, e.g. an iCalendar invitation."""

    name: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(slots=True)
class Reply:
    """What the core wants said back, and what it decided."""

    action: Action
    text: str
    lang: Lang = "sv"
    topic: str | None = None
    alternatives: list[str] = field(default_factory=list)
    confidence: float = 0.0
    buttons: list[Button] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    case_number: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    reason: str | None = None  # why: e.g. the escalation trigger ("multi_authority", "dispute", ...)
    # An ordered list of what applies to an activity ("öppna nagelsalong"): each item a mapping
    # with topic, title, applies, condition (text, when it depends on one) and deadline (text).
    checklist: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        data: dict[str, Any] = {
            "action": self.action,
            "topic": self.topic,
            "alternatives": list(self.alternatives),
            "confidence": round(float(self.confidence), 3),
            "lang": self.lang,
            "text": self.text,
        }
        if self.action == "escalate" or self.roles:
            data["roles"] = list(self.roles)
            data["topics"] = list(self.topics)
        if self.checklist:
            data["checklist"] = [dict(item) for item in self.checklist]
        if self.case_number:
            data["case_number"] = self.case_number
        return data
