"""Shared widgets: a DataTable that pages through SQL, small form helpers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from ecp.money import fmt_fr

Cursor = Any


def money(cents: int, blank_zero: bool = False) -> str:
    """French amount for screens: ``1 234,50`` (no unit; columns say DH)."""
    if blank_zero and cents == 0:
        return ""
    return fmt_fr(cents)


@dataclass
class Page:
    """One page fetched from SQL: its rows (tuples of cells), a key per row, and whether more
    rows exist before and after it."""

    rows: Sequence[Sequence[Any]]
    keys: Sequence[Cursor]
    has_before: bool
    has_after: bool


class PagedTable(DataTable[Any]):
    """A table that never holds more than one page: moving past its last row fetches the next
    page from SQL (keyset pagination), past its first row the previous one; End and Home jump
    to the last and first pages. A million lines scroll as fast as ten."""

    BINDINGS = [
        Binding("end", "last_page", "Fin", show=False),
        Binding("home", "first_page", "Début", show=False),
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


class FieldError(Static):
    """The French message shown under a field that was refused."""

    DEFAULT_CSS = """
    FieldError { color: $error; height: auto; }
    """
