"""The case's state machine, in one place.

new ──(posted to the desk)──▶ convened ──claim──▶ claimed ──────meeting──────▶ meeting_proposed
  └──────────claim────────────────────────────────▲   ▲                     │accept     │decline
                                                  │   └─────────────────────┼───────────┘
                                                  │          meeting_agreed ◀┘
Any open state ──close──▶ closed. A closed case is final: a new question makes a new case
(the timeline of the old one stays as it was, which is what the archive needs).
"""

from __future__ import annotations

from bot.cases.errors import IllegalTransition
from bot.locales import Ref, msg

STATUSES = ("new", "convened", "claimed", "meeting_proposed", "meeting_agreed", "closed")
OPEN_STATUSES = tuple(s for s in STATUSES if s != "closed")
UNCLAIMED = ("new", "convened")

def status_name(status: str, lang: str = "sv") -> str:
    return msg(lang, f"cases.status.{status}") if status in STATUSES else status


def transition(previous: str, new: str) -> str:
    """Return `new` if the case may go from `previous` to `new`; otherwise raise
    IllegalTransition with a message in Swedish and English."""
    match (previous, new):
        case ("new", "convened"):
            return new
        case ("new" | "convened", "claimed"):
            return new
        case ("meeting_proposed", "claimed"):  # the entrepreneur declined the proposed time
            return new
        case ("claimed" | "meeting_proposed" | "meeting_agreed", "meeting_proposed"):
            return new
        case ("meeting_proposed", "meeting_agreed"):
            return new
        case ("new" | "convened" | "claimed" | "meeting_proposed" | "meeting_agreed", "closed"):
            return new
        case ("closed", _):
            raise IllegalTransition("cases.error.already_closed")
        case ("claimed" | "meeting_proposed" | "meeting_agreed", "claimed"):
            raise IllegalTransition("cases.error.already_claimed")
        case ("new" | "convened", "meeting_proposed"):
            raise IllegalTransition("cases.error.claim_first")
        case (_, "meeting_agreed"):
            raise IllegalTransition("cases.error.no_proposal")
        case _:
            raise IllegalTransition("cases.error.transition", previous=Ref(f"cases.status.{previous}"),
                                    new=Ref(f"cases.status.{new}"))


def ensure_open(status: str) -> None:
    """Notes, replies and messages need an open case."""
    if status not in OPEN_STATUSES:
        raise IllegalTransition("cases.error.closed")
