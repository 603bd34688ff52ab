"""Who comes to a meeting, for its organiser: the attendee list (`lotsen meetings attendees`),
its CSV export, and the details a person gave at an earlier sign-up (offered again, so nobody
types their name twice).

Names and companies are personal data: the list is only for navigators (the caller decides
with `allowed`), and every look, and every refusal, is written to `meeting_audit`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.locales import msg
from bot.meetings.errors import MeetingError
from bot.meetings.models import Meeting, MeetingAudit, Signup
from bot.meetings.times import format_input

LISTED = ("confirmed", "waitlisted", "invited")


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str | None
    company: str | None
    status: str
    channel: str
    signed_up_at: str  # local time, "2026-12-03 08:00"


@dataclass(frozen=True, slots=True)
class AttendeeList:
    meeting: Meeting
    attendees: list[Attendee]

    @property
    def confirmed(self) -> int:
        return sum(1 for a in self.attendees if a.status == "confirmed")


def who(signup: Signup, lang: str = "sv") -> str:
    """"Anna Svensson, Pizzeria Roma"; a sign-up without details says so (never an id)."""
    parts = [p for p in (signup.name, signup.company) if p]
    if parts:
        return ", ".join(parts)
    return msg(lang, "meetings.attendees.no_name", channel=signup.channel)


def previous_details(session: Session, *, channel: str, user_id: str) -> tuple[str, str | None] | None:
    """The name and company this person gave last time (with consent), if any."""
    row = session.exec(select(Signup).where(Signup.channel == channel, Signup.user_id == user_id,
                                            col(Signup.name).is_not(None), col(Signup.details_consent_at).is_not(None))
                       .order_by(col(Signup.details_consent_at).desc(), col(Signup.id).desc())).first()
    return (row.name, row.company) if row is not None and row.name is not None else None


def _audit(session: Session, *, meeting_id: int, actor: str, action: str, outcome: str, clock: Clock) -> None:
    session.add(MeetingAudit(meeting_id=meeting_id, actor=actor[:200], action=action, outcome=outcome,
                             at=clock.now()))
    session.flush()


def attendee_list(session: Session, *, meeting_id: int, actor: str, allowed: bool, clock: Clock,
                  action: str = "attendees") -> AttendeeList:
    """The people signed up, waiting or invited, in the order they signed up. Refused
    (MeetingError "not_allowed_attendees" / "not_found") for anyone `allowed` is false for; the
    look and the refusal are both audited, so commit the session even when this raises."""
    meeting = session.get(Meeting, meeting_id)
    if not allowed:
        _audit(session, meeting_id=meeting_id, actor=actor, action=action, outcome="refused", clock=clock)
        raise MeetingError("not_allowed_attendees")
    if meeting is None:
        _audit(session, meeting_id=meeting_id, actor=actor, action=action, outcome="not_found", clock=clock)
        raise MeetingError("not_found")
    signups = session.exec(select(Signup).where(Signup.meeting_id == meeting_id, col(Signup.status).in_(LISTED))
                           .order_by(col(Signup.queued_at), col(Signup.id)))
    people = [Attendee(name=s.name, company=s.company, status=s.status, channel=s.channel,
                       signed_up_at=format_input(s.queued_at)) for s in signups]
    _audit(session, meeting_id=meeting_id, actor=actor, action=action, outcome="ok", clock=clock)
    return AttendeeList(meeting=meeting, attendees=people)


def as_text(found: AttendeeList, lang: str = "sv") -> str:
    meeting = found.meeting
    places = f"{found.confirmed}/{meeting.capacity}" if meeting.capacity else str(found.confirmed)
    head = msg(lang, "meetings.attendees.head", id=meeting.id, title=meeting.title(lang),
               when=format_input(meeting.starts_at), places=places)
    if not found.attendees:
        return head + "\n" + msg(lang, "meetings.attendees.nobody")
    lines = [f"{n:>3}. {', '.join(p for p in (a.name, a.company) if p) or '–'}  "
             f"[{msg(lang, f'meetings.status.{a.status}')}, {a.channel}, {a.signed_up_at}]"
             for n, a in enumerate(found.attendees, 1)]
    return "\n".join([head, *lines])


def as_csv(found: AttendeeList) -> str:
    """One row per person: name, company, status, channel, signed up (local time)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "company", "status", "channel", "signed_up_at"])
    for a in found.attendees:
        writer.writerow([a.name or "", a.company or "", a.status, a.channel, a.signed_up_at])
    return out.getvalue()
