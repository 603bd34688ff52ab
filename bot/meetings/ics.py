"""iCalendar invitations (RFC 5545/5546) for meetings: one stable UID per meeting, SEQUENCE
bumped on every change, METHOD REQUEST for invitations and updates, CANCEL for cancellations,
times with TZID Europe/Stockholm and the VTIMEZONE that defines it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.meetings.models import Meeting

UID_DOMAIN = "lotsen.invalid"
PRODID = "-//Lotsen//Moten//SV"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@{UID_DOMAIN}"


def ics_filename(meeting: Meeting) -> str:
    return f"mote-{meeting.id}.ics"


def build_ics(meeting: Meeting, *, lang: str = "sv", method: str = "REQUEST",
              now: datetime | None = None) -> bytes:
    from icalendar import Calendar, Event, vCalAddress

    from bot.core.clock import STOCKHOLM

    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported METHOD {method}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (now or meeting.updated_at).astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(STOCKHOLM))
    event.add("dtend", meeting.ends_at.astimezone(STOCKHOLM))
    event.add("summary", meeting.title(lang))
    description = meeting.description(lang)
    if meeting.link:
        description = f"{description}\n{meeting.link}".strip()
        event.add("url", meeting.link)
    if description:
        event.add("description", description)
    location = meeting.place or meeting.link
    if location:
        event.add("location", location)
    if meeting.tags:
        event.add("categories", list(meeting.tags))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress("mailto:noreply@" + UID_DOMAIN)
    organizer.params["cn"] = "Lotsen"
    event.add("organizer", organizer)
    calendar.add_component(event)
    start_year = meeting.starts_at.year
    calendar.add_missing_timezones(first_date=date(start_year - 1, 1, 1), last_date=date(start_year + 1, 12, 31))
    return calendar.to_ical()
