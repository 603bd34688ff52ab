"""`lotsen meetings add|list|edit|cancel|attendees|seed`: dialogue meetings from the command line.

Times are local Stockholm time ("2026-12-03 08:00"). The acting person is named with
`--as <e-mail>` and must be a navigator in routing_rules.yaml. A refusal is one line on
stderr with exit code 2, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import NamedTuple

import typer

app = typer.Typer(help="Dialogue meetings: add, list, edit, cancel, attendees, seed.", no_args_is_help=True)

AS_HELP = "Your e-mail address as a navigator in routing_rules.yaml."


def _refuse(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)


class Directory(NamedTuple):
    tags: frozenset[str]  # fixed ones, article ids, the roles of routing_rules.yaml
    allowed: Callable[[str], bool]  # whether an e-mail belongs to a navigator
    organiser: str = ""  # the default organiser role: the coordinator of routing_rules.yaml


def directory(settings) -> Directory:
    """Known tags, who may act and the default organiser, from the knowledge and routing rules.
    Separate so tests can supply their own."""
    from bot.app import meeting_policy
    from bot.cli.common import knowledge_or_exit
    from bot.core.actions import Actor

    policy = meeting_policy(knowledge_or_exit(settings))  # the one the desks use (Lotsen.submit_meeting)
    return Directory(policy.tags, lambda email: policy.allows(Actor(channel="cli", user_id=email)), policy.organiser)


def _open(actor: str | None):
    from bot.app import open_database
    from bot.cli.common import settings_or_exit
    from bot.core.clock import SystemClock

    settings = settings_or_exit()
    found = directory(settings)
    if actor is not None and not found.allowed(actor):
        _refuse(f"{actor} är inte lots i routing_rules.yaml. / {actor} is not a navigator in routing_rules.yaml.")
    database = open_database(settings)
    return database, SystemClock(), found


def _fields(**options) -> dict:
    """Only the options given, renamed to Meeting fields; text times stay text (parsed later)."""
    names = {"title_sv": "title_sv", "title_en": "title_en", "kind": "kind", "start": "starts_at", "end": "ends_at",
             "place": "place", "link": "link", "description_sv": "description_sv", "description_en": "description_en",
             "tags": "tags", "capacity": "capacity", "deadline": "signup_deadline", "organiser_role": "organiser_role",
             "organiser_channel": "organiser_channel", "organiser_address": "organiser_address",
             "reminders": "reminders"}
    return {names[key]: value for key, value in options.items() if value is not None}


def _times_parsed(fields: dict) -> dict:
    from bot.meetings.times import parse_local

    for key in ("starts_at", "ends_at", "signup_deadline"):
        if isinstance(fields.get(key), str):
            fields[key] = parse_local(fields[key])
    return fields


def _run(action, actor: str | None):
    from bot.meetings.errors import MeetingError
    from bot.meetings.seed import SeedError

    database, clock, found = _open(actor)
    try:
        with database.writer() as session:
            return action(session, clock, found)
    except MeetingError as exc:
        _refuse(f"{exc.message('sv')} / {exc.message('en')}")
    except SeedError as exc:
        _refuse(f"Fel i mötesfilen / error in the meetings file: {exc}")
    finally:
        database.dispose()


def _counts(session, meeting) -> tuple[int, int]:
    """Places taken and people waiting, counted the same way for every command (`edit` used to
    print 0/60 where `list` showed 1/60)."""
    from sqlmodel import select

    from bot.meetings.models import Signup

    statuses = [s.status for s in session.exec(select(Signup).where(Signup.meeting_id == meeting.id))]
    return statuses.count("confirmed"), statuses.count("waitlisted")


def _line(meeting, confirmed: int = 0, waiting: int = 0) -> str:
    from bot.meetings.times import format_input

    places = f"{confirmed}/{meeting.capacity}" if meeting.capacity else f"{confirmed}"
    extra = f" +{waiting} väntar" if waiting else ""
    status = "" if meeting.status == "scheduled" else f" [{meeting.status}]"
    tags = f" #{' #'.join(meeting.tags)}" if meeting.tags else ""
    return f"{meeting.id:>4}  {format_input(meeting.starts_at)}  {meeting.kind:18} {places:>7}{extra}  {meeting.title_sv}{tags}{status}"


@app.command("add")
def add(title_sv: str = typer.Option(..., "--title-sv"), title_en: str | None = typer.Option(None, "--title-en"),
        kind: str = typer.Option("information", help="upphandlingsdialog, naringslivsrad, frukost, information, tema, natverk, lotsmote"),
        start: str = typer.Option(..., help='Local time, e.g. "2026-12-03 08:00".'),
        end: str = typer.Option(..., help='Local time, e.g. "2026-12-03 09:30".'),
        place: str | None = None, link: str | None = None,
        description_sv: str | None = typer.Option(None, "--description-sv"),
        description_en: str | None = typer.Option(None, "--description-en"),
        tags: str | None = typer.Option(None, help="Comma-separated: article ids, role ids, or e.g. frukost,export."),
        capacity: int | None = None, deadline: str | None = typer.Option(None, help="Sign-up deadline, local time."),
        organiser_role: str | None = typer.Option(None, "--organiser-role"),
        organiser_channel: str | None = typer.Option(None, "--organiser-channel"),
        organiser_address: str | None = typer.Option(None, "--organiser-address"),
        reminders: str | None = typer.Option(None, help="e.g. 7d,1d (the default) or 2h."),
        actor: str = typer.Option(..., "--as", help=AS_HELP)) -> None:
    """Add a meeting; subscribers of its tags are told about it."""
    from bot.meetings import service

    fields = _fields(title_sv=title_sv, title_en=title_en, kind=kind, start=start, end=end, place=place, link=link,
                     description_sv=description_sv, description_en=description_en, tags=tags, capacity=capacity,
                     deadline=deadline, organiser_role=organiser_role, organiser_channel=organiser_channel,
                     organiser_address=organiser_address, reminders=reminders)
    meeting = _run(lambda s, clock, d: service.create_meeting(
        s, fields=_times_parsed(fields), actor=actor, clock=clock, known_tags=d.tags, organiser=d.organiser), actor)
    typer.echo(f"Mötet är skapat / meeting created: {_line(meeting)}")


@app.command("list")
def list_command(tag: str | None = None, all_: bool = typer.Option(False, "--all", help="Also cancelled and past meetings."),
                 limit: int = 50) -> None:
    """List meetings ahead: id, local start, kind, places taken, title, tags."""
    from datetime import datetime

    from bot.meetings import service

    def action(session, clock, d):
        now = datetime(1970, 1, 1, tzinfo=UTC) if all_ else clock.now()
        found = service.list_meetings(session, now=now, tag=tag, limit=limit, include_cancelled=all_,
                                      include_case_meetings=True)
        return [_line(meeting, *_counts(session, meeting)) for meeting in found]

    lines = _run(action, None)
    typer.echo("\n".join(lines) if lines else "Inga möten / no meetings.")


@app.command("edit")
def edit(meeting_id: int = typer.Argument(..., metavar="ID"),
         title_sv: str | None = typer.Option(None, "--title-sv"), title_en: str | None = typer.Option(None, "--title-en"),
         kind: str | None = None, start: str | None = None, end: str | None = None,
         place: str | None = None, link: str | None = None,
         description_sv: str | None = typer.Option(None, "--description-sv"),
         description_en: str | None = typer.Option(None, "--description-en"),
         tags: str | None = None, capacity: int | None = None, deadline: str | None = None,
         organiser_role: str | None = typer.Option(None, "--organiser-role"),
         organiser_channel: str | None = typer.Option(None, "--organiser-channel"),
         organiser_address: str | None = typer.Option(None, "--organiser-address"),
         reminders: str | None = None, actor: str = typer.Option(..., "--as", help=AS_HELP)) -> None:
    """Change a meeting; those signed up get the change and an updated invitation."""
    from bot.meetings import service
    from bot.meetings.validation import normalise_tags

    fields = _fields(title_sv=title_sv, title_en=title_en, kind=kind, start=start, end=end, place=place, link=link,
                     description_sv=description_sv, description_en=description_en, tags=tags, capacity=capacity,
                     deadline=deadline, organiser_role=organiser_role, organiser_channel=organiser_channel,
                     organiser_address=organiser_address, reminders=reminders)
    if not fields:
        _refuse("Inget att ändra / nothing to change: give at least one option.")

    def action(session, clock, d):
        changes = _times_parsed(dict(fields))
        if "starts_at" in changes and "ends_at" not in changes:  # moving the start keeps the length
            current = service.get_meeting(session, meeting_id=meeting_id)
            changes["ends_at"] = changes["starts_at"] + (current.ends_at - current.starts_at)
        if "tags" in changes:
            changes["tags"] = normalise_tags(changes["tags"], d.tags)
        if "reminders" in changes:
            changes["reminders"] = [r.strip() for r in changes["reminders"].split(",") if r.strip()]
        meeting = service.edit_meeting(session, meeting_id=meeting_id, changes=changes, actor=actor, clock=clock,
                                       known_tags=d.tags)
        return _line(meeting, *_counts(session, meeting))

    typer.echo(f"Mötet är ändrat / meeting changed: {_run(action, actor)}")


@app.command("cancel")
def cancel(meeting_id: int = typer.Argument(..., metavar="ID"), reason: str | None = None,
           actor: str = typer.Option(..., "--as", help=AS_HELP)) -> None:
    """Cancel a meeting; everyone signed up is told (with a calendar cancellation)."""
    from bot.meetings import service

    def action(session, clock, d):
        meeting = service.cancel_meeting(session, meeting_id=meeting_id, actor=actor, clock=clock, reason=reason)
        return _line(meeting)  # nobody holds a place at a cancelled meeting

    typer.echo(f"Mötet är inställt / meeting cancelled: {_run(action, actor)}")


@app.command("attendees")
def attendees_command(meeting_id: int = typer.Argument(..., metavar="ID"),
                      as_csv: bool = typer.Option(False, "--csv", help="Comma-separated values with a header row."),
                      actor: str = typer.Option(..., "--as", help=AS_HELP)) -> None:
    """Who has signed up (name, company, status, channel, when), in sign-up order. Navigators
    only; every look and every refusal is audited."""
    from bot.meetings import attendees
    from bot.meetings.errors import MeetingError

    database, clock, found = _open(None)  # a refusal is audited too, so the database is opened first
    action = "attendees_csv" if as_csv else "attendees"
    refusal: MeetingError | None = None
    try:
        with database.writer() as session:
            try:
                listed = attendees.attendee_list(session, meeting_id=meeting_id, actor=actor,
                                                 allowed=bool(found.allowed(actor)), clock=clock, action=action)
            except MeetingError as exc:
                refusal = exc  # the audit row commits with the unit
            else:
                refusal = None
                output = attendees.as_csv(listed) if as_csv else attendees.as_text(listed)
    finally:
        database.dispose()
    if refusal is not None:
        _refuse(f"{refusal.message('sv')} / {refusal.message('en')}")
    typer.echo(output, nl=not as_csv)


@app.command("seed")
def seed(file: Path | None = typer.Option(None, help="Default: meetings.yaml in the knowledge folder."),
         actor: str | None = typer.Option(None, "--as", help=AS_HELP)) -> None:
    """Load the recurring meetings from knowledge/meetings.yaml (loading again changes nothing)."""
    from bot.cli.common import settings_or_exit
    from bot.meetings.seed import load_seed

    path = file or settings_or_exit().knowledge_dir / "meetings.yaml"
    if not path.exists():
        _refuse(f"Filen finns inte / no such file: {path}")
    result = _run(lambda s, clock, d: load_seed(s, path=path, clock=clock, known_tags=d.tags, organiser=d.organiser,
                                                   actor=actor or "seed"), actor)
    typer.echo(f"Möten: {len(result.created)} nya, {len(result.updated)} ändrade, {len(result.unchanged)} oförändrade, "
               f"{len(result.past)} passerade / meetings: {len(result.created)} new, {len(result.updated)} changed, "
               f"{len(result.unchanged)} unchanged, {len(result.past)} past.")
