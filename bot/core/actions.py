"""What navigators do to cases, whatever channel they press the button in.

Adapters build a `NavigatorAction` from a button press, modal or command and hand it to the
core (`Lotsen.navigator_action`); the cases domain decides whether it is allowed and legal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.ports import CaseCard

# One set of verbs on every desk (/lotse, the CLI, Slack, Telegram); "propose_meeting" is the
# old name of "meeting" and still accepted.
NavigatorVerb = Literal["claim", "note", "reply", "meeting", "propose_meeting", "close"]
OUTCOMES: tuple[str, ...] = ("answered", "meeting_held", "permit_applied", "referred", "withdrawn")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: identified by the channel's own user id ("slack" + "U123", "telegram" + "42",
    "cli" + e-mail). Authorization looks the identity up among routing_rules.yaml members."""

    channel: str
    user_id: str


@dataclass(frozen=True, slots=True)
class NavigatorAction:
    actor: Actor
    verb: str  # as typed on a desk: navigator_action answers an unknown one politely (a NavigatorVerb)
    case_number: str
    text: str | None = None  # note, reply, or a proposed time in ISO 8601 for meeting
    outcome: str | None = None  # for close: one of OUTCOMES


@dataclass(frozen=True, slots=True)
class ActionResult:
    ok: bool
    message: str  # shown to the navigator who acted (ephemeral in Slack)
    card: CaseCard | None = None  # the case as it now is, to re-render the case message
