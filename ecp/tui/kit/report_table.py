"""A report table of ``ecp.reports.tables`` in a DataTable: the same columns, rows and totals
the command line prints, drawn for the screen (amounts right-aligned, totals in bold, an
alert column in red when not zero)."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from ecp.reports.render import cell_text
from ecp.reports.tables import Cell, Column, Money, Row, Table
from ecp.tui.kit.format import day
from ecp.tui.kit.table import FastTable

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def flex_column(table: Table) -> str | None:
    """The key of the column that takes what is left of the width: the text column (left
    aligned) with the widest hint (the label, the account's name)."""
    text = [c for c in table.columns if not c.machine_only and c.align == "left"]
    if not text:
        return None
    return max(text, key=lambda c: c.width or 0).key


def add_columns(widget: DataTable[Any], table: Table, flex: str | None = None) -> None:
    """The reader's columns, keyed by their machine names. On a :class:`FastTable` they are
    sized to their content and ``flex`` (a column's key; by default :func:`flex_column`) takes
    the rest of the width; on a plain DataTable they fit their content."""
    if isinstance(widget, FastTable):
        widget.flex = flex or flex_column(table)
    for c in table.columns:
        if not c.machine_only:
            widget.add_column(c.label, width=None, key=c.key)


def cell(value: Cell, column: Column, style: str = "", pad: bool = False) -> Text:
    """One cell for the screen (right-aligned amounts; a FastTable draws them quickly).
    ``pad`` is kept for the callers: the column's width is not known before its rows are."""
    text = cell_text(value, machine=False)
    s = "" if text is None else str(text)
    if ISO_DAY.fullmatch(s):  # the tables keep ISO dates (CSV, JSON); screens write JJ/MM/AAAA
        s = day(s)
    if column.alert and isinstance(value, Money) and value.cents:
        style = f"{style} red".strip()
    if column.align == "right":
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
