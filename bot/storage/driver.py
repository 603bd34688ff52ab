"""A few hot statements run straight on SQLite's driver, inside the unit's transaction.

The conversation engine runs three or four statements a turn. Through SQLAlchemy's execution
pipeline each costs ~25-30 µs on SQLite (cache key, execution context, result wrapping), the
driver itself ~3 µs: together more than a third of a turn's database time. A `Prepared`
statement is a Core statement compiled once per dialect; on SQLite it is run on the sqlite3
connection that the unit's transaction holds (the same BEGIN IMMEDIATE ... COMMIT), with each
value converted by its column type's own bind and result processors, so what is stored and read
is exactly what Core would store and read. Errors are raised as SQLAlchemy's (`DBAPIError`,
parameters hidden), as from Core. Any other dialect runs the statement through Core: PostgreSQL
waits on the network far longer than the pipeline costs.

Statements run this way are not seen by SQLAlchemy's cursor events (echo, listeners).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bound parameters, in the order the driver takes them
    binds: tuple[Processor, ...]
    columns: tuple[str, ...]  # what a SELECT or RETURNING gives back
    results: tuple[Processor, ...]


def _compile(statement: Executable, dialect: Dialect, keys: Sequence[str] | None) -> _Compiled:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    binds = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    returned = [(column.key, column.type) for column in getattr(statement, "exported_columns", ())]
    results = tuple(kind.dialect_impl(dialect).result_processor(dialect, None) for _, kind in returned)
    return _Compiled(sql=compiled.string, names=names, binds=binds, columns=tuple(k for k, _ in returned),
                     results=results)


class Prepared:
    """One statement, compiled once per dialect. `keys` are the columns an INSERT or UPDATE
    without explicit values is given (Core compiles those from the first row's keys)."""

    def __init__(self, statement: Executable, *, keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.keys = tuple(keys) if keys is not None else None
        self._sqlite: _Compiled | None = None

    def _on_driver(self, connection: Connection) -> _Compiled | None:
        if connection.dialect.name != "sqlite":
            return None
        if self._sqlite is None:
            self._sqlite = _compile(self.statement, connection.dialect, self.keys)
        return self._sqlite

    @staticmethod
    def _values(compiled: _Compiled, params: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(value if bind is None else bind(value)
                     for bind, value in zip(compiled.binds, map(params.__getitem__, compiled.names), strict=True))

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run it; what it selects or returns, one dict per row (keyed by column)."""
        compiled = self._on_driver(connection)
        if compiled is None:
            return [dict(row._mapping) for row in connection.execute(self.statement, dict(params))]
        found = self._run(connection, compiled, lambda cursor: cursor.execute(compiled.sql,
                                                                              self._values(compiled, params)))
        return [{name: value if result is None else result(value)
                 for name, result, value in zip(compiled.columns, compiled.results, row, strict=True)}
                for row in found]

    def run(self, connection: Connection, params: Mapping[str, Any]) -> None:
        """Run it for what it changes (an UPDATE)."""
        self.many(connection, [params])

    def many(self, connection: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """Run it once per row (an INSERT of several rows), returning nothing."""
        rows = [dict(row) for row in rows]
        if not rows:
            return
        compiled = self._on_driver(connection)
        if compiled is None:
            connection.execute(self.statement, rows[0] if len(rows) == 1 else rows)
            return
        self._run(connection, compiled, lambda cursor: cursor.executemany(
            compiled.sql, [self._values(compiled, row) for row in rows]) and ())

    @staticmethod
    def _run(connection: Connection, compiled: _Compiled, run: Callable[[Any], Any]) -> list[tuple]:
        dialect = connection.dialect
        if not connection.in_transaction():
            connection.begin()  # as Core would (autobegin): the caller commits
        driver = connection.connection.driver_connection
        assert driver is not None  # a live connection in a transaction
        cursor = driver.cursor()
        try:
            run(cursor)
            return cursor.fetchall() if compiled.columns else []
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(compiled.sql, None, exc, dialect.loaded_dbapi.Error,
                                      hide_parameters=True, dialect=dialect) from exc
        finally:
            cursor.close()
