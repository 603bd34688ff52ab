"""Each flow keeps its own state under its own name: an escalation draft survives an erasure
question and a meetings question passing through, and a conversation stored in the old flat
shape (before sections) continues where it was."""

from __future__ import annotations

from sqlmodel import select

from bot.cases.models import Case
from bot.conversation import erasure_guard, flowstate
from bot.conversation.models import Conversation
from tests.test_conversation import say, world  # noqa: F401 (world: a fixture)

QUESTION = "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal"
CONTACT = "Anna Svensson, Pizzeria Roma, 070-123 45 67"


def _record(lotsen) -> Conversation:
    with lotsen.db.session() as session:
        return session.exec(select(Conversation)).one()


def _case(lotsen) -> Case:
    with lotsen.db.session() as session:
        return session.exec(select(Case)).one()


def _finish_and_check(lotsen, draft: dict) -> None:
    """Consent, contact: the case is opened with the draft made before the detour."""
    assert say(lotsen, "ja").action == "contact"
    opened = say(lotsen, CONTACT)
    assert opened.action == "case_opened"
    case = _case(lotsen)
    assert case.words == draft["words"] == QUESTION
    assert sorted(opened.roles) == sorted(draft["roles"])


def test_an_escalation_draft_survives_an_erasure_question_answered_no(world):
    lotsen, _, _ = world
    assert say(lotsen, QUESTION).action == "consent"
    draft = _record(lotsen).pending["escalation"]
    # What Lotsen.erase does when an open case would be closed: the question waits beside the draft.
    asked = erasure_guard.ask(lotsen.db, channel="test", user_id="u1", numbers=["L-2026-0001"], lang="sv",
                              now=lotsen.clock.now())
    assert [b.key for b in asked.buttons] == [erasure_guard.CONFIRM, erasure_guard.KEEP]
    assert set(_record(lotsen).pending) == {"escalation", "erasure"}
    assert say(lotsen, "nej").action == "declined"  # keep everything
    record = _record(lotsen)
    assert record.state == "consenting" and record.pending == {"escalation": draft}
    _finish_and_check(lotsen, draft)


def test_an_escalation_draft_survives_a_meetings_question(world):
    lotsen, _, _ = world
    assert say(lotsen, QUESTION).action == "consent"
    draft = _record(lotsen).pending["escalation"]
    assert say(lotsen, "Vilka möten finns?").action == "meetings"
    record = _record(lotsen)
    assert record.state == "consenting" and record.pending["escalation"] == draft
    assert "meetings" in record.pending  # its own section, beside the draft
    _finish_and_check(lotsen, draft)
    assert "escalation" not in _record(lotsen).pending  # gone with the consenting state, once used


def _store_old_shape(lotsen, *, state: str, pending: dict) -> None:
    say(lotsen, "hej")  # creates the conversation
    with lotsen.db.session() as session:
        conversation = session.exec(select(Conversation)).one()
        conversation.state, conversation.pending = state, pending
        session.add(conversation)


def test_a_row_stored_mid_consent_in_the_old_shape_continues(world):
    lotsen, _, _ = world
    old = {"words": QUESTION, "topics": ["serveringstillstand"], "roles": ["alkohol", "naringsliv"],
           "lang": "sv", "reason": None}
    _store_old_shape(lotsen, state="consenting", pending=old)
    assert say(lotsen, "ja").action == "contact"
    record = _record(lotsen)
    assert record.state == "collecting" and record.pending["escalation"]["words"] == QUESTION
    assert record.pending["escalation"]["consent_at"] is not None and "words" not in record.pending
    opened = say(lotsen, CONTACT)
    assert opened.action == "case_opened" and opened.topics == ["serveringstillstand"]
    assert _case(lotsen).words == QUESTION and set(opened.roles) == {"alkohol", "naringsliv"}


def test_a_row_stored_mid_contact_in_the_old_shape_opens_the_case_with_its_consent_time(world):
    lotsen, _, _ = world
    given = "2026-11-23T08:30:00+00:00"
    _store_old_shape(lotsen, state="collecting", pending={
        "words": QUESTION, "topics": ["serveringstillstand"], "roles": ["alkohol", "naringsliv"], "lang": "en",
        "reason": None, "consent_at": given, "meetings_listed": [4, 5]})
    opened = say(lotsen, CONTACT)
    assert opened.action == "case_opened" and opened.lang == "en"  # the draft's language
    assert _case(lotsen).words == QUESTION
    assert _record(lotsen).pending == {"meetings": {"listed": [4, 5]}}  # the other flow's state stays


def test_upgrade_maps_every_old_key_to_its_flow():
    old = {"words": "w", "topics": ["t"], "roles": ["r"], "lang": "en", "reason": "dispute", "consent_at": "x",
           "options": ["a", "b"], "erasure_asked": {"cases": ["L-1"], "lang": "sv"},
           "meetings_listed": [1], "meetings_query": {"offset": 0}, "meetings_signup": {"meeting": 1, "lang": "sv"}}
    assert flowstate.upgrade(old) == {
        "escalation": {"words": "w", "topics": ["t"], "roles": ["r"], "lang": "en", "reason": "dispute",
                       "consent_at": "x"},
        "clarify": {"options": ["a", "b"]},
        "erasure": {"cases": ["L-1"], "lang": "sv"},
        "meetings": {"listed": [1], "query": {"offset": 0}, "signup": {"meeting": 1, "lang": "sv"}}}
    new = {"clarify": {"options": ["a"]}}
    assert flowstate.upgrade(new) is new and flowstate.upgrade(None) == {}
