"""Meetings from the navigators' desk, invitations (.ics), and erasure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from icalendar import Calendar
from sqlmodel import select

from bot.core.actions import Actor
from bot.core.clock import STOCKHOLM
from bot.meetings import service
from bot.meetings.admin import cancel_from_desk, form_values, parse_command, submit_meeting
from bot.meetings.ics import build_ics
from bot.meetings.models import Meeting, Signup, Subscription
from bot.meetings.validation import known_tags
from tests.knowledge_support import shipped_roles
from bot.outbox.models import OutboxItem

NAVIGATOR = Actor(channel="slack", user_id="U0NAV")
TAGS = known_tags(shipped_roles())


def allow(actor: Actor) -> bool:
    return actor == NAVIGATOR


def test_telegram_command_creates_a_meeting_with_the_navigator_as_organiser(db, clock):
    form = parse_command("titel=Frukostmöte; start=2026-12-03 07:30; slut=2026-12-03 09:00; plats=Hotellet; "
                         "taggar=frukost, naringsliv; platser=40")
    assert form["title_sv"] == "Frukostmöte" and form["capacity"] == "40"
    with db.session() as session:
        result = submit_meeting(session, actor=NAVIGATOR, form=form, clock=clock, known_tags=TAGS, authorize=allow)
    assert result.ok, result.message
    with db.session() as session:
        [meeting] = session.exec(select(Meeting)).all()
    assert meeting.starts_at == datetime(2026, 12, 3, 6, 30, tzinfo=timezone.utc)
    assert (meeting.organiser_channel, meeting.organiser_address) == ("slack", "U0NAV")
    assert meeting.capacity == 40 and meeting.tags == ["frukost", "naringsliv"]
    assert form_values(meeting)["start"] == "2026-12-03 07:30"


def test_desk_refusals_write_nothing(db, clock):
    bad_forms = [{"title_sv": "X", "start": "2026-12-03 10:00", "end": "2026-12-03 09:00", "place": "P"},
                 {"title_sv": "X", "start": "igår", "end": "2026-12-03 09:00", "place": "P"},
                 {"title_sv": "X", "start": "2026-12-03 08:00", "end": "2026-12-03 09:00", "place": "P", "capacity": "0"},
                 {"title_sv": "X", "start": "2026-12-03 08:00", "end": "2026-12-03 09:00", "place": "P", "hemligt": "1"}]
    with db.session() as session:
        for form in bad_forms:
            result = submit_meeting(session, actor=NAVIGATOR, form=form, clock=clock, known_tags=TAGS, authorize=allow)
            assert not result.ok and result.message
        stranger = submit_meeting(session, actor=Actor("slack", "U0X"), form=bad_forms[0], clock=clock,
                                  known_tags=TAGS, authorize=allow)
        assert not stranger.ok and "behörighet" in stranger.message
    with db.session() as session:
        assert session.exec(select(Meeting)).all() == []


def test_desk_edit_and_cancel(db, clock):
    form = {"title_sv": "Tema", "start": "2026-12-03 08:00", "end": "2026-12-03 09:00", "link": "https://m.example"}
    with db.session() as session:
        submit_meeting(session, actor=NAVIGATOR, form=form, clock=clock, known_tags=TAGS, authorize=allow)
    with db.session() as session:
        meeting_id = session.exec(select(Meeting)).one().id
        edited = submit_meeting(session, actor=NAVIGATOR, form={"place": "Sal B", "title_en": ""}, clock=clock,
                                known_tags=TAGS, authorize=allow, meeting_id=meeting_id)
        assert edited.ok
        assert cancel_from_desk(session, actor=NAVIGATOR, meeting_id=meeting_id, clock=clock, authorize=allow).ok
        again = cancel_from_desk(session, actor=NAVIGATOR, meeting_id=meeting_id, clock=clock, authorize=allow)
        assert not again.ok and "inställt" in again.message
    with db.session() as session:
        meeting = session.get(Meeting, meeting_id)
    assert meeting.place == "Sal B" and meeting.status == "cancelled" and meeting.sequence == 2


def test_ics_uid_is_stable_and_sequence_and_method_follow_changes(db, clock):
    with db.session() as session:
        meeting = service.create_meeting(session, actor="a", clock=clock, known_tags=TAGS, fields={
            "title_sv": "Dialog", "title_en": "Dialogue", "place": "Sal A", "kind": "tema",
            "starts_at": datetime(2027, 3, 29, 9, 0, tzinfo=STOCKHOLM), "ends_at": datetime(2027, 3, 29, 10, 0, tzinfo=STOCKHOLM)})
        first = Calendar.from_ical(build_ics(meeting, lang="en"))
        service.edit_meeting(session, meeting_id=meeting.id, changes={"place": "Sal B"}, actor="a", clock=clock, known_tags=TAGS)
        second = Calendar.from_ical(build_ics(meeting))
        service.cancel_meeting(session, meeting_id=meeting.id, actor="a", clock=clock)
        third = Calendar.from_ical(build_ics(meeting, method="CANCEL"))
    events = [cal.walk("VEVENT")[0] for cal in (first, second, third)]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert [str(c["METHOD"]) for c in (first, second, third)] == ["REQUEST", "REQUEST", "CANCEL"]
    assert str(events[0]["SUMMARY"]) == "Dialogue" and str(events[1]["SUMMARY"]) == "Dialog"
    start = events[0]["DTSTART"]
    assert start.params["TZID"] == "Europe/Stockholm" and start.dt.hour == 9
    assert start.dt.astimezone(timezone.utc).hour == 7  # CEST: the day after the spring change
    assert first.walk("VTIMEZONE")


def test_erasure_gives_up_the_place_and_forgets_the_person(db, clock):
    with db.session() as session:
        meeting = service.create_meeting(session, actor="a", clock=clock, known_tags=TAGS, fields={
            "title_sv": "Frukost", "place": "P", "kind": "frukost", "capacity": 1,
            "organiser_channel": "slack", "organiser_address": "U1",
            "starts_at": clock.now() + timedelta(days=10), "ends_at": clock.now() + timedelta(days=10, hours=1)})
        for user in ("a", "b"):
            service.sign_up(session, meeting_id=meeting.id, channel="telegram", address=f"c-{user}", user_id=user,
                            name=f"Name {user}", company=f"Firma {user}", clock=clock)
        service.subscribe(session, tags=["frukost"], channel="telegram", address="c-a", user_id="a", clock=clock,
                          known_tags=TAGS)
    with db.session() as session:
        assert service.erase_person(session, channel="telegram", user_id="a", clock=clock) == 1
    with db.session() as session:
        signups = {s.id: s for s in session.exec(select(Signup))}
        assert session.exec(select(Subscription)).all() == []
        rows = list(session.exec(select(OutboxItem)))
    erased = next(s for s in signups.values() if s.status == "cancelled")
    assert erased.name is None and erased.address == "" and not erased.user_id == "a"
    assert erased.company is None and erased.details_consent_at is None
    assert any(s.user_id == "b" and s.status == "confirmed" for s in signups.values())
    assert all(r.status == "skipped" for r in rows if r.address == "c-a")
    assert not any("Name a" in r.payload.get("text", "") or "Firma a" in r.payload.get("text", "") for r in rows)
    [digest] = [r for r in rows if r.dedupe_key.endswith(":organiser:remind:1d") and r.status == "pending"]
    assert "- Name b, Firma b" in digest.payload["text"]  # the one who moved up, by name
