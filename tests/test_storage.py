"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import bot.storage.models  # noqa: F401
from bot.storage.db import Database
from bot.storage.migrate import is_up_to_date, upgrade


def test_migrations_match_models(db):
    assert is_up_to_date(db.engine)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_twice_is_harmless(db):
    upgrade(db.engine)
    assert is_up_to_date(db.engine)


@pytest.mark.parametrize("opener", ["unit", "writer"])
def test_sqlite_units_take_the_write_lock_when_they_begin(sqlite_url, opener):
    """Read-then-write in a unit cannot race another process: SQLite's write lock is taken at
    BEGIN (IMMEDIATE), before the first statement, and given back at the end."""
    database = Database.from_url(sqlite_url)
    upgrade(database.engine)
    path = make_url(sqlite_url).database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with getattr(database, opener)() as unit:
            connection = unit.connection if opener == "unit" else unit.connection()
            connection.exec_driver_sql("SELECT 1")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again
        other.execute("ROLLBACK")
    finally:
        other.close()
        database.dispose()
