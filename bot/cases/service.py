"""Creating cases and what the entrepreneur adds to them. Every change writes a timeline event
and, in the same transaction, the outbox rows about it (sent later by the dispatcher)."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlmodel import Session

from bot.cases.contact import Contact, validate_contact
from bot.cases.errors import CaseError, CaseNotFound
from bot.cases.models import Case, CaseEvent, Consent
from bot.cases.numbers import next_number
from bot.cases.queries import find_case
from bot.cases.states import ensure_open, transition
from bot.cases.texts import format_when, t
from bot.core.clock import Clock
from bot.knowledge.models import KnowledgeBase
from bot.outbox.service import enqueue, insert_new
from bot.routing.rules import RoutingRules, Trigger
from bot.storage.rows import new_row, table_of

log = logging.getLogger(__name__)
SYSTEM = ("system", "lotsen")


def _event_values(*, case_id: int | None, kind: str, actor: tuple[str, str], actor_name: str | None = None,
                  text: str | None = None, data: dict[str, Any] | None = None, now: datetime) -> dict[str, Any]:
    return {"case_id": case_id, "kind": kind, "actor_channel": actor[0], "actor_id": actor[1],
            "actor_name": actor_name, "text": text, "data": data or {}, "created_at": now}


def record_event(session: Session, *, case: Case | None, kind: str, actor: tuple[str, str],
                 actor_name: str | None = None, text: str | None = None, data: dict[str, Any] | None = None,
                 now: datetime) -> CaseEvent:
    """Append one event to the case's timeline (the audit log)."""
    event = CaseEvent(**_event_values(case_id=case.id if case else None, kind=kind, actor=actor,
                                      actor_name=actor_name, text=text, data=data, now=now))
    session.add(event)
    session.flush()
    return event


def entrepreneur_actor(case: Case) -> tuple[str, str]:
    """Events by the entrepreneur carry the case's pseudonym, never the channel's user id."""
    return (case.channel, case.pseudonym)


def _topic_details(kb: KnowledgeBase | None, topics: list[str], lang: str) -> list[dict[str, Any]]:
    details = []
    for topic in dict.fromkeys(topics):
        article = kb.get(topic) if kb is not None else None
        if article is None:
            details.append({"id": topic, "title": topic, "url": None})
            continue
        links = re.findall(r"https?://[^\s)\"'>]+", article.next_step.get(lang))
        url = links[0].rstrip(".,") if links else (article.authority.url if article.authority else None)
        details.append({"id": topic, "title": article.title.get(lang), "url": url})
    return details


@dataclass(frozen=True)
class NewCase:
    id: int
    number: str
    roles: list[str]


def open_case(connection: Connection, *, rules: RoutingRules, kb: KnowledgeBase | None, channel: str,
              user_id: str, text: str, topics: list[str], contact: Contact, consent_text: str, now: datetime,
              address: str | None = None, lang: str = "sv", trigger: Trigger | None = None,
              desk: str | None = None, roles: list[str] | None = None,
              consent_at: datetime | None = None) -> NewCase:
    """Open a case: number, the person's words, topics, roles and members, contact details and
    consent, its first events and a "desk.convene" outbox row. Every refusal (InvalidContact
    when the person cannot be reached, CaseError) is raised before anything is written. `roles` (already computed by the engine)
    default to rules.roles_for(topics, text); the coordinator (rules.coordinator) is always added, last.

    Written in Core: this is the conversation's busiest write (six rows), and nothing in it
    needs the ORM's unit of work."""
    contact = validate_contact(contact)
    if not (consent_text or "").strip():
        raise CaseError("cases.error.no_consent")
    if not (text or "").strip():
        raise CaseError("cases.error.no_words")
    computed = list(roles) if roles else rules.roles_for(topics=list(topics), text=text)
    roles = rules.with_coordinator(computed)
    lang = lang or "sv"
    trigger_data = {"kind": trigger.kind, "detail": trigger.detail} if trigger else {}
    desk = desk or rules.desk
    pseudonym = f"F-{secrets.token_hex(4)}"  # events by the entrepreneur carry it, never the user id
    year, seq, number = next_number(connection, now=now)
    case_id = connection.execute(insert(table_of(Case)).returning(table_of(Case).c.id), new_row(
        Case, number=number, year=year, seq=seq, status="new", channel=channel, user_id=str(user_id),
        address=str(address or user_id), lang=lang, pseudonym=pseudonym, words=text.strip(),
        contact_name=contact.name, contact_company=contact.company, contact_phone=contact.phone,
        contact_email=contact.email, topics=_topic_details(kb, list(topics), lang), roles=roles,
        members=[m.as_dict() for m in rules.members_for(roles)], trigger=trigger_data, desk=desk,
        last_ping_at=now, created_at=now, updated_at=now)).scalar_one()
    connection.execute(insert(table_of(Consent)), new_row(
        Consent, case_id=case_id, channel=channel, user_id=str(user_id), purpose="case", text=consent_text.strip(),
        lang=lang, given_at=consent_at or now))
    actor = (channel, pseudonym)
    connection.execute(insert(table_of(CaseEvent)), [
        _event_values(case_id=case_id, kind="created", actor=actor, now=now,
                      data={"roles": roles, "topics": list(topics), "trigger": trigger_data}),
        _event_values(case_id=case_id, kind="consent", actor=actor, now=now, data={"purpose": "case"})])
    insert_new(connection, kind="desk.convene", channel=desk, payload={"case_id": case_id}, due_at=now,
               dedupe_key=f"case:{case_id}:convene", case_id=case_id)
    log.info("case %s created (roles %s)", number, ",".join(roles))
    return NewCase(id=case_id, number=number, roles=roles)


