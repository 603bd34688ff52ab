"""The cases domain as the conversation engine sees it (bot.conversation.case_gateway.CaseGateway):
open a case from a finished consent/contact dialogue, follow it, add messages, answer meeting
buttons. Everything runs inside the engine's unit of work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection
from sqlmodel import Session

from bot.cases.contact import Contact
from bot.cases.models import Case
from bot.cases.queries import open_cases_for
from bot.cases.service import add_entrepreneur_message, answer_meeting, open_case, parse_choice
from bot.cases.states import OPEN_STATUSES
from bot.conversation.case_gateway import CaseInfo, OpenedCase
from bot.conversation.store import ConversationRecord
from bot.core.clock import ManualClock
from bot.knowledge.models import KnowledgeBase
from bot.routing.rules import RoutingRules, Trigger
from bot.storage.rows import saved_id


def _info(case: Case) -> CaseInfo:
    # contact_name: the navigator who took the case (the entrepreneur's contact person).
    return CaseInfo(case_id=saved_id(case), number=case.number, status=case.status, contact_name=case.claimed_by_name)


class CasesGateway:
    def __init__(self, *, rules: RoutingRules, kb: KnowledgeBase | None) -> None:
        self.rules, self.kb = rules, kb

    def open_case(self, connection: Connection, *, conversation: ConversationRecord, words: str,
                  topics: list[str], roles: list[str], contact: Contact, consent_text: str, consent_at: datetime,
                  lang: str, now: datetime, reason: str | dict | None = None) -> OpenedCase:
        """Raises a CaseError (InvalidContact, ...) with sv/en text; then nothing is written."""
        trigger = None
        if isinstance(reason, dict) and reason.get("kind"):
            trigger = Trigger(reason["kind"], str(reason.get("detail", "")))
        elif isinstance(reason, str) and reason:
            trigger = Trigger(reason, "")  # type: ignore[arg-type]
        case = open_case(connection, rules=self.rules, kb=self.kb, channel=conversation.channel,
                         user_id=conversation.user_id, address=conversation.address, text=words,
                         topics=list(topics), contact=contact, consent_text=consent_text, now=now,
                         lang=lang, trigger=trigger, roles=list(roles) or None, consent_at=consent_at)
        return OpenedCase(case_id=case.id, number=case.number, roles=list(case.roles))

    def open_case_info(self, session: Session, *, case_id: int) -> CaseInfo | None:
        case = session.get(Case, case_id)
        if case is None or case.status not in OPEN_STATUSES:
            return None
        return _info(case)

    def open_cases(self, session: Session, *, channel: str, user_id: str) -> list[CaseInfo]:
        return [_info(case) for case in open_cases_for(session, channel=channel, user_id=user_id)]

    def add_entrepreneur_message(self, session: Session, *, case_id: int, text: str, now: datetime) -> None:
        add_entrepreneur_message(session, case_id=case_id, text=text, clock=ManualClock(now))

    def answer_choice(self, session: Session, *, conversation: ConversationRecord, choice: str,
                      now: datetime) -> str | None:
        """A pressed case button ("case:<number>:meeting:accept|decline") → the text to show, or
        None when the key is not one of ours. Raises CaseError when it cannot be done."""
        parsed = parse_choice(choice)
        if parsed is None:
            return None
        number, accept = parsed
        return answer_meeting(session, case_number=number, channel=conversation.channel,
                              user_id=conversation.user_id, accept=accept, clock=ManualClock(now))


__all__ = ["CasesGateway"]
