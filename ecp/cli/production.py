"""The command line of production: materials and stock, bills of materials, resources and
capacities, production orders, the weekly plan, material needs and the earliest date."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from ecp import api
from ecp.kernel.money import fmt_fr, fmt_plain
from ecp.kernel.units import fmt_qty
from ecp.reports.render import render

Fmt = Callable[[argparse.ArgumentParser], None]


def _amt(cents: int, fmt: str) -> str:
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


def _qty(milli: int, fmt: str) -> str:
    return fmt_qty(milli) if fmt == "table" else fmt_qty(milli).replace(",", ".")


def cmd_material_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    code = api.add_material(books, a.code, a.member, a.name, a.unit, a.cost)
    print(f"Matière {code} ajoutée au stock de {a.member.upper()}")
    return 0


def cmd_stock_receive(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    api.stock_receive(books, a.material, a.qty, a.date, a.cost)
    print(f"Entrée en stock : {a.qty} {a.material.upper()} le {a.date.isoformat()}")
    return 0


def cmd_stock_adjust(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    api.stock_adjust(books, a.material, a.qty, a.date, a.reason)
    print(f"Ajustement de stock : {a.qty} {a.material.upper()} ({a.reason})")
    return 0


def cmd_report_stock(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    f = a.format
    rows = [(r.member, r.kind, r.code, r.name, r.unit, _qty(r.qty_milli, f),
             _amt(r.unit_cost, f), _amt(r.value, f))
            for r in api.stock_report(books, a.member, a.at)]
    print(render(["membre", "type", "code", "nom", "unite", "quantite", "cout_unitaire",
                  "valeur"], rows, f, right=["quantite", "cout_unitaire", "valeur"]))
    return 0


def cmd_product_bom(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    api.set_bom(books, a.product, a.material or [], a.hours, a.resource or [])
    print(f"Nomenclature de {a.product.upper()} enregistrée")
    return 0


def cmd_resource_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    code = api.add_resource(books, a.code, a.name, a.hours_per_week)
    print(f"Ressource {code} : {a.hours_per_week} h par semaine")
    return 0


def cmd_member_capacity(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    api.set_capacity(books, a.code, a.hours_per_week, a.off or [])
    print(f"Capacité de {a.code.upper()} : {a.hours_per_week} h par semaine"
          + (f", {len(a.off)} congé(s)" if a.off else ""))
    return 0


def cmd_order_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    num = api.add_order(books, a.member, a.product, a.qty, a.due, a.customer, a.quote)
    print(num)
    return 0


def cmd_order_action(action: str) -> Callable[[argparse.Namespace], int]:
    def run(a: argparse.Namespace) -> int:
        books = api.open_books(a.db)
        if action == "start":
            api.start_order(books, a.order, a.date)
            print(f"{a.order.upper()} commencé")
        elif action == "cancel":
            api.cancel_order(books, a.order)
            print(f"{a.order.upper()} annulé")
        else:
            ref = api.complete_order(books, a.order, a.date, a.qty)
            print(f"{a.order.upper()} terminé" + (f" (écriture {ref})" if ref else ""))
        return 0
    return run


def cmd_plan(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    plan = api.production_plan(books, a.date_from or dt.date.today(), a.weeks, a.member)
    f = a.format
    keys = sorted(k for k in plan.capacity if not a.member or k[0] in ("", a.member.upper()))
    head = [f"S{w.isocalendar().week:02d} {w:%d/%m}" if f == "table" else w.isoformat()
            for w in plan.weeks]
    rows = []
    for k in keys:
        name = k[0] or k[1]
        cells = []
        for w in plan.weeks:
            pct = plan.pct(k, w)
            mark = "!" if plan.overloaded(k, w) else ""
            cells.append(f"{pct}%{mark}" if f == "table" else str(pct))
        rows.append([name, "membre" if k[0] else "ressource", *cells])
    print(render(["qui", "type", *head], rows, f, right=head))
    late = plan.late
    if f == "table":
        print("\n« ! » : semaine demandée au-delà de sa capacité (travail avancé ou reporté)")
        if late:
            print("Ordres en retard :")
            for o in late:
                end = o.finish_week
                how = "au-delà de l'horizon" if o.late_days < 0 else f"{o.late_days} jour(s)"
                print(f"  {o.number} ({o.member}) dû le {o.due.isoformat()} : retard {how}"
                      + (f", fin semaine du {end.isoformat()}" if end else ""))
        else:
            print("Aucun ordre en retard.")
    return 0


def cmd_needs(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    f = a.format
    rows = [(r.member, r.material, r.name, r.unit, _qty(r.required_milli, f),
             _qty(r.on_hand_milli, f), _qty(r.missing_milli, f), _amt(r.missing_cost, f))
            for r in api.material_needs(books, a.until or dt.date.today() +
                                        dt.timedelta(weeks=8), a.member)]
    cols = ["membre", "matiere", "nom", "unite", "besoin", "en_stock", "manque", "cout_manque"]
    print(render(cols, rows, f, right=cols[4:]))
    return 0


def cmd_earliest(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    d = api.earliest_date(books, a.member, a.product, a.qty, a.date_from)
    print(f"Au plus tôt : {d.isoformat()}" if d else
          "Impossible dans les 52 semaines avec les capacités actuelles")
    return 0


def register(sub: Any, parser_class: type[argparse.ArgumentParser], fmt: Fmt,
             date: Callable[[str], Any]) -> None:
    def group(name: str, help_: str) -> Any:
        return sub.add_parser(name, help=help_).add_subparsers(
            dest="sub", required=True, parser_class=parser_class)

    g = group("material", "matières des membres")
    s = g.add_parser("add")
    s.add_argument("code")
    s.add_argument("--member", required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--unit", required=True)
    s.add_argument("--cost", help="coût standard par unité (DH)")
    s.set_defaults(func=cmd_material_add)

    g = group("stock", "mouvements de stock")
    s = g.add_parser("receive")
    s.add_argument("--material", required=True)
    s.add_argument("--qty", required=True)
    s.add_argument("--date", required=True, type=date)
    s.add_argument("--cost")
    s.set_defaults(func=cmd_stock_receive)
    s = g.add_parser("adjust")
    s.add_argument("--material", required=True)
    s.add_argument("--qty", required=True, help="signée : -2 pour retirer")
    s.add_argument("--date", required=True, type=date)
    s.add_argument("--reason", required=True)
    s.set_defaults(func=cmd_stock_adjust)

    g = group("resource", "ressources partagées de l'atelier")
    s = g.add_parser("add")
    s.add_argument("code")
    s.add_argument("--name", required=True)
    s.add_argument("--hours-per-week", required=True)
    s.set_defaults(func=cmd_resource_add)

    g = group("production", "ordres de fabrication et plan")
    o = g.add_parser("order").add_subparsers(dest="sub2", required=True,
                                             parser_class=parser_class)
    s = o.add_parser("add")
    s.add_argument("--member", required=True)
    s.add_argument("--product", required=True)
    s.add_argument("--qty", required=True)
    s.add_argument("--due", required=True, type=date)
    s.add_argument("--customer")
    s.add_argument("--quote")
    s.set_defaults(func=cmd_order_add)
    for action in ("start", "complete", "cancel"):
        s = g.add_parser(action)
        s.add_argument("order")
        s.add_argument("--date", type=date)
        if action == "complete":
            s.add_argument("--qty")
        s.set_defaults(func=cmd_order_action(action))
    s = g.add_parser("plan")
    s.add_argument("--from", dest="date_from", type=date)
    s.add_argument("--weeks", type=int, default=12)
    s.add_argument("--member")
    fmt(s)
    s.set_defaults(func=cmd_plan)
    s = g.add_parser("needs")
    s.add_argument("--until", type=date)
    s.add_argument("--member")
    fmt(s)
    s.set_defaults(func=cmd_needs)
    s = g.add_parser("earliest")
    s.add_argument("--member", required=True)
    s.add_argument("--product", required=True)
    s.add_argument("--qty", required=True)
    s.add_argument("--from", dest="date_from", type=date)
    s.set_defaults(func=cmd_earliest)


def register_product(g: Any) -> None:
    s = g.add_parser("bom", help="nomenclature, heures et ressources d'un produit")
    s.add_argument("product")
    s.add_argument("--material", action="append", metavar="CODE:QTÉ")
    s.add_argument("--hours", help="heures de travail du membre par unité")
    s.add_argument("--resource", action="append", metavar="CODE:HEURES")
    s.set_defaults(func=cmd_product_bom)


def register_member(m: Any, date: Callable[[str], Any]) -> None:
    s = m.add_parser("capacity", help="heures par semaine et congés d'un membre")
    s.add_argument("code")
    s.add_argument("--hours-per-week", required=True)
    s.add_argument("--off", action="append", metavar="AAAA-MM-JJ:AAAA-MM-JJ")
    s.set_defaults(func=cmd_member_capacity)


def register_reports(rp: Any, fmt: Fmt, date: Callable[[str], Any]) -> None:
    s = rp.add_parser("stock", help="stock des membres, valorisé au coût")
    s.add_argument("--member")
    s.add_argument("--at", type=date)
    fmt(s)
    s.set_defaults(func=cmd_report_stock)
