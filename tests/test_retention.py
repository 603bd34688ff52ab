"""Retention: question-only conversations go after the policy's months, cases follow the records
policy (kept by default), sign-ups lose the person after their meeting, and only counts are
logged. On SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from bot.cases.models import Case, CaseEvent, Consent
from bot.conversation.models import Conversation, Message
from bot.core.actions import Actor
from bot.core.clock import ManualClock
from bot.meetings import service as meetings
from bot.meetings.models import Signup
from bot.outbox.models import OutboxItem
from bot.retention.policy import RetentionPolicy, months_before, parse_policy
from bot.retention.sweep import Retention, sweep_retention
from tests.test_cases_flow import act, kb, open_case, rules  # noqa: F401
from tests.test_meetings_service import TAGS, fields

PETRA = Actor("slack", "U0SJ0LIVS1")
T0 = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)
SECRET_WORDS = "min hemliga affärsidé på Storgatan 5"


def _conversation(db, *, user: str, at: datetime, channel: str = "telegram") -> int:
    with db.engine.begin() as connection:
        cid = connection.execute(
            Conversation.__table__.insert().values(channel=channel, user_id=user, address=f"chat-{user}", lang="sv",
                                                   state="idle", pending={}, unanswered_streak=0, created_at=at,
                                                   updated_at=at).returning(Conversation.__table__.c.id)).scalar()
        connection.execute(Message.__table__.insert(), [
            {"conversation_id": cid, "direction": "in", "text": SECRET_WORDS, "created_at": at},
            {"conversation_id": cid, "direction": "out", "text": "Svar.", "created_at": at}])
    return cid


def _users(db) -> set[str]:
    with db.session() as session:
        return set(session.exec(select(Conversation.user_id)).scalars())


def _count(db, model) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).scalar()


def test_question_only_conversations_go_after_twelve_months_and_nothing_else(db, rules, kb, caplog):
    clock = ManualClock(T0)
    _conversation(db, user="asked-once", at=T0)
    _conversation(db, user="asked-later", at=T0 + timedelta(days=200))
    _conversation(db, user="4711", at=T0)  # has a case
    open_case(db, rules, kb, clock, user="4711")
    _conversation(db, user="subscriber", at=T0)
    _conversation(db, user="attendee", at=T0)
    with db.session() as session:
        meeting = meetings.create_meeting(session, fields=fields(
            starts_at=T0 + timedelta(days=400), ends_at=T0 + timedelta(days=400, hours=2)),
            actor="anna@sjovik.example", clock=clock, known_tags=TAGS)
        meetings.sign_up(session, meeting_id=meeting.id, channel="telegram", address="chat-attendee",
                         user_id="attendee", name="Alva Attendee", clock=clock)
        meetings.subscribe(session, tags=["upphandling"], channel="telegram", address="chat-subscriber",
                           user_id="subscriber", clock=clock, known_tags=TAGS)
    policy = RetentionPolicy()  # the defaults: 12 months, cases kept
    everyone = {"asked-once", "asked-later", "4711", "subscriber", "attendee"}

    clock.set(datetime(2027, 11, 22, 7, 0, tzinfo=timezone.utc))  # a day short of twelve months
    assert sweep_retention(db, policy=policy, clock=clock).total == 0
    assert _users(db) == everyone

    clock.set(datetime(2027, 11, 24, 7, 0, tzinfo=timezone.utc))
    with caplog.at_level(logging.DEBUG, logger="bot"):
        report = sweep_retention(db, policy=policy, clock=clock)
    assert (report.conversations, report.messages, report.cases_anonymised, report.cases_deleted) == (1, 2, 0, 0)
    assert _users(db) == everyone - {"asked-once"}
    assert _count(db, Message) == 8
    with db.session() as session:
        case = session.exec(select(Case)).scalars().one()
        assert case.user_id == "4711" and case.words and case.contact_name == "Kim Karlsson"
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot.retention"))
    assert "conversations=1" in logged and "messages=2" in logged
    for personal in ("asked-once", "chat-asked", SECRET_WORDS, "Kim", "4711"):
        assert personal not in logged
    assert sweep_retention(db, policy=policy, clock=clock).total == 0  # nothing twice


def test_sign_ups_lose_the_person_after_the_meeting_and_then_the_conversation_goes(db):
    clock = ManualClock(T0)
    _conversation(db, user="attendee", at=T0)
    with db.session() as session:
        meeting = meetings.create_meeting(session, fields=fields(), actor="anna@sjovik.example", clock=clock,
                                          known_tags=TAGS)  # 10 December 2026
        meetings.sign_up(session, meeting_id=meeting.id, channel="telegram", address="chat-attendee",
                         user_id="attendee", name="Alva Attendee", company="Alvas Kafé AB", clock=clock)
    with db.engine.begin() as connection:  # the reminders went out (the dispatcher is not under test here)
        assert connection.execute(text("UPDATE outbox SET status = 'sent' WHERE kind = 'message'")).rowcount >= 1
    clock.set(datetime(2027, 12, 1, tzinfo=timezone.utc))  # over a year after the last message, not the meeting
    early = sweep_retention(db, policy=RetentionPolicy(), clock=clock)
    assert (early.signups, early.conversations) == (0, 0)
    assert early.outbox >= 1  # the messages sent over a year ago: text and address gone
    assert _users(db) == {"attendee"}
    clock.set(datetime(2027, 12, 11, tzinfo=timezone.utc))
    report = sweep_retention(db, policy=RetentionPolicy(), clock=clock)
    assert (report.signups, report.conversations) == (1, 1)
    with db.session() as session:
        signup = session.exec(select(Signup)).scalars().one()
        assert (signup.name, signup.company, signup.address, signup.user_id) == (None, None, "", f"erased-{signup.id}")
        assert signup.status == "confirmed"  # the meeting's attendance figures stay right
        for item in session.exec(select(OutboxItem).where(OutboxItem.kind == "message")).scalars():
            assert item.status not in ("sent", "failed", "skipped") or (item.payload, item.address) == ({}, "")
    assert _users(db) == set()


def _closed_case(db, rules, kb, clock, user: str) -> int:
    case_id, number = open_case(db, rules, kb, clock, user=user, text=SECRET_WORDS)
    assert act(db, rules, clock, PETRA, "note", number, text="Ring Kim om Storgatan 5").ok
    assert act(db, rules, clock, PETRA, "close", number, outcome="answered").ok
    with db.engine.begin() as connection:  # nothing of the case still on its way
        connection.execute(text("UPDATE outbox SET status = 'sent'"))
    return case_id


def test_closed_cases_are_anonymised_after_the_records_policy_and_open_ones_never(db, rules, kb):
    clock = ManualClock(T0)
    _conversation(db, user="closed-person", at=T0)
    closed = _closed_case(db, rules, kb, clock, "closed-person")
    still_open, _ = open_case(db, rules, kb, clock, user="open-person")
    policy, problems = parse_policy({"retention": {"closed_cases": "anonymise", "closed_case_months": 24}})
    assert problems == [] and policy.question_months == 12

    clock.set(datetime(2028, 11, 22, 7, 0, tzinfo=timezone.utc))  # a day short of 24 months
    assert sweep_retention(db, policy=policy, clock=clock).cases_anonymised == 0
    clock.set(datetime(2028, 11, 24, 7, 0, tzinfo=timezone.utc))
    report = sweep_retention(db, policy=policy, clock=clock)
    assert report.cases_anonymised == 1
    assert report.conversations == 1  # the case no longer ties the person's old questions
    with db.session() as session:
        case = session.get(Case, closed)
        assert (case.words, case.contact_name, case.contact_phone, case.user_id, case.address) == (None,) * 5
        assert case.number.startswith("L-") and case.topics and case.roles and case.status == "closed"
        events = session.exec(select(CaseEvent).where(CaseEvent.case_id == closed)).scalars().all()
        assert all(event.text is None for event in events)
        assert [e.kind for e in events].count("anonymised") == 1 and "closed" in [e.kind for e in events]
        consent = session.exec(select(Consent).where(Consent.case_id == closed)).scalars().one()
        assert (consent.text, consent.user_id) == (None, None)
        kept = session.get(Case, still_open)
        assert kept.user_id == "open-person" and kept.contact_name == "Kim Karlsson"
    assert sweep_retention(db, policy=policy, clock=clock).cases_anonymised == 0  # once


def test_closed_cases_deleted_when_the_policy_says_so(db, rules, kb):
    clock = ManualClock(T0)
    closed = _closed_case(db, rules, kb, clock, "closed-person")
    still_open, _ = open_case(db, rules, kb, clock, user="open-person")
    policy = RetentionPolicy(closed_cases="delete", closed_case_months=6)
    clock.set(datetime(2027, 6, 1, tzinfo=timezone.utc))
    assert sweep_retention(db, policy=policy, clock=clock).cases_deleted == 1
    with db.session() as session:
        assert session.get(Case, closed) is None and session.get(Case, still_open) is not None
        assert session.exec(select(CaseEvent).where(CaseEvent.case_id == closed)).first() is None
        assert session.exec(select(Consent).where(Consent.case_id == closed)).first() is None
        assert session.exec(select(OutboxItem).where(OutboxItem.case_id == closed)).first() is None


def test_a_case_with_a_message_still_on_its_way_waits(db, rules, kb):
    clock = ManualClock(T0)
    closed = _closed_case(db, rules, kb, clock, "closed-person")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE outbox SET status = 'sending' WHERE case_id = :c"), {"c": closed})
    policy = RetentionPolicy(closed_cases="delete", closed_case_months=1)
    clock.set(datetime(2027, 6, 1, tzinfo=timezone.utc))
    assert sweep_retention(db, policy=policy, clock=clock).cases_deleted == 0
    with db.session() as session:
        assert session.get(Case, closed) is not None


def test_old_survey_links_and_transcripts_go_and_the_answers_stay(db):
    from bot.insight.models import Answer, Survey
    from bot.shared.models import TranscriptEntry

    clock = ManualClock(T0)
    with db.session() as session:
        for n, at in enumerate((T0, T0, T0 + timedelta(days=300))):
            session.add(Survey(case_id=n + 1, case_number=f"L-2026-000{n + 1}", channel="telegram", user_id=f"p{n}",
                               address=f"chat-p{n}", state="done", area="bygg", created_at=at, updated_at=at))
            session.add(TranscriptEntry(channel="web", person=f"s{n}", kind="in", text=SECRET_WORDS, created_at=at))
        session.add(Answer(kind="survey", survey_id=1, area="bygg", question="nki_overall", score=5, answered_at=T0))
        session.commit()
    clock.set(T0 + timedelta(days=400))
    report = sweep_retention(db, policy=RetentionPolicy(), clock=clock, batch=1)
    assert (report.surveys, report.transcript_lines) == (2, 2)
    with db.session() as session:
        assert [s.user_id for s in session.exec(select(Survey)).scalars()] == ["p2"]
        assert [t.person for t in session.exec(select(TranscriptEntry)).scalars()] == ["s2"]
    assert _count(db, Answer) == 1  # the figures keep their answers, linked to nobody


def test_many_conversations_go_in_batches(db):
    clock = ManualClock(T0)
    for n in range(7):
        _conversation(db, user=f"p{n}", at=T0)
    clock.set(datetime(2028, 1, 1, tzinfo=timezone.utc))
    report = sweep_retention(db, policy=RetentionPolicy(), clock=clock, batch=3)
    assert (report.conversations, report.messages) == (7, 14)
    assert _users(db) == set()


@pytest.mark.parametrize("section, problem", [
    ({"question_months": 0}, "question_months"),
    ({"question_months": "12"}, "question_months"),
    ({"closed_cases": "shred"}, "closed_cases"),
    ({"closed_cases": "delete"}, "closed_case_months"),
    ({"closed_case_month": 3}, "unknown key"),
    ("forever", "mapping"),
])
def test_a_bad_policy_is_a_problem_and_falls_back_to_keeping(section, problem):
    policy, problems = parse_policy({"retention": section})
    assert len(problems) == 1 and problem in problems[0]
    assert policy.closed_cases == "keep" and policy.question_months == 12


def test_months_are_calendar_months():
    assert months_before(datetime(2027, 3, 31, 12, tzinfo=timezone.utc), 1) == datetime(2027, 2, 28, 12,
                                                                                         tzinfo=timezone.utc)
    assert months_before(datetime(2027, 1, 15, tzinfo=timezone.utc), 12) == datetime(2026, 1, 15, tzinfo=timezone.utc)
    assert months_before(datetime(2027, 1, 15, tzinfo=timezone.utc), 13) == datetime(2025, 12, 15, tzinfo=timezone.utc)


def test_the_scheduler_job_looks_at_most_once_an_hour(sqlite_url, monkeypatch):
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    database = Database.from_url(sqlite_url)
    upgrade(database.engine)
    calls = []
    monkeypatch.setattr("bot.retention.sweep.sweep_retention",
                        lambda db, **kw: calls.append(kw) or type("R", (), {"total": 0})())
    ticks = iter([1000.0, 1010.0, 4700.0])
    monkeypatch.setattr("bot.core.throttle.time.monotonic", lambda: next(ticks))
    job = Retention(db=database, policy=RetentionPolicy(), clock=ManualClock(T0))
    job.sweep(), job.sweep(), job.sweep()
    assert len(calls) == 2
    database.dispose()


def test_lotsen_runs_the_profiles_policy_as_a_scheduler_job(tmp_path):
    """The composition root reads the policy from the shipped profile and gives the scheduler a
    'retention' job: a real conversation is gone a year and a day after its last question."""
    from bot.app import build_lotsen
    from bot.config import load_settings
    from bot.core.messages import Incoming
    from tests.knowledge_support import bundle

    clock = ManualClock(T0)
    lotsen = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'l.db'}", bundle=bundle(),
                          clock=clock)
    try:
        assert lotsen.retention is not None and lotsen.retention.policy == RetentionPolicy(12, "keep", None)
        jobs = dict(lotsen.periodic())
        reply = lotsen.handle(Incoming(channel="telegram", user_id="42", text="Behöver jag bygglov för ett skärmtak?"))
        assert reply.action == "answer"
        assert _users(lotsen.db) == {"42"}
        jobs["retention"]()
        assert _users(lotsen.db) == {"42"}
        clock.set(datetime(2027, 11, 24, 7, 0, tzinfo=timezone.utc))
        lotsen.retention.every = 0  # the job looks at most once an hour; this test does not wait
        jobs["retention"]()
        assert _users(lotsen.db) == set() and _count(lotsen.db, Message) == 0
    finally:
        lotsen.close()


def test_kb_check_reports_a_bad_policy_in_the_profile(tmp_path):
    from bot.knowledge.loader import load_profile

    profile = tmp_path / "municipality.yaml"
    profile.write_text("name: {sv: A, en: A}\ncontact: {phone: '1', email: a@b.example, web: https://b.example}\n"
                       "retention:\n  closed_cases: delete\n", encoding="utf-8")
    _, problems = load_profile(profile, "municipality.yaml")
    assert [p.message for p in problems] == ["'retention.closed_case_months' is needed when closed cases are to be "
                                             "deleted"]
