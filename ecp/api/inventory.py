"""The year-end inventory: stock values set by hand, the run that posts the stock variations.

Typed: years as ``int``, values in centimes, the closing date as ``dt.date``. Accounts and
method: ``ecp.production.inventory``."""

from __future__ import annotations

import datetime as dt

from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.money import fmt_fr
from ecp.production import inventory
from ecp.production.inventory import InventoryLine as InventoryLine


def inventory_set(books: Books, year: int, member: str, kind: str, value: int,
                  note: str = "", user: str | None = None) -> str:
    """The stock of ``kind`` (matieres | produits) of a dimension at the end of ``year``,
    counted by hand (centimes); it wins over the production module's valuation."""
    with _write(books) as conn:
        dim = inventory.set_value(conn, year, member, kind, value, note, books.who(user),
                                  books.now().isoformat())
        _audit(conn, books, "inventaire.valeur", f"{year}/{dim}",
               f"{inventory.check_kind(kind)} : {fmt_fr(value)}", user)
        return dim


def inventory_preview(books: Books, year: int, day: dt.date | None = None
                      ) -> list[InventoryLine]:
    """What ``inventory_run`` would post, nothing written."""
    with _read(books) as conn:
        return inventory.valuation(conn, year, inventory.closing_date(conn, year, day))


def inventory_run(books: Books, year: int, day: dt.date | None = None,
                  user: str | None = None) -> list[InventoryLine]:
    """Post the year's stock variations (one OD entry per dimension, dated ``day``, the last
    day of the fiscal year by default). Idempotent: a later run posts the difference only."""
    with _write(books) as conn:
        on = inventory.closing_date(conn, year, day)
        lines = inventory.run(conn, year, on, books.who(user), books.now().isoformat())
        moved = sum(1 for ln in lines if ln.posted)
        _audit(conn, books, "inventaire.run", str(year),
               f"au {on.isoformat()} : {moved} variation(s) passée(s)", user)
        return lines
