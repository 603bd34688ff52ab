"""Erasure ("glöm mig"): personal data goes, what the law needs stays pseudonymised."""

from __future__ import annotations


from sqlmodel import select

from bot.cases.erasure import erase_person
from bot.cases.models import Case, Consent
from bot.cases.queries import open_cases_for, timeline
from bot.cases.service import add_entrepreneur_message
from bot.conversation.models import Conversation, Message
from bot.outbox.models import OutboxItem
from tests.test_cases_flow import PETRA, RESTAURANT, act, kb, open_case, rules, world  # noqa: F401


def test_erase_person_keeps_only_what_the_law_requires(db, clock, rules, kb, world):
    desk, channel, dispatcher = world
    open_id, open_number = open_case(db, rules, kb, clock)
    closed_id, closed_number = open_case(db, rules, kb, clock)
    other_id, _ = open_case(db, rules, kb, clock, user="someone-else")
    dispatcher.drain()
    assert act(db, rules, clock, PETRA, "claim", open_number).ok
    assert act(db, rules, clock, PETRA, "note", open_number, text="Intern anteckning").ok
    assert act(db, rules, clock, PETRA, "close", closed_number, outcome="answered").ok
    with db.writer() as session:
        add_entrepreneur_message(session, case_id=open_id, text="Mitt personnummer är 19800101-1234", clock=clock)
        conversation = Conversation(channel="telegram", user_id="4711", address="4711", state="case_open",
                                    pending={"draft": "Kim"}, case_id=open_id, created_at=clock.now(),
                                    updated_at=clock.now())
        session.add(conversation)
        session.flush()
        session.add(Message(conversation_id=conversation.id, direction="in", text="Hej, jag heter Kim",
                            created_at=clock.now()))
    assert act(db, rules, clock, PETRA, "reply", open_number, text="Hej Kim!").ok  # not yet sent
    clock.advance(hours=1)

    with db.writer() as session:
        report = erase_person(session, channel="telegram", user_id="4711", clock=clock)
    assert sorted(report.cases) == sorted([open_number, closed_number]) and report.closed == [open_number]
    assert report.messages_deleted == 1
    sv, en = report.text("sv"), report.text("en")
    assert "arkivlagen" in sv and "Archives Act" in en and open_number in sv
    assert "kontaktuppgifter" in sv and "contact details" in en and "samtycke" in sv

    with db.session() as session:
        for case_id in (open_id, closed_id):
            case = session.get(Case, case_id)
            assert case.words is None and case.user_id is None and case.address is None
            assert (case.contact_name, case.contact_company, case.contact_phone, case.contact_email) == (None,) * 4
            assert case.pseudonym.startswith("F-") and case.status == "closed"
            assert [t["id"] for t in case.topics] == ["serveringstillstand", "uteservering"], "kept"
        assert session.get(Case, open_id).outcome == "withdrawn" and session.get(Case, closed_id).outcome == "answered"
        events = timeline(session, case_id=open_id)
        message = next(e for e in events if e.kind == "entrepreneur_message")
        assert message.text is None and message.actor_id == session.get(Case, open_id).pseudonym
        assert next(e for e in events if e.kind == "note").text == "Intern anteckning", "navigators' actions kept"
        assert events[-1].kind == "erased"
        for consent in session.exec(select(Consent).where(Consent.case_id.in_([open_id, closed_id]))):
            assert consent.text is None and consent.user_id is None and consent.withdrawn_at == clock.now()
        other = session.get(Case, other_id)
        assert other.words == RESTAURANT and other.user_id == "someone-else", "others untouched"
        conversation = session.exec(select(Conversation).where(Conversation.user_id == "4711")).one()
        assert conversation.pending == {} and conversation.case_id is None and conversation.state == "idle"
        assert session.exec(select(Message)).all() == []
        unsent = session.exec(select(OutboxItem).where(OutboxItem.kind == "message",
                                                       OutboxItem.status == "skipped")).all()
        assert unsent and all(row.payload == {} and row.address == "" for row in unsent)
        assert open_cases_for(session, channel="telegram", user_id="4711") == []
        text_blob = " ".join(str(row.payload) for row in session.exec(select(OutboxItem)))
        assert "Kim" not in text_blob and "4711" not in text_blob

    sent_before = len(channel.sent)
    clock.advance(minutes=1)
    dispatcher.drain()
    assert len(channel.sent) == sent_before, "nothing more reaches the erased person"
    assert any("bad att bli glömd" in post["text"] for post in desk.posts)
    assert not any("19800101" in post["text"] for post in desk.posts[-3:])
    cards = [card for card in desk.updates if card.number == open_number]
    assert cards and "Kim" not in cards[-1].summary


def test_erasing_someone_unknown_reports_nothing(db, clock):
    with db.writer() as session:
        report = erase_person(session, channel="telegram", user_id="nobody", clock=clock)
    assert report.cases == [] and report.text("en") == "We had no personal data about you."


def test_erasure_before_convening_posts_no_personal_data(db, clock, rules, kb, world):
    desk, _, dispatcher = world
    _, number = open_case(db, rules, kb, clock)
    with db.writer() as session:
        erase_person(session, channel="telegram", user_id="4711", clock=clock)
    dispatcher.drain()
    [card] = desk.convened
    assert card.contact_name is None and "Kim" not in card.summary and RESTAURANT not in card.entrepreneur_words
    assert card.actions == [] and card.status == "closed"
