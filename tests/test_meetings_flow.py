"""The meetings flow as the conversation engine sees it: what it takes, what it leaves to the
knowledge matcher, sign-ups with an .ics attached, and refusals that write nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.conversation.flows import Turn
from bot.conversation import store
from bot.conversation.models import Conversation
from bot.core.clock import STOCKHOLM
from bot.core.messages import Incoming
from bot.meetings import service
from bot.meetings.flow import MeetingsFlow
from bot.meetings.models import Signup, Subscription
from bot.meetings.validation import known_tags
from tests.knowledge_support import shipped_roles

TAGS = known_tags(shipped_roles())


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM).astimezone(timezone.utc)


@pytest.fixture
def meetings(db, clock):
    made = []
    with db.session() as session:
        for day, title, tags, capacity in ((10, "Upphandlingsdialog", ["upphandling"], 1),
                                           (3, "Företagsfrukost", ["frukost"], None)):
            made.append(service.create_meeting(session, actor="anna", clock=clock, known_tags=TAGS, fields={
                "title_sv": title, "title_en": title + " (en)", "kind": "frukost", "place": "Stadshuset",
                "starts_at": local(2026, 12, day, 8, 0), "ends_at": local(2026, 12, day, 9, 0),
                "tags": tags, "capacity": capacity}))
    return {m.title_sv: m for m in made}


class Chat:
    def __init__(self, db, clock, user="u1", channel="telegram"):
        self.db, self.clock, self.user, self.channel = db, clock, user, channel
        self.flow = MeetingsFlow(known_tags=TAGS)
        with db.unit() as unit:
            self.conversation_id = store.load_or_create(unit.connection, channel=channel, user_id=user,
                                                        address=f"chat-{user}", now=clock.now()).id

    def say(self, text="", *, choice=None, lang="sv"):
        with self.db.unit() as unit:
            conv = store.load_or_create(unit.connection, channel=self.channel, user_id=self.user,
                                        address=f"chat-{self.user}", now=self.clock.now())
            turn = Turn(incoming=Incoming(channel=self.channel, user_id=self.user, text=text, choice=choice,
                                          chat_id=f"chat-{self.user}"), text=text, lang=lang, now=self.clock.now())
            reply = self.flow.handle(unit, conversation=conv, turn=turn)
            store.save(unit.connection, record=conv)
            return reply

    def sign_up(self, text="", *, choice=None, lang="sv", details="Anna Svensson, Pizzeria Roma"):
        """Ask to sign up, then answer the question for name and company."""
        asked = self.say(text, choice=choice, lang=lang)
        if not self.details_asked():
            return asked  # refused before the question
        return self.say(details, lang=lang)

    def pending(self) -> dict:
        with self.db.session() as session:
            return session.get(Conversation, self.conversation_id).pending or {}

    def details_asked(self) -> dict | None:
        """The sign-up question waiting in the meetings flow's own section, if any."""
        return (self.pending().get("meetings") or {}).get("signup")


@pytest.mark.parametrize("text, lang", [
    ("Vilka möten finns?", "sv"), ("kommande möten", "sv"), ("träffar", "sv"), ("Upcoming meetings", "en"),
    ("events", "en"), ("Finns det några träffar för företagare?", "sv"),
])
def test_listing_phrases_list_the_next_meetings_soonest_first(db, clock, meetings, text, lang):
    reply = Chat(db, clock).say(text, lang=lang)
    assert reply is not None and reply.action == "meetings"
    assert reply.text.index("Företagsfrukost") < reply.text.index("Upphandlingsdialog")
    assert [b.key for b in reply.buttons] == [f"meeting:signup:{meetings['Företagsfrukost'].id}",
                                              f"meeting:signup:{meetings['Upphandlingsdialog'].id}"]


@pytest.mark.parametrize("text", ["Hur söker jag bygglov?", "Jag vill ha ett möte med en handläggare",
                                  "När träffar jag miljöinspektören om min restaurang?", "hej"])
