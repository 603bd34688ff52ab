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

STATUSES = ("new", "convened", "claimed", "meeting_proposed", "meeting_agreed", "closed")
OPEN_STATUSES = tuple(s for s in STATUSES if s != "closed")
UNCLAIMED = ("new", "convened")

_NAMES = {
    "new": ("nytt", "new"), "convened": ("skickat till lotsarna", "sent to the navigators"),
    "claimed": ("taget", "claimed"), "meeting_proposed": ("möte föreslaget", "meeting proposed"),
    "meeting_agreed": ("möte bokat", "meeting agreed"), "closed": ("avslutat", "closed"),
}


def status_name(status: str, lang: str = "sv") -> str:
    sv, en = _NAMES.get(status, (status, status))
    return en if lang == "en" else sv


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
            raise IllegalTransition(
                "Ärendet är redan avslutat och kan inte ändras.",
                "The case is already closed and cannot be changed.")
        case ("claimed" | "meeting_proposed" | "meeting_agreed", "claimed"):
            raise IllegalTransition("Ärendet är redan taget.", "The case has already been claimed.")
        case ("new" | "convened", "meeting_proposed"):
            raise IllegalTransition("Ta ärendet innan du föreslår ett möte.",
                                    "Claim the case before proposing a meeting.")
        case (_, "meeting_agreed"):
            raise IllegalTransition("Det finns inget föreslaget möte att svara på.",
                                    "There is no proposed meeting to answer.")
        case _:
            raise IllegalTransition(
                f"Ärendet kan inte gå från ”{status_name(previous)}” till ”{status_name(new)}”.",
                f"The case cannot go from '{status_name(previous, 'en')}' to '{status_name(new, 'en')}'.")


def ensure_open(status: str) -> None:
    """Notes, replies and messages need an open case."""
    if status not in OPEN_STATUSES:
        raise IllegalTransition("Ärendet är avslutat.", "The case is closed.")
