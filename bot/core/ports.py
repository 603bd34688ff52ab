"""Ports: what the core needs from the outside world. Adapters implement them.

The core only ever calls these through the outbox dispatcher, after the state the message is
about has been committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from bot.core.messages import Button


@dataclass(frozen=True, slots=True)
class Delivery:
    """The outcome of a send. `ref` is the channel's id of what was posted (message ts,
    message id, channel id), kept so later messages can thread onto it."""

    ok: bool
    ref: str | None = None
    error: str | None = None
    retry_after: float | None = None
    # True when the request may have reached the channel but no answer came back: the outbox
    # then marks the row `unknown` instead of sending it again blindly.
    outcome_unknown: bool = False


class SendError(Exception):
    """Raised by adapters for a failed send; `retryable` tells the outbox whether to try again."""

    def __init__(self, message: str, *, retryable: bool = True, retry_after: float | None = None,
                 outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A rendered message to one recipient on one channel."""

    channel: str
    address: str
    text: str
    buttons: list[Button] = field(default_factory=list)
    thread_ref: str | None = None
    attachment_name: str | None = None
    attachment: bytes | None = None


@runtime_checkable
class EntrepreneurChannel(Protocol):
    """Sends messages to entrepreneurs on one channel (Telegram private chat, Slack DM, console)."""

    name: str

    def send(self, message: OutboundMessage) -> Delivery: ...


@dataclass(frozen=True, slots=True)
class CaseCard:
    """Everything a navigators' channel needs to show a case. Built by the cases domain."""

    case_id: int
    number: str
    title: str
    summary: str
    entrepreneur_words: str
    topics: list[tuple[str, str]]  # (topic id, title)
    roles: list[tuple[str, str]]  # (role id, role name)
    members: list[dict]  # {"name", "email", "identities": {channel: id}}; read ids with member_identity
    status: str
    contact_name: str | None = None
    lang: str = "sv"
    actions: list[Button] = field(default_factory=list)


@runtime_checkable
class NavigatorDesk(Protocol):
    """The navigators' shared place (a Slack channel or thread, a Telegram group, the console).

    `convene` posts a new case and returns a reference (channel id, thread ts, message id)
    that later `post` calls use to reach the same place.
    """

    name: str

    def convene(self, card: CaseCard) -> Delivery: ...

    def post(self, *, case_ref: str, text: str, mentions: list[dict] | None = None) -> Delivery: ...

    def update(self, *, case_ref: str, card: CaseCard) -> Delivery: ...


@runtime_checkable
class DeskNotices(Protocol):
    """A desk that can also post on its own, not about a case: the monthly list of articles due
    for review, the weekly digest of what Lotsen could not answer (bot.knowledge.notices), the
    monthly service report with the report attached (bot.insight.monthly)."""

    def notice(self, *, text: str, mentions: list[dict] | None = None, attachment_name: str | None = None,
               attachment: bytes | None = None) -> Delivery: ...


def member_identity(member: Mapping[str, Any], channel: str) -> str | None:
    """A navigator's id on `channel` in a member snapshot (CaseCard.members, a post's mentions):
    `identities[channel]`, or in a snapshot written before identities (cases and outbox rows
    stored earlier) the key `<channel>_id`. Each adapter asks for its own channel's id."""
    identities = member.get("identities")
    value = identities.get(channel) if isinstance(identities, Mapping) else None
    if value is None:
        value = member.get(f"{channel}_id")
    return str(value) if value not in (None, "") else None
