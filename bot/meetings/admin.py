"""Meetings from the navigators' desk (a Slack command and modal, a Telegram group command).

Adapters collect text fields and call `submit_meeting` / `cancel_from_desk`; they get back an
ActionResult to show the navigator. `FORM_FIELDS` describes the modal; `parse_command` reads
the Telegram form `/mote titel=Frukost; start=2026-12-03 08:00; slut=2026-12-03 09:00; ...`.
Times are local Stockholm time. Only navigators (the `authorize` check) may act.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session

from bot.core.actions import ActionResult, Actor
from bot.core.clock import Clock
from bot.locales import msg
from bot.meetings import service
from bot.meetings.errors import MeetingError
from bot.meetings.times import format_input, parse_local


@dataclass(frozen=True, slots=True)
class FormField:
    name: str  # key in the form mapping
    label_sv: str
    label_en: str
    required: bool = False
    multiline: bool = False


FORM_FIELDS: tuple[FormField, ...] = (
    FormField("title_sv", "Titel (svenska)", "Title (Swedish)", required=True),
    FormField("title_en", "Titel (engelska)", "Title (English)"),
    FormField("kind", "Typ (upphandlingsdialog, naringslivsrad, frukost, information, tema, natverk)", "Kind"),
    FormField("start", "Start (ÅÅÅÅ-MM-DD TT:MM)", "Start (YYYY-MM-DD HH:MM)", required=True),
    FormField("end", "Slut (ÅÅÅÅ-MM-DD TT:MM)", "End (YYYY-MM-DD HH:MM)", required=True),
    FormField("place", "Plats", "Place"),
    FormField("link", "Länk", "Link"),
    FormField("description_sv", "Beskrivning (svenska)", "Description (Swedish)", multiline=True),
    FormField("description_en", "Beskrivning (engelska)", "Description (English)", multiline=True),
    FormField("tags", "Ämnen (kommaseparerade)", "Topics (comma-separated)"),
    FormField("capacity", "Antal platser", "Places"),
    FormField("deadline", "Sista anmälan (ÅÅÅÅ-MM-DD TT:MM)", "Sign-up deadline"),
)
_ALIASES = {"titel": "title_sv", "title": "title_sv", "titel_en": "title_en", "typ": "kind", "slut": "end",
            "plats": "place", "lank": "link", "länk": "link", "beskrivning": "description_sv",
            "description": "description_en", "taggar": "tags", "amnen": "tags", "ämnen": "tags",
            "platser": "capacity", "sista_anmalan": "deadline", "sista": "deadline"}
_TO_FIELD = {"start": "starts_at", "end": "ends_at", "deadline": "signup_deadline"}


def parse_command(text: str) -> dict[str, str]:
    """"titel=Frukost; start=2026-12-03 08:00; slut=2026-12-03 09:00" → form mapping."""
    form: dict[str, str] = {}
    for part in (text or "").split(";"):
        if "=" not in part:
            continue
        key, value = part.split("=", 1)
        key = key.strip().lower()
        form[_ALIASES.get(key, key)] = value.strip()
    return form


def _fields(form: dict[str, str], *, partial: bool) -> dict:
    known = {f.name for f in FORM_FIELDS}
    unknown = [k for k in form if k not in known]
    if unknown:
        raise MeetingError("bad_field", ", ".join(sorted(unknown)))
    fields: dict = {}
    for name, value in form.items():
        value = (value or "").strip()
        if partial and value == "":
            continue
        target = _TO_FIELD.get(name, name)
        if target in ("starts_at", "ends_at", "signup_deadline"):
            fields[target] = parse_local(value) if value else None
        elif target == "capacity":
            fields[target] = value or None
        else:
            fields[target] = value
    return fields


def submit_meeting(session: Session, *, actor: Actor, form: dict[str, str], clock: Clock,
                   known_tags: Iterable[str], authorize: Callable[[Actor], bool],
                   meeting_id: int | None = None, lang: str = "sv", organiser: str = "") -> ActionResult:
    """Create (or with `meeting_id` edit) a meeting from a desk form (`organiser`: the default
    organiser role, the routing rules' coordinator). Refusals come back as
    `ok=False` with a polite message; nothing is written then (run it in its own unit of work)."""
    if not authorize(actor):
        return ActionResult(ok=False, message=MeetingError("not_allowed").message(lang))
    try:
        with session.begin_nested():
            fields = _fields(form, partial=meeting_id is not None)
            who = f"{actor.channel}:{actor.user_id}"
            if meeting_id is None:
                fields.setdefault("organiser_channel", actor.channel)
                fields.setdefault("organiser_address", actor.user_id)
                meeting = service.create_meeting(session, fields=fields, actor=who, clock=clock, known_tags=known_tags,
                                                 organiser=organiser)
                verb = "meetings.desk.created"
            else:
                meeting = service.edit_meeting(session, meeting_id=meeting_id, changes=fields, actor=who, clock=clock,
                                               known_tags=known_tags)
                verb = "meetings.desk.changed"
    except MeetingError as exc:
        return ActionResult(ok=False, message=exc.message(lang))
    return ActionResult(ok=True, message=msg(lang, verb, id=meeting.id, title=meeting.title(lang),
                                             when=format_input(meeting.starts_at)))


def cancel_from_desk(session: Session, *, actor: Actor, meeting_id: int, clock: Clock,
                     authorize: Callable[[Actor], bool], reason: str | None = None, lang: str = "sv") -> ActionResult:
    if not authorize(actor):
        return ActionResult(ok=False, message=MeetingError("not_allowed").message(lang))
    try:
        with session.begin_nested():
            meeting = service.cancel_meeting(session, meeting_id=meeting_id, actor=f"{actor.channel}:{actor.user_id}",
                                             clock=clock, reason=reason)
    except MeetingError as exc:
        return ActionResult(ok=False, message=exc.message(lang))
    return ActionResult(ok=True, message=msg(lang, "meetings.desk.cancelled", id=meeting.id, title=meeting.title(lang)))


def form_values(meeting) -> dict[str, str]:
    """A meeting as form values, to prefill an edit modal."""
    return {"title_sv": meeting.title_sv, "title_en": meeting.title_en, "kind": meeting.kind,
            "start": format_input(meeting.starts_at), "end": format_input(meeting.ends_at),
            "place": meeting.place or "", "link": meeting.link or "", "description_sv": meeting.description_sv,
            "description_en": meeting.description_en, "tags": ",".join(meeting.tags),
            "capacity": "" if meeting.capacity is None else str(meeting.capacity),
            "deadline": format_input(meeting.signup_deadline) if meeting.signup_deadline else ""}