def test_other_messages_are_left_to_the_matcher(db, clock, meetings, text):
    assert Chat(db, clock).say(text) is None


def test_a_tag_narrows_the_list(db, clock, meetings):
    reply = Chat(db, clock).say("möten om upphandling")
    assert "Upphandlingsdialog" in reply.text and "Företagsfrukost" not in reply.text


def test_sign_up_by_number_after_a_listing_attaches_an_invitation(db, clock, meetings):
    chat = Chat(db, clock)
    chat.say("vilka möten finns?")
    reply = chat.sign_up("anmäl mig till 2")
    assert reply.action == "meetings" and "anmäld" in reply.text
    [ics] = reply.attachments
    assert ics.name.endswith(".ics") and b"Upphandlingsdialog" in ics.content
    assert b"DTSTART;TZID=Europe/Stockholm:20261210T080000" in ics.content
    again = chat.say("anmäl mig till 2")
    assert "redan anmäld" in again.text
    assert "inget möte nummer 7" in chat.say("anmäl mig till 7").text


def test_full_meeting_waitlist_and_cancel_button(db, clock, meetings):
    dialog = meetings["Upphandlingsdialog"]
    Chat(db, clock, user="first").sign_up(choice=f"meeting:signup:{dialog.id}")
    second = Chat(db, clock, user="second")
    reply = second.sign_up(choice=f"meeting:signup:{dialog.id}", lang="en", details="Bo Ek")
    assert "waiting list" in reply.text and reply.attachments == []
    reply = Chat(db, clock, user="first").say(choice=f"meeting:cancel:{dialog.id}")
    assert "avanmäld" in reply.text
    with db.session() as session:
        status = {s.user_id: s.status for s in session.exec(select(Signup))}
    assert status == {"first": "cancelled", "second": "confirmed"}


def test_refusals_are_polite_and_write_nothing(db, clock, meetings):
    chat = Chat(db, clock)
    clock.set(local(2026, 12, 5, 8, 0))  # the breakfast (3 Dec) is over
    reply = chat.say(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}")
    assert reply.action == "meetings" and "börjat" in reply.text
    assert "finns inte" in chat.say(choice="meeting:signup:4242").text
    assert "Okänt ämne" in chat.say(choice="meeting:subscribe:kryptovalutor").text
    with db.session() as session:
        assert session.exec(select(Signup)).all() == [] and session.exec(select(Subscription)).all() == []


def test_follow_a_topic_and_see_my_meetings(db, clock, meetings):
    chat = Chat(db, clock)
    assert "upphandling" in chat.say("bevaka upphandling").text
    with db.session() as session:
        assert [s.tag for s in session.exec(select(Subscription))] == ["upphandling"]
    chat.sign_up(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}")
    mine = chat.say("mina möten")
    assert "Företagsfrukost" in mine.text and mine.buttons[0].key.startswith("meeting:cancel:")


def test_case_meeting_accept_and_decline(db, clock):
    answers = []
    with db.session() as session:
        meeting, _ = service.propose_case_meeting(
            session, case_id=3, channel="telegram", address="chat-u1", user_id="u1", lang="sv", actor="anna",
            clock=clock, fields={"starts_at": clock.now() + timedelta(days=2),
                                 "ends_at": clock.now() + timedelta(days=2, hours=1), "place": "Stadshuset"})
    chat = Chat(db, clock)
    chat.flow.on_invitation_answer = lambda session, m, s, accept: answers.append((m.case_id, accept))
    reply = chat.say(choice=f"meeting:decline:{meeting.id}")
    assert "inte passar" in reply.text
    reply = chat.say(choice=f"meeting:accept:{meeting.id}")
    assert reply.attachments and answers == [(3, False), (3, True)]
    other = Chat(db, clock, user="intruder")
    assert "ingen inbjudan" in other.say(choice=f"meeting:accept:{meeting.id}").text


