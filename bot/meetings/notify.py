"""Meeting messages as outbox rows: reminders (due before the start, skipped once it has
started), announcements of changes and cancellations, and news for tag subscribers.

Keys: `meeting:<id>:s<sequence>:signup:<signup id>.<revision>:remind:<offset>` and the like.
The sequence makes every edit give fresh keys; the revision does the same for a person who
cancels and signs up again. Rescheduling marks pending reminder rows `skipped` and adds new
ones in the same transaction as the change.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.messages import Button
from bot.meetings import texts
from bot.meetings.ics import build_ics, ics_filename
from bot.meetings.models import Meeting, Signup, Subscription
from bot.meetings.times import reminder_due
from bot.outbox.models import OutboxItem
from bot.outbox.service import enqueue

ORGANISER_OFFSET = "1d"


def _payload(text: str, buttons: Sequence[Button] = (), attachment: tuple[str, bytes] | None = None) -> dict:
    payload: dict = {"text": text, "buttons": [{"key": b.key, "label": b.label} for b in buttons]}
    if attachment is not None:
        payload["attachment_name"] = attachment[0]
        payload["attachment_b64"] = base64.b64encode(attachment[1]).decode("ascii")
    return payload


def _signup_key(meeting: Meeting, signup: Signup, what: str) -> str:
    return f"meeting:{meeting.id}:s{meeting.sequence}:signup:{signup.id}.{signup.revision}:{what}"


def _message(session: Session, *, key: str, channel: str, address: str, payload: dict,
             due_at: datetime, expires_at: datetime | None) -> OutboxItem:
    return enqueue(session, kind="message", channel=channel, address=address, payload=payload,
                   due_at=due_at, expires_at=expires_at, dedupe_key=key)


def schedule_reminders(session: Session, *, meeting: Meeting, signup: Signup, now: datetime) -> list[OutboxItem]:
    """The person's reminders still ahead; ones whose time has already passed are not added
    (they would only repeat what the sign-up just said)."""
    rows = []
    for offset in meeting.reminders:
        due = reminder_due(meeting.starts_at, offset)
        if due <= now:
            continue
        rows.append(_message(
            session, key=_signup_key(meeting, signup, f"remind:{offset}"), channel=signup.channel,
            address=signup.address,
            payload=_payload(texts.reminder(meeting, signup.lang), [texts.cancel_button(meeting, signup.lang)]),
            due_at=due, expires_at=meeting.starts_at))
    return rows


def _organiser_key(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}:s{meeting.sequence}:organiser:remind:{ORGANISER_OFFSET}"


def refresh_organiser_reminder(session: Session, *, meeting: Meeting, now: datetime) -> OutboxItem | None:
    """Create or re-render the organiser's reminder with the current attendee list (only
    while it is still pending; once it is being sent it is left as it is)."""
    if not (meeting.organiser_channel and meeting.organiser_address) or meeting.status != "scheduled":
        return None
    signups = list(session.exec(select(Signup).where(Signup.meeting_id == meeting.id)
                                .order_by(col(Signup.queued_at), col(Signup.id))))
    payload = _payload(texts.organiser_reminder(meeting, signups))
    key = _organiser_key(meeting)
    row = session.exec(select(OutboxItem).where(OutboxItem.dedupe_key == key)).first()
    if row is not None:
        if row.status == "pending":
            row.payload = payload
            session.add(row)
        return row
    due = reminder_due(meeting.starts_at, ORGANISER_OFFSET)
    if due <= now:
        return None
    return _message(session, key=key, channel=meeting.organiser_channel, address=meeting.organiser_address,
                    payload=payload, due_at=due, expires_at=meeting.starts_at)


def skip_pending_reminders(session: Session, *, meeting: Meeting, signup: Signup | None = None) -> int:
    """Pending reminders of the meeting (or of one sign-up) become `skipped`."""
    pattern = (f"meeting:{meeting.id}:%:signup:{signup.id}.%:remind:%" if signup is not None
               else f"meeting:{meeting.id}:%:remind:%")
    result = session.exec(update(OutboxItem)
                          .where(col(OutboxItem.status) == "pending", col(OutboxItem.dedupe_key).like(pattern))
                          .values(status="skipped", last_error="meeting or sign-up changed"))
    return result.rowcount or 0


def notify_signup(session: Session, *, meeting: Meeting, signup: Signup, event: str, now: datetime,
                  reason: str | None = None) -> OutboxItem:
    """One announcement to one person, through the channel where they signed up.
    event: promoted | changed | cancelled | invited."""
    lang = signup.lang
    attachment = None
    buttons: list[Button] = []
    expires = meeting.starts_at
    if event == "promoted":
        text = texts.promoted(meeting, lang)
        attachment = (ics_filename(meeting), build_ics(meeting, lang=lang, now=now))
        buttons = [texts.cancel_button(meeting, lang)]
    elif event == "changed":
        text = texts.changed(meeting, lang)
        if signup.status == "confirmed":
            attachment = (ics_filename(meeting), build_ics(meeting, lang=lang, now=now))
    elif event == "cancelled":
        text = texts.cancelled(meeting, lang, reason)
        if signup.status == "confirmed":
            attachment = (ics_filename(meeting), build_ics(meeting, lang=lang, method="CANCEL", now=now))
    elif event == "invited":
        text = texts.invitation(meeting, lang)
        buttons = texts.invitation_buttons(meeting, lang)
    else:
        raise ValueError(f"unknown meeting event {event}")
    return _message(session, key=_signup_key(meeting, signup, event), channel=signup.channel,
                    address=signup.address, payload=_payload(text, buttons, attachment),
                    due_at=now, expires_at=expires)


def announce_to_subscribers(session: Session, *, meeting: Meeting, now: datetime) -> int:
    """News of a new meeting to everyone following one of its tags (once per person)."""
    if not meeting.tags or meeting.kind == "lotsmote":
        return 0
    subscriptions = session.exec(select(Subscription).where(col(Subscription.tag).in_(list(meeting.tags)))
                                 .order_by(col(Subscription.id)))
    seen: set[tuple[str, str]] = set()
    expires = meeting.signup_deadline or meeting.starts_at
    for sub in subscriptions:
        if (sub.channel, sub.user_id) in seen:
            continue
        seen.add((sub.channel, sub.user_id))
        _message(session, key=f"meeting:{meeting.id}:announce:{sub.channel}:{sub.user_id}",
                 channel=sub.channel, address=sub.address,
                 payload=_payload(texts.announced(meeting, sub.lang),
                                  [texts.signup_buttons([meeting], sub.lang)[0]]),
                 due_at=now, expires_at=expires)
    return len(seen)


def skip_person_messages(session: Session, *, meeting: Meeting, signup: Signup) -> int:
    """Every pending message to one sign-up (reminders and announcements) becomes `skipped`."""
    result = session.exec(update(OutboxItem)
                          .where(col(OutboxItem.status) == "pending",
                                 col(OutboxItem.dedupe_key).like(f"meeting:{meeting.id}:%:signup:{signup.id}.%"))
                          .values(status="skipped", last_error="person erased"))
    return result.rowcount or 0
