"""`lotsen serve`: run the configured channels and the scheduler in one process until SIGTERM.

Every failure to start is one line on stderr naming what failed and what to do, and exit code 2
(the log, on stdout, has the details). The knowledge base's problems are the exception: each is
listed, as `lotsen kb check` lists them.
"""

from __future__ import annotations

import logging
import signal
import threading

import typer

log = logging.getLogger("bot.cli.serve")


def _build_service(settings, *, channels: dict, desks: dict):
    """The real core (bot.app.build_lotsen), with the adapters' ports for its outbox, once the
    database answers."""
    from bot.app import build_lotsen
    from bot.startup import Retry, wait_for_database

    wait_for_database(settings.database_url, retry=Retry.from_settings(settings))
    lotsen = build_lotsen(settings=settings, channels=channels, desks=desks)
    lotsen.seed_meetings(settings.knowledge_dir / "meetings.yaml")  # idempotent; a missing file is fine
    return lotsen


def serve(
    port: int = typer.Option(None, "--port", help="HTTP port (overrides LOTSEN_HTTP_PORT)."),
) -> None:
    """Start the web chat, the configured channels (Telegram, Slack), the HTTP server and the scheduler."""
    from bot.cli.common import settings_or_exit
    from bot.config import ConfigError
    from bot.knowledge.problems import InvalidKnowledge
    from bot.serve import LotsenServer, configure_logging, redact
    from bot.startup import StartupError

    settings = settings_or_exit()
    if port is not None:
        settings.http_port = port
    configure_logging(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server = LotsenServer(settings=settings, build_service=_build_service)

    def fail(line: str) -> typer.Exit:
        _stop_quietly(server)
        typer.echo(redact(line, settings), err=True)
        return typer.Exit(2)

    try:
        server.start()
    except ConfigError as exc:
        raise fail(f"Konfigurationsfel / configuration error: {exc}") from None
    except StartupError as exc:
        raise fail(f"lotsen serve: cannot start: {exc}") from None
    except InvalidKnowledge as exc:
        raise fail(f"lotsen serve: the knowledge base or routing rules have problems:\n{exc}") from None
    except Exception as exc:  # anything else: still one line, the traceback only in a DEBUG log
        log.debug("lotsen serve: start-up failed", exc_info=exc)
        detail = (str(exc).splitlines() or [""])[0][:200]
        raise fail(f"lotsen serve: cannot start: {type(exc).__name__}: {detail} "
                   "(LOTSEN_LOG_LEVEL=DEBUG logs the details)") from None
    try:
        stop.wait()
    finally:
        server.stop()


def _stop_quietly(server) -> None:
    """Undo a partial start; a failure here must not hide the one line about the start."""
    try:
        server.stop()
    except Exception as exc:
        log.debug("lotsen serve: stopping after a failed start failed too", exc_info=exc)
