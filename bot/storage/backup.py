"""Backup and restore (`lotsen db backup FILE`, `lotsen db restore FILE`).

SQLite is copied with its online backup API (sqlite3.Connection.backup): one consistent
snapshot, taken while `lotsen serve` goes on writing (the copy holds a read transaction, so
writers in WAL mode are not blocked, and it sees no half-committed transaction). The copy is
written next to FILE under a temporary name, checked (`PRAGMA integrity_check`) and then renamed,
so FILE is either the old file or a whole backup.

A restore goes the other way, through the same API, so even a process that has the database
open sees either the old or the restored database, never a mix. It still refuses a database
that another process has open unless forced: that process's idea of the state (its pending
sends, its sweeps) would no longer match the data. It refuses a file that is not a healthy
Lotsen database.

PostgreSQL has its own tools; `pg_commands` gives the pg_dump and pg_restore lines to use.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.storage.db import normalise_url


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why, in one line."""


@dataclass(frozen=True)
class Copied:
    path: Path
    pages: int
    heads: frozenset[str]  # the Alembic revisions the copy is at


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL, or None for another database (or an in-memory one)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def backup_sqlite(*, url: str, target: Path, overwrite: bool = False) -> Copied:
    source_path = _existing_sqlite(url)
    target = Path(target)
    if target.resolve() == source_path.resolve():
        raise BackupError("the backup file is the database itself; name another file")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; name a new file or use --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    # Read-write, though it only reads: a read-only connection cannot open a WAL database whose
    # shared-memory file is not there yet.
    source = sqlite3.connect(source_path, timeout=10)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one snapshot
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            _check(copy, partial)
            heads = _heads(copy)
        finally:
            copy.close()
        partial.replace(target)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return Copied(path=target, pages=pages, heads=heads)


def restore_sqlite(*, url: str, source: Path, force: bool = False) -> Copied:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    target_path = sqlite_path(url)
    if target_path is None:
        raise BackupError("restore works on SQLite only; for PostgreSQL use pg_restore")
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check(backup, source)
        heads = _heads(backup)
        if not heads:
            raise BackupError(f"{source} is not a Lotsen database (it has no schema version)")
        if target_path.exists() and in_use(target_path) and not force:
            raise BackupError(f"{target_path} is in use by another process (is 'lotsen serve' running?); "
                              "stop it first, or use --force")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(target_path, timeout=10)
        try:
            backup.backup(target)
            pages = target.execute("PRAGMA page_count").fetchone()[0]
        finally:
            target.close()
    finally:
        backup.close()
    return Copied(path=target_path, pages=pages, heads=heads)


def in_use(path: Path) -> bool:
    """Whether another connection has the SQLite file open. In WAL mode every open connection
    holds a shared lock on the file, so an exclusive lock is refused exactly when one exists."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def pg_commands(url: str, target: str) -> tuple[str, str]:
    """The pg_dump and pg_restore lines for a PostgreSQL URL, without its password (give that
    in PGPASSWORD or ~/.pgpass, never on a command line)."""
    parsed = make_url(normalise_url(url))._replace(drivername="postgresql", password=None)  # set() ignores None
    libpq = parsed.render_as_string(hide_password=False)
    dump = f"pg_dump --format=custom --file {shlex.quote(target)} {shlex.quote(libpq)}"
    restore = f"pg_restore --clean --if-exists --no-owner --dbname {shlex.quote(libpq)} {shlex.quote(target)}"
    return dump, restore


def _existing_sqlite(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise BackupError("the online backup works on SQLite only; for PostgreSQL use pg_dump")
    if not path.is_file():
        raise BackupError(f"there is no database at {path}")
    return path


def _check(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite database ({exc})") from None
    if result != "ok":
        raise BackupError(f"{path} failed the integrity check: {result}")


def _heads(connection: sqlite3.Connection) -> frozenset[str]:
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        return frozenset()
    return frozenset(row[0] for row in rows)
