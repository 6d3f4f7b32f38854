"""Plain renderings for the command line: aligned text tables, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

Cell = str | int | None


def render(columns: Sequence[str], rows: Sequence[Sequence[Cell]], fmt: str,
           right: Sequence[str] = ()) -> str:
    """``fmt`` is table, csv or json. Amount cells are already formatted strings."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows],
                          ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows([["" if c is None else c for c in r] for r in rows])
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
