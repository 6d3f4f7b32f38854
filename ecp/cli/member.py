"""``ecp member add|edit|list|show``: the member registry (each member is a ledger dimension)
and a member's page for a month (the TUI's « fiche du mois »)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli import journey as cli_journey
from ecp.cli._common import add_format, amt, date_arg, month_arg
from ecp.kernel.units import parse_percent
from ecp.kernel.vocab import MEMBER_STATUSES
from ecp.reports.render import render

LANGUAGE_NAMES = {"fr": "français", "ar": "arabe"}

def cmd_member_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rate = parse_percent(a.contribution_rate, "taux de contribution",
                         field="contribution_rate") if a.contribution_rate else None
    m = api.add_member(books, a.code, a.name, a.name_ar, a.activity, rate, a.joined,
                       language=a.language)
    print(f"Membre {m.code} ajouté : {m.name}")
    return 0


def cmd_member_edit(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rate = a.contribution_rate
    registry = (a.name, a.name_ar, a.activity, a.status, rate, a.language)
    if all(v is None for v in (*registry, a.route, a.cnss, a.dependants)) \
            and cli_journey.edit_profile(books, a.code.upper(), a):
        return 0  # the social file only
    m = api.update_member(books, a.code.upper(), name=a.name, name_ar=a.name_ar,
                          activity=a.activity, status=a.status,
                          contribution_rate=parse_percent(rate, "taux de contribution",
                                                          field="contribution_rate")
                          if rate and rate.strip() else None,
                          default_rate=rate is not None and not rate.strip(),
                          language=a.language)
    print(f"Membre {m.code} modifié : {m.name} ({m.status})")
    cli_journey.edit_profile(books, m.code, a)
    if a.route is not None or a.cnss is not None or a.dependants is not None:
        route = a.route or m.route
        if route is None:
            from ecp.kernel.errors import InputError
            raise InputError("statut de rémunération : à choisir (salarié ou indépendant) "
                             "avant le numéro CNSS et les personnes à charge", field="route",
                             code="route.required")
        r = api.set_route(books, m.code, route, a.day, a.cnss, a.dependants)
        print(f"Statut de rémunération de {m.code} : {_route_text(r.route, r.cnss, r.dependants)}"
              + (f" à partir du {a.day.isoformat()}" if a.day else ""))
    return 0


def _route_text(route: str, cnss: str | None, dependants: int | None) -> str:
    from ecp.members.registry import ROUTE_LABELS
    text = ROUTE_LABELS.get(route, route)
    if route == "salarie":
        text += f" (CNSS {cnss or 'non communiqué'}, {dependants or 0} personne(s) à charge)"
    return text


def _count(text: str) -> int:
    """``type=`` for a small count (personnes à charge)."""
    t = text.strip()
    if not t.isascii() or not t.isdigit() or len(t) > 3:
        raise argparse.ArgumentTypeError(f"« {text} » : un nombre entier (0, 1, 2…)")
    return int(t)


def cmd_member_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(m.code, m.name, m.name_ar, m.activity, m.joined_on, m.status,
             m.contribution_pct, m.language)
            for m in api.list_members(books, include_ecp=a.all)]
    print(render(["code", "nom", "nom_arabe", "activite", "entree", "statut", "contribution_pct",
                  "langue"], rows, a.format))
    return 0


def _pct(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole} %" if not frac else f"{whole},{frac:02d}".rstrip("0") + " %"


# The statement's kinds of movements, as ``member show`` names them
KINDS_FR = {"receipts": "encaissements", "sales": "ventes", "vat_collected": "TVA collectée",
            "vat_deductible": "TVA récupérable", "vat_declared": "TVA déclarée",
            "vat_paid": "TVA payée", "expenses": "dépenses", "contribution": "contribution",
            "remuneration": "rémunération", "advances": "avances", "other": "autre écriture"}


def cmd_member_show(a: argparse.Namespace) -> int:
    """The member's page for a month: the treasury at its end and the month on the member's
    dimension, from ``member_statement`` (the view of the statement PDF and the TUI page)."""
    from ecp.kernel.periods import Month

    books = api.open_books(a.db)
    st = api.member_statement(books, a.member, a.month or Month.of(books.today()))
    f = a.format
    c = st.closing
    treasury = [("tresorerie_encaissee", "Encaissé (banque et caisse)", c.cash),
                ("tva_due", "TVA due", c.vat_due),
                ("contribution_due", "Contribution restant due à l'ECP", c.contribution_owed),
                ("autres_dus_a_l_ecp", "Autres sommes dues à l'ECP (fonds de démarrage…)",
                 c.other_owed),
                ("paie_a_payer", "Paie à payer (salaires nets, CNSS, IR)", c.payroll_due),
                ("reserve", "Réserve", c.reserve),
                ("disponible", "Disponible", c.available),
                ("disponible_ouverture", "Disponible à l'ouverture du mois",
                 st.opening.available),
                ("creances_clients", "Créances clients encore dues", c.receivables),
                ("factures_fournisseurs", "Factures fournisseurs à payer", c.payables),
                ("base_contribution", "Base de la contribution (HT)", st.contribution_base),
                ("contribution", f"Contribution du mois ({_pct(st.contribution_bp)})",
                 st.contribution),
                ("avance_a_rembourser", "Avance de solidarité restant à rembourser",
                 st.advance_outstanding)]
    # the month's and the year's result, next to the treasury
    mr, yr = st.month_result, st.year_result
    if mr is not None and yr is not None:
        treasury += [("ca_ht_mois", "Chiffre d'affaires HT du mois", mr.turnover),
                     ("charges_mois", "Charges du mois", mr.charges),
                     ("remuneration_mois", "Rémunération du mois (coût total)",
                      mr.remuneration),
                     ("resultat_mois", "Résultat du mois", mr.result),
                     ("resultat_annee", "Résultat depuis le 1er janvier", yr.result)]
    if f == "csv":
        print(render(["rubrique", "montant"], [(k, amt(v, f)) for k, _, v in treasury], f))
        return 0
    sections: list[tuple[str, list[str], list[tuple[Any, ...]], list[str]]] = [
        ("factures", ["numero", "date", "client", "ht", "ttc"],
         [(i.number + (" (avoir)" if i.kind == "avoir" and f == "table" else ""),
           i.day.isoformat(), i.customer, amt(i.total_ht, f), amt(i.total_ttc, f))
          for i in st.invoices], ["ht", "ttc"]),
        ("encaissements", ["date", "facture", "client", "mode", "montant", "tva"],
         [(p.day.isoformat(), p.invoice, p.customer, p.method, amt(p.amount, f),
           amt(p.vat, f)) for p in st.payments], ["montant", "tva"]),
        ("depenses", ["date", "fournisseur", "reference", "ht", "tva", "paye"],
         [(e.day.isoformat(), e.supplier, e.reference, amt(e.amount_ht, f), amt(e.vat, f),
           amt(e.paid, f)) for e in st.expenses], ["ht", "tva", "paye"]),
        ("versements", ["numero", "date", "montant", "nature", "motif"],
         [(p.number, p.day.isoformat(), amt(p.amount, f),
           "avance" if p.advance else "versement", p.reason) for p in st.payouts],
         ["montant"]),
        ("creances", ["numero", "client", "date", "echeance", "reste", "retard_jours"],
         [(r.number, r.customer, r.day.isoformat(), r.due.isoformat() if r.due else "",
           amt(r.remaining, f), r.age_days if f != "table" or r.overdue else "à échoir")
          for r in st.receivables], ["reste"]),
        # every line of the month on the member's dimension, by kind: the trial balance of
        # the dimension for the month, explained
        ("mouvements", ["nature", "compte", "libelle", "debit", "credit", "effet_tresorerie"],
         [(KINDS_FR[m.category], m.account, m.label or m.account_name, amt(m.debit, f),
           amt(m.credit, f), amt(m.effect, f)) for m in st.movements],
         ["debit", "credit", "effet_tresorerie"]),
    ]
    m = st.member
    if f == "json":
        import json
        print(json.dumps({
            "membre": m.code, "nom": m.name, "nom_arabe": m.name_ar, "activite": m.activity,
            "mois": st.month, "au": c.at.isoformat(),
            "tresorerie": {k: amt(v, f) for k, _, v in treasury},
            **{name: [dict(zip(cols, row, strict=True)) for row in rows]
               for name, cols, rows, _ in sections},
            "notes": list(st.notes)}, ensure_ascii=False, indent=1))
        return 0
    print(f"Fiche de {m.code} — {m.name}" + (f" ({m.name_ar})" if m.name_ar else "")
          + f" — {st.month}\nActivité : {m.activity or '—'} — contribution "
          f"{_pct(m.contribution_bp)} — documents en {LANGUAGE_NAMES[m.language]}")
    view = api.get_member(books, m.code)
    print("Rémunération : " + (f"{_route_text(view.route, view.cnss, view.dependants)} depuis "
                               f"le {view.route_from}" if view.route else "statut à choisir"))
    print(f"\nTrésorerie au {c.at.isoformat()}")
    print(render(["rubrique", "montant"], [(label, amt(v, f)) for _, label, v in treasury],
                 f, right=["montant"]))
    for note in st.notes:
        print(note)
    titles = {"factures": "Factures et avoirs du mois", "encaissements": "Encaissements",
              "depenses": "Dépenses", "versements": "Versements et avances",
              "creances": "Créances encore dues (retard en jours depuis l'échéance)",
              "mouvements": "Mouvements du mois au grand livre, par nature"}
    for name, cols, rows, right in sections:
        print(f"\n{titles[name]} ({len(rows)})")
        if rows:
            print(render(cols, rows, f, right=right))
    return 0


def register(sub: Any) -> Any:
    """``ecp member``; returns its sub-commands, where other modules add theirs."""
    m = sub.add_parser("member", help="registre des membres").add_subparsers(
        dest="sub", required=True)
    s = m.add_parser("add", help="inscrire un membre")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--name", required=True, help="nom")
    s.add_argument("--name-ar", dest="name_ar", help="nom en arabe")
    s.add_argument("--activity", help="activité")
    s.add_argument("--contribution-rate", dest="contribution_rate", metavar="PCT",
                   help="taux de contribution aux services partagés")
    s.add_argument("--joined", type=date_arg, metavar="D", help="date d'entrée")
    s.add_argument("--language", choices=["fr", "ar"], default="fr",
                   help="langue des documents du membre (relevé, bon, bulletin, attestation)")
    s.set_defaults(func=cmd_member_add)
    s = m.add_parser("edit", help="modifier un membre")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--name", help="nom")
    s.add_argument("--name-ar", dest="name_ar", help="nom en arabe")
    s.add_argument("--activity", help="activité")
    s.add_argument("--status", choices=MEMBER_STATUSES, help="statut")
    s.add_argument("--language", choices=["fr", "ar"],
                   help="langue des documents du membre (relevé, bon, bulletin, attestation)")
    s.add_argument("--contribution-rate", dest="contribution_rate", metavar="PCT",
                   help="taux de contribution aux services partagés")
    s.add_argument("--route", choices=["salarie", "independant"],
                   help="statut de rémunération : salarié de l'ECP (bulletin de paie) ou "
                        "indépendant (facture)")
    s.add_argument("--cnss", metavar="N", help="numéro d'immatriculation CNSS du salarié")
    s.add_argument("--dependants", type=_count, metavar="N",
                   help="personnes à charge (déduction IR)")
    cli_journey.add_profile_options(s)
    s.add_argument("--route-from", dest="day", type=date_arg, metavar="D",
                   help="date d'effet du statut (aujourd'hui)")
    s.set_defaults(func=cmd_member_edit)
    s = m.add_parser("list", help="lister les membres")
    add_format(s)
    s.add_argument("--all", action="store_true", help="inclure la dimension ECP")
    s.set_defaults(func=cmd_member_list)
    s = m.add_parser("show", help="la fiche du mois d'un membre : trésorerie, factures, "
                                  "encaissements, dépenses, versements, créances")
    s.add_argument("member", metavar="CODE")
    s.add_argument("--month", type=month_arg, metavar="AAAA-MM", help="le mois (le mois en cours)")
    add_format(s)
    s.set_defaults(func=cmd_member_show)
    return m
