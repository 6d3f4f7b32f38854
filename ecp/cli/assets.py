"""``ecp year list|define|check|close|reopen|allocate|events``, ``ecp asset add|list|dispose``,
``ecp depreciation run``: fiscal years and their close, the fixed-asset register and its
depreciation (issue 15). Same conventions as ``ecp.cli``:
exit 2 with one French line naming the flag on bad input, nothing written."""

from __future__ import annotations

import argparse
from typing import Any

from ecp.cli._common import add_format, amt, date_arg, open_books

STATUS_FR = {"open": "ouvert", "provisional": "clôture provisoire", "final": "clôturé"}


def _d(v: int) -> str:
    return f"{v % 100:02d}/{v // 100 % 100:02d}/{v // 10000:04d}"


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"exercice : « {text} » attendu AAAA")
    return int(text)


def cmd_year_list(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.render import render

    rows = [(str(y.year), _d(y.start), _d(y.end), STATUS_FR.get(y.status, y.status),
             str(y.entries)) for y in api.list_years(open_books(a))]
    if not rows and a.format == "table":
        print("Aucun exercice : le grand livre est vide.")
        return 0
    print(render(["exercice", "debut", "fin", "statut", "ecritures"], rows, a.format,
                 right=["ecritures"]))
    return 0


def _show(step: Any) -> None:
    print(f"{'✓' if step.ok else '✗'} {step.name} : {step.detail}", flush=True)


def cmd_year_define(a: argparse.Namespace) -> int:
    from ecp import api

    v = api.define_first_year(open_books(a), a.year, a.start)
    print(f"Premier exercice {v.year} : du {_d(v.start)} au {_d(v.end)}")
    return 0


def cmd_year_check(a: argparse.Namespace) -> int:
    from ecp import api

    steps = api.year_checklist(open_books(a), a.year, on_step=_show)
    ok = bool(steps) and all(s.ok for s in steps)
    print(f"Exercice {a.year} : prêt à clôturer" if ok else
          f"Exercice {a.year} : à compléter (étape « {steps[-1].name} »)")
    return 0 if ok else 1


def cmd_year_close(a: argparse.Namespace) -> int:
    import sys

    from ecp import api

    steps, out = api.close_year(open_books(a), a.year, final=a.final, on_step=_show)
    if out is None:
        print(f"Clôture de l'exercice {a.year} arrêtée à l'étape « {steps[-1].name} »",
              file=sys.stderr)
        return 1
    for ref in out.entries:
        print(ref)
    print(f"Exercice {a.year} : {STATUS_FR.get(out.status, out.status)}")
    return 0


def cmd_year_reopen(a: argparse.Namespace) -> int:
    from ecp import api

    out = api.reopen_year(open_books(a), a.year, a.reason)
    print(f"Exercice {a.year} rouvert : {len(out.entries)} écritures de clôture "
          "contre-passées")
    return 0


def cmd_year_allocate(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.money import fmt_fr, parse

    def signed(text: str, label: str, field: str) -> int:
        t = text.strip()
        neg = t.startswith("-")
        v = parse(t[1:] if neg else t, label, field=field)
        return -v if neg else v

    r = api.allocate_result(
        open_books(a), a.year, parse(a.legal_reserve, "réserve légale", field="legal_reserve"),
        signed(a.retained, "report à nouveau", "retained"),
        parse(a.dividends, "dividendes", field="dividends") if a.dividends else 0, a.day)
    print(f"Affectation du résultat {a.year} ({fmt_fr(r.result)} DH) : réserve légale "
          f"{fmt_fr(r.legal_reserve)} (minimum {fmt_fr(r.reserve_minimum)}), report à nouveau "
          f"{fmt_fr(r.retained)}, dividendes {fmt_fr(r.dividends)} DH")
    for ref in r.entries:
        print(ref)
    return 0


def cmd_year_events(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.render import render

    rows = [(str(e.year), e.action, e.reason, str(e.entries), e.actor, e.at)
            for e in api.year_events(open_books(a), a.year)]
    if not rows and a.format == "table":
        print("Aucune clôture d'exercice.")
        return 0
    print(render(["exercice", "action", "motif", "ecritures", "par", "le"], rows, a.format,
                 right=["ecritures"]))
    return 0


def cmd_asset_add(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.money import fmt_fr, parse
    from ecp.kernel.units import parse_percent

    books = open_books(a)
    cost = parse(a.cost, "coût", field="cost")
    rate = parse_percent(a.rate, "taux", "rate") if a.rate is not None else None
    v = api.add_asset(books, a.code, a.account, a.name, a.day, cost, dimension=a.dimension,
                      years=a.years, rate=rate, method=a.method, expense_id=a.expense_id)
    bp = v.rate_bp or 0
    plan = f"{v.years} ans" if v.years else f"{bp // 100},{bp % 100:02d} %"
    print(f"Immobilisation {v.code} enregistrée : {v.name}, compte {v.account}, "
          f"{fmt_fr(v.cost)} DH HT le {v.day.strftime('%d/%m/%Y')} sur {v.dimension}, "
          f"{v.method} {plan}")
    return 0


def cmd_asset_list(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.render import render

    f = a.format
    rows = [(r.asset.code, r.asset.name, r.asset.account, r.asset.dimension,
             r.asset.day.strftime("%d/%m/%Y"), amt(r.asset.cost, f), amt(r.cumulated, f),
             amt(r.net, f),
             f"cédée le {r.asset.disposed.strftime('%d/%m/%Y')}" if r.asset.disposed else "")
            for r in api.list_assets(open_books(a), a.year)]
    if not rows and f == "table":
        print("Aucune immobilisation.")
        return 0
    print(render(["code", "nom", "compte", "dimension", "acquisition", "brut", "amortissements",
                  "net", "cession"], rows, f, right=["brut", "amortissements", "net"]))
    return 0


def cmd_asset_dispose(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.money import fmt_fr, parse

    price = parse(a.price, "prix", field="price") if a.price is not None else 0
    r = api.dispose_asset(open_books(a), a.code, a.day, price)
    print(f"Cession de {r.asset} enregistrée (écriture {r.entry}) : brut {fmt_fr(r.cost)}, "
          f"amortissements {fmt_fr(r.cumulated)}, VNC {fmt_fr(r.net)}, prix {fmt_fr(r.price)} DH"
          + (f" ; dotation jusqu'à la cession {fmt_fr(r.complement)} DH" if r.complement
             else ""))
    return 0


def cmd_depreciation_run(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.money import fmt_fr

    lines = api.depreciation_run(open_books(a), a.year, a.day)
    moved = [x for x in lines if x.posted_now]
    if not moved:
        print(f"Amortissements {a.year} : rien à passer, tout est à jour.")
        return 0
    for x in moved:
        print(f"{x.asset} ({x.dimension}) : dotation {a.year} {fmt_fr(x.due)} DH, passé "
              f"{fmt_fr(x.posted_now)} DH ({x.entry})")
    return 0


def register(sub: Any) -> None:
    g = sub.add_parser("year", help="exercices comptables").add_subparsers(dest="sub",
                                                                            required=True)
    s = g.add_parser("list", help="les exercices : dates, statut, nombre d'écritures")
    add_format(s)
    s.set_defaults(func=cmd_year_list)
    s = g.add_parser("define", help="le premier exercice : du jour de début au 31/12 (plus "
                                    "court que douze mois, loi 9-88 art. 7)")
    s.add_argument("year", type=_year, metavar="AAAA")
    s.add_argument("--start", required=True, type=date_arg, metavar="D",
                   help="premier jour des livres")
    s.set_defaults(func=cmd_year_define)
    s = g.add_parser("check", help="la liste de contrôle de la clôture, sans rien écrire")
    s.add_argument("year", type=_year, metavar="AAAA")
    s.set_defaults(func=cmd_year_check)
    s = g.add_parser("close", help="clôturer l'exercice : contrôles, écritures CL et AN")
    s.add_argument("year", type=_year, metavar="AAAA")
    s.add_argument("--final", action="store_true",
                   help="clôture définitive : plus aucune écriture ni réouverture")
    s.set_defaults(func=cmd_year_close)
    s = g.add_parser("reopen", help="rouvrir une clôture provisoire (contre-passations)")
    s.add_argument("year", type=_year, metavar="AAAA")
    s.add_argument("--reason", required=True, metavar="MOTIF")
    s.set_defaults(func=cmd_year_reopen)
    s = g.add_parser("allocate", help="affecter le résultat (décision de l'assemblée)")
    s.add_argument("year", type=_year, metavar="AAAA")
    s.add_argument("--legal-reserve", required=True, metavar="MONTANT",
                   help="dotation à la réserve légale (1140)")
    s.add_argument("--retained", required=True, metavar="MONTANT",
                   help="report à nouveau (1161 ; négatif pour une perte : 1169)")
    s.add_argument("--dividends", metavar="MONTANT", help="dividendes à payer (4465)")
    s.add_argument("--date", dest="day", type=date_arg, metavar="D",
                   help="date de l'assemblée (défaut : le lendemain de la clôture)")
    s.set_defaults(func=cmd_year_allocate)
    s = g.add_parser("events", help="le journal des clôtures d'exercice")
    s.add_argument("--year", type=_year, metavar="AAAA")
    add_format(s)
    s.set_defaults(func=cmd_year_events)

    g = sub.add_parser("asset", help="immobilisations") \
        .add_subparsers(dest="sub", required=True)
    s = g.add_parser("add", help="enregistrer une immobilisation")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--account", required=True, metavar="23xx", help="compte d'immobilisation")
    s.add_argument("--name", required=True, metavar="NOM")
    s.add_argument("--date", dest="day", required=True, type=date_arg, metavar="D",
                   help="date d'acquisition (mise en service)")
    s.add_argument("--cost", required=True, metavar="MONTANT", help="coût HT, ex. 12000,00")
    s.add_argument("--dimension", default="ECP", metavar="D",
                   help="ECP (défaut) ou le code d'un membre")
    t = s.add_mutually_exclusive_group(required=True)
    t.add_argument("--years", type=int, metavar="N", help="durée d'amortissement en années")
    t.add_argument("--rate", metavar="PCT", help="taux d'amortissement, ex. 20")
    s.add_argument("--method", choices=("lineaire", "degressif"), default="lineaire")
    s.add_argument("--expense", dest="expense_id", type=int, metavar="ID",
                   help="la dépense (expense add) de l'achat")
    s.set_defaults(func=cmd_asset_add)
    s = g.add_parser("list", help="le registre : brut, amortissements cumulés, net")
    s.add_argument("--year", type=_year, metavar="AAAA",
                   help="au 31/12 de cet exercice (défaut : l'année en cours)")
    add_format(s)
    s.set_defaults(func=cmd_asset_list)
    s = g.add_parser("dispose", help="céder ou mettre au rebut une immobilisation")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--date", dest="day", required=True, type=date_arg, metavar="D")
    s.add_argument("--price", metavar="MONTANT", help="prix de cession HT (sinon : rebut)")
    s.set_defaults(func=cmd_asset_dispose)

    g = sub.add_parser("depreciation", help="amortissements") \
        .add_subparsers(dest="sub", required=True)
    s = g.add_parser("run", help="passer les dotations de l'exercice (idempotent)")
    s.add_argument("year", type=_year, metavar="AAAA")
    s.add_argument("--date", dest="day", type=date_arg, metavar="D",
                   help="date des écritures (défaut : 31/12)")
    s.set_defaults(func=cmd_depreciation_run)
