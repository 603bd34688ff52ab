"""`lotsen kb check|list|review|gaps|links`."""

from __future__ import annotations

from datetime import UTC

import typer

app = typer.Typer(help="The knowledge base (knowledge/ and routing_rules.yaml).", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Validate knowledge/ and routing_rules.yaml; print every problem with file and line."""
    from bot.cli.common import settings_or_exit
    from bot.knowledge.check import check_all

    settings = settings_or_exit()
    kb, problems = check_all(settings.knowledge_dir, settings.resolved_routing_file)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems or kb is None:
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {len(kb)} articles, the municipality profile and the routing rules are valid.")


@app.command("list")
def list_topics() -> None:
    """List the topics: id, responsible role and Swedish title."""
    from bot.cli.common import knowledge_or_exit

    kb = knowledge_or_exit().kb
    for article in sorted(kb.articles.values(), key=lambda a: a.id):
        typer.echo(f"{article.id:34} {article.role:14} {article.title.sv}")


def _date_or_exit(value: str, option: str):
    from datetime import date

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        typer.echo(f"{option} must be a date like 2026-12-01, got {value!r}.", err=True)
        raise typer.Exit(2) from None


@app.command("review")
def review(
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: today, Stockholm)"),
    lang: str = typer.Option("sv", help="sv or en"),
) -> None:
    """List the articles due for review (last_reviewed + review_months on or before the date), by owner role."""
    from datetime import datetime

    from bot.cli.common import settings_or_exit
    from bot.core.clock import STOCKHOLM
    from bot.knowledge.check import load_all
    from bot.knowledge.review import due_for_review, render_listing

    day = _date_or_exit(as_of, "--as-of") if as_of else datetime.now(STOCKHOLM).date()
    settings = settings_or_exit()
    routing = settings.resolved_routing_file
    kb, rules, problems = load_all(settings.knowledge_dir, routing if routing.is_file() else None)
    if problems or kb is None:  # (no matcher is built: this needs only the articles and the roles)
        for problem in problems:
            typer.echo(str(problem), err=True)
        typer.echo("Run 'lotsen kb check' and correct the knowledge base first.", err=True)
        raise typer.Exit(1)
    role_name = rules.role_name if rules is not None else (lambda role, _lang: role)
    typer.echo(render_listing(due_for_review(kb, as_of=day), role_name=role_name, as_of=day, lang=lang))


@app.command("gaps")
def gaps(
    since: str = typer.Option(..., "--since", help="YYYY-MM-DD: from the start of this day (Stockholm)"),
    until: str | None = typer.Option(None, "--until", help="YYYY-MM-DD: up to the end of this day (default: now)"),
    lang: str = typer.Option("sv", help="sv or en"),
) -> None:
    """What Lotsen could not answer since DATE, by likely topic, counted; no names, contact details or ids."""
    from datetime import datetime, timedelta

    from bot.cli.common import knowledge_or_exit, settings_or_exit
    from bot.knowledge.gaps import build_digest, render_digest
    from bot.knowledge.notices import period_start_local
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    start = period_start_local(_date_or_exit(since, "--since"))
    end = (period_start_local(_date_or_exit(until, "--until") + timedelta(days=1)) if until
           else datetime.now(UTC))
    if end <= start:
        typer.echo("--until must not be before --since.", err=True)
        raise typer.Exit(2)
    settings = settings_or_exit()
    bundle = knowledge_or_exit(settings)
    db = Database.from_url(settings.database_url)
    try:
        upgrade(db.engine)
        digest = build_digest(db, kb=bundle.kb, matcher=bundle.matcher, since=start, until=end)
    finally:
        db.dispose()
    typer.echo(render_digest(digest, kb=bundle.kb, lang=lang))


@app.command("links")
def links(
    timeout: float = typer.Option(10.0, min=0.1, help="seconds per request"),
    concurrency: int = typer.Option(8, min=1, max=64, help="requests at once"),
) -> None:
    """Check every source URL of the articles and the profile (HEAD, then GET); exit 1 if any fails."""
    from bot.cli.common import settings_or_exit
    from bot.knowledge.links import check_links, collect_urls
    from bot.knowledge.loader import check_knowledge

    settings = settings_or_exit()
    kb, problems = check_knowledge(settings.knowledge_dir)
    if kb is None:
        for problem in problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2)
    if problems:
        typer.echo(f"Note: {len(problems)} problem(s) in the knowledge base; articles with problems are not "
                   "checked. Run 'lotsen kb check'.", err=True)
    urls = collect_urls(kb)
    results = check_links(urls, timeout=timeout, concurrency=concurrency)
    failed = [result for result in results if not result.ok]
    for result in failed:
        typer.echo(f"FAIL {result.describe():>14}  {result.url}")
        for where in urls[result.url]:
            typer.echo(f"{'':20}{where}")
    typer.echo(f"{len(results)} URL(s) checked, {len(failed)} failed.")
    if failed:
        raise typer.Exit(1)
