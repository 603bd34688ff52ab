"""The cases domain as the conversation engine sees it (bot.conversation.case_gateway)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.cases.contact import Contact
from bot.cases.models import Case
from bot.cases.queries import open_cases_for
from bot.cases.service import add_entrepreneur_message, answer_meeting, create_case, parse_choice
from bot.cases.states import OPEN_STATUSES
from bot.conversation.case_gateway import CaseInfo, OpenedCase
from bot.conversation.models import Conversation
from bot.core.clock import ManualClock
from bot.knowledge.models import KnowledgeBase
from bot.routing.rules import RoutingRules, Trigger


def _At(now: datetime) -> ManualClock:  # noqa: N802 - reads as "at <time>"
    """A clock fixed at the engine's `now`, so one message has one time everywhere."""
    return ManualClock(now)


@dataclass
class CasesGateway:
    rules: RoutingRules
    kb: KnowledgeBase

    def open_case(self, session: Session, *, conversation: Conversation, words: str, topics: list[str],
                  roles: list[str], contact: Contact, consent_text: str, consent_at: datetime, lang: str,
                  now: datetime, reason: str | None = None) -> OpenedCase:
        case = create_case(session, rules=self.rules, kb=self.kb, channel=conversation.channel,
                           user_id=conversation.user_id, address=conversation.address, text=words,
                           topics=topics, contact=contact, consent_text=consent_text, clock=_At(consent_at),
                           lang=lang, trigger=Trigger(reason, "") if reason else None)
        return OpenedCase(case_id=case.id, number=case.number, roles=list(case.roles))

    def open_case_info(self, session: Session, *, case_id: int) -> CaseInfo | None:
        case = session.get(Case, case_id)
        if case is None or case.status not in OPEN_STATUSES:
            return None
        return CaseInfo(case_id=case.id, number=case.number, status=case.status, contact_name=case.claimed_by_name)

    def add_entrepreneur_message(self, session: Session, *, case_id: int, text: str, now: datetime) -> None:
        add_entrepreneur_message(session, case_id=case_id, text=text, clock=_At(now))

    def answer_choice(self, session: Session, *, conversation: Conversation, choice: str, now: datetime) -> str | None:
        """A pressed case button (accept/decline a proposed meeting): the text to show, or None
        when the key is not one of ours."""
        parsed = parse_choice(choice)
        if parsed is None:
            return None
        number, accept = parsed
        return answer_meeting(session, case_number=number, channel=conversation.channel,
                              user_id=conversation.user_id, accept=accept, clock=_At(now))

    def open_cases(self, session: Session, *, channel: str, user_id: str) -> list[CaseInfo]:
        return [CaseInfo(case_id=c.id, number=c.number, status=c.status, contact_name=c.claimed_by_name)
                for c in open_cases_for(session, channel=channel, user_id=user_id)]
