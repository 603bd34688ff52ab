"""The conversation engine: one incoming message in, one reply out, state committed between.

The engine is channel-agnostic. It keeps one conversation per (channel, user), runs the
conversation state machine (bot.conversation.states), lets plug-in flows (meetings, ...) take
messages they recognise, and otherwise answers from the knowledge base. Whatever it decides is
committed before the reply is returned; messages to anyone else go through the outbox.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.cases.errors import CaseError
from bot.conversation import erasure_guard, followups, store, texts
from bot.conversation.case_gateway import CaseGateway
from bot.conversation.contact import parse_contact, reachable
from bot.conversation.flows import AnswerFollowUp, Flow, Turn
from bot.conversation.language import keep_language
from bot.conversation.render import render_answer
from bot.conversation.responder import Responder
from bot.conversation.service_level import service_level_due
from bot.conversation.states import State, check_transition
from bot.conversation.store import STORED_TEXT_LIMIT, ConversationRecord
from bot.conversation.turns import FollowUpTurns
from bot.core.clock import Clock
from bot.core.messages import Incoming, Reply
from bot.matching.text import clean, fold
from bot.storage.db import Unit

log = logging.getLogger(__name__)

ORDINALS = {
    1: ("1", "ett", "en", "forsta", "den forsta", "nummer 1", "nr 1", "first", "the first", "one",
        "alternativ 1", "option 1"),
    2: ("2", "tva", "andra", "den andra", "nummer 2", "nr 2", "second", "the second", "two",
        "alternativ 2", "option 2"),
    3: ("3", "tre", "tredje", "den tredje", "nummer 3", "nr 3", "third", "the third", "three",
        "alternativ 3", "option 3"),
}
_ORDINAL_LOOKUP = {phrase: number for number, phrases in ORDINALS.items() for phrase in phrases}
_PUNCT = re.compile(r"[^\w\s]+")


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

    # -- entry point ---------------------------------------------------------------------------
    def handle(self, incoming: Incoming) -> Reply:
        now = self.clock.now()
        text = clean(incoming.text or "", limit=None)
        with self.db.unit() as unit:  # one writer at a time on SQLite: no "database is locked"
            connection = unit.connection
            conversation = self._conversation(connection, incoming, now)
            if conversation.pending and erasure_guard.PENDING_KEY in conversation.pending:
                # An erasure question is answered by the next message only (bot.app reads it first).
                conversation.pending = {k: v for k, v in conversation.pending.items() if k != erasure_guard.PENDING_KEY}
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
            reply = self._on_consent(conversation, turn)
            if reply is not None:
                return reply
        elif state is State.COLLECTING:
            return self._on_contact(unit, conversation, turn)
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

    def _move(self, conversation: ConversationRecord, new: State, pending: dict | None = None) -> None:
        conversation.state = check_transition(conversation.state, new).value
        conversation.pending = pending or {}

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
            self._move(conversation, State.CLARIFYING, {"options": reply.alternatives})
        elif reply.action == "escalate" and self.cases is not None:
            if conversation.case_id is not None and self.cases.open_case_info(unit.session, case_id=conversation.case_id) is not None:
                return reply  # already in a case: the explanation is enough, nothing new to open
            self._offer_case(conversation, reply, words=turn.text)
        elif conversation.state == State.CLARIFYING:
            self._settle(conversation)
        return reply

    def _offer_case(self, conversation: ConversationRecord, reply: Reply, *, words: str) -> None:
        """Ask for consent to open a case; the draft waits in the conversation until then."""
        self._move(conversation, State.CONSENTING, {
            "words": words[:STORED_TEXT_LIMIT], "topics": reply.topics, "roles": reply.roles,
            "lang": reply.lang, "reason": reply.reason})
        reply.action = "consent"
        reply.buttons = texts.consent_buttons(reply.lang)

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
        options: list[str] = list(conversation.pending.get("options", []))
        chosen = self._resolve_choice(turn.text, options, turn.lang)
        if chosen is not None:
            return self._answer_topic(conversation, chosen, conversation.lang or turn.lang)
        self._settle(conversation)
        return None  # a new question: answer it normally

    def _resolve_choice(self, text: str, options: list[str], lang: str) -> str | None:
        key = " ".join(_PUNCT.sub(" ", fold(text)).split())
        number = _ORDINAL_LOOKUP.get(key)
        if number is None and key.startswith(("den ", "the ")):
            number = _ORDINAL_LOOKUP.get(key.split(" ", 1)[1])
        if number is None and key in ("sista", "den sista", "last", "the last"):
            number = len(options)
        if number is not None:
            return options[number - 1] if 1 <= number <= len(options) else None
        if len(key) > 80:
            return None
        match = self.responder.matcher.match(text, lang=lang)
        ranked = [topic for topic, score in match.scores if topic in options and score > 0.25]
        return ranked[0] if ranked else None

    # -- escalation: consent, contact, case -------------------------------------------------------
    def _on_consent(self, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        lang = conversation.pending.get("lang", turn.lang)
        answer = turn.incoming.choice or ""
        key = " ".join(_PUNCT.sub(" ", turn.text.casefold()).split())
        if answer == "consent:yes" or key in texts.YES:
            pending = dict(conversation.pending)
            pending["consent_at"] = turn.now.isoformat()
            self._move(conversation, State.COLLECTING, pending)
            return Reply(action="contact", text=texts.ask_contact(lang), lang=lang)
        if answer == "consent:no" or key in texts.NO:
            self._settle(conversation)  # the draft (their words) is dropped with the pending state
            return Reply(action="declined", text=texts.declined(lang), lang=lang)
        # Anything else: a new question drops the offer; otherwise ask again.
        reply = self.responder.respond(turn.text, lang=lang)
        if reply.action in ("answer", "clarify", "escalate"):
            self._settle(conversation)
            return None
        return Reply(action="consent", text=texts.consent_reminder(lang), lang=lang,
                     buttons=texts.consent_buttons(lang))

    def _cases(self) -> CaseGateway:
        """The cases domain, for the states only a case leads to (consent, contact, in a case)."""
        if self.cases is None:
            raise RuntimeError("this conversation needs the cases domain, and the engine was built without it")
        return self.cases

    def _on_contact(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply:
        lang = conversation.pending.get("lang", turn.lang)
        key = " ".join(_PUNCT.sub(" ", turn.text.casefold()).split())
        if key in texts.CANCEL or turn.incoming.choice == "consent:no":
            self._settle(conversation)
            return Reply(action="declined", text=texts.declined(lang), lang=lang)
        # The whole message (up to what is stored): an e-mail at the end of a long message counts.
        contact = parse_contact(turn.text[:STORED_TEXT_LIMIT])
        if not reachable(contact):
            return Reply(action="contact", text=texts.contact_missing(lang), lang=lang)
        pending = conversation.pending
        consent_text = texts.consent_text(lang, municipality=self.responder.kb.profile.name.get(lang))
        try:
            # A refusal (CaseError) comes before anything is written; any other error rolls back the turn.
            opened = self._cases().open_case(
                unit.connection, conversation=conversation, words=pending.get("words", ""),
                topics=list(pending.get("topics", [])), roles=list(pending.get("roles", [])),
                contact=contact, consent_text=consent_text,
                consent_at=datetime.fromisoformat(pending["consent_at"]) if pending.get("consent_at") else turn.now,
                lang=lang, now=turn.now, reason=pending.get("reason"))
        except CaseError as exc:
            return Reply(action="contact", text=exc.text(lang), lang=lang)
        conversation.case_id = opened.case_id
        self._move(conversation, State.IN_CASE)
        rules = self.responder.rules
        role_names = [rules.role_name(role, lang) for role in opened.roles] if rules else opened.roles
        due = service_level_due(rules, turn.now, lang) if rules else None
        return Reply(action="case_opened", text=texts.case_opened(opened.number, role_names, lang, due), lang=lang,
                     case_number=opened.number, roles=list(opened.roles), topics=list(pending.get("topics", [])))

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
