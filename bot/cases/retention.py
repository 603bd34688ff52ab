"""Closed cases under the municipality's records policy (bot.retention.policy): anonymised or
deleted some months after they were closed, or kept (the default).

Anonymised: the person's identity and words go (contact details, channel id and address, their
messages in the timeline, the consent text, the navigators' notes and replies, which may quote
them); the case number, topics, roles, the kinds and dates of the actions and the pseudonym stay,
so the municipality can still count and follow its cases. Deleted: the case and its timeline
and consents go; a case meeting keeps its date but no longer points at the case.

A case with a message still on its way (pending, claimed or sending) waits for the next sweep.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, exists, func, select, update

from bot.cases.models import Case, CaseEvent, Consent
from bot.conversation.models import Conversation
from bot.meetings.models import Meeting
from bot.outbox.models import OutboxItem
from bot.storage.rows import table_of

IN_FLIGHT = ("pending", "claimed", "sending")
ANONYMISED = "anonymised"
_case = table_of(Case)
_event = table_of(CaseEvent)
_consent = table_of(Consent)
_outbox = table_of(OutboxItem)


def due_cases(connection: Connection, *, action: str, closed_before: datetime, limit: int) -> list[int]:
    """Ids of closed cases the policy's `action` applies to now."""
    query = (select(_case.c.id)
             .where(_case.c.status == "closed", _case.c.closed_at < closed_before,
                    ~exists().where(_outbox.c.case_id == _case.c.id, _outbox.c.status.in_(IN_FLIGHT)))
             .order_by(_case.c.id).limit(limit))
    if action == "anonymise":  # once (a case erased at the person's request still has the notes)
        query = query.where(~exists().where(_event.c.case_id == _case.c.id, _event.c.kind == ANONYMISED))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(of=_case, skip_locked=True)
    return list(connection.execute(query).scalars())


def anonymise_cases(connection: Connection, *, case_ids: list[int], now: datetime) -> int:
    if not case_ids:
        return 0
    connection.execute(update(_case).where(_case.c.id.in_(case_ids)).values(
        words=None, contact_name=None, contact_company=None, contact_phone=None, contact_email=None,
        user_id=None, address=None, erased_at=func.coalesce(_case.c.erased_at, now), updated_at=now))
    connection.execute(update(_event).where(_event.c.case_id.in_(case_ids)).values(text=None))
    connection.execute(update(_consent).where(_consent.c.case_id.in_(case_ids)).values(text=None, user_id=None))
    connection.execute(update(_outbox).where(_outbox.c.case_id.in_(case_ids)).values(payload={}, address=""))
    connection.execute(_event.insert(), [
        {"case_id": case_id, "kind": ANONYMISED, "actor_channel": "system", "actor_id": "lotsen",
         "actor_name": None, "text": None, "data": {"reason": "retention"}, "created_at": now}
        for case_id in case_ids])
    return len(case_ids)


def delete_cases(connection: Connection, *, case_ids: list[int]) -> int:
    if not case_ids:
        return 0
    meeting = table_of(Meeting)
    conversation = table_of(Conversation)
    connection.execute(update(meeting).where(meeting.c.case_id.in_(case_ids)).values(case_id=None))
    connection.execute(update(conversation).where(conversation.c.case_id.in_(case_ids)).values(case_id=None))
    connection.execute(delete(_outbox).where(_outbox.c.case_id.in_(case_ids)))
    connection.execute(delete(_event).where(_event.c.case_id.in_(case_ids)))
    connection.execute(delete(_consent).where(_consent.c.case_id.in_(case_ids)))
    return connection.execute(delete(_case).where(_case.c.id.in_(case_ids))).rowcount or 0
