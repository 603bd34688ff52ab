"""Meetings: create, edit, cancel, list; sign-ups with capacity and a waiting list; case
meetings offered to one entrepreneur; subscriptions to topic tags.

Every function works inside the caller's unit of work (`db.session()`, or `db.writer()` on
SQLite when many people may sign up at once) and validates everything before it writes, so a
refusal (MeetingError) leaves nothing half-written. Messages go out as outbox rows in the
same transaction (bot.meetings.notify).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.clock import Clock
from bot.meetings import notify
from bot.meetings.errors import MeetingError
from bot.meetings.models import Meeting, Signup, Subscription
from bot.meetings.validation import (
    ANNOUNCED_FIELDS,
    EDITABLE_FIELDS,
    check_signup_transition,
    normalise_tags,
    validate_meeting,
)
from bot.storage.rows import saved_id

ACTIVE = ("confirmed", "waitlisted", "invited")


@dataclass(frozen=True, slots=True)
class SignupResult:
    meeting: Meeting
    signup: Signup
    position: int  # 0 when confirmed, else the place on the waiting list


def _meeting_for_update(session: Session, meeting_id: int) -> Meeting:
    meeting = session.exec(select(Meeting).where(Meeting.id == meeting_id).with_for_update()).first()
    if meeting is None:
        raise MeetingError("not_found")
    return meeting


def get_meeting(session: Session, *, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise MeetingError("not_found")
    return meeting


def create_meeting(session: Session, *, fields: dict, actor: str, clock: Clock,
                   known_tags: Iterable[str], announce: bool = True, organiser: str = "") -> Meeting:
    """A new meeting from a mapping of Meeting fields (times as aware datetimes). `organiser`:
    the organiser role unless the fields name one (the routing rules' coordinator)."""
    now = clock.now()
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"seed_key", "case_id"}
    if unknown:
        raise MeetingError("bad_field", ", ".join(sorted(unknown)))
    values = validate_meeting(dict(fields), now=now, known_tags=known_tags, organiser=organiser)
    meeting = Meeting(**values, created_by=actor, created_at=now, updated_at=now)
    session.add(meeting)
    session.flush()
    notify.refresh_organiser_reminder(session, meeting=meeting, now=now)
    if announce:
        notify.announce_to_subscribers(session, meeting=meeting, now=now)
    return meeting


def edit_meeting(session: Session, *, meeting_id: int, changes: dict, actor: str, clock: Clock,
                 known_tags: Iterable[str]) -> Meeting:
    """Change fields; everyone signed up hears about changes to time, place or title, gets an
    updated invitation, and their reminders are rescheduled."""
    now = clock.now()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise MeetingError("bad_field", ", ".join(sorted(unknown)))
    meeting = _meeting_for_update(session, meeting_id)
    if meeting.status == "cancelled":
        raise MeetingError("cancelled")
    current = {name: getattr(meeting, name) for name in EDITABLE_FIELDS}
    merged = {**current, **changes}
    time_changed = merged["starts_at"] != meeting.starts_at or merged["ends_at"] != meeting.ends_at
    if meeting.starts_at <= now and not time_changed:
        raise MeetingError("started")
    values = validate_meeting(merged, now=now, known_tags=known_tags, check_past=time_changed)
    signups = _signups(session, saved_id(meeting))
    confirmed = [s for s in signups if s.status == "confirmed"]
    if values["capacity"] is not None and values["capacity"] < len(confirmed):
        raise MeetingError("capacity_below_signed_up")
    changed = {name for name in EDITABLE_FIELDS if values[name] != current[name]}
    if not changed:
        return meeting
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    meeting.updated_at = now
    session.add(meeting)
    notify.skip_pending_reminders(session, meeting=meeting)
    announce = bool(changed & set(ANNOUNCED_FIELDS))
    for signup in signups:
        if signup.status == "confirmed":
            notify.schedule_reminders(session, meeting=meeting, signup=signup, now=now)
        if announce and signup.status in ("confirmed", "waitlisted"):
            notify.notify_signup(session, meeting=meeting, signup=signup, event="changed", now=now)
        if signup.status == "invited" and announce:
            notify.notify_signup(session, meeting=meeting, signup=signup, event="invited", now=now)
    _promote(session, meeting=meeting, now=now)
    notify.refresh_organiser_reminder(session, meeting=meeting, now=now)
    return meeting


