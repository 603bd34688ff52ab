"""Reminders and announcements end to end: service → outbox → dispatcher → channel port.
Downtime: still-useful reminders go out late and once; ones after the start are skipped."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot.core.clock import STOCKHOLM
from bot.core.ports import Delivery
from bot.meetings import service
from bot.meetings.validation import known_tags
from tests.knowledge_support import shipped_roles
from bot.outbox.dispatcher import OutboxDispatcher, message_handler
from bot.outbox.models import OutboxItem


class FakeChannel:
    def __init__(self, name):
        self.name = name
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return Delivery(ok=True, ref=str(len(self.sent)))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM).astimezone(timezone.utc)


def setup(db, clock, capacity=1):
    with db.session() as session:
        meeting = service.create_meeting(session, actor="anna", clock=clock, known_tags=known_tags(shipped_roles()), fields={
            "title_sv": "Näringslivsrådet", "title_en": "Business council", "kind": "naringslivsrad",
            "place": "Stadshuset", "starts_at": local(2026, 12, 10, 15, 0), "ends_at": local(2026, 12, 10, 17, 0),
            "capacity": capacity, "organiser_channel": "slack", "organiser_address": "U1"})
        for user, lang in (("a", "sv"), ("b", "en")):
            service.sign_up(session, meeting_id=meeting.id, channel="telegram", address=f"chat-{user}",
                            user_id=user, name=f"Person {user}", lang=lang, clock=clock)
    telegram, slack = FakeChannel("telegram"), FakeChannel("slack")
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": message_handler(
        {"telegram": telegram, "slack": slack})})
    return meeting, dispatcher, telegram, slack


def test_reminders_go_out_at_their_time_in_the_persons_language(db, clock):
    meeting, dispatcher, telegram, slack = setup(db, clock, capacity=2)
    dispatcher.drain()
    assert telegram.sent == []
    clock.set(local(2026, 12, 3, 15, 0))
    dispatcher.drain()
    assert sorted(m.address for m in telegram.sent) == ["chat-a", "chat-b"]
    by_address = {m.address: m for m in telegram.sent}
    assert by_address["chat-a"].text.startswith("Påminnelse") and by_address["chat-b"].text.startswith("Reminder")
    assert by_address["chat-a"].buttons[0].key == f"meeting:cancel:{meeting.id}"
    clock.set(local(2026, 12, 9, 15, 0))
    dispatcher.drain()
    assert len(telegram.sent) == 4
    [organiser] = slack.sent
    assert "Person a" in organiser.text and "Person b" in organiser.text and organiser.address == "U1"


def test_after_downtime_late_reminders_go_once_and_stale_ones_are_skipped(db, clock):
    _, dispatcher, telegram, slack = setup(db, clock, capacity=2)
    clock.set(local(2026, 12, 10, 14, 0))  # down through both reminder times; back an hour before the start
    first = dispatcher.drain()
    assert first.sent == 5 and dispatcher.drain().sent == 0
    assert sorted(m.address for m in telegram.sent) == ["chat-a", "chat-a", "chat-b", "chat-b"]
    assert len(slack.sent) == 1
    clock.set(local(2026, 12, 10, 15, 1))
    assert dispatcher.drain().sent == 0


def test_reminders_due_after_the_start_are_skipped(db, clock):
    _, dispatcher, telegram, slack = setup(db, clock, capacity=2)
    clock.set(local(2026, 12, 10, 15, 30))  # came back up after the meeting started
    result = dispatcher.drain()
    assert result.sent == 0 and result.skipped == 5 and telegram.sent == [] and slack.sent == []
    with db.session() as session:
        statuses = {r.status for r in session.exec(select(OutboxItem))}
    assert statuses == {"skipped"}


def test_promotion_sends_the_invitation_and_moved_meeting_is_reminded_at_the_new_time(db, clock):
    meeting, dispatcher, telegram, _ = setup(db, clock, capacity=1)
    with db.session() as session:
        service.cancel_signup(session, meeting_id=meeting.id, channel="telegram", user_id="a", clock=clock)
        service.edit_meeting(session, meeting_id=meeting.id, actor="anna", clock=clock, known_tags=known_tags(shipped_roles()),
                             changes={"starts_at": local(2026, 12, 11, 9, 0), "ends_at": local(2026, 12, 11, 10, 0)})
    dispatcher.drain()
    promoted, changed = telegram.sent
    assert promoted.address == changed.address == "chat-b"
    assert promoted.attachment_name.endswith(".ics") and b"SEQUENCE:0" in promoted.attachment
    assert b"SEQUENCE:1" in changed.attachment and b"DTSTART;TZID=Europe/Stockholm:20261211T090000" in changed.attachment
    clock.set(local(2026, 12, 3, 15, 0))  # the old 7-day time
    assert dispatcher.drain().sent == 0
    clock.set(local(2026, 12, 4, 9, 0))  # the new one
    assert dispatcher.drain().sent == 1 and telegram.sent[-1].text.startswith("Reminder")


def test_a_channel_this_process_lacks_is_retried_not_lost(db, clock):
    with db.session() as session:
        meeting = service.create_meeting(session, actor="anna", clock=clock, known_tags=known_tags(shipped_roles()), fields={
            "title_sv": "Tema", "kind": "tema", "link": "https://x.example", "starts_at": clock.now() + timedelta(days=3),
            "ends_at": clock.now() + timedelta(days=3, hours=1)})
        service.sign_up(session, meeting_id=meeting.id, channel="slack", address="D1", user_id="U9", clock=clock)
    dispatcher = OutboxDispatcher(db=db, clock=clock, handlers={"message": message_handler({})})
    clock.advance(days=2)
    assert dispatcher.run_once().retried == 1
    with db.session() as session:
        [row] = [r for r in session.exec(select(OutboxItem)) if r.attempts]
    assert row.status == "pending" and "no channel" in row.last_error
