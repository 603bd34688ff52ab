"""PostgreSQL for tests and benchmarks: is a server there, and a scratch schema per run (so
parallel runs never see each other's rows). No pytest here: benchmarks import it too."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text

PG_URL = os.environ.get("LOTSEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_reason(url: str = PG_URL) -> str | None:
    """Why PostgreSQL cannot be used at `url`, or None when a server answers."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: skip with the reason
        return f"no PostgreSQL server answers at {url} ({type(exc).__name__}); set LOTSEN_TEST_PG_URL"


def create_scratch_schema(url: str = PG_URL, *, prefix: str = "t") -> tuple[str, str]:
    """A fresh schema; returns (a URL whose search_path is that schema, the schema's name)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", schema


def drop_scratch_schema(schema: str, url: str = PG_URL) -> None:
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()