def test_listing_keeps_other_pending_state(db, clock, meetings):
    chat = Chat(db, clock)
    with db.session() as session:
        conv = session.get(Conversation, chat.conversation_id)
        conv.pending = {"options": ["a"]}
        session.add(conv)
    chat.say("upcoming meetings", lang="en")
    with db.session() as session:
        pending = session.get(Conversation, chat.conversation_id).pending
    assert pending["clarify"] == {"options": ["a"]} and len(pending["meetings"]["listed"]) == 2


def _signups(db):
    with db.session() as session:
        return [(s.user_id, s.status, s.name, s.company, s.details_consent_at is not None)
                for s in session.exec(select(Signup).order_by(Signup.id))]


def test_sign_up_asks_name_and_company_with_what_they_are_for_first(db, clock, meetings):
    chat = Chat(db, clock)
    breakfast = meetings["Företagsfrukost"]
    asked = chat.say(choice=f"meeting:signup:{breakfast.id}")
    assert "Du anmäler dig till Företagsfrukost" in asked.text
    assert "Arrangören behöver veta vilka som kommer" in asked.text and "glöm mig" in asked.text
    assert "avbryt" in asked.text and asked.attachments == [] and asked.buttons == []
    assert _signups(db) == []  # no place is taken before the details are given
    assert chat.details_asked() == {"meeting": breakfast.id, "lang": "sv"}
    done = chat.say("Anna Svensson, Pizzeria Roma, 070-123 45 67")
    assert "Du är anmäld till Företagsfrukost" in done.text and done.attachments
    # Only name and company are kept (not the phone number), with the time of consent.
    assert _signups(db) == [("u1", "confirmed", "Anna Svensson", "Pizzeria Roma", True)]
    assert chat.details_asked() is None


def test_the_details_given_last_time_are_offered_again(db, clock, meetings):
    chat = Chat(db, clock)
    chat.sign_up(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}", details="Anna Svensson")
    asked = chat.say(choice=f"meeting:signup:{meetings['Upphandlingsdialog'].id}", lang="en")
    assert "Shall I sign you up as Anna Svensson?" in asked.text
    assert [(b.key, b.label) for b in asked.buttons] == [
        (f"meeting:as_before:{meetings['Upphandlingsdialog'].id}", "Yes, as Anna Svensson")]
    assert "signed up" in chat.say(choice=asked.buttons[0].key, lang="en").text
    assert [s[2] for s in _signups(db)] == ["Anna Svensson", "Anna Svensson"]
    assert chat.details_asked() is None  # answered by the button: the next message is a new one


@pytest.mark.parametrize("answer", ["Pizzeria Roma", "070-123 45 67"])
def test_an_answer_without_a_name_is_asked_again(db, clock, meetings, answer):
    chat = Chat(db, clock)
    chat.say(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}")
    again = chat.say(answer)
    assert "Jag behöver ditt namn" in again.text and _signups(db) == []
    assert "anmäld" in chat.say("Anna Svensson").text


@pytest.mark.parametrize("answer", ["Hur söker jag bygglov?", "Jag vill öppna en restaurang", "vilka möten finns?"])
def test_a_new_question_leaves_the_sign_up_undone(db, clock, meetings, answer):
    chat = Chat(db, clock)
    chat.say(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}")
    reply = chat.say(answer)
    assert reply is None or "Kommande möten" in reply.text
    assert _signups(db) == [] and chat.details_asked() is None


def test_no_means_not_signed_up(db, clock, meetings):
    chat = Chat(db, clock)
    chat.say(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}")
    assert "inte anmält dig" in chat.say("nej").text
    assert _signups(db) == [] and chat.details_asked() is None


def test_a_refusal_comes_before_the_question(db, clock, meetings):
    chat = Chat(db, clock)
    chat.sign_up(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}")
    again = chat.say(choice=f"meeting:signup:{meetings['Företagsfrukost'].id}")
    assert "redan anmäld" in again.text and chat.details_asked() is None
