"""Schema migrations with Alembic, applied by `lotsen db upgrade` and automatically on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to the newest revision of every branch (each domain has its own)."""
    command.upgrade(alembic_config(engine), revision)


def current_heads(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def is_up_to_date(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(alembic_config(engine))
    return current_heads(engine) == set(script.get_heads())
