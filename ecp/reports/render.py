"""Plain renderings for the command line: aligned text tables, CSV and JSON, of plain rows or
of a report :class:`~ecp.reports.tables.Table`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ecp.kernel.money import fmt_fr, fmt_plain
from ecp.reports.cells import csv_cell
from ecp.reports.tables import Cell as TableCell
from ecp.reports.tables import Money, Table, Term

Cell = str | int | None


def render(columns: Sequence[str], rows: Sequence[Sequence[Cell]], fmt: str,
           right: Sequence[str] | None = ()) -> str:
    """``fmt`` is table, csv or json. Amount cells are already formatted strings; ``right``
    names the columns aligned right in a table (None: none)."""
    right = right or ()
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows],
                          ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows([[csv_cell(c) for c in r] for r in rows])
        return buf.getvalue().rstrip("\n")
    cells = [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(columns)]

    def line(vals: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if h in right else v.ljust(w)
            for v, w, h in zip(vals, widths, columns, strict=True)).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def cell_text(cell: TableCell, machine: bool) -> Cell:
    """What one table cell becomes: for readers French text (``1 234,50``), for machines
    (``machine``) the stable key or the plain amount (``1234.50``); ints and None stay."""
    if isinstance(cell, Money):
        if cell.blank_zero and cell.cents == 0:
            return ""
        return fmt_plain(cell.cents) if machine else fmt_fr(cell.cents)
    if isinstance(cell, Term):
        return cell.key if machine else cell.text
    return cell


def render_table(table: Table, fmt: str) -> str:
    """``fmt`` is table (text for readers: French labels, the title, the totals), csv or json
    (every column by its key, the rows without the readers' totals)."""
    machine = fmt != "table"
    keep = [i for i, c in enumerate(table.columns) if machine or not c.machine_only]
    cols = [table.columns[i] for i in keep]
    heads = [c.key if machine or table.key_headers else c.label for c in cols]
    rows = [*table.rows, *(() if machine else table.totals)]
    cells = [[cell_text(r.cells[i], machine) for i in keep] for r in rows]
    body = render(heads, cells, fmt,
                  right=[h for h, c in zip(heads, cols, strict=True) if c.align == "right"])
    return f"{table.title}\n\n{body}" if table.title and not machine else body
