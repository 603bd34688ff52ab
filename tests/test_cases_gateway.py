"""The gateway the conversation engine uses: open, follow, add messages, answer buttons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.cases.contact import Contact
from bot.cases.errors import CaseError, InvalidContact
from bot.cases.gateway import CasesGateway
from bot.cases.models import Case, Consent
from bot.cases.queries import timeline
from bot.conversation.models import Conversation
from bot.core.actions import Actor
from tests.test_cases_flow import act, kb, rules  # noqa: F401

JOHAN = Actor("slack", "U0SJ0ALKO1")  # alkohol: convened on the case below


def conversation(session, now):
    row = Conversation(channel="telegram", user_id="900", address="chat-900", created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def test_gateway_opens_follows_and_answers(db, clock, rules, kb):
    gateway = CasesGateway(rules=rules, kb=kb)
    consent_at = clock.now() - timedelta(minutes=3)
    with db.writer() as session:
        conv = conversation(session, clock.now())
        opened = gateway.open_case(session, conversation=conv, words="Jag vill öppna en bar", topics=["bygglov"],
                                   roles=["bygg", "naringsliv", "alkohol"], contact=Contact(phone="0701234567"),
                                   consent_text="Ja tack", consent_at=consent_at, lang="sv", now=clock.now(),
                                   reason="multi_authority")
    assert opened.roles == ["bygg", "alkohol", "naringsliv"] and opened.number == "L-2026-0001"
    with db.session() as session:
        case = session.get(Case, opened.case_id)
        assert case.address == "chat-900" and case.trigger == {"kind": "multi_authority", "detail": ""}
        assert session.exec(select(Consent)).one().given_at == consent_at
        info = gateway.open_case_info(session, case_id=opened.case_id)
        assert info.status == "new" and info.contact_name is None
    assert act(db, rules, clock, JOHAN, "claim", opened.number).ok
    assert act(db, rules, clock, JOHAN, "propose_meeting", opened.number, text="2026-12-01 10:00").ok
    with db.writer() as session:
        conv = session.exec(select(Conversation)).one()
        [mine] = gateway.open_cases(session, channel="telegram", user_id="900")
        assert mine.contact_name == "Johan Wik"
        gateway.add_entrepreneur_message(session, case_id=opened.case_id, text="Tack!", now=clock.now())
        assert gateway.answer_choice(session, conversation=conv, choice="topic:bygglov", now=clock.now()) is None
        text = gateway.answer_choice(session, conversation=conv, choice=f"case:{opened.number}:meeting:accept",
                                     now=clock.now())
        assert "2026-12-01 10:00" in text
    with pytest.raises(CaseError), db.writer() as session:
        conv = session.exec(select(Conversation)).one()
        gateway.answer_choice(session, conversation=conv, choice=f"case:{opened.number}:meeting:accept",
                              now=clock.now())
    assert act(db, rules, clock, JOHAN, "close", opened.number, outcome="meeting_held").ok
    with db.session() as session:
        assert gateway.open_case_info(session, case_id=opened.case_id) is None
        assert [e.kind for e in timeline(session, case_id=opened.case_id)][-3:] == [
            "entrepreneur_message", "meeting_accepted", "closed"]


def test_gateway_refuses_unreachable_contact(db, clock, rules, kb):
    gateway = CasesGateway(rules=rules, kb=kb)
    with pytest.raises(InvalidContact), db.writer() as session:
        conv = conversation(session, clock.now())
        gateway.open_case(session, conversation=conv, words="hej", topics=[], roles=[], contact=Contact(name="Kim"),
                          consent_text="Ja", consent_at=clock.now(), lang="en", now=clock.now())
