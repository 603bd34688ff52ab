"""`lotsen serve`: run the configured channels and the scheduler in one process until SIGTERM."""

from __future__ import annotations

import signal
import threading

import typer


def _build_service(settings, *, channels: dict, desks: dict):
    """The real core (bot.app.build_lotsen), with the adapters' ports for its outbox."""
    from bot.app import build_lotsen

    lotsen = build_lotsen(settings=settings, channels=channels, desks=desks)
    lotsen.seed_meetings(settings.knowledge_dir / "meetings.yaml")  # idempotent; a missing file is fine
    return lotsen


def serve(
    port: int = typer.Option(None, "--port", help="HTTP port (overrides LOTSEN_HTTP_PORT)."),
) -> None:
    """Start the configured channels (Telegram, Slack), the HTTP server and the scheduler."""
    from bot.cli.common import settings_or_exit
    from bot.config import ConfigError
    from bot.knowledge.problems import InvalidKnowledge
    from bot.serve import LotsenServer, configure_logging

    settings = settings_or_exit()
    if port is not None:
        settings.http_port = port
    configure_logging(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server = LotsenServer(settings=settings, build_service=_build_service)
    try:
        server.start()
    except ConfigError as exc:
        typer.echo(f"Konfigurationsfel / configuration error: {exc}", err=True)
        server.stop()
        raise typer.Exit(2) from None
    except InvalidKnowledge as exc:
        typer.echo(f"lotsen serve: the knowledge base or routing rules have problems:\n{exc}", err=True)
        server.stop()
        raise typer.Exit(2) from None
    except OSError as exc:  # e.g. the port is taken
        typer.echo(f"lotsen serve: cannot start: {exc.strerror or exc}", err=True)
        server.stop()
        raise typer.Exit(1) from None
    try:
        stop.wait()
    finally:
        server.stop()