def cancel_meeting(session: Session, *, meeting_id: int, actor: str, clock: Clock,
                   reason: str | None = None) -> Meeting:
    now = clock.now()
    meeting = _meeting_for_update(session, meeting_id)
    if meeting.status == "cancelled":
        raise MeetingError("cancelled")
    meeting.status = "cancelled"
    meeting.sequence += 1
    meeting.updated_at = now
    session.add(meeting)
    notify.skip_pending_reminders(session, meeting=meeting)
    for signup in _signups(session, saved_id(meeting)):
        if signup.status in ACTIVE:
            if meeting.starts_at > now:
                notify.notify_signup(session, meeting=meeting, signup=signup, event="cancelled",
                                     now=now, reason=reason)
            _set_status(signup, "cancelled", now)
            session.add(signup)
    return meeting


def list_meetings(session: Session, *, now: datetime, tag: str | None = None, limit: int = 10,
                  include_cancelled: bool = False, include_case_meetings: bool = False) -> list[Meeting]:
    """The next meetings (not yet started), soonest first."""
    query = select(Meeting).where(Meeting.starts_at > now).order_by(col(Meeting.starts_at), col(Meeting.id))
    if not include_cancelled:
        query = query.where(Meeting.status == "scheduled")
    if not include_case_meetings:
        query = query.where(Meeting.kind != "lotsmote")
    found = []
    for meeting in session.exec(query):
        if tag is None or tag in (meeting.tags or []):
            found.append(meeting)
            if len(found) >= limit:
                break
    return found


def _signups(session: Session, meeting_id: int) -> list[Signup]:
    return list(session.exec(select(Signup).where(Signup.meeting_id == meeting_id)
                             .order_by(col(Signup.queued_at), col(Signup.id))))


def _find_signup(session: Session, meeting_id: int, channel: str, user_id: str) -> Signup | None:
    return session.exec(select(Signup).where(Signup.meeting_id == meeting_id, Signup.channel == channel,
                                             Signup.user_id == user_id)).first()


def _set_status(signup: Signup, new: str, now: datetime) -> None:
    check_signup_transition(signup.status, new)
    signup.status = new
    signup.updated_at = now


def _waiting_position(session: Session, meeting_id: int, signup: Signup) -> int:
    waiting = [s.id for s in _signups(session, meeting_id) if s.status == "waitlisted"]
    return waiting.index(signup.id) + 1 if signup.id in waiting else 0


def check_open_for_signup(session: Session, *, meeting_id: int, channel: str, user_id: str,
                          now: datetime, lock: bool = False) -> Meeting:
    """The meeting, if this person could sign up for it now; the refusal (MeetingError)
    otherwise. Writes nothing, so it can be asked before the person is asked for details."""
    meeting = _meeting_for_update(session, meeting_id) if lock else get_meeting(session, meeting_id=meeting_id)
    if meeting.status == "cancelled":
        raise MeetingError("cancelled")
    if meeting.starts_at <= now:
        raise MeetingError("started")
    if (meeting.signup_deadline or meeting.starts_at) <= now:
        raise MeetingError("deadline_passed")
    if meeting.kind == "lotsmote":
        raise MeetingError("not_invited")
    signup = _find_signup(session, saved_id(meeting), channel, user_id)
    if signup is not None and signup.status in ("confirmed", "waitlisted"):
        raise MeetingError("already_signed_up")
    return meeting


