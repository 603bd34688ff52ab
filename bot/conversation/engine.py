"""The conversation engine: one incoming message in, one reply out, state committed between.

The engine is channel-agnostic. It keeps one conversation per (channel, user), runs the
conversation state machine (bot.conversation.states), lets plug-in flows (meetings, ...) take
messages they recognise, and otherwise answers from the knowledge base. Whatever it decides is
committed before the reply is returned; messages to anyone else go through the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.cases.errors import CaseError
from bot.conversation import clarify, erasure_guard, flowstate, followups, store, texts
from bot.conversation.case_gateway import CaseGateway
from bot.conversation.escalation import EscalationFlow
from bot.conversation.flows import AnswerFollowUp, Flow, Turn
from bot.conversation.language import keep_language
from bot.conversation.render import render_answer
from bot.conversation.responder import Responder
from bot.conversation.states import SECTIONS, State, check_transition
from bot.conversation.store import STORED_TEXT_LIMIT, ConversationRecord
from bot.conversation.turns import FollowUpTurns
from bot.core.clock import Clock
from bot.core.messages import Incoming, Reply
from bot.matching.text import clean
from bot.storage.db import Unit

log = logging.getLogger(__name__)

class ConversationEngine:
    def __init__(self, *, db, responder: Responder, clock: Clock, cases: CaseGateway | None = None,
                 flows: Sequence[Flow] | None = None, insight: AnswerFollowUp | None = None) -> None:
        self.db = db
        self.insight = insight  # the follow-up survey's answer turns (bot.insight.flow)
        self.responder = responder
        self.clock = clock
        self.cases = cases
        self.flows = list(flows or [])
        self.turns = FollowUpTurns(self)
        self.escalation = EscalationFlow(self)  # consent, contact details, the case opened

    # -- entry point ---------------------------------------------------------------------------
    def handle(self, incoming: Incoming) -> Reply:
        now = self.clock.now()
        text = clean(incoming.text or "", limit=None)
        with self.db.unit() as unit:  # one writer at a time on SQLite: no "database is locked"
            connection = unit.connection
            conversation = self._conversation(connection, incoming, now)
            erasure_guard.forget(conversation)  # an erasure question is answered by the next message only
            fresh = conversation.updated_at is not None  # created by this turn (see store.load_or_create)
            lang = conversation.lang
            if text:
                lang = keep_language(text, detected=self.responder.language(text, default=conversation.lang),
                                     current=conversation.lang, fresh=fresh)
            turn = Turn(incoming=incoming, text=text, lang=lang, now=now)
            reply = self._dispatch(unit, conversation, turn)
            conversation.lang = reply.lang or lang
            conversation.updated_at = now
            store.save(connection, record=conversation)
            rows = [store.message_row(conversation, direction="in", text=text or f"[{incoming.choice}]",
                                      action=None, topic=None, now=now)] if (text or incoming.choice) else []
            rows.append(store.message_row(conversation, direction="out", text=reply.text, action=reply.action,
                                          topic=reply.topic, now=now))
            store.append_messages(connection, rows)
        log.info("conversation %s: %s", conversation.id, reply.action)
        return reply

    # -- the state machine ----------------------------------------------------------------------
    def _dispatch(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply:
        choice = turn.incoming.choice or ""
        if choice.startswith("topic:"):
            return self._answer_topic(conversation, choice.split(":", 1)[1], turn.lang)
        if choice.startswith("case:") and self.cases is not None:
            try:
                text = self.cases.answer_choice(unit.session, conversation=conversation, choice=choice, now=turn.now)
            except CaseError as exc:
                return Reply(action="case_message", text=exc.text(turn.lang), lang=turn.lang)
            if text is not None:
                return Reply(action="case_message", text=text, lang=turn.lang)
        if self.insight is not None:  # a survey button, or a typed answer while a survey is open
            reply = self.insight.handle(unit, conversation=conversation, turn=turn)
            if reply is not None:
                return reply
        reply = self.turns.before(unit, conversation, turn)  # commands, /avbryt, the answer's buttons
        if reply is not None:
            return reply
        state = State(conversation.state)
        if state is State.CONSENTING:
            reply = self.escalation.on_consent(unit, conversation, turn)
            if reply is not None:
                return reply
        elif state is State.COLLECTING:
            return self.escalation.on_contact(unit, conversation, turn)
        elif state is State.CLARIFYING:
            reply = self._on_clarification(conversation, turn)
            if reply is not None:
                return reply
        for flow in self.flows:
            reply = flow.handle(unit, conversation=conversation, turn=turn)
            if reply is not None:
                return reply
        if self.cases is not None and conversation.case_id is not None:
            reply = self._on_case_message(unit, conversation, turn)
            if reply is not None:
                return reply
        reply = self.turns.after(unit, conversation, turn)  # yes to the offer, a person, more, a complaint
        if reply is not None:
            return reply
        reply = self.turns.finish(conversation, turn, self._answer(unit, conversation, turn))
        if self.insight is not None:
            self.insight.after_answer(conversation=conversation, turn=turn, reply=reply)  # sampled
        return reply

    def _move(self, conversation: ConversationRecord, new: State) -> None:
        """The one place the state changes. A state's own section (the clarify options, the
        escalation draft) goes when the state is left; other flows' sections stay."""
        previous = State(conversation.state)
        conversation.state = check_transition(conversation.state, new).value
        if SECTIONS.get(previous) is not None and SECTIONS.get(previous) != SECTIONS.get(new):
            flowstate.drop(conversation, SECTIONS[previous])

    def _settle(self, conversation: ConversationRecord) -> None:
        """Back to rest: in the open case if there is one, idle otherwise."""
        self._move(conversation, State.IN_CASE if conversation.case_id is not None else State.IDLE)

    # -- answering ------------------------------------------------------------------------------
    def _answer(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply:
        reply = self.responder.respond(turn.text, lang=turn.lang,
                                       unanswered_streak=conversation.unanswered_streak)
        if reply.action in ("out_of_scope", "invalid"):
            conversation.unanswered_streak += 1
        elif reply.action in ("answer", "greeting", "escalate"):
            conversation.unanswered_streak = 0
        if reply.action == "clarify":
            self._move(conversation, State.CLARIFYING)
            clarify.remember(conversation, reply.alternatives)
        elif reply.action == "escalate" and self.cases is not None:
            if conversation.case_id is not None and self.cases.open_case_info(unit.session, case_id=conversation.case_id) is not None:
                return reply  # already in a case: the explanation is enough, nothing new to open
            self.escalation.offer(conversation, reply, words=turn.text)
        elif conversation.state == State.CLARIFYING:
            self._settle(conversation)
        return reply

    def request_navigator(self, incoming: Incoming) -> Reply:
        """The person asked for a navigator outright (/lots): straight to the offer, about the
        words given with the command or else the question asked before."""
        now = self.clock.now()
        with self.db.unit() as unit:  # one writer at a time on SQLite: no "database is locked"
            connection = unit.connection
            conversation = self._conversation(connection, incoming, now)
            words = clean(incoming.text or "", limit=STORED_TEXT_LIMIT)
            lang = conversation.lang
            if words:
                lang = keep_language(words, detected=self.responder.language(words, default=lang), current=lang,
                                     fresh=conversation.updated_at is not None)
            turn = Turn(incoming=incoming, text=words, lang=lang, now=now)
            reply = self.turns.navigator(unit, conversation, turn, words=words or None)
            conversation.lang = reply.lang or lang
            conversation.updated_at = now
            store.save(connection, record=conversation)
            rows = [store.message_row(conversation, direction="in", text="/lots " + words, action=None, topic=None,
                                      now=now)] if words else []
            rows.append(store.message_row(conversation, direction="out", text=reply.text, action=reply.action,
                                          topic=None, now=now))
            store.append_messages(connection, rows)
        return reply

    def _answer_topic(self, conversation: ConversationRecord, topic: str, lang: str) -> Reply:
        article = self.responder.kb.get(topic)
        if article is None:
            self._settle(conversation)
            return self.responder.respond("", lang=lang)
        if conversation.state == State.CLARIFYING:
            self._settle(conversation)
        conversation.unanswered_streak = 0
        return Reply(action="answer", text=render_answer(article, lang), lang=lang, topic=topic, confidence=1.0)

    def _on_clarification(self, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        options = clarify.options_of(conversation)
        chosen = clarify.resolve_choice(turn.text, options, turn.lang, matcher=self.responder.matcher)
        if chosen is not None:
            return self._answer_topic(conversation, chosen, conversation.lang or turn.lang)
        self._settle(conversation)
        return None  # a new question: answer it normally

    def _cases(self) -> CaseGateway:
        """The cases domain, for the states only a case leads to (consent, contact, in a case)."""
        if self.cases is None:
            raise RuntimeError("this conversation needs the cases domain, and the engine was built without it")
        return self.cases

    def _on_case_message(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        cases = self._cases()
        case = cases.open_case_info(unit.session, case_id=conversation.case_id) if conversation.case_id else None
        if case is None:  # closed since: back to normal answering
            conversation.case_id = None
            if conversation.state == State.IN_CASE:
                self._move(conversation, State.IDLE)
            return None
        if not turn.text:
            return None
        if case.status == "meeting_proposed" and not turn.incoming.choice:
            answer = followups.meeting_answer(turn.text)  # "Ja, det passar", "1", "nej", "2"
            if answer is not None:
                choice = f"case:{case.number}:meeting:{'accept' if answer else 'decline'}"
                try:
                    text = cases.answer_choice(unit.session, conversation=conversation, choice=choice,
                                               now=turn.now)
                except CaseError as exc:
                    text = exc.text(turn.lang)
                return Reply(action="case_message", text=text or "", lang=turn.lang, case_number=case.number)
        # A clear new question is answered; everything else belongs to the case.
        match = self.responder.matcher.match(turn.text, lang=turn.lang)
        if match.action == "answer" and match.confidence >= 0.6 and "?" in turn.text:
            return None
        cases.add_entrepreneur_message(unit.session, case_id=case.case_id, text=turn.text[:STORED_TEXT_LIMIT],
                                       now=turn.now)
        return Reply(action="case_message", text=texts.added_to_case(case.number, turn.lang), lang=turn.lang,
                     case_number=case.number)

    # -- storage ----------------------------------------------------------------------------------
    @staticmethod
    def _conversation(connection, incoming: Incoming, now: datetime) -> ConversationRecord:
        conversation = store.load_or_create(connection, channel=incoming.channel, user_id=incoming.user_id,
                                            address=incoming.address, now=now)
        if conversation.address != incoming.address:
            conversation.address = incoming.address
        return conversation

    @staticmethod
    def language_of(session: Session, *, channel: str, user_id: str) -> str:
        """The language the person last wrote in ("sv" if we have not talked)."""
        return store.language_of(session.connection(), channel=channel, user_id=user_id)
