"""Checks made before anything about a meeting is written, and the sign-up state machine."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.meetings.errors import MeetingError
from bot.meetings.models import MEETING_KINDS
from bot.meetings.times import parse_local, parse_offset

EDITABLE_FIELDS = ("title_sv", "title_en", "kind", "starts_at", "ends_at", "place", "link",
                   "description_sv", "description_en", "tags", "capacity", "signup_deadline",
                   "organiser_role", "organiser_channel", "organiser_address", "reminders")
# Changes to these are announced to everyone signed up (with an updated invitation).
ANNOUNCED_FIELDS = ("title_sv", "title_en", "starts_at", "ends_at", "place", "link")
# Tags always known, besides the knowledge base's article ids and the roles of the routing rules
# (which come from the files, never from here).
FIXED_TAGS = ("natverk", "kvinnligt-foretagande", "frukost", "export", "digitalisering", "hallbarhet",
              "rekrytering", "besoksnaring", "handel", "finansiering", "starta-foretag")


def known_tags(*groups: Iterable[str]) -> frozenset[str]:
    """The fixed tags plus any others given (e.g. article ids, roles)."""
    tags = set(FIXED_TAGS)
    for group in groups:
        tags.update(t.strip().lower() for t in group if t and t.strip())
    return frozenset(tags)


def normalise_tags(tags: Iterable[str] | str | None, known: Iterable[str]) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.replace(";", ",").split(",")
    known_set = set(known)
    result: list[str] = []
    for raw in tags:
        tag = raw.strip().lower()
        if not tag or tag in result:
            continue
        if tag not in known_set:
            raise MeetingError("unknown_tag", tag)
        result.append(tag)
    return result


def _time(value, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return parse_local(value)
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise MeetingError("bad_time", f"{name}={value!r}")
    return value


def _text(value, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:limit] if text else None


def validate_meeting(values: dict, *, now: datetime, known_tags: Iterable[str], check_past: bool = True,
                     organiser: str = "") -> dict:
    """Normalised values for a Meeting, or MeetingError on the first thing wrong. `organiser`:
    the organiser role when none is given (the routing rules' coordinator)."""
    out: dict = {}
    title_sv = _text(values.get("title_sv"), 200) or _text(values.get("title_en"), 200)
    if not title_sv:
        raise MeetingError("title_missing")
    out["title_sv"] = title_sv
    out["title_en"] = _text(values.get("title_en"), 200) or title_sv
    kind = (values.get("kind") or "information").strip().lower()
    if kind not in MEETING_KINDS:
        raise MeetingError("bad_kind", kind)
    out["kind"] = kind
    starts_at, ends_at = _time(values.get("starts_at"), "start"), _time(values.get("ends_at"), "end")
    if starts_at is None:
        raise MeetingError("bad_time", "start")
    if ends_at is None:
        raise MeetingError("bad_time", "end")
    if check_past and starts_at <= now:
        raise MeetingError("past")
    if ends_at <= starts_at:
        raise MeetingError("end_before_start")
    out["starts_at"], out["ends_at"] = starts_at, ends_at
    out["place"], out["link"] = _text(values.get("place"), 300), _text(values.get("link"), 500)
    if not (out["place"] or out["link"]) and kind != "lotsmote":
        raise MeetingError("place_missing")
    out["description_sv"] = (values.get("description_sv") or "").strip()
    out["description_en"] = (values.get("description_en") or "").strip()
    out["tags"] = normalise_tags(values.get("tags"), known_tags)
    capacity = values.get("capacity")
    if capacity is not None and capacity != "":
        if isinstance(capacity, bool):
            raise MeetingError("capacity")
        try:
            capacity = int(capacity)
        except (TypeError, ValueError):
            raise MeetingError("capacity") from None
        if capacity < 1:
            raise MeetingError("capacity")
    out["capacity"] = capacity if capacity != "" else None
    deadline = _time(values.get("signup_deadline"), "deadline")
    if deadline is not None:
        if deadline > starts_at:
            raise MeetingError("deadline_after_start")
        if check_past and deadline <= now:
            raise MeetingError("deadline_passed")
    out["signup_deadline"] = deadline
    out["organiser_role"] = _text(values.get("organiser_role"), 32) or organiser
    channel, address = _text(values.get("organiser_channel"), 32), _text(values.get("organiser_address"), 128)
    out["organiser_channel"], out["organiser_address"] = (channel, address) if channel and address else (None, None)
    reminders = values.get("reminders")
    if reminders is None:
        reminders = ["7d", "1d"]
    if isinstance(reminders, str):
        reminders = [r for r in reminders.replace(";", ",").split(",") if r.strip()]
    cleaned: list[str] = []
    for offset in reminders:
        offset = str(offset).strip().lower()
        parse_offset(offset)
        if offset not in cleaned:
            cleaned.append(offset)
    out["reminders"] = cleaned
    for extra in ("seed_key", "case_id"):
        if extra in values:
            out[extra] = values[extra]
    return out


def check_signup_transition(previous: str | None, new: str) -> None:
    """The sign-up state machine; anything not listed is refused."""
    match (previous, new):
        case (None, "confirmed" | "waitlisted" | "invited"):
            return
        case ("waitlisted", "confirmed"):
            return
        case ("confirmed" | "waitlisted" | "invited", "cancelled"):
            return
        case ("invited", "confirmed" | "declined") | ("declined", "confirmed") | ("confirmed", "declined"):
            return
        case ("cancelled", "confirmed" | "waitlisted"):
            return
        case _:
            raise MeetingError("illegal_transition", f"{previous or 'ny'} → {new}")
