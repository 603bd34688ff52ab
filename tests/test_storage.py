"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import bot.storage.models  # noqa: F401
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
