"""`lotsen report --from DATE --to DATE --out report.html [--lang sv|en]`."""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    since: str = typer.Option(..., "--from", help="YYYY-MM-DD: from the start of this day (Stockholm)"),
    until: str = typer.Option(..., "--to", help="YYYY-MM-DD: up to the end of this day (Stockholm)"),
    out: Path = typer.Option(Path("report.html"), "--out", help="the HTML file to write"),
    lang: str = typer.Option("sv", "--lang", help="sv or en"),
) -> None:
    """Write the service report: one self-contained HTML file (NKI/NUI, waits, cases, meetings, topics)."""
    from datetime import date, timedelta

    from bot.app import open_database
    from bot.cli.common import settings_or_exit
    from bot.insight.report import build_report
    from bot.knowledge.check import load_all
    from bot.knowledge.notices import period_start_local

    if lang not in ("sv", "en"):
        typer.echo("--lang must be sv or en.", err=True)
        raise typer.Exit(2)
    try:
        first, last = date.fromisoformat(since.strip()), date.fromisoformat(until.strip())
    except ValueError:
        typer.echo("--from and --to must be dates like 2026-11-01.", err=True)
        raise typer.Exit(2) from None
    if last < first:
        typer.echo("--to must not be before --from.", err=True)
        raise typer.Exit(2)
    settings = settings_or_exit()
    kb, rules, problems = load_all(settings.knowledge_dir, settings.resolved_routing_file)
    if problems or kb is None or rules is None:
        for problem in problems:
            typer.echo(str(problem), err=True)
        typer.echo("Run 'lotsen kb check' and correct the knowledge base first.", err=True)
        raise typer.Exit(1)
    db = open_database(settings)
    try:
        html, figures = build_report(db, rules=rules, kb=kb, since=period_start_local(first),
                                     until=period_start_local(last + timedelta(days=1)), lang=lang)
    finally:
        db.dispose()
    out.write_text(html, encoding="utf-8")
    typer.echo(f"{out}: {figures.cases_opened} cases, NKI from {figures.nki_total.answers} respondents "
               f"({len(html) // 1024} kB)")
