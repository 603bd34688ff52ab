"""`lotsen cases ...` (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="cases", no_args_is_help=True)
