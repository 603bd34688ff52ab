"""Start-up of `lotsen serve`: retries with backoff for transient network errors, and the one
error every start-up failure becomes.

A `StartupError` is one line naming what failed and what to do; `lotsen serve` prints it on
stderr and exits with code 2. The channel adapters turn their libraries' errors into it (a
refused token, an unreachable API); this module knows no channel library.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from bot.storage.db import normalise_url

log = logging.getLogger(__name__)

T = TypeVar("T")


class StartupError(Exception):
    """One line: what failed and what to do. Never holds a secret."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


@dataclass(frozen=True)
class Retry:
    """`attempts` tries in all; the waits between them start at `backoff` seconds and double."""

    attempts: int = 4
    backoff: float = 1.0

    @classmethod
    def from_settings(cls, settings) -> Retry:
        return cls(attempts=1 + settings.startup_retries, backoff=settings.startup_backoff)

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based)."""
        return self.backoff * 2 ** (attempt - 1)


def retry_call(func: Callable[[], T], *, retry: Retry, transient: Callable[[BaseException], bool],
               what: str) -> T:
    """`func()`, tried again after a transient error until `retry.attempts` are used up; the
    last error (or any other) is raised."""
    for attempt in range(1, retry.attempts + 1):
        try:
            return func()
        except Exception as exc:
            if attempt == retry.attempts or not transient(exc):
                raise
            _log_retry(what, exc, attempt, retry)
            time.sleep(retry.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


async def retry_async(func: Callable[[], Awaitable[T]], *, retry: Retry,
                      transient: Callable[[BaseException], bool], what: str) -> T:
    """`retry_call` for a coroutine function."""
    for attempt in range(1, retry.attempts + 1):
        try:
            return await func()
        except Exception as exc:
            if attempt == retry.attempts or not transient(exc):
                raise
            _log_retry(what, exc, attempt, retry)
            await asyncio.sleep(retry.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _log_retry(what: str, exc: BaseException, attempt: int, retry: Retry) -> None:
    log.warning("start-up: %s failed (%s); attempt %d of %d, next in %.2g s",
                what, type(exc).__name__, attempt + 1, retry.attempts, retry.delay(attempt))


def address(url: str) -> str:
    """host[:port] of an http(s) URL, for a message (never its path: Telegram's holds the token)."""
    return urlsplit(url).netloc.rpartition("@")[2] or url


def wait_for_database(url: str, *, retry: Retry) -> None:
    """Connect once (`SELECT 1`), retrying a server that does not answer yet; raise
    StartupError naming the database (without its password) when it cannot be reached."""
    url = normalise_url(url)
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        if not folder.is_dir():  # make_engine creates it; only check that it could
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StartupError(f"database: cannot create the folder {folder} ({exc.strerror}): "
                                   "check LOTSEN_DATABASE_URL") from None
    connect_args = {} if sqlite else {"connect_timeout": 10}
    engine = create_engine(url, connect_args=connect_args, poolclass=NullPool)

    def probe() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    shown = parsed.render_as_string(hide_password=True)
    try:
        retry_call(probe, retry=retry if not sqlite else Retry(attempts=1),
                   transient=_database_transient, what=f"the database {shown}")
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        what_to_do = ("check LOTSEN_DATABASE_URL" if sqlite else
                      "check LOTSEN_DATABASE_URL and that the database server runs and lets this host in")
        raise StartupError(f"database unreachable ({shown}): {reason[:200]}: {what_to_do}") from None
    finally:
        engine.dispose()


def _database_transient(exc: BaseException) -> bool:
    """A server that does not answer (yet), not one that refuses us (a wrong password or database)."""
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate == "57P03"

