"""`lotsen db backup` and `restore`: a consistent copy taken while another process writes, and
a restore that refuses to pull the database from under a running process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from typer.testing import CliRunner

from bot.cli.main import app
from bot.storage.db import Database
from bot.storage.migrate import alembic_config, current_heads, upgrade

ROOT = Path(__file__).resolve().parent.parent

# Writes one conversation and three messages per transaction until the stop file appears.
WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from sqlalchemy import text
    from bot.storage.db import Database

    db, stop = Database.from_url(sys.argv[1]), Path(sys.argv[2])
    now = datetime.now(timezone.utc).isoformat()
    i = 0
    while not stop.exists():
        i += 1
        with db.unit() as unit:
            c = unit.connection
            cid = c.execute(text("INSERT INTO conversation (channel, user_id, address, lang, state, pending, "
                                 "unanswered_streak, created_at, updated_at) VALUES ('console', :u, :u, 'sv', "
                                 "'idle', '{}', 0, :now, :now) RETURNING id"), {"u": f"u{i}", "now": now}).scalar()
            for n in range(3):
                c.execute(text("INSERT INTO message (conversation_id, direction, text, created_at) "
                               "VALUES (:c, 'in', :t, :now)"), {"c": cid, "t": f"fråga {n}", "now": now})
    db.dispose()
    print(i)
""")


@pytest.fixture
def cli(sqlite_url, monkeypatch):
    monkeypatch.setenv("LOTSEN_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["db", *args])


@pytest.fixture
def database(sqlite_url):
    database = Database.from_url(sqlite_url)
    upgrade(database.engine)
    yield database
    database.dispose()


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _wait_for_rows(path: Path, at_least: int, writer: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60  # a generous bound on a busy machine, not a measurement
    while _count(path, "conversation") < at_least:
        assert writer.poll() is None, writer.communicate()
        assert time.monotonic() < deadline, "the writer wrote too little"
        time.sleep(0.05)


def test_backup_while_another_process_writes_is_a_consistent_database(database, sqlite_url, cli, tmp_path):
    source = Path(database.engine.url.database)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, sqlite_url, str(stop)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    backups = []
    try:
        for n, rows in enumerate((30, 60, 90)):
            _wait_for_rows(source, rows, writer)
            target = tmp_path / "backups" / f"lotsen-{n}.db"
            result = cli("backup", str(target))
            assert result.exit_code == 0, result.output
            assert "backup written" in result.output
            backups.append(target)
        assert writer.poll() is None, "the writer must still be writing when the last backup is taken"
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    written = int(out)
    script_heads = set(ScriptDirectory.from_config(alembic_config(database.engine)).get_heads())
    assert current_heads(database.engine) == script_heads
    counts = []
    for target in backups:
        with sqlite3.connect(target) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            ids = [row[0] for row in copy.execute("SELECT id FROM conversation ORDER BY id")]
            per_conversation = set(copy.execute(
                "SELECT count(m.id) FROM conversation c LEFT JOIN message m ON m.conversation_id = c.id "
                "GROUP BY c.id"))
            heads = {row[0] for row in copy.execute("SELECT version_num FROM alembic_version")}
        assert ids == list(range(1, len(ids) + 1))  # a prefix of the committed transactions, no gaps
        assert per_conversation == {(3,)}  # no transaction half in the copy
        assert heads == script_heads
        counts.append(len(ids))
    assert counts == sorted(counts) and counts[0] >= 30 and counts[-1] <= written
    # A copy is a database Lotsen opens and finds up to date.
    copy_db = Database.from_url(f"sqlite:///{backups[-1]}")
    try:
        upgrade(copy_db.engine)
        assert current_heads(copy_db.engine) == script_heads
        with copy_db.session() as session:
            assert session.execute(text("SELECT count(*) FROM message")).scalar() == 3 * counts[-1]
    finally:
        copy_db.dispose()


def test_backup_never_overwrites_a_file_unless_forced(database, cli, tmp_path):
    target = tmp_path / "old.db"
    target.write_text("yesterday's backup")
    refused = cli("backup", str(target))
    assert refused.exit_code == 1 and "exists" in refused.output
    assert target.read_text() == "yesterday's backup"
    assert cli("backup", "--force", str(target)).exit_code == 0
    assert _count(target, "alembic_version") >= 1
    assert not list(tmp_path.glob(".*.partial"))


def test_backup_of_postgres_prints_pg_dump_without_the_password(monkeypatch, tmp_path):
    monkeypatch.setenv("LOTSEN_DATABASE_URL", "postgresql+psycopg://lotsen:s3cret@db.example:5432/lotsen")
    result = CliRunner().invoke(app, ["db", "backup", str(tmp_path / "lotsen.dump")])
    assert result.exit_code == 1
    assert "pg_dump --format=custom --file" in result.output
    assert "postgresql://lotsen@db.example:5432/lotsen" in result.output
    assert "pg_restore" in result.output
    assert "s3cret" not in result.output and "+psycopg" not in result.output
    assert not (tmp_path / "lotsen.dump").exists()


def _conversations(database: Database) -> list[str]:
    with database.engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT user_id FROM conversation ORDER BY id"))]


def _add_conversation(database: Database, user_id: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO conversation (channel, user_id, address, lang, state, pending, "
                                "unanswered_streak, created_at, updated_at) VALUES ('console', :u, :u, 'sv', "
                                "'idle', '{}', 0, '2026-11-23 07:00:00', '2026-11-23 07:00:00')"), {"u": user_id})


def test_restore_refuses_a_database_in_use_unless_forced(database, cli, tmp_path):
    _add_conversation(database, "before")
    backup = tmp_path / "backup.db"
    assert cli("backup", str(backup)).exit_code == 0
    _add_conversation(database, "after")
    # `database` holds a pooled connection: like a running `lotsen serve`.
    refused = cli("restore", str(backup))
    assert refused.exit_code == 1 and "in use" in refused.output
    assert _conversations(database) == ["before", "after"]
    forced = cli("restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    assert _conversations(database) == ["before"]  # the open connection sees the whole restored database


def test_restore_into_a_stopped_database(database, cli, tmp_path):
    _add_conversation(database, "kept")
    backup = tmp_path / "backup.db"
    assert cli("backup", str(backup)).exit_code == 0
    _add_conversation(database, "lost")
    database.dispose()  # Lotsen stopped
    restored = cli("restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert _conversations(database) == ["kept"]


def test_restore_refuses_what_is_not_a_lotsen_backup(database, cli, tmp_path):
    _add_conversation(database, "mine")
    database.dispose()
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database at all, just some text that is long enough to be a page " * 100)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    for source, why in ((junk, "not an SQLite database"), (empty, "not a Lotsen database"),
                        (tmp_path / "missing.db", "does not exist")):
        result = cli("restore", str(source))
        assert result.exit_code == 1 and why in result.output, result.output
    assert _conversations(database) == ["mine"]
