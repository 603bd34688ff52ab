"""`lotsen serve` (being built)."""

from __future__ import annotations

import typer


def serve() -> None:
    """Start the configured channels and the scheduler in one process."""
    typer.echo("lotsen serve: not configured yet", err=True)
    raise typer.Exit(2)
