"""Rows for Core INSERTs on hot paths, with the same defaults the sqlmodel classes give."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel


@cache
def _defaults(model: type[SQLModel]) -> tuple[tuple[str, Any, Any], ...]:
    """(column, default, default_factory) for each column of the table that has a default."""
    columns = set(model.__table__.columns.keys())  # type: ignore[attr-defined]
    found = []
    for name, info in model.model_fields.items():
        if name in columns and name != "id" and (info.default is not PydanticUndefined
                                                 or info.default_factory is not None):
            found.append((name, None if info.default is PydanticUndefined else info.default, info.default_factory))
    return tuple(found)


def new_row(model: type[SQLModel], **values: Any) -> dict[str, Any]:
    """The row `model(**values)` would insert (defaults filled in), without building the object."""
    row = {name: factory() if factory is not None else default for name, default, factory in _defaults(model)}
    unknown = values.keys() - set(model.__table__.columns.keys())  # type: ignore[attr-defined]
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    row.update(values)
    return row
