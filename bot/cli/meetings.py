"""`lotsen meetings ...` (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="meetings", no_args_is_help=True)
