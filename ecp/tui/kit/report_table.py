"""A report table of ``ecp.reports.tables`` in a DataTable: the same columns, rows and totals
the command line prints, drawn for the screen (amounts right-aligned, totals in bold, an
alert column in red when not zero)."""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from ecp.reports.render import cell_text
from ecp.reports.tables import Cell, Column, Money, Row, Table


def add_columns(widget: DataTable[Any], table: Table) -> None:
    """The reader's columns (labels, widths), keyed by their machine names."""
    for c in table.columns:
        if not c.machine_only:
            widget.add_column(c.label, width=c.width, key=c.key)


def cell(value: Cell, column: Column, style: str = "", pad: bool = False) -> Text:
    """One cell for the screen. ``pad``: a right-aligned cell is padded to the column's width
    rather than ``justify="right"`` (a long table renders a quarter faster)."""
    text = cell_text(value, machine=False)
    s = "" if text is None else str(text)
    if column.alert and isinstance(value, Money) and value.cents:
        style = f"{style} red".strip()
    if column.align == "right":
        if pad:
            return Text(s.rjust(column.width or 0), style=style)
        return Text(s, style=style, justify="right")
    return Text(s, style=style)


def row_cells(table: Table, row: Row, pad: bool = False) -> list[Text]:
    style = "bold" if row.style else ""
    return [cell(v, c, style, pad) for v, c in zip(row.cells, table.columns, strict=True)
            if not c.machine_only]


def fill(widget: DataTable[Any], table: Table, *, skip: Container[str] = (),
         totals: Sequence[Row] | None = None, keyed: bool = False, pad: bool = False
         ) -> None:
    """Clear ``widget`` and show ``table``'s rows (but those whose key is in ``skip``) then its
    totals (or ``totals`` when given: a screen may lay them out its own way). ``keyed``: the
    rows' keys are unique (accounts) and become the DataTable's row keys; ``pad``: see
    :func:`cell`."""
    widget.clear()
    for r in table.rows:
        if r.key is None or r.key not in skip:
            widget.add_row(*row_cells(table, r, pad), key=r.key if keyed else None)
    for r in table.totals if totals is None else totals:
        widget.add_row(*row_cells(table, r, pad), key=r.key if keyed else None)
