"""The conversation's state machine: one place decides which transition is legal.

idle            nothing pending
clarifying      Lotsen asked which of two or three topics was meant
consenting      Lotsen offered to convene navigators and asked for consent
collecting      consent given; Lotsen asks for contact details
in_case         a case is open; the entrepreneur's messages go to it

A state that waits for something keeps what it waits with in its flow's own section of the
conversation (bot.conversation.flowstate): `SECTIONS` names it, and it goes when the state is
left (the engine's `_move`). Other flows' sections (meetings, an erasure question) are not the
state machine's and stay.
"""

from __future__ import annotations

from enum import StrEnum

from bot.conversation import flowstate


class State(StrEnum):
    IDLE = "idle"
    CLARIFYING = "clarifying"
    CONSENTING = "consenting"
    COLLECTING = "collecting"
    IN_CASE = "in_case"


SECTIONS: dict[State, str] = {
    State.CLARIFYING: flowstate.CLARIFY,
    State.CONSENTING: flowstate.ESCALATION,
    State.COLLECTING: flowstate.ESCALATION,
}


class IllegalTransition(Exception):
    pass


def check_transition(previous: str, new: str) -> State:
    """Return the new state if moving there from `previous` is legal; raise otherwise."""
    prev, nxt = State(previous), State(new)
    match (prev, nxt):
        case (_, State.IDLE):
            return nxt  # anything can be dropped: declined, withdrawn, case closed, erased
        case (State.IDLE | State.CLARIFYING | State.IN_CASE, State.CLARIFYING):
            return nxt
        case (State.IDLE | State.CLARIFYING | State.IN_CASE | State.CONSENTING, State.CONSENTING):
            return nxt
        case (State.CONSENTING | State.COLLECTING, State.COLLECTING):
            return nxt
        case (State.COLLECTING | State.IN_CASE, State.IN_CASE):
            return nxt
        case (State.CLARIFYING, State.IN_CASE) | (State.IDLE, State.IN_CASE):
            return nxt  # a question answered while a case is open leaves the case open
        case _:
            raise IllegalTransition(f"a conversation cannot go from {prev} to {nxt}")
