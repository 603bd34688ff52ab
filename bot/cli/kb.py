"""`lotsen kb check` and `lotsen kb list`."""

from __future__ import annotations

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
    if problems:
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
