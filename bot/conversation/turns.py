"""The turns people take after an answer, for the conversation engine:

- before anything else: commands ("/avbryt" at every step, "/moten", unknown ones answered with
  the list of commands) and the buttons under an answer ("Berätta mer", "Kontakta en lots");
- after the flows: yes to the offer of a navigator, asking for a person in any words,
  "berätta mer", a complaint, a message in a language Lotsen does not speak;
- on the way out: the answer's buttons, and plain replies to a bare number.

Each returns a Reply to take the turn, or None to let the engine go on. The case draft is
always about the person's own question (bot.conversation.recall).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.conversation import commands, complaint, flowstate, followups, store, texts
from bot.conversation.escalation import draft_of
from bot.conversation.flows import Turn
from bot.conversation.language import foreign_reply, is_foreign, is_number, number_reply
from bot.conversation.recall import Recall, case_draft, recall
from bot.conversation.render import render_offer
from bot.conversation.states import State
from bot.conversation.store import STORED_TEXT_LIMIT, ConversationRecord
from bot.core.messages import Button, Reply
from bot.locales import msg
from bot.storage.db import Unit

if TYPE_CHECKING:
    from bot.conversation.engine import ConversationEngine

MORE, OFFER = "more:", "offer:lots"
_MEETING_COMMANDS = frozenset({"moten", "möten", "mote", "möte", "meetings", "events"})
_HELP_COMMANDS = frozenset({"hjalp", "hjälp", "help", "meny", "menu", "kommandon", "commands"})
_CANCEL_COMMANDS = frozenset({"avbryt", "cancel"})
_SERVICE_WORDS = re.compile(r"\b(foretagslots\w*|lots\w*|navigator\w*|vagledare|person|manniska|handlaggare\w*|"
                            r"tjansteperson\w*|someone|somebody|human|officer)\b")


def answer_buttons(topic: str, lang: str) -> list[Button]:
    return [Button(f"{MORE}{topic}", msg(lang, "answer.more_button")),
            Button(OFFER, msg(lang, "answer.offer_button"))]


class FollowUpTurns:
    def __init__(self, engine: ConversationEngine) -> None:
        self.engine = engine

    @property
    def responder(self):
        return self.engine.responder

    def _recall(self, unit: Unit, conversation: ConversationRecord) -> Recall:
        rows = store.recent_messages(unit.connection, conversation_id=conversation.id)
        return recall(rows, rules=self.responder.rules)

    # -- before the state machine -------------------------------------------------------------
    def before(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        choice = turn.incoming.choice or ""
        if choice == OFFER:
            return self.navigator(unit, conversation, turn)
        if choice.startswith(MORE):
            return self.more(conversation, choice[len(MORE):], turn.lang)
        if commands.looks_like_command(turn.text) and not choice:
            return self._command(unit, conversation, turn)
        if followups.is_cancel(turn.text) and not choice:
            return self.cancel(unit, conversation, turn)
        return None

    def _command(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        name = commands.command_of(turn.text)
        channel = turn.incoming.channel
        if name in _CANCEL_COMMANDS:
            return self.cancel(unit, conversation, turn)
        if name == "lots":
            words = turn.text.split(None, 1)[1].strip() if len(turn.text.split(None, 1)) > 1 else None
            return self.navigator(unit, conversation, turn, words=words)
        if name in _MEETING_COMMANDS:
            meetings = replace(turn, text=msg(turn.lang, "reply.meetings_question"))
            for flow in self.engine.flows:
                reply = flow.handle(unit, conversation=conversation, turn=meetings)
                if reply is not None:
                    return reply
        if name in _HELP_COMMANDS:
            return Reply(action="greeting", text=commands.command_list(channel, turn.lang), lang=turn.lang)
        return Reply(action="invalid", text=commands.unknown_command(turn.text, channel, turn.lang), lang=turn.lang)

    def cancel(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply:
        """"avbryt" / "/avbryt" at every step: drop what is pending, say what still stands."""
        state = State(conversation.state)
        draft = draft_of(conversation)
        lang = (draft.lang if draft is not None else None) or turn.lang
        if state in (State.CONSENTING, State.COLLECTING):
            self.engine._settle(conversation)  # the draft (their words) goes with the consenting state
            return Reply(action="declined", text=texts.declined(lang), lang=lang)
        had_pending = flowstate.any_pending(conversation) or state is State.CLARIFYING
        if had_pending:
            self.engine._settle(conversation)
            flowstate.clear(conversation)  # the person cancels whatever waits (a meeting sign-up's question)
        case = None
        if conversation.case_id is not None and self.engine.cases is not None:
            case = self.engine.cases.open_case_info(unit.session, case_id=conversation.case_id)
        if had_pending:
            text = msg(lang, "reply.cancelled")
        else:
            text = msg(lang, "reply.nothing_to_cancel")
        if case is not None:
            text += " " + msg(lang, "reply.case_still_open", number=case.number)
        return Reply(action="declined", text=text, lang=lang)

    # -- after the flows, before the knowledge base -------------------------------------------
    def after(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        text = turn.text
        if not text:
            return None
        if followups.wants_person(text, self.responder.rules):
            bare = followups.key_of(text) in followups.NAVIGATOR_WORDS
            words = None if bare or not self._names_topics(text, turn.lang) else text
            return self.navigator(unit, conversation, turn, words=words)
        if followups.is_yes(text) or followups.wants_more(text) or followups.is_no(text):
            seen = self._recall(unit, conversation)
            if followups.is_yes(text) and seen.last_action == "answer":
                return self.navigator(unit, conversation, turn, seen=seen)
            if followups.wants_more(text) and seen.topic:
                return self.more(conversation, seen.topic, turn.lang)
            return Reply(action="greeting", lang=turn.lang, text=msg(turn.lang, "reply.ok_then"))
        if complaint.is_complaint(text):
            return self.complaint(unit, conversation, turn)
        index = getattr(self.responder.matcher, "index", None)
        vocabulary = index.known_words if index is not None else frozenset()
        offered_extra = turn.lang not in ("sv", "en")  # recognised as a further language the municipality offers
        if not offered_extra and is_foreign(text, vocabulary=vocabulary):
            return Reply(action="out_of_scope", text=foreign_reply(self.responder.kb.profile), lang=turn.lang)
        return None

    def _names_topics(self, text: str, lang: str) -> bool:
        """Whether the request says what it is about ("ring mig om bygglovet"), not counting
        the words for the navigator service itself."""
        rest = _SERVICE_WORDS.sub(" ", followups.PERSON.sub(" ", followups.key_of(text)))
        return bool(rest.strip()) and bool(self.responder.navigator_request(rest, lang=lang).topics)

    def navigator(self, unit: Unit, conversation: ConversationRecord, turn: Turn, *, words: str | None = None,
                  seen: Recall | None = None, kind: str = "explicit_request") -> Reply:
        """Open the consent step for a case about `words`, or else the question asked before,
        with its topics and roles."""
        engine, lang = self.engine, turn.lang
        if engine.cases is None:
            return self.responder.navigator_request(words or "", lang=lang)
        if conversation.case_id is not None:
            case = engine.cases.open_case_info(unit.session, case_id=conversation.case_id)
            if case is not None:
                return Reply(action="case_message", text=texts.already_in_case(case.number, lang), lang=lang,
                             case_number=case.number)
        seen = seen or (self._recall(unit, conversation) if not words else Recall())
        question = words or seen.question
        topics = [seen.topic] if seen.topic and not words else []
        reply = case_draft(self.responder, question=question, topics=topics, lang=lang, kind=kind)
        # The case holds the person's own words: their question, or what they just wrote.
        own = question or turn.text or msg(lang, "reply.navigator_word")
        engine.escalation.offer(conversation, reply, words=own[:STORED_TEXT_LIMIT])
        conversation.unanswered_streak = 0
        return reply

    def more(self, conversation: ConversationRecord, topic: str, lang: str) -> Reply:
        article = self.responder.kb.get(topic)
        if article is None:
            return Reply(action="out_of_scope", lang=lang, text=msg(lang, "answer.unknown_more"))
        if conversation.state == State.CLARIFYING:
            self.engine._settle(conversation)
        body = article.body.get(lang).replace("**", "").strip() or article.summary.get(lang)
        text = "\n\n".join([article.title.get(lang), body, render_offer(lang)])
        return Reply(action="answer", text=text, lang=lang, topic=topic, confidence=1.0,
                     buttons=[answer_buttons(topic, lang)[1]])

    def complaint(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply:
        lang = turn.lang
        first = self.responder.respond(turn.text, lang=lang)
        topic = first.topic or (first.topics[0] if first.topics else None)
        seen = None
        if topic is None:
            seen = self._recall(unit, conversation)
            topic = seen.topic
        article = self.responder.kb.get(topic) if topic else None
        if self.engine.cases is None or (conversation.case_id is not None and self.engine.cases.open_case_info(
                unit.session, case_id=conversation.case_id) is not None):
            return Reply(action="answer", text=complaint.acknowledge(article, lang), lang=lang, topic=topic)
        draft = case_draft(self.responder, question=turn.text, topics=[topic] if topic else [], lang=lang,
                           kind="dispute")
        draft.text = complaint.acknowledge(article, lang) + "\n\n" + draft.text.split("\n\n", 1)[-1]
        self.engine.escalation.offer(conversation, draft, words=turn.text)
        draft.topic = topic
        return draft

    # -- on the way out ------------------------------------------------------------------------
    def finish(self, conversation: ConversationRecord, turn: Turn, reply: Reply) -> Reply:
        if reply.action == "answer" and reply.topic and not reply.buttons:
            reply.buttons = answer_buttons(reply.topic, reply.lang)
        elif reply.action in ("invalid", "out_of_scope") and is_number(turn.text):
            reply.text = number_reply(turn.text, self.responder.kb.profile, turn.lang)
        return reply
