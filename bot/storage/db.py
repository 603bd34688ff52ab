"""Database engine and sessions, built by factories (nothing is created at import).

SQLite (the default, a file) gets WAL, a busy timeout and foreign keys; PostgreSQL is reached
through the same URL setting with psycopg 3 (`postgresql+psycopg://...`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalise_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` and use psycopg 3 for them."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """`hide_parameters`: a database error in a log never shows what a person wrote."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=True,
                               connect_args={"check_same_thread": False,
                                             "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
        # `BEGIN IMMEDIATE` (single writer for claiming rows) is possible.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - exercised by every test
        mode = connection.get_execution_options().get("sqlite_begin", "BEGIN")
        connection.connection.dbapi_connection.execute(mode)  # straight to sqlite3: no statement pipeline


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class Unit:
    """One transaction as a Core connection, with an ORM session on it made only when someone
    asks for one: the conversation engine's common turn needs no ORM at all."""

    def __init__(self, connection: Connection, *, session: Session | None = None) -> None:
        self.connection = connection
        self._session = session

    @property
    def session(self) -> Session:
        if self._session is None:
            # Joins the connection's transaction and never commits it: the unit does.
            self._session = Session(bind=self.connection, expire_on_commit=False,
                                    join_transaction_mode="rollback_only")
        return self._session

    def flush(self) -> None:
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


class Database:
    """The one handle domain services get: an engine plus a session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.engine)

    @staticmethod
    @contextmanager
    def _unit_of_work(bind) -> Iterator[Session]:
        with Session(bind=bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def session(self):
        """A unit of work: committed on success, rolled back on any error."""
        return self._unit_of_work(self.engine)

    @contextmanager
    def writer(self) -> Iterator[Session]:
        """A unit of work that takes the write lock at once on SQLite (BEGIN IMMEDIATE), so
        that read-then-claim cannot race another process. On PostgreSQL it is a normal
        transaction; claim with SELECT ... FOR UPDATE SKIP LOCKED there."""
        if not self.is_sqlite:
            with self.session() as session:
                yield session
            return
        connection = self.engine.connect().execution_options(sqlite_begin="BEGIN IMMEDIATE")
        try:
            with self._unit_of_work(connection) as session:
                yield session
        finally:
            connection.close()

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """Like `writer`, but Core first: committed on success (ORM changes flushed first),
        rolled back on any error. BEGIN IMMEDIATE on SQLite."""
        connection = self.engine.connect()
        if self.is_sqlite:
            connection = connection.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        unit = Unit(connection)
        try:
            with connection.begin():
                yield unit
                unit.flush()
        finally:
            unit.close()
            connection.close()

    def dispose(self) -> None:
        self.engine.dispose()
