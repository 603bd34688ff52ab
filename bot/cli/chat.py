"""`lotsen chat`: a conversation in the terminal (no tokens, no network)."""

from __future__ import annotations

import typer


def chat() -> None:
    """Talk to Lotsen in the terminal; the navigators' channel is printed as it would look."""
    typer.echo("lotsen chat: being built", err=True)
    raise typer.Exit(2)
