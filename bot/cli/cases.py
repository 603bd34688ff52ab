"""`lotsen cases list|show|claim|note|reply|close`: the navigators' view from a terminal.

The acting navigator is given with `--as <e-mail>` (or LOTSEN_NAVIGATOR) and must be a member
or deputy in routing_rules.yaml; every action, and every refusal, is on the case's timeline.
"""

from __future__ import annotations

import typer

app = typer.Typer(help="Ärenden / cases: list, show, claim, note, reply, close.", no_args_is_help=True)

AS_OPTION = typer.Option(None, "--as", envvar="LOTSEN_NAVIGATOR",
                         help="Your e-mail as listed in routing_rules.yaml / din e-post i routing_rules.yaml")


def _context():
    """Settings, database (migrated), knowledge and routing rules, or a clean exit."""
    from bot.app import open_database
    from bot.cli.common import settings_or_exit
    from bot.knowledge.loader import load_knowledge
    from bot.knowledge.problems import InvalidKnowledge
    from bot.routing.loader import load_routing_rules

    settings = settings_or_exit()
    try:
        kb = load_knowledge(settings.knowledge_dir)
        rules = load_routing_rules(settings.resolved_routing_file, kb=kb)
    except InvalidKnowledge as exc:
        typer.echo(f"Kunskapsbasen eller routing_rules.yaml har fel / has problems:\n{exc}", err=True)
        raise typer.Exit(2) from None
    return open_database(settings), rules


@app.command("list")
def list_command(status: str | None = typer.Option(None, help="new, convened, claimed, meeting_proposed, "
                                                                   "meeting_agreed, closed"),
                 open_only: bool = typer.Option(False, "--open", help="Bara öppna / open cases only"),
                 role: str | None = typer.Option(None, help="a role id of routing_rules.yaml"),
                 limit: int = typer.Option(50, min=1, max=1000)) -> None:
    """Lista ärenden / list cases, newest first."""
    from bot.cases.queries import list_cases
    from bot.cases.states import status_name
    from bot.core.clock import STOCKHOLM

    db, _ = _context()
    with db.session() as session:
        cases = list_cases(session, status=status, open_only=open_only, role=role, limit=limit)
        if not cases:
            typer.echo("Inga ärenden / no cases.")
        for case in cases:
            topics = ", ".join(str(t.get("title") or t.get("id")) for t in case.topics or [])
            who = case.claimed_by_name or "-"
            created = case.created_at.astimezone(STOCKHOLM)
            typer.echo(f"{case.number}  {created:%Y-%m-%d}  {status_name(case.status):22}  {who:18}  "
                       f"{','.join(case.roles)}  {topics}")
    db.dispose()


@app.command("show")
def show_command(number: str) -> None:
    """Visa ett ärende och dess tidslinje / show a case and its timeline."""
    import io
    from datetime import datetime

    from bot.adapters.console_desk import ConsoleDesk
    from bot.cases.card import build_card
    from bot.cases.queries import find_case, timeline
    from bot.cases.texts import format_when
    from bot.core.clock import STOCKHOLM
    from bot.storage.rows import saved_id

    db, rules = _context()
    with db.session() as session:
        case = find_case(session, number=number)
        if case is None:
            typer.echo(f"Det finns inget ärende {number} / no case {number}.", err=True)
            raise typer.Exit(1)
        out = io.StringIO()
        typer.echo(ConsoleDesk(out).render(build_card(case, rules=rules)))
        typer.echo("")
        for event in timeline(session, case_id=saved_id(case)):
            who = event.actor_name or f"{event.actor_channel}:{event.actor_id}"
            detail = f" — {event.text}" if event.text else ""
            extra = {k: v for k, v in (event.data or {}).items() if k in ("outcome", "step", "target", "reason",
                                                                          "meeting_at", "verb")}
            when = event.created_at.astimezone(STOCKHOLM)  # navigators read local time
            if "meeting_at" in extra:
                extra["meeting_at"] = format_when(datetime.fromisoformat(extra["meeting_at"]))
            typer.echo(f"{when:%Y-%m-%d %H:%M}  {event.kind:20} {who}{detail}"
                       + (f"  {extra}" if extra else ""))
    db.dispose()


def _act(verb: str, number: str, navigator: str | None, *, text: str | None = None,
         outcome: str | None = None) -> None:
    from bot.cases.actions import navigator_action
    from bot.core.actions import Actor, NavigatorAction
    from bot.core.clock import SystemClock

    if not navigator:
        typer.echo("Ange vem du är med --as <e-post> (eller LOTSEN_NAVIGATOR) / "
                   "say who you are with --as <e-mail> (or LOTSEN_NAVIGATOR).", err=True)
        raise typer.Exit(2)
    db, rules = _context()
    action = NavigatorAction(actor=Actor("cli", navigator.strip()), verb=verb, case_number=number, text=text,
                             outcome=outcome)
    result = navigator_action(db, action=action, rules=rules, clock=SystemClock())
    db.dispose()
    typer.echo(result.message, err=not result.ok)
    if not result.ok:
        raise typer.Exit(1)


@app.command("claim")
def claim_command(number: str, navigator: str | None = AS_OPTION) -> None:
    """Ta ärendet / claim the case (the business owner is told your name)."""
    _act("claim", number, navigator)


@app.command("note")
def note_command(number: str, text: str, navigator: str | None = AS_OPTION) -> None:
    """Intern anteckning / internal note (never shown to the business owner)."""
    _act("note", number, navigator, text=text)


@app.command("reply")
def reply_command(number: str, text: str, navigator: str | None = AS_OPTION) -> None:
    """Svara företagaren / reply to the business owner."""
    _act("reply", number, navigator, text=text)


@app.command("close")
def close_command(number: str,
                  outcome: str = typer.Option(..., help="answered, meeting_held, permit_applied, referred, withdrawn"),
                  text: str | None = typer.Option(None, help="En kommentar / a comment"),
                  navigator: str | None = AS_OPTION) -> None:
    """Avsluta ärendet med ett utfall / close the case with an outcome."""
    _act("close", number, navigator, outcome=outcome, text=text)


@app.command("add")
def add_command(number: str, who: str = typer.Argument(..., metavar="ROLE-OR-E-MAIL"),
                navigator: str | None = AS_OPTION) -> None:
    """Lägg till en roll eller en lots / add a role or a navigator (coordinator only); they may then claim."""
    _act("add", number, navigator, text=who)


@app.command("meeting")
def meeting_command(number: str,
                    at: str = typer.Option(..., "--at", help="2026-12-03 10:00 (Swedish time) or ISO 8601 with offset"),
                    navigator: str | None = AS_OPTION) -> None:
    """Föreslå en mötestid / propose a meeting time (the business owner accepts or declines)."""
    _act("meeting", number, navigator, text=at)
