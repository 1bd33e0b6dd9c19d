"""A line of the floors table, shared by the report and the sections that give their own lines."""

from __future__ import annotations

from typing import Any

from bench.floors import Floor

__all__ = ["Data", "Row", "row", "verdict"]

Row = tuple[str, str, str, str]
Data = dict[str, Any]


def verdict(ok: bool | None) -> str:
    """The verdict column: pass, FAIL, or a dash for a figure without a floor."""
    return "—" if ok is None else ("pass" if ok else "FAIL")


def row(measure: str, value: str, floor: Floor | None = None, ok: bool | None = None) -> Row:
    """One line of the floors table."""
    return (measure, value, floor.text() if floor else "—", verdict(ok))
