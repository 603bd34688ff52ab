"""The meetings flow for the conversation engine: lists upcoming meetings, signs people up
and off, follows topics, and answers case-meeting offers (accept/decline).

Plug in with `ConversationEngine(..., flows=[MeetingsFlow(known_tags=...)])`. It takes:
"vilka möten finns?", "kommande möten", "träffar", "upcoming meetings", "events" (optionally
with a topic: "möten om upphandling"), "mina möten" / "my meetings", "bevaka upphandling" /
"follow procurement meetings", "anmäl mig till 2" / "sign me up for 1" after a listing, and
the button keys meeting:signup|cancel|accept|decline:<id> and meeting:subscribe:<tag>.
Anything else returns None so the knowledge matcher gets it.

Signing up asks first for name and company (the organiser needs to know who comes), saying
what they are for and how to erase them; the question waits in the flow's own state
(`MeetingsState.signup`, under "meetings" in the conversation: bot.conversation.flowstate) until
the next message answers it ("Anna Svensson, Pizzeria Roma"; "ja" or the button for the details given
last time). "avbryt" drops it (bot.conversation.turns), and a new question or another meetings
request leaves it unanswered: nobody is signed up without giving their name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.conversation import flowstate, followups
from bot.conversation.contact import parse_contact
from bot.conversation.flows import Turn
from bot.conversation.store import ConversationRecord
from bot.core.clock import ManualClock
from bot.core.messages import Attachment, Button, Reply
from bot.matching.text import fold
from bot.meetings import attendees, search, service, texts
from bot.meetings.errors import MeetingError
from bot.meetings.ics import build_ics, ics_filename
from bot.meetings.models import Meeting, Signup
from bot.meetings.validation import known_tags as default_known_tags
from bot.storage.db import Unit

AS_BEFORE = "meeting:as_before:"  # the button: sign up with the details given last time
LIST_SIZE = 5
_LIST_PHRASES = re.compile(
    r"\b(vilka|kommande|nasta|alla|lista)\s+(moten|traffar|evenemang|aktiviteter)\b"
    r"|\b(moten|traffar|evenemang)\s+(finns|ar det|for foretagare)\b"
    r"|\b(upcoming|next|which|what|list|any)\s+(meetings|events)\b"
    r"|\b(meetings|events)\s+(are there|for business)\b"
    r"|\b(moten|traffar|meetings|events)\s+(om|kring|inom|about|on)\s+\w")
_LIST_WORDS = {"moten", "traffar", "evenemang", "meetings", "events", "natverkstraffar", "frukostmoten"}
_MINE = re.compile(r"\b(mina|my)\s+(moten|anmalningar|meetings|bookings|sign ?ups)\b")
_SIGNUP = re.compile(r"\b(anmal mig|anmala mig|boka mig|boka|sign me up|register me|book me|sign up)\b\D*(\d{1,2})\b")
_CANCEL = re.compile(r"\b(avanmal mig|avanmala mig|avboka|cancel)\b\D*(\d{1,2})\b")
_FOLLOW = re.compile(r"\b(bevaka|prenumerera|folja|follow|subscribe)\b")
_PUNCT = re.compile(r"[^\w\s-]+")
# How a new question or statement starts; a name does not ("Hur söker jag ...", "Jag vill ...").
_NOT_A_NAME = re.compile(r"^(hur|vad|var|nar|vem|vilken|vilket|vilka|varfor|kan|far|maste|behover|ska|finns|"
                         r"jag|vi|du|ni|det|min|mitt|mina|hej|tack|vill|undrar|har|how|what|when|where|who|which|why|can|could|"
                         r"do|does|is|are|may|must|should|i|we|you|it|my|hi|hello|thanks)\b")


@dataclass(slots=True)
class MeetingsState:
    """What the meetings flow remembers between messages, under its own name in the conversation."""

    listed: list[int] = field(default_factory=list)  # the meetings of the last listing, numbered from 1
    query: dict[str, Any] | None = None  # what the last listing showed: tag, kind, month, offset, more
    signup: dict[str, Any] | None = None  # a sign-up waiting for name and company: {"meeting": id, "lang": ..}


def state_of(conversation: ConversationRecord) -> MeetingsState:
    return flowstate.get(conversation, flowstate.MEETINGS, MeetingsState) or MeetingsState()


def _keep(conversation: ConversationRecord, state: MeetingsState) -> None:
    if state.listed or state.query or state.signup:
        flowstate.put(conversation, flowstate.MEETINGS, state)
    else:
        flowstate.drop(conversation, flowstate.MEETINGS)


def _ask_again(conversation: ConversationRecord, meeting_id: int, lang: str) -> None:
    state = state_of(conversation)
    state.signup = {"meeting": meeting_id, "lang": lang}
    _keep(conversation, state)


def _fold(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text or "")).split())


@dataclass
class MeetingsFlow:
    known_tags: frozenset[str] = field(default_factory=default_known_tags)
    # Called (inside the same unit of work) when an entrepreneur answers a case-meeting
    # offer, e.g. so the cases domain can tell the navigators.
    on_invitation_answer: Callable[[Session, Meeting, Signup, bool], None] | None = None
    name: str = "meetings"

    def __post_init__(self) -> None:
        self.known_tags = frozenset(self.known_tags)
        self._tag_lookup = sorted((_fold(t).replace("-", " "), t) for t in self.known_tags)

    # -- entry point ---------------------------------------------------------------------------
    def handle(self, unit: Unit, *, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        lang = turn.lang or "sv"
        action = self._route(conversation, turn, lang)
        if action is None:
            return None  # not about meetings: no savepoint, no flush (the common case)
        try:
            session = unit.session
            with session.begin_nested():  # a refusal leaves nothing half-written
                return action(session)
        except MeetingError as err:
            return Reply(action="meetings", text=err.message(lang), lang=lang)

    def _route(self, conversation: ConversationRecord, turn: Turn,
               lang: str) -> Callable[[Session], Reply | None] | None:
        """What to do with the message, decided from its text alone (no database)."""
        choice = turn.incoming.choice or ""
        state = state_of(conversation)
        if choice.startswith("meeting:"):
            if state.signup:  # a button answers instead (or asks anew)
                state.signup = None
                _keep(conversation, state)
            return lambda session: self._on_choice(session, conversation, turn, lang, choice)
        text = _fold(turn.text)
        if not text:
            return None
        asked = state.signup
        if asked:
            state.signup = None
            _keep(conversation, state)
            action = self._route_details(conversation, turn, lang, text, asked)
            if action is not None:
                return action
        listed = list(state.listed)
        if listed:
            match = _SIGNUP.search(text) or _CANCEL.search(text)
            if match:
                number = int(match.group(2))
                if not 1 <= number <= len(listed):
                    return lambda session: self._reply(texts.listing_number_unknown(number, lang), lang)
                if match.re is _SIGNUP:
                    return lambda session: self._ask_details(session, conversation, turn, lang, listed[number - 1])
                return lambda session: self._cancel(session, turn, lang, listed[number - 1])
        if _MINE.search(text):
            return lambda session: self._mine(session, turn, lang)
        tags = self._tags_in(text)
        if _FOLLOW.search(text) and tags:
            return lambda session: self._subscribe(session, turn, lang, tags)
        query = search.parse(text)
        if query.more and state.query:
            return lambda session: self._page(session, conversation, turn, lang)
        if query.signup:
            return lambda session: self._sign_up_next(session, conversation, turn, lang, query)
        if query.asked and (query.kind or query.month):
            return lambda session: self._list(session, conversation, turn, lang, tags[0] if tags else None,
                                              kind=query.kind, month=query.month)
        if self._is_listing(text) or query.more:
            return lambda session: self._list(session, conversation, turn, lang, tags[0] if tags else None,
                                              month=query.month)
        return None

    def _route_details(self, conversation, turn, lang, text,
                       asked: dict) -> Callable[[Session], Reply | None] | None:
        """The answer to "what is your name and company?" (the question is already dropped from
        the pending state; it is put back when the answer must be asked again)."""
        meeting_id = int(asked.get("meeting", 0))
        lang = asked.get("lang", lang)
        if followups.is_no(turn.text):
            return lambda session: self._reply(texts.details_declined(lang), lang)
        if followups.is_yes(turn.text):
            return lambda session: self._sign_up_as_before(session, conversation, turn, lang, meeting_id)
        if ("?" in turn.text or _NOT_A_NAME.match(text) or len(text.split()) > 12
                or _SIGNUP.search(text) or _CANCEL.search(text) or _MINE.search(text) or self._is_listing(text)):
            return None  # something new: not signed up; the rest of the routing decides
        return lambda session: self._sign_up_with(session, conversation, turn, lang, meeting_id, turn.text)

    def _is_listing(self, text: str) -> bool:
        if _LIST_PHRASES.search(text):
            return True
        words = text.split()
        return len(words) <= 3 and any(w in _LIST_WORDS for w in words)

    def _tags_in(self, text: str) -> list[str]:
        padded = f" {text.replace('-', ' ')} "
        return [tag for folded, tag in self._tag_lookup if f" {folded} " in padded]

    # -- actions --------------------------------------------------------------------------------
    def _on_choice(self, session, conversation, turn, lang, choice) -> Reply | None:
        parts = choice.split(":", 2)
        if len(parts) != 3:
            return None
        _, verb, arg = parts
        if verb == "subscribe":
            return self._subscribe(session, turn, lang, [arg])
        if not arg.isdigit():
            return None
        meeting_id = int(arg)
        if verb == "signup":
            return self._ask_details(session, conversation, turn, lang, meeting_id)
        if verb == "as_before":
            return self._sign_up_as_before(session, conversation, turn, lang, meeting_id)
        if verb == "cancel":
            return self._cancel(session, turn, lang, meeting_id)
        if verb in ("accept", "decline"):
            return self._answer_invitation(session, turn, lang, meeting_id, verb == "accept")
        return None

    def _list(self, session, conversation, turn, lang, tag, *, kind=None, month=None, offset=0) -> Reply:
        meetings, more = search.find(session, now=turn.now, tag=tag, kind=kind, month=month, offset=offset,
                                     limit=LIST_SIZE)
        state = state_of(conversation)
        state.listed = (list(state.listed) if offset else []) + [m.id for m in meetings if m.id is not None]
        state.query = {"tag": tag, "kind": kind, "month": month, "offset": offset, "more": more}
        _keep(conversation, state)
        buttons = texts.signup_buttons(meetings, lang, start=offset + 1)
        if not meetings and tag:
            buttons = [texts.subscribe_button(tag, lang)]
        if offset and not meetings:
            return self._reply(texts.no_more(lang), lang)
        return self._reply(texts.listing(meetings, lang, tag=tag, start=offset + 1, more=more,
                                         named=bool(kind or month)), lang, buttons)

    def _page(self, session, conversation, turn, lang) -> Reply:
        """"Visa fler möten": the next page of the last listing, numbered on from it."""
        last = state_of(conversation).query or {}
        return self._list(session, conversation, turn, lang, last.get("tag"), kind=last.get("kind"),
                          month=last.get("month"), offset=int(last.get("offset") or 0) + LIST_SIZE)

    def _sign_up_next(self, session, conversation, turn, lang, query) -> Reply:
        """"Anmäla mig till upphandlingsdialogen": the next meeting of that kind (in that month)."""
        meetings, _ = search.find(session, now=turn.now, kind=query.kind, month=query.month, limit=1)
        if not meetings:
            return self._reply(texts.none_of_kind(lang), lang)
        return self._ask_details(session, conversation, turn, lang, meetings[0].id)

    def _ask_details(self, session, conversation, turn, lang, meeting_id) -> Reply:
        """Before a place is taken: could they sign up at all (a refusal now, not after they
        typed their name), then ask for name and company, offering last time's."""
        incoming = turn.incoming
        meeting = service.check_open_for_signup(session, meeting_id=meeting_id, channel=incoming.channel,
                                                user_id=incoming.user_id, now=turn.now)
        previous = attendees.previous_details(session, channel=incoming.channel, user_id=incoming.user_id)
        _ask_again(conversation, meeting_id, lang)
        buttons = [Button(f"{AS_BEFORE}{meeting.id}", texts.as_before_label(previous, lang))] if previous else []
        return self._reply(texts.ask_details(meeting, lang, previous), lang, buttons)

    def _sign_up_with(self, session, conversation, turn, lang, meeting_id, answer: str) -> Reply:
        details = parse_contact(answer[:400])
        if not details.name:  # "Pizzeria Roma" alone, or nothing that reads as a name: ask again
            _ask_again(conversation, meeting_id, lang)
            return self._reply(texts.details_missing(lang), lang)
        return self._sign_up(session, turn, lang, meeting_id, name=details.name, company=details.company)

    def _sign_up_as_before(self, session, conversation, turn, lang, meeting_id) -> Reply:
        incoming = turn.incoming
        previous = attendees.previous_details(session, channel=incoming.channel, user_id=incoming.user_id)
        if previous is None:  # "ja" without earlier details: the question stands
            _ask_again(conversation, meeting_id, lang)
            return self._reply(texts.details_missing(lang), lang)
        return self._sign_up(session, turn, lang, meeting_id, name=previous[0], company=previous[1])

    def _sign_up(self, session, turn, lang, meeting_id, *, name: str, company: str | None) -> Reply:
        incoming = turn.incoming
        result = service.sign_up(session, meeting_id=meeting_id, channel=incoming.channel,
                                 address=incoming.address, user_id=incoming.user_id, lang=lang,
                                 name=name, company=company, details_consent_at=turn.now,
                                 clock=ManualClock(turn.now))
        meeting = result.meeting
        if result.signup.status == "waitlisted":
            return self._reply(texts.waitlisted(meeting, lang, result.position), lang,
                               [texts.cancel_button(meeting, lang)])
        return self._reply(texts.confirmed(meeting, lang), lang, [texts.cancel_button(meeting, lang)],
                           self._ics(meeting, lang, turn.now))

    def _cancel(self, session, turn, lang, meeting_id) -> Reply:
        incoming = turn.incoming
        service.cancel_signup(session, meeting_id=meeting_id, channel=incoming.channel,
                              user_id=incoming.user_id, clock=ManualClock(turn.now))
        meeting = service.get_meeting(session, meeting_id=meeting_id)
        return self._reply(texts.signup_cancelled(meeting, lang), lang)

    def _answer_invitation(self, session, turn, lang, meeting_id, accept) -> Reply:
        incoming = turn.incoming
        signup = service.respond_to_invitation(session, meeting_id=meeting_id, channel=incoming.channel,
                                               user_id=incoming.user_id, accept=accept, clock=ManualClock(turn.now))
        meeting = service.get_meeting(session, meeting_id=meeting_id)
        if self.on_invitation_answer is not None:
            self.on_invitation_answer(session, meeting, signup, accept)
        if accept:
            return self._reply(texts.confirmed(meeting, lang), lang, [], self._ics(meeting, lang, turn.now))
        return self._reply(texts.declined(meeting, lang), lang)

    def _subscribe(self, session, turn, lang, tags) -> Reply:
        incoming = turn.incoming
        service.subscribe(session, tags=tags, channel=incoming.channel, address=incoming.address,
                          user_id=incoming.user_id, clock=ManualClock(turn.now), known_tags=self.known_tags, lang=lang)
        return self._reply(texts.subscribed(tags, lang), lang)

    def _mine(self, session, turn, lang) -> Reply:
        rows = service.my_signups(session, channel=turn.incoming.channel, user_id=turn.incoming.user_id, now=turn.now)
        return self._reply(texts.my_meetings(rows, lang), lang,
                           [texts.cancel_button(m, lang) for m, s in rows if s.status in ("confirmed", "waitlisted")])

    # -- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _ics(meeting: Meeting, lang: str, now: datetime) -> list[Attachment]:
        return [Attachment(name=ics_filename(meeting), content=build_ics(meeting, lang=lang, now=now),
                           mime="text/calendar; method=REQUEST")]

    @staticmethod
    def _reply(text: str, lang: str, buttons: Iterable[Button] = (), attachments: list[Attachment] | None = None) -> Reply:
        return Reply(action="meetings", text=text, lang=lang, buttons=list(buttons), attachments=attachments or [])
