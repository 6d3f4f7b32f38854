"""Tables: ``FastTable``, a DataTable that draws plain one-line cells of fixed-width columns
without going through Rich (the job screens' lists), and ``PagedTable``, a FastTable that pages
through SQL (keyset pagination)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._types import SegmentLines
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

Cursor = Any


@dataclass
class Page:
    """One page fetched from SQL: its rows (tuples of cells), a key per row, and whether more
    rows exist before and after it."""

    rows: Sequence[Sequence[Any]]
    keys: Sequence[Cursor]
    has_before: bool
    has_after: bool


class FastTable(DataTable[Any]):
    """A DataTable that draws quicker what most of ours hold: columns of fixed width and plain
    one-line cells; anything else (an auto-width column, styled, aligned or wrapping text…) is
    drawn by Textual as usual. A job screen's first draw was mostly its tables' cells going
    through Rich."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Textual measures every cell of the new rows to size the columns (about 20 ms for a
        page of 100 rows); ours have fixed widths and rows one line high: only the virtual
        size is left to compute, as Textual does at its end."""
        rows = self.rows
        if any(c.auto_width for c in self.columns.values()) or any(
                rows[k].label is not None or rows[k].auto_height
                for k in new_rows if k in rows):
            super()._update_dimensions(new_rows)
            return
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

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
                and not cell.style and cell.justify is None and cell.overflow is None):
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        text = cell.plain
        if (row_key is None or self.rows[row_key].height != 1 or inner < 0
                or cell_len(text) != len(text) or "\n" in text or "\t" in text
                or (len(text) > inner and cell.no_wrap is False)):  # Rich would wrap words
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        null = Style.null()
        raw = [Segment(" " * pad, null)] if pad else []
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
        """``fetch(direction, cursor)``: direction is first, last, after or before."""
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