def sign_up(session: Session, *, meeting_id: int, channel: str, address: str, user_id: str,
            clock: Clock, name: str | None = None, company: str | None = None,
            details_consent_at: datetime | None = None, lang: str = "sv") -> SignupResult:
    """A place, or a place on the waiting list when the meeting is full. `name` and `company`
    are for the organiser, given with consent at `details_consent_at`. The caller attaches the
    invitation (bot.meetings.ics.build_ics) to its reply; reminders are outbox rows."""
    now = clock.now()
    meeting = check_open_for_signup(session, meeting_id=meeting_id, channel=channel, user_id=user_id, now=now,
                                    lock=True)
    signups = _signups(session, saved_id(meeting))
    taken = sum(1 for s in signups if s.status == "confirmed")
    status = "confirmed" if meeting.capacity is None or taken < meeting.capacity else "waitlisted"
    signup = _find_signup(session, saved_id(meeting), channel, user_id)
    consent_at = (details_consent_at or now) if name or company else None
    if signup is None:
        signup = Signup(meeting_id=saved_id(meeting), status=status, channel=channel, address=address,
                        user_id=user_id, name=name, company=company, details_consent_at=consent_at,
                        lang=_lang(lang), revision=0, queued_at=now, created_at=now, updated_at=now)
        check_signup_transition(None, status)
    else:
        _set_status(signup, status, now)
        signup.revision += 1
        signup.address, signup.lang, signup.queued_at = address, _lang(lang), now
        if name or company:
            signup.name, signup.company, signup.details_consent_at = name, company, consent_at
    session.add(signup)
    session.flush()
    if status == "confirmed":
        notify.schedule_reminders(session, meeting=meeting, signup=signup, now=now)
        notify.refresh_organiser_reminder(session, meeting=meeting, now=now)
    return SignupResult(meeting, signup, _waiting_position(session, saved_id(meeting), signup))


def cancel_signup(session: Session, *, meeting_id: int, channel: str, user_id: str, clock: Clock) -> Signup:
    """Give up a place (or a place on the waiting list); the first waiting person moves up
    and is told so."""
    now = clock.now()
    meeting = _meeting_for_update(session, meeting_id)
    signup = _find_signup(session, saved_id(meeting), channel, user_id)
    if signup is None or signup.status not in ("confirmed", "waitlisted"):
        raise MeetingError("not_signed_up")
    if meeting.status == "cancelled":
        raise MeetingError("cancelled")
    if meeting.starts_at <= now:
        raise MeetingError("started")
    _set_status(signup, "cancelled", now)
    session.add(signup)
    notify.skip_pending_reminders(session, meeting=meeting, signup=signup)
    session.flush()
    _promote(session, meeting=meeting, now=now)
    notify.refresh_organiser_reminder(session, meeting=meeting, now=now)
    return signup


def _promote(session: Session, *, meeting: Meeting, now: datetime) -> list[Signup]:
    """Move people up from the waiting list while there are free places."""
    if meeting.status != "scheduled" or meeting.starts_at <= now:
        return []
    signups = _signups(session, saved_id(meeting))
    free = (None if meeting.capacity is None
            else meeting.capacity - sum(1 for s in signups if s.status == "confirmed"))
    promoted = []
    for signup in signups:
        if signup.status != "waitlisted" or (free is not None and free <= 0):
            continue
        _set_status(signup, "confirmed", now)
        session.add(signup)
        notify.schedule_reminders(session, meeting=meeting, signup=signup, now=now)
        notify.notify_signup(session, meeting=meeting, signup=signup, event="promoted", now=now)
        promoted.append(signup)
        if free is not None:
            free -= 1
    return promoted


def propose_case_meeting(session: Session, *, case_id: int | None, fields: dict, channel: str,
                         address: str, user_id: str, lang: str, actor: str, clock: Clock,
                         known_tags: Iterable[str] = (), organiser: str = "") -> tuple[Meeting, Signup]:
    """A navigator proposes a case meeting (lotsmöte) to one entrepreneur: they are offered it
    with accept/decline buttons through their channel."""
    now = clock.now()
    values = {"kind": "lotsmote", "capacity": 1, "tags": [], **fields}
    if "title_en" not in values:
        values["title_en"] = "Meeting with your business navigator"
    if "title_sv" not in values:
        values["title_sv"] = "Möte med din företagslots"
    meeting = create_meeting(session, fields={**values, "case_id": case_id}, actor=actor, clock=clock,
                             known_tags=known_tags, announce=False, organiser=organiser)
    signup = Signup(meeting_id=saved_id(meeting), status="invited", channel=channel, address=address,
                    user_id=user_id, lang=_lang(lang), revision=0, queued_at=now, created_at=now, updated_at=now)
    session.add(signup)
    session.flush()
    notify.notify_signup(session, meeting=meeting, signup=signup, event="invited", now=now)
    return meeting, signup


