"""The command line of production: materials and stock, bills of materials, resources and
capacities, production orders, the weekly plan, material needs and the earliest date.

What the user typed is parsed here, once (``ecp.kernel`` and ``ecp.production.specs``); the
façade takes quantities in thousandths, costs in centimes, ``BomItem``s and ``DateSpan``s.
An error names its façade parameter (``field``); each option's ``dest`` is that name, so the
command line names the flag."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ecp.kernel.money import fmt_fr, fmt_plain, parse
from ecp.kernel.units import Quantity, fmt_qty, parse_quantity
from ecp.production.specs import parse_items, parse_signed_quantity, parse_spans

Fmt = Callable[[argparse.ArgumentParser], None]


def _books(a: argparse.Namespace) -> Any:
    from ecp import api
    return api.open_books(a.db)


def _amt(cents: int, fmt: str) -> str:
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


def _qty(milli: int, fmt: str) -> str:
    return fmt_qty(milli) if fmt == "table" else fmt_qty(milli).replace(",", ".")


def _cost(text: str | None) -> int | None:
    return parse(text, "coût", field="cost") if text else None


def _quantity(text: str, what: str, field: str = "qty") -> Quantity:
    """``what`` says what the quantity is of (« ordre de fabrication, quantité : … »)."""
    return parse_quantity(text, what, field=field)


def cmd_material_add(a: argparse.Namespace) -> int:
    from ecp import api
    code = api.add_material(_books(a), a.code, a.member, a.name, a.unit, _cost(a.cost))
    print(f"Matière {code} ajoutée au stock de {a.member.upper()}")
    return 0


def cmd_material_list(a: argparse.Namespace) -> int:
    from ecp import api
    f = a.format
    rows = [(m.member, m.code, m.name, m.unit, _amt(m.cost, f), _qty(m.qty_milli, f))
            for m in api.list_materials(_books(a), a.member)]
    print(_render(["membre", "code", "nom", "unite", "cout_standard", "en_stock"], rows, f,
                  right=["cout_standard", "en_stock"]))
    return 0


def cmd_stock_receive(a: argparse.Namespace) -> int:
    from ecp import api
    api.stock_receive(_books(a), a.material, _quantity(a.qty, "entrée en stock"), a.day,
                      _cost(a.cost))
    print(f"Entrée en stock : {a.qty} {a.material.upper()} le {a.day.isoformat()}")
    return 0


def cmd_stock_adjust(a: argparse.Namespace) -> int:
    from ecp import api
    api.stock_adjust(_books(a), a.material, parse_signed_quantity(a.qty, "ajustement"), a.day,
                     a.reason)
    print(f"Ajustement de stock : {a.qty} {a.material.upper()} ({a.reason})")
    return 0


def cmd_report_stock(a: argparse.Namespace) -> int:
    from ecp import api
    f = a.format
    rows = [(r.member, r.kind, r.code, r.name, r.unit, _qty(r.qty_milli, f),
             _amt(r.unit_cost, f), _amt(r.value, f))
            for r in api.stock_report(_books(a), a.member, a.at)]
    print(_render(["membre", "type", "code", "nom", "unite", "quantite", "cout_unitaire",
                   "valeur"], rows, f, right=["quantite", "cout_unitaire", "valeur"]))
    return 0


def cmd_product_bom(a: argparse.Namespace) -> int:
    from ecp import api
    materials = parse_items(a.materials or [], "matières", "materials")
    resources = parse_items(a.resources or [], "ressources", "resources")
    hours = _quantity(a.hours, "heures", "hours") if a.hours else None
    api.set_bom(_books(a), a.product, materials, hours, resources)
    print(f"Nomenclature de {a.product.upper()} enregistrée")
    return 0


def cmd_bom_show(a: argparse.Namespace) -> int:
    from ecp import api
    f = a.format
    b = api.get_bom(_books(a), a.product)
    rows = [("matière", m.code, _qty(m.qty, f)) for m in b.materials]
    if b.hours:
        rows.append(("heures", "", _qty(b.hours, f)))
    rows += [("ressource", r.code, _qty(r.qty, f)) for r in b.resources]
    print(_render(["type", "code", "par_unite"], rows, f, right=["par_unite"]))
    return 0


def cmd_resource_add(a: argparse.Namespace) -> int:
    from ecp import api
    code = api.add_resource(_books(a), a.code, a.name,
                            _quantity(a.hours, "heures par semaine", "hours"))
    print(f"Ressource {code} : {a.hours} h par semaine")
    return 0


def cmd_resource_list(a: argparse.Namespace) -> int:
    from ecp import api
    f = a.format
    rows = [(r.code, r.name, _qty(r.hours_milli, f)) for r in api.list_resources(_books(a))]
    print(_render(["code", "nom", "heures_semaine"], rows, f, right=["heures_semaine"]))
    return 0


def cmd_member_capacity(a: argparse.Namespace) -> int:
    from ecp import api
    hours = _quantity(a.hours, "heures par semaine", "hours")
    api.set_capacity(_books(a), a.member, hours, parse_spans(a.off or [], "off"))
    print(f"Capacité de {a.member.upper()} : {a.hours} h par semaine"
          + (f", {len(a.off)} congé(s)" if a.off else ""))
    return 0


def cmd_capacities(a: argparse.Namespace) -> int:
    from ecp import api
    f = a.format
    rows = [(c.member, _qty(c.hours_milli, f),
             " ".join(f"{s.start.isoformat()}:{s.end.isoformat()}" for s in c.off))
            for c in api.list_capacities(_books(a))]
    print(_render(["membre", "heures_semaine", "conges"], rows, f, right=["heures_semaine"]))
    return 0


def cmd_order_add(a: argparse.Namespace) -> int:
    from ecp import api
    num = api.add_order(_books(a), a.member, a.product,
                        _quantity(a.qty, "ordre de fabrication"), a.due, a.customer,
                        a.quote)
    print(num)
    return 0


def cmd_order_list(a: argparse.Namespace) -> int:
    from ecp import api
    f = a.format
    rows = [(o.number, o.member, o.product, _qty(o.qty_milli, f), o.due.isoformat(), o.status)
            for o in api.list_orders(_books(a), a.member)
            if not a.open or o.status in ("planifié", "en cours")]
    print(_render(["numero", "membre", "produit", "quantite", "echeance", "statut"], rows, f,
                  right=["quantite"]))
    return 0


def cmd_order_show(a: argparse.Namespace) -> int:
    from ecp import api
    books = _books(a)
    o = api.get_order(books, a.number)
    print(f"Ordre de fabrication {o.number}\n"
          f"Membre : {o.member}\nProduit : {o.product}\nQuantité : {fmt_qty(o.qty_milli)}\n"
          f"Échéance : {o.due.isoformat()}\nStatut : {o.status}")
    if o.status in ("planifié", "en cours"):
        plan = api.production_plan(books, None, a.weeks)
        s = next((x for x in plan.orders if x.number == o.number), None)
        if s is not None:
            print("Au plan :")
            for w, units in sorted(s.weeks.items()):
                print(f"  semaine du {w.isoformat()} : {fmt_qty(units)}")
            if s.unplaced_milli:
                print(f"  au-delà de l'horizon : {fmt_qty(s.unplaced_milli)}")
            if s.late_days:
                print("En retard : " + ("au-delà de l'horizon" if s.late_days < 0 else
                                        f"{s.late_days} jour(s)"))
    return 0


def cmd_order_action(action: str) -> Callable[[argparse.Namespace], int]:
    def run(a: argparse.Namespace) -> int:
        from ecp import api
        books = _books(a)
        if action == "start":
            api.start_order(books, a.number, a.day)
            print(f"{a.number.upper()} commencé")
        elif action == "cancel":
            api.cancel_order(books, a.number)
            print(f"{a.number.upper()} annulé")
        else:
            qty = _quantity(a.qty, "production") if a.qty else None
            ref = api.complete_order(books, a.number, a.day, qty)
            print(f"{a.number.upper()} terminé" + (f" (écriture {ref})" if ref else ""))
        return 0
    return run


def cmd_plan(a: argparse.Namespace) -> int:
    from ecp import api
    plan = api.production_plan(_books(a), a.start, a.weeks, a.member)
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
    print(_render(["qui", "type", *head], rows, f, right=head))
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
    from ecp import api
    f = a.format
    rows = [(r.member, r.material, r.name, r.unit, _qty(r.required_milli, f),
             _qty(r.on_hand_milli, f), _qty(r.missing_milli, f), _amt(r.missing_cost, f))
            for r in api.material_needs(_books(a), a.until, a.member)]
    cols = ["membre", "matiere", "nom", "unite", "besoin", "en_stock", "manque", "cout_manque"]
    print(_render(cols, rows, f, right=cols[4:]))
    return 0


def cmd_earliest(a: argparse.Namespace) -> int:
    from ecp import api
    d = api.earliest_date(_books(a), a.member, a.product,
                          _quantity(a.qty, "ordre de fabrication"), a.start)
    print(f"Au plus tôt : {d.isoformat()}" if d else
          "Impossible dans les 52 semaines avec les capacités actuelles")
    return 0


def _render(cols: list[str], rows: Any, fmt: str, right: list[str] | None = None) -> str:
    from ecp.reports.render import render
    return render(cols, rows, fmt, right=right)


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
    s = g.add_parser("list", help="les matières, leur coût standard et le stock")
    s.add_argument("--member")
    fmt(s)
    s.set_defaults(func=cmd_material_list)

    g = group("stock", "mouvements de stock")
    s = g.add_parser("receive")
    s.add_argument("--material", required=True)
    s.add_argument("--qty", required=True)
    s.add_argument("--date", dest="day", required=True, type=date)
    s.add_argument("--cost")
    s.set_defaults(func=cmd_stock_receive)
    s = g.add_parser("adjust")
    s.add_argument("--material", required=True)
    s.add_argument("--qty", required=True, help="signée : -2 pour retirer")
    s.add_argument("--date", dest="day", required=True, type=date)
    s.add_argument("--reason", required=True)
    s.set_defaults(func=cmd_stock_adjust)

    g = group("resource", "ressources partagées de l'atelier")
    s = g.add_parser("add")
    s.add_argument("code")
    s.add_argument("--name", required=True)
    s.add_argument("--hours-per-week", dest="hours", required=True)
    s.set_defaults(func=cmd_resource_add)
    s = g.add_parser("list", help="les ressources et leurs heures par semaine")
    fmt(s)
    s.set_defaults(func=cmd_resource_list)

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
    s = o.add_parser("list", help="les ordres de fabrication, par échéance")
    s.add_argument("--member")
    s.add_argument("--open", action="store_true", help="planifiés et en cours seulement")
    fmt(s)
    s.set_defaults(func=cmd_order_list)
    s = o.add_parser("show", help="un ordre et sa place au plan")
    s.add_argument("number", metavar="order")
    s.add_argument("--weeks", type=int, default=52, help="horizon du plan (semaines)")
    s.set_defaults(func=cmd_order_show)
    for action in ("start", "complete", "cancel"):
        s = g.add_parser(action)
        s.add_argument("number", metavar="order")
        s.add_argument("--date", dest="day", type=date)
        if action == "complete":
            s.add_argument("--qty")
        s.set_defaults(func=cmd_order_action(action))
    s = g.add_parser("plan")
    s.add_argument("--from", dest="start", type=date)
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
    s.add_argument("--from", dest="start", type=date)
    s.set_defaults(func=cmd_earliest)
    s = g.add_parser("bom", help="la nomenclature d'un produit, ses heures et ressources")
    s.add_argument("product")
    fmt(s)
    s.set_defaults(func=cmd_bom_show)
    s = g.add_parser("capacities", help="heures par semaine et congés des membres")
    fmt(s)
    s.set_defaults(func=cmd_capacities)


def register_product(g: Any) -> None:
    s = g.add_parser("bom", help="nomenclature, heures et ressources d'un produit")
    s.add_argument("product")
    s.add_argument("--material", dest="materials", action="append", metavar="CODE:QTÉ")
    s.add_argument("--hours", help="heures de travail du membre par unité")
    s.add_argument("--resource", dest="resources", action="append", metavar="CODE:HEURES")
    s.set_defaults(func=cmd_product_bom)


def register_member(m: Any, date: Callable[[str], Any]) -> None:
    s = m.add_parser("capacity", help="heures par semaine et congés d'un membre")
    s.add_argument("member", metavar="code")
    s.add_argument("--hours-per-week", dest="hours", required=True)
    s.add_argument("--off", action="append", metavar="AAAA-MM-JJ:AAAA-MM-JJ")
    s.set_defaults(func=cmd_member_capacity)


def register_reports(rp: Any, fmt: Fmt, date: Callable[[str], Any]) -> None:
    s = rp.add_parser("stock", help="stock des membres, valorisé au coût")
    s.add_argument("--member")
    s.add_argument("--at", type=date)
    fmt(s)
    s.set_defaults(func=cmd_report_stock)
