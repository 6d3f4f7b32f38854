"""The types of the helper fixtures of ``tests/conftest.py`` (``sale_of``, ``rows_of``,
``count_of``, ``L``), for the annotations of the tests that ask for them: test modules do not
import conftest, so the signatures of its helpers are spelled here once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ecp import api
from ecp.ledger.entry import LineSpec, PostedEntry


class SaleOf(Protocol):
    """``conftest.sale``: a member's sale (client debit, sales credit, same dimension)."""

    def __call__(self, books: api.Books, day: dt.date, cents: int, member: str = ...,
                 journal: str = ..., label: str = ...) -> PostedEntry: ...


class RowsOf(Protocol):
    """``conftest.snapshot``: every row of the writable tables (``sqlite3`` rows) of SQLite
    books, given their ``books.path``."""

    def __call__(self, path: Path | None, tables: Sequence[str] = ...) -> dict[str, list[Any]]: ...


class CountOf(Protocol):
    """``conftest.count_rows``: the number of rows of one table."""

    def __call__(self, path: Path, table: str) -> int: ...


class MakeLines(Protocol):
    """``conftest.make_lines``: ``L(("5141", "FZ", 1000), ...)`` as line specs."""

    def __call__(self, *specs: tuple[str, str, int]) -> list[LineSpec]: ...
