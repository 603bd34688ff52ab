"""Meetings: validation, sign-ups with capacity and waiting list, changes, cancellations, and
the reminders and announcements they leave in the outbox."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.core.clock import STOCKHOLM
from bot.meetings import service
from bot.meetings.errors import MeetingError
from bot.meetings.models import Meeting, Signup, Subscription
from bot.meetings.validation import known_tags
from tests.knowledge_support import shipped_roles
from bot.outbox.models import OutboxItem

TAGS = known_tags(["serveringstillstand"], shipped_roles())


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM).astimezone(timezone.utc)


def fields(**overrides) -> dict:
    base = {"title_sv": "Upphandlingsdialog", "title_en": "Procurement dialogue", "kind": "upphandlingsdialog",
            "starts_at": local(2026, 12, 10, 8, 0), "ends_at": local(2026, 12, 10, 9, 30),
            "place": "Stadshuset, sal A", "tags": ["upphandling"], "capacity": 2,
            "organiser_channel": "slack", "organiser_address": "U1"}
    base.update(overrides)
    return base


def create(db, clock, **overrides) -> Meeting:
    with db.session() as session:
        return service.create_meeting(session, fields=fields(**overrides), actor="anna@sjovik.example",
                                      clock=clock, known_tags=TAGS)


def signup(db, clock, meeting_id, user, *, lang="sv", channel="telegram"):
    with db.session() as session:
        return service.sign_up(session, meeting_id=meeting_id, channel=channel, address=f"chat-{user}",
                               user_id=user, name=f"Person {user}", lang=lang, clock=clock)


def outbox(db, pattern="meeting:%") -> list[OutboxItem]:
    with db.session() as session:
        return list(session.exec(select(OutboxItem).where(OutboxItem.dedupe_key.like(pattern))
                                 .order_by(OutboxItem.id)))


def counts(db) -> tuple[int, int, int]:
    with db.session() as session:
        return (len(session.exec(select(Meeting)).all()), len(session.exec(select(Signup)).all()),
                len(session.exec(select(OutboxItem)).all()))


@pytest.mark.parametrize("overrides, code", [
    ({"starts_at": local(2026, 11, 1, 8, 0), "ends_at": local(2026, 11, 1, 9, 0)}, "past"),
    ({"ends_at": local(2026, 12, 10, 7, 0)}, "end_before_start"),
    ({"ends_at": local(2026, 12, 10, 8, 0)}, "end_before_start"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": -3}, "capacity"),
    ({"tags": ["upphandling", "kryptovalutor"]}, "unknown_tag"),
    ({"kind": "fest"}, "bad_kind"),
    ({"title_sv": " ", "title_en": ""}, "title_missing"),
    ({"place": None}, "place_missing"),
    ({"signup_deadline": local(2026, 12, 11, 8, 0)}, "deadline_after_start"),
    ({"reminders": ["7x"]}, "bad_reminder"),
    ({"starts_at": "2027-03-28 02:30", "ends_at": "2027-03-28 04:00"}, "bad_time"),
])
def test_bad_meetings_are_refused_and_nothing_is_written(db, clock, overrides, code):
    before = counts(db)
    with pytest.raises(MeetingError) as err:
        create(db, clock, **overrides)
    assert err.value.code == code
    assert err.value.message("sv") and err.value.message("en") != err.value.message("sv")
    assert counts(db) == before


def test_local_times_as_text_are_stockholm_time(db, clock):
    meeting = create(db, clock, starts_at="2026-12-03 08:00", ends_at="2026-12-03 09:00")
    assert meeting.starts_at == datetime(2026, 12, 3, 7, 0, tzinfo=timezone.utc)


def test_capacity_waiting_list_and_automatic_promotion(db, clock):
    meeting = create(db, clock)
    first, second = signup(db, clock, meeting.id, "a"), signup(db, clock, meeting.id, "b")
    third, fourth = signup(db, clock, meeting.id, "c", lang="en"), signup(db, clock, meeting.id, "d")
    assert [r.signup.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert (third.position, fourth.position) == (1, 2)
    assert len(outbox(db, "%signup:%.0:remind:%")) == 4  # 7d and 1d for the two confirmed
    with db.session() as session:
        service.cancel_signup(session, meeting_id=meeting.id, channel="telegram", user_id="a", clock=clock)
    with db.session() as session:
        statuses = {s.user_id: s.status for s in session.exec(select(Signup))}
    assert statuses == {"a": "cancelled", "b": "confirmed", "c": "confirmed", "d": "waitlisted"}
    promoted = outbox(db, f"meeting:{meeting.id}:%:signup:{third.signup.id}.0:promoted")
    assert len(promoted) == 1 and promoted[0].address == "chat-c"
    assert "A place became free" in promoted[0].payload["text"]  # in the person's language
    assert promoted[0].payload["attachment_name"].endswith(".ics")
    a_reminders = outbox(db, f"%:signup:{first.signup.id}.%:remind:%")
    assert {r.status for r in a_reminders} == {"skipped"}
    c_reminders = outbox(db, f"%:signup:{third.signup.id}.%:remind:%")
    assert len(c_reminders) == 2 and {r.status for r in c_reminders} == {"pending"}


def test_double_signup_deadline_cancelled_and_started_are_refused(db, clock):
    meeting = create(db, clock, signup_deadline=local(2026, 12, 1, 12, 0))
    signup(db, clock, meeting.id, "a")
    before = counts(db)
    with pytest.raises(MeetingError) as err:
        signup(db, clock, meeting.id, "a")
    assert err.value.code == "already_signed_up" and counts(db) == before
    clock.set(local(2026, 12, 1, 12, 0))
    with pytest.raises(MeetingError) as err:
        signup(db, clock, meeting.id, "b")
    assert err.value.code == "deadline_passed"
    other = create(db, clock, starts_at=local(2026, 12, 20, 8, 0), ends_at=local(2026, 12, 20, 9, 0))
    with db.session() as session:
        service.cancel_meeting(session, meeting_id=other.id, actor="anna", clock=clock)
    with pytest.raises(MeetingError) as err:
        signup(db, clock, other.id, "b")
    assert err.value.code == "cancelled"
    with pytest.raises(MeetingError) as err:
        signup(db, clock, 99999, "b")
    assert err.value.code == "not_found"


def test_signing_up_again_after_cancelling_gets_fresh_reminders(db, clock):
    meeting = create(db, clock)
    signup(db, clock, meeting.id, "a")
    with db.session() as session:
        service.cancel_signup(session, meeting_id=meeting.id, channel="telegram", user_id="a", clock=clock)
    again = signup(db, clock, meeting.id, "a")
    assert again.signup.status == "confirmed" and again.signup.revision == 1
    pending = [r for r in outbox(db, "%:remind:%") if r.status == "pending" and "signup" in r.dedupe_key]
    assert len(pending) == 2


def test_reminders_are_at_the_same_local_time_and_only_ahead(db, clock):
    meeting = create(db, clock)  # Thu 10 Dec 08:00; now is Mon 23 Nov
    signup(db, clock, meeting.id, "a")
    reminders = {r.dedupe_key.rsplit(":", 1)[1]: r for r in outbox(db, "%signup:%:remind:%")}
    assert reminders["7d"].due_at.astimezone(STOCKHOLM).replace(tzinfo=None) == datetime(2026, 12, 3, 8, 0)
    assert reminders["1d"].due_at.astimezone(STOCKHOLM).replace(tzinfo=None) == datetime(2026, 12, 9, 8, 0)
    assert all(r.expires_at == meeting.starts_at for r in reminders.values())
    clock.set(local(2026, 12, 5, 8, 0))  # a late sign-up gets only the 1-day reminder
    signup(db, clock, meeting.id, "b")
    assert len(outbox(db, "%signup:%.0:remind:%")) == 3


def test_organiser_reminder_lists_the_current_attendees(db, clock):
    meeting = create(db, clock)
    signup(db, clock, meeting.id, "a")
    signup(db, clock, meeting.id, "b")
    with db.session() as session:
        service.cancel_signup(session, meeting_id=meeting.id, channel="telegram", user_id="a", clock=clock)
    [row] = outbox(db, "%:organiser:remind:1d")
    assert row.channel == "slack" and row.address == "U1"
    assert row.due_at == local(2026, 12, 9, 8, 0)
    assert "- Person b\n" in row.payload["text"] + "\n" and "Person a" not in row.payload["text"]
    assert "telegram:" not in row.payload["text"]  # names, never channel:user_id


def test_organiser_digest_shows_name_and_company_and_never_an_id(db, clock):
    meeting = create(db, clock, capacity=None)
    with db.session() as session:
        for user, name, company in (("a", "Anna Svensson", "Pizzeria Roma"), ("b", "Bo Ek", None), ("c", None, None)):
            service.sign_up(session, meeting_id=meeting.id, channel="telegram", address=f"chat-{user}", user_id=user,
                            name=name, company=company, clock=clock)
    [row] = outbox(db, "%:organiser:remind:1d")
    lines = row.payload["text"].splitlines()
    assert lines[1:] == ["Anmälda (3):", "- Anna Svensson, Pizzeria Roma", "- Bo Ek",
                         "- (inget namn angivet, via telegram)"]


def test_editing_the_time_reschedules_and_announces(db, clock):
    meeting = create(db, clock)
    signup(db, clock, meeting.id, "a", lang="en")
    signup(db, clock, meeting.id, "b")
    signup(db, clock, meeting.id, "c")  # waiting list
    with db.session() as session:
        edited = service.edit_meeting(session, meeting_id=meeting.id, actor="anna", clock=clock, known_tags=TAGS,
                                      changes={"starts_at": local(2026, 12, 17, 9, 0), "ends_at": local(2026, 12, 17, 10, 0)})
    assert edited.sequence == 1
    rows = outbox(db)
    old = [r for r in rows if ":s0:" in r.dedupe_key and ":remind:" in r.dedupe_key]
    new = [r for r in rows if ":s1:" in r.dedupe_key and ":remind:" in r.dedupe_key]
    assert old and {r.status for r in old} == {"skipped"}
    assert len(new) == 5 and {r.status for r in new} == {"pending"}  # 2 + 2 + organiser
    assert {r.due_at for r in new if r.dedupe_key.endswith("signup:1.0:remind:1d")} == {local(2026, 12, 16, 9, 0)}
    changed = [r for r in rows if r.dedupe_key.endswith(":changed")]
    assert sorted(r.address for r in changed) == ["chat-a", "chat-b", "chat-c"]
    assert "changed" in next(r for r in changed if r.address == "chat-a").payload["text"]
    assert "attachment_b64" not in next(r for r in changed if r.address == "chat-c").payload


def test_capacity_cannot_drop_below_signed_up_but_raising_it_promotes(db, clock):
    meeting = create(db, clock, capacity=1)
    signup(db, clock, meeting.id, "a")
    signup(db, clock, meeting.id, "b")
    with pytest.raises(MeetingError) as err, db.session() as session:
        service.edit_meeting(session, meeting_id=meeting.id, changes={"capacity": 0}, actor="x", clock=clock, known_tags=TAGS)
    assert err.value.code == "capacity"
    with db.session() as session:
        service.edit_meeting(session, meeting_id=meeting.id, changes={"capacity": 2}, actor="x", clock=clock, known_tags=TAGS)
    with db.session() as session:
        assert {s.status for s in session.exec(select(Signup))} == {"confirmed"}


def test_cancelling_a_meeting_tells_everyone_and_skips_reminders(db, clock):
    meeting = create(db, clock, capacity=1)
    signup(db, clock, meeting.id, "a")
    signup(db, clock, meeting.id, "b")
    with db.session() as session:
        service.cancel_meeting(session, meeting_id=meeting.id, actor="anna", clock=clock, reason="Sjukdom")
    rows = outbox(db)
    assert {r.status for r in rows if ":remind:" in r.dedupe_key} == {"skipped"}
    cancelled = [r for r in rows if r.dedupe_key.endswith(":cancelled")]
    assert sorted(r.address for r in cancelled) == ["chat-a", "chat-b"]
    ics = next(r for r in cancelled if r.address == "chat-a").payload["attachment_b64"]
    import base64

    assert b"METHOD:CANCEL" in base64.b64decode(ics)
    with pytest.raises(MeetingError), db.session() as session:
        service.cancel_meeting(session, meeting_id=meeting.id, actor="anna", clock=clock)
    with db.session() as session:
        assert service.list_meetings(session, now=clock.now()) == []


def test_subscribers_hear_of_new_meetings_once(db, clock):
    with db.session() as session:
        added = service.subscribe(session, tags=["upphandling", "livsmedel"], channel="telegram", address="c1",
                                  user_id="u1", clock=clock, known_tags=TAGS, lang="en")
    assert added == ["upphandling", "livsmedel"]
    with pytest.raises(MeetingError), db.session() as session:
        service.subscribe(session, tags=["livsmedel", "okänt"], channel="telegram", address="c2",
                          user_id="u2", clock=clock, known_tags=TAGS)
    with db.session() as session:
        assert len(session.exec(select(Subscription)).all()) == 2
    meeting = create(db, clock, tags=["upphandling", "livsmedel"])
    [row] = outbox(db, f"meeting:{meeting.id}:announce:%")
    assert row.address == "c1" and "A new meeting" in row.payload["text"]
    assert row.payload["buttons"][0]["key"] == f"meeting:signup:{meeting.id}"


def test_case_meeting_offered_with_accept_and_decline(db, clock):
    with db.session() as session:
        meeting, invited = service.propose_case_meeting(
            session, case_id=7, fields={"starts_at": local(2026, 11, 26, 10, 0), "ends_at": local(2026, 11, 26, 11, 0),
                                        "link": "https://meet.example/abc"},
            channel="telegram", address="c9", user_id="u9", lang="sv", actor="anna", clock=clock)
    assert invited.status == "invited" and meeting.kind == "lotsmote" and meeting.case_id == 7
    [offer] = outbox(db, "%:invited")
    assert [b["key"] for b in offer.payload["buttons"]] == [f"meeting:accept:{meeting.id}", f"meeting:decline:{meeting.id}"]
    with db.session() as session:
        assert service.list_meetings(session, now=clock.now()) == []  # private
        with pytest.raises(MeetingError):
            service.sign_up(session, meeting_id=meeting.id, channel="telegram", address="x", user_id="other", clock=clock)
    with db.session() as session:
        accepted = service.respond_to_invitation(session, meeting_id=meeting.id, channel="telegram", user_id="u9",
                                                 accept=True, clock=clock)
    assert accepted.status == "confirmed"
    assert len([r for r in outbox(db, "%:remind:1d") if "signup" in r.dedupe_key]) == 1
