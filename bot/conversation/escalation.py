"""The escalation flow: the offer of a navigator, the person's consent, their contact details,
and the case opened with them.

Its state is an `EscalationDraft` under its own name in the conversation (bot.conversation.
flowstate): the person's words, the topics and roles found for them, the reason (a dispute, an
explicit request), the language, and the moment consent was given. Only this module reads and
writes it; the conversation's state machine (consenting, collecting) says which step waits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.cases.errors import CaseError
from bot.conversation import flowstate, texts
from bot.conversation.contact import parse_contact, reachable
from bot.conversation.flows import Turn
from bot.conversation.service_level import service_level_due
from bot.conversation.states import State
from bot.conversation.store import STORED_TEXT_LIMIT, ConversationRecord
from bot.core.messages import Reply
from bot.storage.db import Unit

if TYPE_CHECKING:
    from bot.conversation.engine import ConversationEngine

_PUNCT = re.compile(r"[^\w\s]+")


@dataclass(slots=True)
class EscalationDraft:
    """What a case will be opened with, kept from the offer until the contact details come."""

    words: str = ""
    topics: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    lang: str | None = None
    reason: str | None = None
    consent_at: str | None = None  # ISO time, set when the person says yes


def draft_of(conversation: ConversationRecord) -> EscalationDraft | None:
    return flowstate.get(conversation, flowstate.ESCALATION, EscalationDraft)


def _key(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.casefold()).split())


class EscalationFlow:
    name = "escalation"

    def __init__(self, engine: ConversationEngine) -> None:
        self.engine = engine

    def offer(self, conversation: ConversationRecord, reply: Reply, *, words: str) -> None:
        """Ask for consent to open a case; the draft waits in the conversation until then."""
        self.engine._move(conversation, State.CONSENTING)
        flowstate.put(conversation, flowstate.ESCALATION, EscalationDraft(
            words=words[:STORED_TEXT_LIMIT], topics=list(reply.topics), roles=list(reply.roles),
            lang=reply.lang, reason=reply.reason))
        reply.action = "consent"
        reply.buttons = texts.consent_buttons(reply.lang)

    def on_consent(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply | None:
        draft = draft_of(conversation) or EscalationDraft()
        lang = draft.lang or turn.lang
        answer = turn.incoming.choice or ""
        key = _key(turn.text)
        if answer == "consent:yes" or key in texts.YES:
            draft.consent_at = turn.now.isoformat()
            self.engine._move(conversation, State.COLLECTING)
            flowstate.put(conversation, flowstate.ESCALATION, draft)
            return Reply(action="contact", text=texts.ask_contact(lang), lang=lang)
        if answer == "consent:no" or key in texts.NO:
            self.engine._settle(conversation)  # the draft (their words) goes with the consenting state
            return Reply(action="declined", text=texts.declined(lang), lang=lang)
        # A message another flow takes (a meetings question) passes through: the offer waits.
        for flow in self.engine.flows:
            reply = flow.handle(unit, conversation=conversation, turn=turn)
            if reply is not None:
                return reply
        # Anything else: a new question drops the offer; otherwise ask again.
        reply = self.engine.responder.respond(turn.text, lang=lang)
        if reply.action in ("answer", "clarify", "escalate"):
            self.engine._settle(conversation)
            return None
        return Reply(action="consent", text=texts.consent_reminder(lang), lang=lang,
                     buttons=texts.consent_buttons(lang))

    def on_contact(self, unit: Unit, conversation: ConversationRecord, turn: Turn) -> Reply:
        engine = self.engine
        draft = draft_of(conversation) or EscalationDraft()
        lang = draft.lang or turn.lang
        if _key(turn.text) in texts.CANCEL or turn.incoming.choice == "consent:no":
            engine._settle(conversation)
            return Reply(action="declined", text=texts.declined(lang), lang=lang)
        # The whole message (up to what is stored): an e-mail at the end of a long message counts.
        contact = parse_contact(turn.text[:STORED_TEXT_LIMIT])
        if not reachable(contact):
            return Reply(action="contact", text=texts.contact_missing(lang), lang=lang)
        consent_text = texts.consent_text(lang, municipality=engine.responder.kb.profile.name.get(lang))
        try:
            # A refusal (CaseError) comes before anything is written; any other error rolls back the turn.
            opened = engine._cases().open_case(
                unit.connection, conversation=conversation, words=draft.words, topics=list(draft.topics),
                roles=list(draft.roles), contact=contact, consent_text=consent_text,
                consent_at=datetime.fromisoformat(draft.consent_at) if draft.consent_at else turn.now,
                lang=lang, now=turn.now, reason=draft.reason)
        except CaseError as exc:
            return Reply(action="contact", text=exc.text(lang), lang=lang)
        conversation.case_id = opened.case_id
        engine._move(conversation, State.IN_CASE)
        rules = engine.responder.rules
        role_names = [rules.role_name(role, lang) for role in opened.roles] if rules else opened.roles
        due = service_level_due(rules, turn.now, lang) if rules else None
        return Reply(action="case_opened", text=texts.case_opened(opened.number, role_names, lang, due), lang=lang,
                     case_number=opened.number, roles=list(opened.roles), topics=list(draft.topics))
