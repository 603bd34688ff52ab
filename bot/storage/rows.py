"""Rows for Core INSERTs on hot paths, with the same defaults the sqlmodel classes give."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Table
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for Core statements on hot paths. sqlmodel's classes
    get `__table__` from SQLAlchemy's declarative mapping, which type checkers do not see."""
    return model.__table__  # type: ignore[attr-defined]


@cache
def _defaults(model: type[SQLModel]) -> tuple[tuple[str, Any, Any], ...]:
    """(column, default, default_factory) for each column of the table that has a default."""
    columns = set(table_of(model).columns.keys())
    found = []
    for name, info in model.model_fields.items():
        if name in columns and name != "id" and (info.default is not PydanticUndefined
                                                 or info.default_factory is not None):
            found.append((name, None if info.default is PydanticUndefined else info.default, info.default_factory))
    return tuple(found)


def new_row(model: type[SQLModel], **values: Any) -> dict[str, Any]:
    """The row `model(**values)` would insert (defaults filled in), without building the object."""
    row = {name: factory() if factory is not None else default for name, default, factory in _defaults(model)}
    unknown = values.keys() - set(table_of(model).columns.keys())
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    row.update(values)
    return row


def saved_id(row: SQLModel) -> int:
    """The primary key of a row that is in the database (flushed); sqlmodel types `id` as
    optional because a new object has none yet."""
    value = getattr(row, "id", None)
    if value is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return int(value)
