"""Shared fixtures: databases (SQLite file per test, PostgreSQL schema per test) and a clock."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.core.clock import ManualClock
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from tests.pg_support import create_scratch_schema, drop_scratch_schema, postgres_reason

_PG_REASON: list[str | None] = []


def postgres_skip_reason() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(postgres_reason())
    return _PG_REASON[0]


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'lotsen.db'}"


def _fresh_pg_schema():
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    url, schema = create_scratch_schema()
    yield url
    drop_scratch_schema(schema)


@pytest.fixture
def pg_url():
    yield from _fresh_pg_schema()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """Runs a test on both databases."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lotsen.db'}"
        return
    yield from _fresh_pg_schema()


@pytest.fixture
def db(db_url) -> Database:
    database = Database.from_url(db_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    # A Monday morning in Stockholm (08:00 CET).
    return ManualClock(datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc))
