"""``ecp entry post|reverse|show|list``: journal entries typed by hand, their reversal, one
entry with its lines, and the entries found by journal, month, dimension or text (the TUI's
Écritures screen and its detail)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import add_format, amt, date_arg, dc, month_arg
from ecp.cli._parse import ENTRY_LINE, entry_lines
from ecp.kernel.errors import InputError, NotFoundError
from ecp.reports.render import render


def cmd_entry_post(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    posted = api.post_entry(books, a.journal, a.date, a.label, entry_lines(a.line),
                            a.ref or "")
    print(posted.ref)
    return 0


def cmd_entry_reverse(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    posted = api.reverse_entry(books, a.number, a.date)
    print(posted.ref)
    return 0


def _entry_id(books: api.Books, text: str) -> int:
    """``OD-2026-000001`` (the entry's number) or its id: the id ``entry_detail`` takes."""
    from ecp.ledger.browse import EntryFilter
    from ecp.ledger.entry import entry_ref, parse_entry_ref

    if text.strip().isdigit() and len(text.strip()) <= 18:  # an id fits 64 bits
        return int(text)
    try:
        ref = entry_ref(*parse_entry_ref(text))
    except InputError as exc:
        raise InputError(exc.message, field="entry_id", code=exc.code) from None
    for row in api.entries_page(books, EntryFilter(text=ref), limit=1000):
        if row.ref == ref:
            return row.id
    raise NotFoundError(f"écriture {ref} introuvable", field="entry_id")


def cmd_entry_show(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    d = api.entry_detail(books, _entry_id(books, a.entry_id))
    f = a.format
    if f == "json":
        import json
        print(json.dumps({
            "numero": d.ref, "date": d.date, "journal": d.journal, "libelle": d.label,
            "piece": d.reference, "saisie_par": d.posted_by, "saisie_le": d.posted_at,
            "contre_passe": d.reverses, "contre_passee_par": d.reversed_by, "empreinte": d.hash,
            "lignes": [{"ligne": x.line_no, "compte": x.account, "intitule": x.account_name,
                        "dimension": x.dimension, "tiers": x.third_party,
                        "echeance": x.due, "montant": amt(x.amount, f)} for x in d.lines]},
            ensure_ascii=False, indent=1))
        return 0
    money = ["debit", "credit"]
    rows = [(x.line_no, x.account, x.account_name, x.dimension, x.third_party or "",
             x.due or "", dc(max(x.amount, 0), f), dc(max(-x.amount, 0), f)) for x in d.lines]
    table = render(["ligne", "compte", "intitule", "dimension", "tiers", "echeance", *money],
                   rows, f, right=money)
    if f == "csv":
        print(table)
        return 0
    total = sum(x.amount for x in d.lines if x.amount > 0)
    print(f"Écriture {d.ref} du {d.date} — journal {d.journal}\nLibellé : {d.label}")
    if d.reference:
        print(f"Pièce : {d.reference}")
    print(f"Saisie par {d.posted_by} le {d.posted_at}")
    if d.reverses:
        print(f"Contre-passe l'écriture {d.reverses}")
    if d.reversed_by:
        print(f"Contre-passée par l'écriture {d.reversed_by}")
    print(f"\n{table}\n\nTotal : débit {amt(total, f)} = crédit {amt(total, f)}")
    return 0


def cmd_entry_list(a: argparse.Namespace) -> int:
    from ecp.ledger.browse import EntryFilter

    books = api.open_books(a.db)
    flt = EntryFilter(journal=a.journal.upper() if a.journal else None,
                      month=a.month.key if a.month else None,
                      dimension=a.dimension.upper() if a.dimension else None,
                      text=a.text or None)
    f = a.format
    rows = [(r.ref, r.date, r.journal, r.label, r.reference, amt(r.amount, f), r.dimensions,
             r.reverses or "", r.reversed_by or "")
            for r in api.entries_page(books, flt, limit=a.limit)]
    print(render(["numero", "date", "journal", "libelle", "piece", "montant", "dimensions",
                  "contre_passe", "contre_passee_par"], rows, f, right=["montant"]))
    return 0


def register(sub: Any) -> None:
    en = sub.add_parser("entry", help="écritures").add_subparsers(dest="sub", required=True)
    s = en.add_parser("post", help="passer une écriture")
    s.add_argument("--journal", required=True, help="VT, AC, BQ, CA, OD ou AN")
    s.add_argument("--date", required=True, type=date_arg)
    s.add_argument("--label", required=True, help="libellé")
    s.add_argument("--ref", help="référence de la pièce")
    s.add_argument("--line", action="append", required=True, metavar=ENTRY_LINE,
                   help="montant signé en dirhams : positif au débit, négatif au crédit")
    s.set_defaults(func=cmd_entry_post)
    s = en.add_parser("reverse", help="contre-passer une écriture")
    s.add_argument("number", metavar="ECRITURE", help="ex. OD-2026-000001")
    s.add_argument("--date", type=date_arg, help="date de la contre-passation")
    s.set_defaults(func=cmd_entry_reverse)
    s = en.add_parser("show", help="une écriture et ses lignes")
    s.add_argument("entry_id", metavar="ECRITURE", help="ex. OD-2026-000001 (ou son n° interne)")
    add_format(s)
    s.set_defaults(func=cmd_entry_show)
    s = en.add_parser("list", help="les écritures, des plus récentes aux plus anciennes")
    s.add_argument("--journal", help="VT, AC, BQ, CA, OD ou AN")
    s.add_argument("--month", type=month_arg, metavar="AAAA-MM", help="un mois")
    s.add_argument("--dimension", help="un membre (ou ECP)")
    s.add_argument("--text", help="dans le libellé, la pièce ou le numéro")
    s.add_argument("--limit", type=int, default=100, help="au plus N écritures (100)")
    add_format(s)
    s.set_defaults(func=cmd_entry_list)
