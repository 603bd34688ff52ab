"""Erasure ("glöm mig"): remove a person's personal data and say what was kept and why.

Erased: contact details, the person's own words (the case text and their messages), consent
texts, their conversation and messages, the address of pending messages to them. Kept,
pseudonymised: each case's number, topics, roles, the navigators' actions and the dates,
because a case handled by the municipality is an official document that must be kept under
the Archives Act (arkivlagen) and the Public Access to Information and Secrecy Act
(offentlighets- och sekretesslagen); the person is replaced by a pseudonym. The fact and time
of the consent withdrawal are kept as proof that the request was carried out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.cases.models import Case, CaseEvent, Consent
from bot.cases.service import SYSTEM, post_to_desk, record_event, update_desk
from bot.cases.states import OPEN_STATUSES, transition
from bot.conversation.models import Conversation, Message
from bot.core.clock import Clock
from bot.locales import msg
from bot.outbox.models import OutboxItem

log = logging.getLogger(__name__)

@dataclass
class ErasureReport:
    cases: list[str] = field(default_factory=list)  # numbers of the cases pseudonymised
    closed: list[str] = field(default_factory=list)  # open cases closed as withdrawn
    erased: list[str] = field(default_factory=list)  # keys of cases.erasure.what in the catalogs
    kept: list[str] = field(default_factory=list)  # keys of cases.erasure.kept_what
    messages_deleted: int = 0

    def text(self, lang: str = "sv") -> str:
        if not self.erased and not self.cases:
            return msg(lang, "cases.erasure.nothing")
        erased = ", ".join(msg(lang, f"cases.erasure.what.{key}") for key in self.erased)
        lines = [msg(lang, "cases.erasure.erased", what=erased)]
        if self.closed:
            lines.append(msg(lang, "cases.erasure.closed", numbers=", ".join(self.closed)))
        for key in self.kept:
            lines.append(msg(lang, "cases.erasure.kept", what=msg(lang, f"cases.erasure.kept_what.{key}")))
        return "\n".join(lines)


def erase_person(session: Session, *, channel: str, user_id: str, clock: Clock) -> ErasureReport:
    now = clock.now()
    user_id = str(user_id)
    report = ErasureReport()
    cases = list(session.exec(select(Case).where(Case.channel == channel, Case.user_id == user_id)))
    addresses = {user_id} | {c.address for c in cases if c.address}
    for case in cases:
        report.cases.append(case.number)
        case.words = None
        case.contact_name = case.contact_company = case.contact_phone = case.contact_email = None
        case.user_id = case.address = None
        case.erased_at, case.updated_at = now, now
        for event in session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                           CaseEvent.kind == "entrepreneur_message")):
            event.text = None
            session.add(event)
        if case.status in OPEN_STATUSES:
            case.status = transition(case.status, "closed")
            case.outcome, case.closed_at = "withdrawn", now
            report.closed.append(case.number)
        event = record_event(session, case=case, kind="erased", actor=SYSTEM, now=now,
                             data={"closed": case.number in report.closed})
        if case.number in report.closed:
            post_to_desk(session, case=case, event=event, text_key="desk_erased", now=now)
            update_desk(session, case=case, event=event, now=now)
        session.add(case)
    if cases:
        report.erased += ["contact", "words"]
        report.kept.append("cases")
    consents = list(session.exec(select(Consent).where(Consent.channel == channel, Consent.user_id == user_id)))
    for consent in consents:
        consent.text, consent.user_id = None, None
        consent.withdrawn_at = consent.withdrawn_at or now
        session.add(consent)
    if consents:
        report.erased.append("consent")
        report.kept.append("consent")
    conversation = session.exec(select(Conversation).where(Conversation.channel == channel,
                                                           Conversation.user_id == user_id)).first()
    if conversation is not None:
        report.messages_deleted = session.exec(
            delete(Message).where(col(Message.conversation_id) == conversation.id)).rowcount or 0
        conversation.state, conversation.pending, conversation.unanswered_streak = "idle", {}, 0
        conversation.case_id, conversation.updated_at = None, now
        session.add(conversation)
        report.erased.append("conversation")
    pending = list(session.exec(select(OutboxItem).where(OutboxItem.kind == "message", OutboxItem.channel == channel,
                                                         col(OutboxItem.address).in_(addresses))))
    for item in pending:
        if item.status in ("pending", "claimed"):
            item.status, item.last_error = "skipped", "erased at the person's request"
        item.payload, item.address = {}, ""
        session.add(item)
    if pending:
        report.erased.append("outbox")
    session.flush()
    log.info("erasure: %d case(s) pseudonymised, %d closed", len(report.cases), len(report.closed))
    return report