def respond_to_invitation(session: Session, *, meeting_id: int, channel: str, user_id: str,
                          accept: bool, clock: Clock) -> Signup:
    now = clock.now()
    meeting = _meeting_for_update(session, meeting_id)
    signup = _find_signup(session, saved_id(meeting), channel, user_id)
    if signup is None or signup.status not in ("invited", "declined", "confirmed"):
        raise MeetingError("not_invited")
    if meeting.status == "cancelled":
        raise MeetingError("cancelled")
    if meeting.starts_at <= now:
        raise MeetingError("started")
    new = "confirmed" if accept else "declined"
    if signup.status == new:
        return signup
    _set_status(signup, new, now)
    session.add(signup)
    if accept:
        signup.revision += 1
        session.flush()
        notify.schedule_reminders(session, meeting=meeting, signup=signup, now=now)
    else:
        notify.skip_pending_reminders(session, meeting=meeting, signup=signup)
    notify.refresh_organiser_reminder(session, meeting=meeting, now=now)
    return signup


def my_signups(session: Session, *, channel: str, user_id: str, now: datetime) -> list[tuple[Meeting, Signup]]:
    rows = session.exec(select(Meeting, Signup).join(Signup, col(Signup.meeting_id) == Meeting.id)
                        .where(Signup.channel == channel, Signup.user_id == user_id,
                               col(Signup.status).in_(ACTIVE), Meeting.starts_at > now)
                        .order_by(col(Meeting.starts_at)))
    return [(m, s) for m, s in rows]


def subscribe(session: Session, *, tags: Iterable[str], channel: str, address: str, user_id: str,
              clock: Clock, known_tags: Iterable[str], lang: str = "sv") -> list[str]:
    """Follow tags (all known, or nothing is written); returns the tags now followed anew."""
    wanted = normalise_tags(tags, known_tags)
    now = clock.now()
    added = []
    for tag in wanted:
        exists = session.exec(select(Subscription).where(Subscription.channel == channel,
                                                         Subscription.user_id == user_id,
                                                         Subscription.tag == tag)).first()
        if exists is None:
            session.add(Subscription(tag=tag, channel=channel, address=address, user_id=user_id,
                                     lang=_lang(lang), created_at=now))
            added.append(tag)
    session.flush()
    return added


def unsubscribe(session: Session, *, channel: str, user_id: str, tags: Iterable[str] | None = None) -> int:
    query = select(Subscription).where(Subscription.channel == channel, Subscription.user_id == user_id)
    if tags is not None:
        query = query.where(col(Subscription.tag).in_([t.strip().lower() for t in tags]))
    rows = list(session.exec(query))
    for row in rows:
        session.delete(row)
    return len(rows)


def _lang(lang: str | None) -> str:
    return lang or "sv"


def erase_person(session: Session, *, channel: str, user_id: str, clock: Clock) -> int:
    """Forget a person (GDPR erasure): places ahead are given up (the waiting list moves
    up), their sign-ups lose name, company, consent time and address, subscriptions go, and
    their pending meeting messages are skipped. Returns how many sign-ups were touched."""
    now = clock.now()
    signups = list(session.exec(select(Signup).where(Signup.channel == channel, Signup.user_id == user_id)))
    for signup in signups:
        meeting = _meeting_for_update(session, signup.meeting_id)
        was_active = signup.status in ACTIVE
        if was_active:
            _set_status(signup, "cancelled", now)
        notify.skip_person_messages(session, meeting=meeting, signup=signup)
        signup.name, signup.company, signup.details_consent_at = None, None, None
        signup.address, signup.user_id = "", f"erased-{signup.id}"
        signup.updated_at = now
        session.add(signup)
        session.flush()
        if was_active:
            _promote(session, meeting=meeting, now=now)
            notify.refresh_organiser_reminder(session, meeting=meeting, now=now)
    unsubscribe(session, channel=channel, user_id=user_id)
    return len(signups)
