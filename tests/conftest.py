"""Shared fixtures: databases (SQLite file per test, PostgreSQL schema per test) and a clock."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text

from bot.core.clock import ManualClock
from bot.storage.db import Database
from bot.storage.migrate import upgrade

PG_URL = os.environ.get("LOTSEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: skip with the reason
        return f"no PostgreSQL server answers at {PG_URL} ({type(exc).__name__}); set LOTSEN_TEST_PG_URL"


_PG_REASON: list[str | None] = []


def postgres_skip_reason() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(_postgres_reason())
    return _PG_REASON[0]


def make_pg_url_with_schema() -> tuple[str, str]:
    """A fresh schema for one test, so parallel runs never see each other's rows."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}", schema


def drop_pg_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'lotsen.db'}"


def _fresh_pg_schema():
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(reason)
    url, schema = make_pg_url_with_schema()
    yield url
    drop_pg_schema(schema)


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
