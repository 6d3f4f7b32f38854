"""Tables: ``FastTable``, a DataTable that sizes its columns to the terminal's width and draws
plain one-line cells without going through Rich (the job screens' lists), and ``PagedTable``, a
FastTable that pages through SQL (keyset pagination).

Widths: every column is as wide as its longest cell among the rows shown (and its header): codes,
dates and amounts are never cut. One column per table may be *flexible* (the label or the name):
it takes what is left of the widget's width (at least ``MIN_FLEX``), recomputed when the table is
resized and when its rows change. When even the other columns do not fit, the table scrolls
horizontally rather than cutting figures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual._types import SegmentLines
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, ColumnKey, RowKey

Cursor = Any


@dataclass
class Page:
    """One page fetched from SQL: its rows (tuples of cells), a key per row, and whether more
    rows exist before and after it."""

    rows: Sequence[Sequence[Any]]
    keys: Sequence[Cursor]
    has_before: bool
    has_after: bool


MIN_FLEX = 12
MIN_SHRINK = 14  # a document's number whole: « VR-2026-000012 »


def right(text: str, style: str = "") -> Text:
    """A right-aligned cell (an amount, a count): its column fits it, FastTable draws it
    quickly."""
    return Text(text, style=style, justify="right")


def cell_width(cell: object) -> int:
    """The terminal cells a value takes on one line (its longest line): what its column needs
    to show it whole."""
    if cell is None:
        return 0
    if isinstance(cell, Text):
        plain = cell.plain
    elif isinstance(cell, str):
        plain = Text.from_markup(cell).plain if "[" in cell else cell
    elif isinstance(cell, int | float):
        plain = str(cell)
    else:
        from textual._context import active_app

        try:
            console = active_app.get().console
        except LookupError:
            return 0
        return Measurement.get(console, console.options, cell).maximum  # type: ignore[arg-type]
    if "\n" in plain:
        return max(cell_len(line) for line in plain.split("\n"))
    return len(plain) if plain.isascii() else cell_len(plain)


class FastTable(DataTable[Any]):
    """A DataTable that fits the terminal's width and draws quicker what most of ours hold:
    plain one-line cells; anything else (styled or wrapping text…) is drawn by Textual as
    usual. A job screen's first draw was mostly its tables' cells going through Rich.

    Columns are sized to their content (the rows shown and the header); ``flex`` (a column's
    key or label, or ``add_column(..., flex=True)``) names the one that takes what is left of
    the width, at least ``MIN_FLEX`` cells. ``shrink`` names other text columns (a reference,
    a second name) that give up room for it when it does not fit whole: the widest of them is
    cut first, never below ``MIN_SHRINK`` cells (or its header). A ``width`` given to
    ``add_column`` is only the column's width before any row comes."""

    def __init__(self, *args: Any, flex: str | None = None, shrink: Sequence[str] = (),
                 **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.flex = flex
        self.shrinkable = tuple(shrink)
        self._content: dict[ColumnKey, int] = {}
        self._stale = True

    def add_column(self, label: Any, *, width: int | None = None, key: str | None = None,
                   default: Any = None, flex: bool = False) -> ColumnKey:
        """A column sized to its content; ``flex``: it takes what the others leave."""
        text = Text.from_markup(label) if isinstance(label, str) else label
        column_key = super().add_column(text, width=max(width or 0, cell_width(text), 1),
                                        key=key, default=default)
        if flex:
            self.flex = column_key.value
        self._stale = True
        return column_key

    def clear(self, columns: bool = False) -> FastTable:
        super().clear(columns)
        self._stale = True
        return self

    def remove_row(self, row_key: RowKey | str) -> None:
        super().remove_row(row_key)
        self._stale = True

    def remove_column(self, column_key: ColumnKey | str) -> None:
        super().remove_column(column_key)
        self._stale = True

    def _update_column_widths(self, updated_cells: set[CellKey]) -> None:
        """A cell changed: its column is measured again (with the others) in
        :meth:`_update_dimensions`, which Textual calls next."""
        self._stale = True
        self._require_update_dimensions = True

    def _measure(self, new_rows: Iterable[RowKey]) -> None:
        """Each column's content width: the widest of its header and its cells (every row when
        something was removed or changed, else the new rows only)."""
        if self._stale:
            self._stale = False
            self._content = {k: cell_width(c.label) for k, c in self.columns.items()}
            new_rows = self.rows.keys()
        content = self._content
        data = self._data
        for row_key in new_rows:
            cells = data.get(row_key)
            if cells is None:
                continue
            for column_key, value in cells.items():
                w = cell_width(value)
                if w > content.get(column_key, 0):
                    content[column_key] = w

    def _key(self, name: str) -> ColumnKey | None:
        for k, c in self.columns.items():
            if name in (k.value, c.label.plain):
                return k
        return None

    def flex_key(self) -> ColumnKey | None:
        """The key of the column that takes what is left of the width, if any."""
        return None if self.flex is None else self._key(self.flex)

    def fit_columns(self) -> bool:
        """Give each column its width: its content, and the rest of the widget's width to the
        flexible column; when it does not fit whole, the ``shrink`` columns give up room (the
        widest first). True when a width changed (the drawn cells are then
        forgotten)."""
        columns = self.columns
        if not columns:
            return False
        pad = 2 * self.cell_padding
        content = self._content
        widths = {k: max(content.get(k, 0), 1) for k in columns}
        flex = self.flex_key()
        region = self.content_region
        if flex is not None and region.width > 0:
            avail = region.width - self._row_label_column_width
            header = self.header_height if self.show_header else 0
            if self._total_row_height + header > region.height:
                avail -= self.styles.scrollbar_size_vertical
            cut = {k for k in (self._key(n) for n in self.shrinkable) if k not in (None, flex)}
            room = avail - sum(w for k, w in widths.items() if k not in cut and k != flex) \
                - pad * len(widths)
            left = room - max(widths[flex], MIN_FLEX)  # what the flexible column leaves
            if cut and sum(widths[k] for k in cut) > left:  # cut the widest to a common width
                least = {k: min(widths[k], max(MIN_SHRINK, cell_width(columns[k].label)))
                         for k in cut}
                level = max(widths[k] for k in cut)
                while level > 1 and sum(max(least[k], min(widths[k], level))
                                        for k in cut) > left:
                    level -= 1
                for k in cut:
                    widths[k] = max(least[k], min(widths[k], level))
            widths[flex] = max(MIN_FLEX, room - sum(widths[k] for k in cut))
        changed = False
        for k, c in columns.items():
            if c.width != widths[k] or c.auto_width:
                c.width = widths[k]
                c.auto_width = False
                changed = True
        if changed:
            self._clear_caches()
            self._update_count += 1
            self.refresh()
        return changed

    def _set_virtual_size(self) -> None:
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Textual measures every cell of the new rows through Rich (about 20 ms for a page of
        100 rows); ours are measured by their text, the columns fitted to the width, and the
        virtual size computed as Textual does at its end."""
        new_rows = list(new_rows)
        self._measure(new_rows)
        self.fit_columns()
        rows = self.rows
        if any(rows[k].label is not None or rows[k].auto_height
               for k in new_rows if k in rows):
            super()._update_dimensions(new_rows)
            return
        self._set_virtual_size()

    def _on_resize(self, event: events.Resize) -> None:
        """(Textual calls DataTable's handler too.) The flexible column takes the new width."""
        if self._stale:
            self._measure(())
        if self.fit_columns():
            self._set_virtual_size()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> SegmentLines:
        """A data cell of plain text (no style, no markup, one line): the segments Textual
        would get from Rich (padding, text cropped to the column, padding, the row and cursor
        styles applied), built directly: three times faster, and cells were most of the time
        to draw a new page. Anything else (headers, styled, aligned, wide or wrapping text...)
        goes to Textual. Relies on DataTable internals of Textual 8.2 (the cache key, the
        styles helper); tests compare both renderings segment by segment."""
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key: Any = (row_key, column_key, base_style, cursor, hover,
                          self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        cache = self._cell_render_cache
        if cache_key in cache:
            return cache[cache_key]
        cell = self._get_row_renderables(row_index).cells[column_index]
        pad = self.cell_padding
        inner = width - 2 * pad
        if not (isinstance(cell, Text) and type(cell) is Text and not cell._spans
                and not cell.style and cell.justify in (None, "right")
                and cell.overflow is None):
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        text = cell.plain
        if (row_key is None or self.rows[row_key].height != 1 or inner < 0
                or cell_len(text) != len(text) or "\n" in text or "\t" in text
                or (len(text) > inner and cell.no_wrap is False)  # Rich would wrap words
                or (cell.justify == "right" and text.endswith(" "))):  # Rich strips it
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        null = Style.null()
        raw = [Segment(" " * pad, null)] if pad else []
        if cell.justify == "right":  # Rich pads the text itself on its left
            raw.append(Segment(text.rjust(inner)[:inner]))
        else:
            raw.append(Segment(text[:inner]))
            if len(text) < inner:
                raw.append(Segment(" " * (inner - len(text)), null))
        if pad:
            raw.append(Segment(" " * pad, null))
        lines = [list(Segment.apply_style(raw, style + component_style, post_style))]
        cache[cache_key] = lines
        return lines


class PagedTable(FastTable):
    """A table that never holds more than one page: moving past its last row fetches the next
    page from SQL (keyset pagination), past its first row the previous one; End and Home jump
    to the last and first pages. A million lines scroll as fast as ten."""

    BINDINGS = [
        Binding("end", "last_page", "Fin", show=False, id="paged-table.last_page"),
        Binding("home", "first_page", "Début", show=False, id="paged-table.first_page"),
    ]

    class Opened(Message):
        def __init__(self, table: PagedTable, key: Cursor) -> None:
            self.table = table
            self.key = key
            super().__init__()

    def __init__(self, columns: Sequence[tuple[str, int | None]],
                 fetch: Callable[[str, Cursor | None], Page], **kw: Any) -> None:
        """``fetch(direction, cursor)``: direction is first, last, after or before;
        ``columns``: labels and widths before the first page; ``flex=label``: the column that
        takes the rest of the width (see :class:`FastTable`)."""
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self._columns = columns
        self._fetch = fetch
        self.page: Page | None = None

    def on_mount(self) -> None:
        for label, width in self._columns:
            self.add_column(label, width=width)

    def _show(self, page: Page, at_end: bool = False) -> None:
        self.page = page
        self.clear()
        for i, row in enumerate(page.rows):
            self.add_row(*row, key=str(i))
        if page.rows:
            self.move_cursor(row=len(page.rows) - 1 if at_end else 0)

    def reload(self) -> None:
        self._show(self._fetch("first", None))

    def action_first_page(self) -> None:
        self._show(self._fetch("first", None))

    def action_last_page(self) -> None:
        self._show(self._fetch("last", None), at_end=True)

    def action_cursor_down(self) -> None:
        p = self.page
        if p and p.rows and self.cursor_row >= len(p.rows) - 1 and p.has_after:
            self._show(self._fetch("after", p.keys[-1]))
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        p = self.page
        if p and p.rows and self.cursor_row <= 0 and p.has_before:
            self._show(self._fetch("before", p.keys[0]), at_end=True)
            return
        super().action_cursor_up()

    def action_page_down(self) -> None:
        p = self.page
        if p and p.has_after and self.cursor_row >= len(p.rows) - 1:
            self._show(self._fetch("after", p.keys[-1]))
            return
        super().action_page_down()

    def action_page_up(self) -> None:
        p = self.page
        if p and p.has_before and self.cursor_row <= 0:
            self._show(self._fetch("before", p.keys[0]), at_end=True)
            return
        super().action_page_up()

    def current_key(self) -> Cursor | None:
        p = self.page
        if not p or not p.rows or not 0 <= self.cursor_row < len(p.keys):
            return None
        return p.keys[self.cursor_row]

    def action_select_cursor(self) -> None:
        key = self.current_key()
        if key is not None:
            self.post_message(self.Opened(self, key))
