"""Production: materials and stock, bills of materials, resources, orders, the plan.

Typed: costs in centimes, quantities and hours in thousandths (``Quantity``), bills of
materials as ``BomItem``s and days off as ``DateSpan``s. The edges (command line, TUI forms)
parse what the user typed with ``ecp.kernel`` and ``ecp.production.specs``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.errors import InputError
from ecp.kernel.units import Quantity, fmt_qty
from ecp.production import service as production
from ecp.production.plan import Plan

# Re-exported: ``ecp.api`` offers the line specs with the functions that take them.
from ecp.production.specs import BomItem as BomItem
from ecp.production.specs import DateSpan as DateSpan


def add_material(books: Books, code: str, member: str, name: str, unit: str,
                 cost: int | None = None) -> str:
    """A material in a member's stock; ``cost`` is the standard cost of one unit (centimes)."""
    with _write(books) as conn:
        made = production.add_material(conn, code, member, name, unit, cost or 0)
        _audit(conn, books, "matiere", made, f"{member} : {name} ({unit})")
        return made


def stock_receive(books: Books, material: str, qty: Quantity, day: dt.date,
                  cost: int | None = None, user: str | None = None) -> None:
    """Material in, at ``cost`` a unit (centimes; the standard cost when None)."""
    with _write(books) as conn:
        production.receive(conn, material, qty, day, books.who(user), cost)
        _audit(conn, books, "stock.entree", material,
               f"{fmt_qty(qty)} le {day.isoformat()}", user)


def stock_adjust(books: Books, material: str, qty: int, day: dt.date, reason: str,
                 user: str | None = None) -> None:
    """A count that differs: ``qty`` is signed, in thousandths."""
    with _write(books) as conn:
        production.adjust(conn, material, qty, day, reason, books.who(user))
        _audit(conn, books, "stock.ajustement", material,
               f"{fmt_qty(qty)} le {day.isoformat()} : {reason}", user)


def stock_report(books: Books, member: str | None = None, at: dt.date | None = None
                 ) -> list[production.StockRow]:
    with _read(books) as conn:
        return production.stock_report(conn, member, at or books.today())


def set_bom(books: Books, product: str, materials: Sequence[BomItem],
            hours: Quantity | None = None, resources: Sequence[BomItem] = ()) -> None:
    """The product's bill of materials (quantities per unit), its member's hours per unit and
    the shared resources' hours per unit. Replaces what was there."""
    with _write(books) as conn:
        production.set_bom(conn, product, materials, hours, resources)
        _audit(conn, books, "nomenclature", product)


def add_resource(books: Books, code: str, name: str, hours: Quantity) -> str:
    """A shared resource of the workshop and its hours a week."""
    with _write(books) as conn:
        made = production.add_resource(conn, code, name, hours)
        _audit(conn, books, "ressource", made, f"{name}, {fmt_qty(hours)} h par semaine")
        return made


def set_capacity(books: Books, member: str, hours: Quantity,
                 off: Sequence[DateSpan] = ()) -> None:
    """A member's hours a week and days off (replaces what was there)."""
    with _write(books) as conn:
        production.set_capacity(conn, member, hours, off)
        _audit(conn, books, "capacite", member, f"{fmt_qty(hours)} h par semaine")


def add_order(books: Books, member: str, product: str, qty: Quantity, due: dt.date,
              customer: str | None = None, quote: str | None = None,
              user: str | None = None) -> str:
    with _write(books) as conn:
        number = production.add_order(conn, member, product, qty, due, books.who(user),
                                      customer, quote)
        _audit(conn, books, "ordre.ajout", number,
               f"{member} : {fmt_qty(qty)} {product} pour le {due.isoformat()}", user)
        return number


def start_order(books: Books, number: str, day: dt.date | None = None) -> None:
    with _write(books) as conn:
        production.start_order(conn, number, day or books.today())
        _audit(conn, books, "ordre.debut", number)


def cancel_order(books: Books, number: str) -> None:
    with _write(books) as conn:
        production.cancel_order(conn, number)
        _audit(conn, books, "ordre.annule", number)


def complete_order(books: Books, number: str, day: dt.date | None = None,
                   qty: Quantity | None = None, user: str | None = None) -> str | None:
    """The work done on ``day`` (today by default), ``qty`` made (the ordered quantity by
    default); returns the costing entry's reference."""
    with _write(books) as conn:
        entry = production.complete_order(conn, number, day or books.today(),
                                          books.who(user), qty)
        _audit(conn, books, "ordre.termine", number,
               f"écriture {entry}" if entry else "", user)
        return entry


def list_orders(books: Books, member: str | None = None) -> list[production.OrderRow]:
    with _read(books) as conn:
        return production.list_orders(conn, member)


def get_order(books: Books, number: str) -> production.OrderRow:
    """One order, or NotFoundError (field ``number``)."""
    with _read(books) as conn:
        return production.order_row(conn, number)


def production_plan(books: Books, start: dt.date | None = None, weeks: int = 12,
                    member: str | None = None) -> Plan:
    if weeks < 1:
        raise InputError("semaines : une au moins", field="weeks")
    with _read(books) as conn:
        return production.build_plan(conn, start or books.today(), weeks, member)


def order_resources(books: Books) -> dict[str, set[str]]:
    """Which shared resources each open order uses (``""`` is the member's own hours)."""
    with _read(books) as conn:
        return {o.number: {r for r, h in o.work.items() if h > 0}
                for o in production.open_orders(conn)}


def material_needs(books: Books, until: dt.date | None = None, member: str | None = None
                   ) -> list[production.NeedRow]:
    """What the open orders due up to ``until`` (eight weeks from today by default) need."""
    with _read(books) as conn:
        return production.needs(conn, until or books.today() + dt.timedelta(weeks=8), member)


def list_materials(books: Books, member: str | None = None, at: dt.date | None = None
                   ) -> list[production.MaterialRow]:
    """Every material of the workshop (moved or not) and what is on hand at ``at`` (today)."""
    with _read(books) as conn:
        return production.list_materials(conn, member, at or books.today())


def list_resources(books: Books) -> list[production.ResourceRow]:
    with _read(books) as conn:
        return production.list_resources(conn)


def get_bom(books: Books, product: str) -> production.BomView:
    """A product's bill of materials, its member's hours and the resources' hours per unit."""
    with _read(books) as conn:
        return production.bom_view(conn, product)


def list_capacities(books: Books) -> list[production.CapacityRow]:
    with _read(books) as conn:
        return production.list_capacities(conn)


def earliest_date(books: Books, member: str, product: str, qty: Quantity,
                  start: dt.date | None = None) -> dt.date | None:
    with _read(books) as conn:
        return production.earliest_date(conn, member, product, qty, start or books.today())