def create_case(session: Session, *, clock: Clock, **details: Any) -> Case:
    """`open_case` in the session's transaction, at the clock's time; returns the Case."""
    new = open_case(session.connection(), now=clock.now(), **details)
    return session.get_one(Case, new.id)


def get_case(session: Session, *, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound("cases.error.no_such_case", case_id=case_id)
    return case


def post_to_desk(session: Session, *, case: Case, event: CaseEvent, text_key: str | None = None,
                 mentions: list[dict] | None = None, now: datetime, dedupe_key: str | None = None) -> None:
    """A "desk.post" outbox row about an event; its text is rendered at send time (so that an
    erasure before sending also erases what would have been posted)."""
    enqueue(session, kind="desk.post", channel=case.desk, due_at=now, case_id=case.id,
            payload={"case_id": case.id, "event_id": event.id, "text_key": text_key, "mentions": mentions or []},
            dedupe_key=dedupe_key or f"case:{case.id}:event:{event.id}:post")


def update_desk(session: Session, *, case: Case, event: CaseEvent, now: datetime) -> None:
    enqueue(session, kind="desk.update", channel=case.desk, due_at=now, case_id=case.id,
            payload={"case_id": case.id}, dedupe_key=f"case:{case.id}:event:{event.id}:update")


def message_entrepreneur(session: Session, *, case: Case, event: CaseEvent, text: str,
                         buttons: list[dict] | None = None, now: datetime) -> None:
    """A "message" outbox row to the entrepreneur on their channel."""
    if not case.address:
        return
    enqueue(session, kind="message", channel=case.channel, address=case.address, due_at=now, case_id=case.id,
            payload={"text": text, "buttons": buttons or []}, dedupe_key=f"case:{case.id}:event:{event.id}:message")


def add_entrepreneur_message(session: Session, *, case_id: int, text: str, clock: Clock) -> CaseEvent:
    """What the entrepreneur writes while the case is open: onto the timeline and to the desk."""
    case = get_case(session, case_id=case_id)
    ensure_open(case.status)
    if not (text or "").strip():
        raise CaseError("cases.error.empty_message")
    now = clock.now()
    event = record_event(session, case=case, kind="entrepreneur_message", actor=entrepreneur_actor(case),
                         text=text.strip(), now=now)
    case.updated_at = now
    session.add(case)
    post_to_desk(session, case=case, event=event, text_key="desk_message", now=now)
    return event


def answer_meeting(session: Session, *, case_number: str, channel: str, user_id: str, accept: bool,
                   clock: Clock) -> str:
    """The entrepreneur's answer to a proposed meeting (buttons "case:<number>:meeting:accept" /
    "decline"). Returns the text to show them; only the case's own entrepreneur may answer."""
    case = find_case(session, number=case_number)
    if case is None or case.channel != channel or case.user_id != str(user_id):
        raise CaseNotFound("cases.not_found", number=case_number)
    if case.status != "meeting_proposed" or case.meeting_at is None:
        raise CaseError("cases.no_meeting", number=case.number)
    now = clock.now()
    if accept and case.meeting_at <= now:
        raise CaseError("cases.error.time_passed")
    case.status = transition(case.status, "meeting_agreed" if accept else "claimed")
    event = record_event(session, case=case, kind="meeting_accepted" if accept else "meeting_declined",
                         actor=entrepreneur_actor(case), now=now,
                         data={"meeting_at": case.meeting_at.isoformat(), "status": case.status})
    if not accept:
        case.meeting_at = None
    case.updated_at = now
    session.add(case)
    post_to_desk(session, case=case, event=event, now=now,
                 text_key="desk_meeting_accepted" if accept else "desk_meeting_declined")
    update_desk(session, case=case, event=event, now=now)
    name = case.claimed_by_name or ""
    if accept:
        return t("meeting_accepted", case.lang, when=format_when(event_time(event), case.lang), name=name)
    return t("meeting_declined", case.lang, name=name)


def event_time(event: CaseEvent) -> datetime:
    return datetime.fromisoformat(event.data["meeting_at"])


def parse_choice(key: str) -> tuple[str, bool] | None:
    """"case:L-2026-0042:meeting:accept" → ("L-2026-0042", True); other keys → None."""
    match = re.fullmatch(r"case:(L-\d{4}-\d{4,}):meeting:(accept|decline)", key or "")
    return (match[1], match[2] == "accept") if match else None
