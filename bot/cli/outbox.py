"""`lotsen outbox list|resolve|resend`: messages whose outcome is unknown, settled by a person.

A send cut off mid-flight may or may not have arrived; Lotsen never repeats it by itself and
reports it on the navigators' desk. Check with the recipient, then `resolve ID` (it arrived:
marked sent) or `resend ID` (it did not: sent once more). The acting navigator is given with
`--as <e-mail>` (or LOTSEN_NAVIGATOR) and must be listed in routing_rules.yaml; every action and
every refusal is audited (`lotsen outbox show ID` prints the audit).
"""

from __future__ import annotations

import typer

from bot.cli.cases import AS_OPTION

app = typer.Typer(help="Utkorgen / the outbox: messages whose outcome is unknown.", no_args_is_help=True)


def _line(row) -> str:
    from bot.core.clock import STOCKHOLM

    due = row.due_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    error = (row.last_error or "").splitlines()[0][:60] if row.last_error else ""
    return (f"#{row.id:<6} {row.status:8} {row.kind:13} {row.channel:9} {row.address or '-':14} {due}  "
            f"försök/attempts {row.attempts}  {error}")


@app.command("list")
def list_command(unknown: bool = typer.Option(False, "--unknown", help="Bara okänt utfall / unknown outcomes only"),
                 limit: int = typer.Option(100, min=1, max=10000)) -> None:
    """Lista meddelanden / list messages (with --unknown: those whose outcome is unknown)."""
    from sqlmodel import col, select

    from bot.cli.cases import _context
    from bot.outbox.models import OutboxItem
    from bot.outbox.settle import list_unknown

    db, _ = _context()
    with db.session() as session:
        if unknown:
            rows = list_unknown(session, limit=limit)
        else:
            rows = list(session.exec(select(OutboxItem).order_by(col(OutboxItem.id).desc()).limit(limit)))
        if not rows:
            typer.echo("Inga meddelanden / no messages." if not unknown
                       else "Inga meddelanden med okänt utfall / no messages with an unknown outcome.")
        for row in rows:
            typer.echo(_line(row))
    db.dispose()


@app.command("show")
def show_command(outbox_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Visa ett meddelande och vad som gjorts med det / show a message and what was done to it."""
    from bot.cli.cases import _context
    from bot.outbox.models import OutboxItem
    from bot.outbox.settle import history

    db, _ = _context()
    with db.session() as session:
        row = session.get(OutboxItem, outbox_id)
        if row is None:
            typer.echo(f"Det finns inget meddelande #{outbox_id} / no message #{outbox_id}.", err=True)
            raise typer.Exit(1)
        typer.echo(_line(row))
        typer.echo(f"key: {row.dedupe_key or '-'}")
        text = str((row.payload or {}).get("text") or "")
        if text:
            typer.echo("text: " + text[:500])
        for entry in history(session, outbox_id=outbox_id):
            who = entry.actor_name or f"{entry.actor_channel}:{entry.actor_id}"
            typer.echo(f"{entry.created_at:%Y-%m-%d %H:%M}Z  {entry.action:8} {who}  {entry.data or ''}")
    db.dispose()


def _settle(verb: str, outbox_id: int, navigator: str | None) -> None:
    from bot.cli.cases import _context
    from bot.core.actions import Actor
    from bot.core.clock import SystemClock
    from bot.outbox import settle

    if not navigator:
        typer.echo("Ange vem du är med --as <e-post> (eller LOTSEN_NAVIGATOR) / "
                   "say who you are with --as <e-mail> (or LOTSEN_NAVIGATOR).", err=True)
        raise typer.Exit(2)
    db, rules = _context()
    with db.writer() as session:
        result = getattr(settle, verb)(session, outbox_id=outbox_id, actor=Actor("cli", navigator.strip()),
                                       rules=rules, clock=SystemClock())
    db.dispose()
    typer.echo(result.message, err=not result.ok)
    if not result.ok:
        raise typer.Exit(1)


@app.command("resolve")
def resolve_command(outbox_id: int = typer.Argument(..., metavar="ID"), navigator: str | None = AS_OPTION) -> None:
    """Det kom fram: markera som skickat / it arrived: mark it sent."""
    _settle("resolve", outbox_id, navigator)


@app.command("resend")
def resend_command(outbox_id: int = typer.Argument(..., metavar="ID"), navigator: str | None = AS_OPTION) -> None:
    """Det kom inte fram: skicka igen / it did not arrive: send it once more."""
    _settle("resend", outbox_id, navigator)
