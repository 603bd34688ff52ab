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
