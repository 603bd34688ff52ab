"""The retention sweep, run by the scheduler in every process (Lotsen.periodic): it deletes
conversations that only asked questions once they are older than the policy allows, anonymises
past meetings' sign-ups and old messages to people after the same period, and anonymises or
deletes closed cases as the records policy says. Work goes in small batches, one short
transaction each, so answering never waits long; rows are chosen with SKIP LOCKED on
PostgreSQL, so two processes sweeping at once never collide. Only counts are logged.

"Questions only" means the person has no case (an anonymised case no longer points at anyone),
no meeting sign-up and no meeting subscription: their conversation is deleted, messages and
all, when its last message is older than `question_months`. A sign-up whose meeting ended that
long ago loses the person's name and address, so in the end every conversation goes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import Connection, String, cast, delete, exists, literal, select, update

from bot.cases.models import Case
from bot.cases.retention import anonymise_cases, delete_cases, due_cases
from bot.conversation.models import Conversation, Message
from bot.core.clock import Clock
from bot.core.throttle import Throttle
from bot.insight.models import Survey
from bot.meetings.models import Meeting, Signup, Subscription
from bot.outbox.models import FINAL_STATUSES, OutboxItem
from bot.retention.policy import RetentionPolicy
from bot.shared.models import TranscriptEntry
from bot.storage.db import Database
from bot.storage.rows import table_of

log = logging.getLogger(__name__)

BATCH = 500
ERASED_PREFIX = "erased-"
_conversation = table_of(Conversation)
_message = table_of(Message)
_case = table_of(Case)
_signup = table_of(Signup)
_subscription = table_of(Subscription)
_meeting = table_of(Meeting)
_outbox = table_of(OutboxItem)
_survey = table_of(Survey)
_transcript = table_of(TranscriptEntry)


@dataclass
class RetentionReport:
    conversations: int = 0
    messages: int = 0
    signups: int = 0
    outbox: int = 0
    cases_anonymised: int = 0
    cases_deleted: int = 0
    surveys: int = 0
    transcript_lines: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def line(self) -> str:
        return ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


def sweep_retention(db: Database, *, policy: RetentionPolicy, clock: Clock, batch: int = BATCH) -> RetentionReport:
    now = clock.now()
    report = RetentionReport()
    questions_before = policy.questions_before(now)
    while _batch(db, lambda c: _past_signups(c, report, before=questions_before, now=now, limit=batch)) >= batch:
        pass
    while _batch(db, lambda c: _old_messages_out(c, report, before=questions_before, limit=batch)) >= batch:
        pass
    closed_before = policy.closed_before(now)
    if closed_before is not None:
        while _batch(db, lambda c: _closed_cases(c, report, policy=policy, before=closed_before, now=now,
                                                 limit=batch)) >= batch:
            pass
    while _batch(db, lambda c: _question_only(c, report, before=questions_before, limit=batch)) >= batch:
        pass
    while _batch(db, lambda c: _old_rows(c, report, "surveys", _survey, _survey.c.updated_at,
                                         before=questions_before, limit=batch)) >= batch:
        pass
    while _batch(db, lambda c: _old_rows(c, report, "transcript_lines", _transcript, _transcript.c.created_at,
                                         before=questions_before, limit=batch)) >= batch:
        pass
    if report.total:
        log.info("retention: %s", report.line())  # counts only
    return report


def _batch(db: Database, work) -> int:
    with db.unit() as unit:
        return work(unit.connection)


def _locked(connection: Connection, query, table):
    if connection.dialect.name == "postgresql":
        return query.with_for_update(of=table, skip_locked=True)
    return query


def _question_only(connection: Connection, report: RetentionReport, *, before: datetime, limit: int) -> int:
    conversation = _conversation.c
    same_person = [(_case, _case.c), (_signup, _signup.c), (_subscription, _subscription.c)]
    query = select(conversation.id).where(conversation.updated_at < before)
    for _table, column in same_person:
        query = query.where(~exists().where(column.channel == conversation.channel,
                                            column.user_id == conversation.user_id))
    ids = list(connection.execute(_locked(connection, query.order_by(conversation.id).limit(limit),
                                          _conversation)).scalars())
    if not ids:
        return 0
    report.messages += connection.execute(delete(_message).where(_message.c.conversation_id.in_(ids))).rowcount or 0
    report.conversations += connection.execute(delete(_conversation).where(conversation.id.in_(ids))).rowcount or 0
    return len(ids)


def _old_rows(connection: Connection, report: RetentionReport, counter: str, table, when, *, before: datetime,
              limit: int) -> int:
    """Rows that only serve the person for a while go after the same period as questions: a
    follow-up survey's link to the person (its answers stay, anonymous, for the figures) and
    a channel's transcript (the web chat's copy of the conversation to show again)."""
    query = select(table.c.id).where(when < before).order_by(table.c.id).limit(limit)
    ids = list(connection.execute(_locked(connection, query, table)).scalars())
    if ids:
        connection.execute(delete(table).where(table.c.id.in_(ids)))
        setattr(report, counter, getattr(report, counter) + len(ids))
    return len(ids)


def _past_signups(connection: Connection, report: RetentionReport, *, before: datetime, now: datetime,
                  limit: int) -> int:
    signup = _signup.c
    query = (select(signup.id).join(_meeting, _meeting.c.id == signup.meeting_id)
             .where(_meeting.c.ends_at < before, ~signup.user_id.startswith(ERASED_PREFIX))
             .order_by(signup.id).limit(limit))
    ids = list(connection.execute(_locked(connection, query, _signup)).scalars())
    if ids:
        connection.execute(update(_signup).where(signup.id.in_(ids)).values(
            name=None, company=None, address="", user_id=literal(ERASED_PREFIX) + cast(signup.id, String),
            updated_at=now))
        report.signups += len(ids)
    return len(ids)


def _old_messages_out(connection: Connection, report: RetentionReport, *, before: datetime, limit: int) -> int:
    """Messages to people (reminders, replies) done long ago keep their row, so a dedupe key is
    never used twice, but lose the text and the address. A case's messages follow the case."""
    outbox = _outbox.c
    query = (select(outbox.id).where(outbox.kind == "message", outbox.case_id.is_(None),
                                     outbox.status.in_(FINAL_STATUSES), outbox.created_at < before, outbox.address != "")
             .order_by(outbox.id).limit(limit))
    ids = list(connection.execute(_locked(connection, query, _outbox)).scalars())
    if ids:
        connection.execute(update(_outbox).where(outbox.id.in_(ids)).values(payload={}, address=""))
        report.outbox += len(ids)
    return len(ids)


def _closed_cases(connection: Connection, report: RetentionReport, *, policy: RetentionPolicy, before: datetime,
                  now: datetime, limit: int) -> int:
    ids = due_cases(connection, action=policy.closed_cases, closed_before=before, limit=limit)
    if policy.closed_cases == "delete":
        report.cases_deleted += delete_cases(connection, case_ids=ids)
    else:
        report.cases_anonymised += anonymise_cases(connection, case_ids=ids, now=now)
    return len(ids)


@dataclass
class Retention:
    """The scheduler's job: the sweep at most once per `every` seconds in a process (the
    scheduler calls every few seconds; retention is counted in months)."""

    db: Database
    policy: RetentionPolicy
    clock: Clock
    every: float = 3600.0
    _throttle: Throttle = field(default_factory=Throttle, repr=False)

    def sweep(self) -> int:
        if not self._throttle.due(every=self.every):
            return 0
        return sweep_retention(self.db, policy=self.policy, clock=self.clock).total
