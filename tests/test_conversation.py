"""The conversation engine end to end through the real core (build_lotsen), on SQLite and
PostgreSQL: answers, clarification follow-up, consent, cases, relays, refusals."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.app import build_lotsen
from bot.cases.models import Case, CaseEvent, Consent
from bot.config import load_settings
from bot.conversation.models import Conversation, Message
from bot.core.actions import Actor, NavigatorAction
from bot.core.clock import ManualClock
from bot.core.messages import Incoming
from bot.core.ports import Delivery
from bot.outbox.models import OutboxItem
from tests.knowledge_support import KNOWLEDGE, ROUTING

ALKO = Actor("slack", "U0SJ0ALKO1")  # Johan Wik, alkohol, in routing_rules.yaml


class RecordingDesk:
    name = "recording"

    def __init__(self):
        self.convened, self.posts, self.updates = [], [], []

    def convene(self, card):
        self.convened.append(card)
        return Delivery(ok=True, ref=f"C1:{card.number}")

    def post(self, *, case_ref, text, mentions=None):
        self.posts.append((case_ref, text))
        return Delivery(ok=True, ref=case_ref)

    def update(self, *, case_ref, card):
        self.updates.append(card.status)
        return Delivery(ok=True, ref=case_ref)


class RecordingChannel:
    name = "test"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return Delivery(ok=True, ref=str(len(self.sent)))


@pytest.fixture
def world(db_url):
    desk, channel = RecordingDesk(), RecordingChannel()
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))
    lotsen = build_lotsen(settings=load_settings(), database_url=db_url, knowledge_dir=KNOWLEDGE,
                          routing_file=ROUTING, channels={"test": channel},
                          desks={"slack": desk, "telegram": desk, "console": desk}, clock=clock)
    yield lotsen, desk, channel
    lotsen.close()


def say(lotsen, text, *, user="u1", choice=None):
    return lotsen.handle(Incoming(channel="test", user_id=user, text=text, choice=choice))


def test_question_answered_and_stored(world):
    lotsen, _, _ = world
    reply = say(lotsen, "Behöver jag bygglov för ett skärmtak?")
    assert reply.action == "answer" and reply.topic == "bygglov"
    with lotsen.db.session() as session:
        conversation = session.exec(select(Conversation)).one()
        messages = session.exec(select(Message).order_by(Message.id)).all()
    assert conversation.state == "idle" and conversation.lang == "sv"
    assert [(m.direction, m.action) for m in messages] == [("in", None), ("out", "answer")]


@pytest.mark.parametrize("follow_up", ["2", "den andra", "the second"])
def test_clarification_is_resolved_by_the_next_message(world, follow_up):
    lotsen, _, _ = world
    first = say(lotsen, "lov?")  # bygglov, rivningslov or skyltlov?
    assert first.action == "clarify" and len(first.alternatives) >= 2
    reply = say(lotsen, follow_up)
    assert reply.action == "answer" and reply.topic == first.alternatives[1]


def test_clarification_by_topic_word_and_by_button(world):
    lotsen, _, _ = world
    with lotsen.db.session() as session:
        say(lotsen, "hej")  # creates the conversation
        conversation = session.exec(select(Conversation)).one()
        conversation.state, conversation.pending = "clarifying", {"options": ["bygglov", "rivningslov"]}
        session.add(conversation)
    assert say(lotsen, "rivningslov").topic == "rivningslov"
    assert say(lotsen, "skyltar", choice="topic:skyltlov").topic == "skyltlov"


def test_a_new_question_instead_of_a_choice_is_answered(world):
    lotsen, _, _ = world
    with lotsen.db.session() as session:
        say(lotsen, "hej")
        conversation = session.exec(select(Conversation)).one()
        conversation.state, conversation.pending = "clarifying", {"options": ["bygglov", "rivningslov"]}
        session.add(conversation)
    reply = say(lotsen, "Hur registrerar jag min livsmedelsanläggning?")
    assert reply.topic == "livsmedelsregistrering"
    with lotsen.db.session() as session:
        assert session.exec(select(Conversation)).one().state == "idle"


def _open_case(lotsen, user="u1"):
    offer = say(lotsen, "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal", user=user)
    assert offer.action == "consent"
    assert {"alkohol", "livsmedel", "bygg", "naringsliv"} <= set(offer.roles)
    assert [b.key for b in offer.buttons] == ["consent:yes", "consent:no"]
    assert say(lotsen, "Ja", user=user, choice="consent:yes").action == "contact"
    return say(lotsen, "Anna Svensson, Pizzeria Roma, 070-123 45 67", user=user)


def test_full_case_flow_convene_claim_reply_close(world):
    lotsen, desk, channel = world
    opened = _open_case(lotsen)
    assert opened.action == "case_opened" and opened.case_number.startswith("L-2026-")
    assert opened.case_number in opened.text

    lotsen.dispatch_outbox()
    assert [card.number for card in desk.convened] == [opened.case_number]
    names = {m["name"] for m in desk.convened[0].members}
    assert {"Johan Wik", "Petra Lundqvist"} <= names  # alkohol and livsmedel members mentioned

    assert say(lotsen, "Vi vill öppna i mars.").action == "case_message"
    lotsen.dispatch_outbox()
    assert any("Vi vill öppna i mars." in text for _, text in desk.posts)

    claimed = lotsen.navigator_action(NavigatorAction(actor=ALKO, verb="claim", case_number=opened.case_number))
    assert claimed.ok
    note = lotsen.navigator_action(NavigatorAction(actor=ALKO, verb="note", case_number=opened.case_number,
                                                   text="Intern: kolla detaljplanen först"))
    reply = lotsen.navigator_action(NavigatorAction(actor=ALKO, verb="reply", case_number=opened.case_number,
                                                    text="Hej Anna, jag ringer i morgon."))
    assert note.ok and reply.ok
    lotsen.dispatch_outbox()
    relayed = [m.text for m in channel.sent]
    assert any("Johan Wik" in text for text in relayed)  # the named contact
    assert any("jag ringer i morgon" in text for text in relayed)
    assert not any("Intern" in text for text in relayed)  # one voice: notes never reach the entrepreneur

    closed = lotsen.navigator_action(NavigatorAction(actor=ALKO, verb="close", case_number=opened.case_number,
                                                     outcome="answered"))
    assert closed.ok and closed.card.status == "closed"
    with lotsen.db.session() as session:
        kinds = [e.kind for e in session.exec(select(CaseEvent).order_by(CaseEvent.id))]
    assert kinds[:2] == ["created", "consent"]
    assert {"convened", "claimed", "note", "reply", "closed"} <= set(kinds)
    # After closing, questions are answered by the knowledge base again.
    assert say(lotsen, "byglov?").topic == "bygglov"


def test_unauthorized_and_illegal_actions_are_refused_and_change_nothing(world):
    lotsen, _, _ = world
    opened = _open_case(lotsen)
    stranger = lotsen.navigator_action(NavigatorAction(actor=Actor("slack", "U0NOTAMEMBER"), verb="claim",
                                                       case_number=opened.case_number))
    assert not stranger.ok and "routing_rules.yaml" in stranger.message
    assert lotsen.navigator_action(NavigatorAction(actor=ALKO, verb="close", case_number=opened.case_number,
                                                   outcome="withdrawn")).ok
    again = lotsen.navigator_action(NavigatorAction(actor=ALKO, verb="claim", case_number=opened.case_number))
    assert not again.ok and "avslutat" in again.message
    with lotsen.db.session() as session:
        case = session.exec(select(Case)).one()
        refused = session.exec(select(CaseEvent).where(CaseEvent.kind == "refused")).all()
    assert case.status == "closed" and case.claimed_by_name is None
    assert len(refused) == 2


def test_consent_refused_stores_no_case_and_no_contact(world):
    lotsen, desk, _ = world
    say(lotsen, "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal")
    reply = say(lotsen, "nej tack")
    assert reply.action == "declined"
    lotsen.dispatch_outbox()
    with lotsen.db.session() as session:
        assert session.exec(select(Case)).all() == []
        assert session.exec(select(Consent)).all() == []
        assert session.exec(select(OutboxItem)).all() == []
        assert session.exec(select(Conversation)).one().pending == {}
    assert desk.convened == []


def test_contact_without_a_way_to_reach_is_asked_again(world):
    lotsen, _, _ = world
    say(lotsen, "kan jag prata med någon om min etablering?")
    say(lotsen, "ja")
    again = say(lotsen, "Anna från Pizzeria Roma")
    assert again.action == "contact" and "telefonnummer" in again.text
    with lotsen.db.session() as session:
        assert session.exec(select(Case)).all() == []
    assert say(lotsen, "anna@roma.example").action == "case_opened"


def test_a_contact_the_case_refuses_writes_nothing_and_uses_no_case_number(world):
    lotsen, desk, _ = world
    say(lotsen, "kan jag prata med någon om min etablering?")
    say(lotsen, "ja")
    refused = say(lotsen, "a@b.c")  # looks like an e-mail address to the parser, not to the case
    assert refused.action == "contact" and "E-postadressen" in refused.text
    with lotsen.db.session() as session:
        assert session.exec(select(Case)).all() == [] and session.exec(select(Consent)).all() == []
        assert session.exec(select(OutboxItem)).all() == [] and session.exec(select(CaseEvent)).all() == []
    opened = say(lotsen, "anna@roma.example")
    assert opened.action == "case_opened" and opened.case_number == "L-2026-0001"


def test_writing_lots_after_an_answer_offers_a_navigator_for_that_question(world):
    lotsen, _, _ = world
    say(lotsen, "Behöver jag bygglov för ett skärmtak?")
    offer = say(lotsen, "lots")
    assert offer.action == "consent" and "bygg" in offer.roles and "naringsliv" in offer.roles
    say(lotsen, "ja")
    say(lotsen, "070-111 22 33")
    with lotsen.db.session() as session:
        assert session.exec(select(Case)).one().words == "Behöver jag bygglov för ett skärmtak?"


def test_two_unanswered_turns_escalate(world):
    lotsen, _, _ = world
    assert say(lotsen, "Vad kostar fordonsskatten för min bil?").action == "out_of_scope"
    # The second is about a business but finds no answer: off-topic turns alone reach a person only
    # when they ask for one (bot/conversation/planner.py).
    # (A hairdresser asking this is now answered: health protection's article says what applies to
    # a salon. A business named by no activity still finds no answer.)
    second = say(lotsen, "Jag har ett litet företag, hur ska jag tänka kring det här med kommunen?")
    assert second.action == "consent" and second.roles == ["naringsliv"]
    assert "människa" in second.text


def test_my_cases_and_erasure(world):
    lotsen, _, _ = world
    opened = _open_case(lotsen)
    assert opened.case_number in lotsen.my_cases(channel="test", user_id="u1").text
    question = lotsen.erase(channel="test", user_id="u1")  # an open case would be closed: ask first
    assert opened.case_number in question.text and [b.key for b in question.buttons] == ["erase:confirm", "erase:keep"]
    report = say(lotsen, "Ja, radera", choice="erase:confirm")
    assert report.action == "erased" and "arkivlagen" in report.text
    with lotsen.db.session() as session:
        case = session.exec(select(Case)).one()
        assert case.contact_phone is None and case.contact_name is None
        assert session.exec(select(Message)).all() == []


def test_a_failure_inside_is_a_polite_reply_and_nothing_half_written(world, monkeypatch):
    lotsen, _, _ = world

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(lotsen.engine.responder, "respond", broken)
    reply = lotsen.handle(Incoming(channel="test", user_id="u9", text="bygglov?"))
    assert reply.action == "invalid" and "0520-49 70 00" in reply.text and "disk" not in reply.text
    with lotsen.db.session() as session:
        assert session.exec(select(Conversation)).all() == []


def test_navigators_create_and_cancel_meetings_through_the_service(world):
    lotsen, _, _ = world
    form = {"title_sv": "Upphandlingsdialog: städtjänster", "start": "2026-12-10 08:00", "end": "2026-12-10 09:30",
            "tags": "upphandling", "capacity": "30", "place": "Stadshuset"}
    refused = lotsen.submit_meeting(actor=Actor("slack", "U0NOTAMEMBER"), form=form)
    assert not refused.ok
    created = lotsen.submit_meeting(actor=ALKO, form=form)
    assert created.ok and "Upphandlingsdialog" in created.message
    listing = say(lotsen, "vilka möten finns?")
    assert listing.action == "meetings" and "städtjänster" in listing.text
    meeting_id = int(created.message.split("#", 1)[1].split()[0])
    bad = lotsen.submit_meeting(actor=ALKO, form={**form, "end": "2026-12-10 07:00"})
    assert not bad.ok  # end before start: refused, nothing written
    assert lotsen.cancel_meeting(actor=ALKO, meeting_id=meeting_id).ok
    assert "städtjänster" not in say(lotsen, "vilka möten finns?").text


@pytest.mark.parametrize("words, lang", [("Glöm mig!", "sv"), ("forget me", "en")])
def test_writing_forget_me_erases_as_the_privacy_notice_promises(world, words, lang):
    lotsen, _, _ = world
    opened = _open_case(lotsen)
    question = say(lotsen, words)
    assert question.lang == lang and opened.case_number in question.text and question.action == "consent"
    reply = say(lotsen, "ja" if lang == "sv" else "yes")
    assert reply.action == "erased" and reply.lang == lang
    with lotsen.db.session() as session:
        case = session.exec(select(Case)).one()
        assert case.number == opened.case_number and case.contact_name is None
        assert session.exec(select(Message)).all() == []


def test_my_cases_answers_in_the_language_the_person_writes(world):
    lotsen, _, _ = world
    say(lotsen, "Do I need a building permit for a shed?")
    assert lotsen.my_cases(channel="test", user_id="u1").text == "You have no open cases."
