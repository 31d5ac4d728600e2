"""``to_pandas()`` of the results: one way to reach the builders of :mod:`keyscope.pandas`,
imported only when a frame is asked for (pandas stays optional: without it, a
MissingDependencyError that says what to install)."""

from __future__ import annotations

from typing import Any, Sequence

from ._errors import ValidationError


def check_table(table: Any, tables: Sequence[str]) -> str:
    """``table`` when it is one of ``tables``, else a ValidationError naming them (checked before
    pandas is imported)."""
    if not isinstance(table, str) or table not in tables:
        raise ValidationError(f"table must be one of {sorted(tables)}, got {table!r}",
                              code="invalid_argument")
    return table


def build(builder: str, *args: Any) -> Any:
    """``keyscope.pandas.<builder>(*args)``."""
    from . import pandas as kp

    return getattr(kp, builder)(*args)
