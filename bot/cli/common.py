"""Small helpers shared by the CLI modules: settings and clean exits."""

from __future__ import annotations

import typer

from bot.config import ConfigError, Settings, load_settings


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        typer.echo(f"Konfigurationsfel / configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


def knowledge_or_exit(settings: Settings | None = None):
    """The validated knowledge bundle, or every problem printed and exit code 1."""
    from bot.knowledge.cache import load_bundle
    from bot.knowledge.problems import InvalidKnowledge

    settings = settings or settings_or_exit()
    try:
        return load_bundle(settings.knowledge_dir, settings.resolved_routing_file)
    except InvalidKnowledge as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo("Lotsen startar inte med en ogiltig kunskapsbas. / Lotsen will not start with an "
                   "invalid knowledge base: run 'lotsen kb check'.", err=True)
        raise typer.Exit(1) from None
