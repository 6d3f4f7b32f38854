"""The command line of sales: settings, customers, suppliers, catalogue, quotes, invoices,
credit notes, payments and expenses. Same conventions as ``ecp.cli``: exit 2 with one French
line naming the field on bad input, nothing written."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecp import api
from ecp.cli._common import add_out, id_arg, out_path
from ecp.cli._parse import code_qty
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr, fmt_plain, parse
from ecp.kernel.units import parse_quantity, parse_rate
from ecp.reports.render import render

if TYPE_CHECKING:  # the domain is imported when a command runs, not to build the parser
    from ecp.sales.documents import Issued, LineInput, LineSpecIn
    from ecp.sales.parties import PartyKind

Fmt = Callable[[argparse.ArgumentParser], None]


def _amt(cents: int, fmt: str) -> str:
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


# --- what the user typed, parsed once, here -------------------------------------------------

LINE_SYNTAX = "DESCRIPTION|QTE|PRIX_HT|TAUX[|COMPTE|NATURE][|unite=U][|exo=CODE]"
LINE_KEYS = ("compte", "nature", "unite", "exo")


def _line_extras(parts: list[str], n: int, text: str, field: str) -> dict[str, str]:
    """The fields after the rate: a bare account (``7111``) or nature (``biens``), then
    ``clé=valeur`` fields (compte, nature, unite, exo)."""
    from ecp.sales.documents import NATURE_ACCOUNTS
    out: dict[str, str] = {}
    for i, part in enumerate(parts):
        key, eq, val = part.partition("=")
        if not part:
            continue
        if not eq:
            if i:  # a bare field only right after the rate
                raise InputError(f"ligne {n} : « {part} » attendu clé=valeur "
                                 f"({', '.join(LINE_KEYS)}) dans « {text} »", field=field,
                                 line=n, code="line.format")
            key, val = ("nature" if part.lower() in NATURE_ACCOUNTS else "compte"), part
        key = key.strip().lower().replace("é", "e")
        if key not in LINE_KEYS:
            raise InputError(f"ligne {n} : champ « {key} » inconnu ({', '.join(LINE_KEYS)})",
                             field=field, line=n, code="line.format")
        out[key] = val.strip()
    return out


def _doc_line(text: str, n: int, field: str = "lines") -> LineInput:
    """``DESCRIPTION|QTÉ|PRIX_HT|TAUX_TVA[|COMPTE ou NATURE][|unite=U][|exo=CODE]`` (the n-th
    line). The account comes from the nature (biens 7111, produits 71211, services 71243),
    an account typed wins; neither typed: 71243 (services)."""
    from ecp.sales.documents import DEFAULT_ACCOUNT, LineInput, nature_account
    where = f"ligne {n}"
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 4:
        raise InputError(f"{where} : « {text} » attendu {LINE_SYNTAX}", field=field, line=n,
                         code="line.format")
    extras = _line_extras(parts[4:], n, text, field)
    desc, qty, price, rate = parts[:4]
    if not desc:
        raise InputError(f"{where}, désignation : obligatoire", field=f"{field}.description",
                         line=n)
    try:
        unit_price = parse(price, f"{where}, prix HT", field=f"{field}.price")
        quantity = parse_quantity(qty, where, field=f"{field}.qty")
        vat = parse_rate(rate, where, field=f"{field}.vat")
    except InputError as exc:
        exc.line = n
        raise
    if unit_price < 0:
        raise InputError(f"{where}, prix HT : ne peut être négatif (faire un avoir)",
                         field=f"{field}.price", line=n, code="price.negative")
    account = extras.get("compte") or ""
    if not account:
        account = (nature_account(extras["nature"], n, f"{field}.nature")
                   if extras.get("nature") else DEFAULT_ACCOUNT)
    return LineInput(desc, quantity, unit_price, vat, account, extras.get("unite", ""),
                     exemption=extras.get("exo") or None)


class _Ordered(argparse.Action):
    """``--line`` and ``--product`` kept in the order typed (``typed``: (dest, text) pairs),
    as well as in their own lists."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        own = list(getattr(namespace, self.dest, None) or [])
        setattr(namespace, self.dest, [*own, values])
        typed = list(getattr(namespace, "typed", None) or [])
        namespace.typed = [*typed, (self.dest, values)]


def _typed(a: argparse.Namespace) -> list[tuple[str, str]]:
    return list(getattr(a, "typed", None) or [])


def _doc_lines(a: argparse.Namespace) -> list[LineSpecIn]:
    """The ``--line`` and ``--product`` lines, in the order typed on the command line."""
    from ecp.sales.documents import ProductLine
    out: list[LineSpecIn] = []
    counts = {"lines": 0, "products": 0}
    for dest, t in _typed(a):
        counts[dest] += 1
        i = counts[dest]
        if dest == "lines":
            out.append(_doc_line(t, i))
        else:
            code, qty = code_qty(t, i, f"produit {i}", "products")
            out.append(ProductLine(code, qty))
    return out


def _as_typed(a: argparse.Namespace, exc: InputError) -> InputError:
    """A refusal about line n of the document names the option it was typed with (``--line``
    or ``--product``) and its rank among them."""
    typed = _typed(a)
    if exc.field and exc.field.startswith("lines") and exc.line and exc.line <= len(typed):
        dest = typed[exc.line - 1][0]
        rank = sum(1 for d, _t in typed[:exc.line] if d == dest)
        if dest == "products":
            exc.field = "products"
        exc.line = rank
    return exc


def _terms(a: argparse.Namespace) -> Any:
    """What the user typed of an invoice's operation date, order reference, agreed terms."""
    from ecp.sales.documents import Terms
    return Terms(getattr(a, "operation", None), getattr(a, "order_ref", None),
                 bool(getattr(a, "agreed_terms", False)))


def _issued(books: api.Books, doc: Issued) -> None:
    v = doc.view
    print(f"{doc.number} émis : HT {fmt_fr(v.total_ht)} DH, TVA {fmt_fr(v.total_vat)} DH, "
          f"TTC {fmt_fr(v.total_ttc)} DH" + (f" (écriture {doc.entry})" if doc.entry else ""))
    for w in doc.warnings:
        print(f"Attention : {w}")
    try:
        print(f"PDF : {api.document_pdf(books, doc.number)}")
    except Exception as exc:  # the document is issued; say why its PDF is not at hand
        print(f"PDF : indisponible ({exc})")


# --- settings, parties, catalogue ------------------------------------------------------------

def cmd_settings_show(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(v.key, v.value, f"{v.label} : {v.description}"
             + ("" if v.required or v.value or not v.default else f" (défaut : {v.default})"))
            for v in api.settings_list(books)]
    print(render(["cle", "valeur", "description"], rows, a.format))
    return 0


def cmd_settings_set(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    res = api.settings_apply(books, a.key, a.value)
    print(f"{res.key} = {res.value}")
    for w in res.warnings:
        print(w)
    return 0


def _party_add(kind: PartyKind) -> Callable[[argparse.Namespace], int]:
    def run(a: argparse.Namespace) -> int:
        books = api.open_books(a.db)
        kw: dict[str, Any] = {"name_ar": a.name_ar, "ice": a.ice, "if_number": a.if_number,
                              "address": a.address or "", "city": a.city or "", "rc": a.rc}
        if kind == "customer":
            kw["consumer"] = a.consumer
            kw["language"] = a.language
            p = api.add_customer(books, a.code, a.name, **kw)
        else:
            p = api.add_supplier(books, a.code, a.name, foreign=a.foreign, **kw)
        print(f"{'Client' if kind == 'customer' else 'Fournisseur'} {p.code} ajouté : {p.name}")
        return 0
    return run


def _party_edit(kind: PartyKind) -> Callable[[argparse.Namespace], int]:
    def run(a: argparse.Namespace) -> int:
        books = api.open_books(a.db)
        kw = {"name": a.name, "name_ar": a.name_ar, "ice": a.ice, "if_number": a.if_number,
              "address": a.address, "city": a.city, "rc": a.rc}
        if kind == "customer" and a.consumer is not None:
            kw["consumer"] = a.consumer == "oui"
        if kind == "customer" and a.language is not None:
            kw["language"] = a.language
        p = api.edit_party(books, kind, a.code, **kw)
        print(f"{p.code} modifié : {p.name}")
        return 0
    return run


def _party_list(kind: PartyKind) -> Callable[[argparse.Namespace], int]:
    def run(a: argparse.Namespace) -> int:
        books = api.open_books(a.db)
        rows = [(p.code, p.name, p.name_ar, p.city, p.ice, p.if_number,
                 "particulier" if p.consumer else "professionnel")
                for p in api.list_parties(books, kind)]
        print(render(["code", "nom", "nom_arabe", "ville", "ice", "if", "type"], rows,
                     a.format))
        return 0
    return run


def cmd_product_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    code = a.code.strip().upper()
    price = parse(a.price, f"produit {code}, prix HT", field="price")
    vat = parse_rate(a.vat, f"produit {code}", field="vat")
    p = api.add_product(books, a.code, a.member, a.name, a.unit, price, vat, a.account)
    print(f"Produit {p.code} ({p.member}) : {p.name}, {fmt_fr(p.price_ht)} DH HT / {p.unit}, "
          f"TVA {p.rate}, compte {p.account}")
    return 0


def cmd_product_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(p.code, p.member, p.name, p.unit, _amt(p.price_ht, a.format), p.rate, p.account)
            for p in api.list_products(books, a.member)]
    print(render(["code", "membre", "nom", "unite", "prix_ht", "tva", "compte"], rows, a.format,
                 right=["prix_ht"]))
    return 0


# --- documents -------------------------------------------------------------------------------

def _create(kind: str) -> Callable[[argparse.Namespace], int]:
    def run(a: argparse.Namespace) -> int:
        books = api.open_books(a.db)
        due = a.valid_until if kind == "devis" else a.due
        lines = _doc_lines(a)
        try:
            terms = _terms(a)
            if getattr(a, "issue", False) or kind == "devis":
                _issued(books, api.create_and_issue(books, kind, a.member, a.customer, a.day,
                                                    lines, due, terms=terms))
                return 0
            draft = api.create_document(books, kind, a.member, a.customer, a.day, lines, due,
                                        terms=terms)
        except InputError as exc:
            raise _as_typed(a, exc) from None
        d = api.draft(books, draft)
        print(f"Brouillon {draft} : TTC {fmt_fr(d.total_ttc)} DH "
              f"(émettre : ecp invoice issue {draft})")
        return 0
    return run


def cmd_invoice_issue(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    _issued(books, api.issue_document(books, a.draft_id, a.day))
    return 0


def cmd_invoice_pdf(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    out = api.document_pdf(books, a.number, out_path(books, a))
    print(f"PDF : {out}")
    return 0


def _plain(value: int, places: int) -> str:
    """A scaled integer for machines: thousandths ``2500`` → ``2.5``, basis points ``550`` →
    ``5.5`` (exact, no float)."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10 ** places)
    return sign + str(whole) + (f".{frac:0{places}d}".rstrip("0") if frac else "")


LANGUAGE_NAMES = {"fr": "français", "ar": "arabe"}


def cmd_invoice_show(a: argparse.Namespace) -> int:
    """One issued document (invoice, credit note or quote) with its lines, VAT and totals; an
    invoice with its history (payments, credit notes, bank lines, reminders)."""
    from ecp.cli.dunning import history_json, history_lines
    from ecp.kernel.units import fmt_qty, fmt_rate

    books = api.open_books(a.db)
    v = api.document_view(books, a.number)
    f = a.format
    money = ["prix_ht", "total_ht"]
    rows = [(n, x.description, fmt_qty(x.quantity_milli) if f == "table"
             else _plain(x.quantity_milli, 3), x.unit, _amt(x.unit_price, f),
             fmt_rate(x.vat_bp) if f == "table" else _plain(x.vat_bp, 2), _amt(x.total_ht, f))
            for n, x in enumerate(v.lines, 1)]
    cols = ["ligne", "designation", "quantite", "unite", "prix_ht", "tva_pct", "total_ht"]
    if f == "csv":
        print(render(cols, rows, f, right=money))
        return 0
    if f == "json":
        import json
        print(json.dumps({
            "numero": v.number, "type": v.kind, "date": v.issue_date.isoformat(),
            "echeance": v.due_date.isoformat() if v.due_date else None,
            "valable_jusqu_au": v.valid_until.isoformat() if v.valid_until else None,
            "membre": v.member_code, "client": v.customer.code, "lie_a": v.related,
            "date_operation": (v.operation_date.isoformat() if v.kind != "devis" else None),
            "commande": v.order_ref, "langue": v.language,
            "lignes": [dict(zip(cols, r, strict=True)) for r in rows],
            "tva": [{"taux_pct": _plain(x.vat_bp, 2), "base_ht": _amt(x.base_ht, f),
                     "tva": _amt(x.vat, f)} for x in v.vat],
            "total_ht": _amt(v.total_ht, f), "total_tva": _amt(v.total_vat, f),
            "total_ttc": _amt(v.total_ttc, f),
            **({"historique": history_json(api.invoice_history(books, v.number))}
               if v.kind == "facture" else {})}, ensure_ascii=False, indent=1))
        return 0
    what = {"facture": "Facture", "avoir": "Avoir", "devis": "Devis"}.get(v.kind, v.kind)
    print(f"{what} {v.number} du {v.issue_date.isoformat()}"
          + (f" — échéance {v.due_date.isoformat()}" if v.due_date else "")
          + (f" — valable jusqu'au {v.valid_until.isoformat()}" if v.valid_until else "")
          + (f" — sur {v.related}" if v.related else ""))
    if v.kind != "devis" and v.operation_date != v.issue_date:  # a quote has no operation
        print(f"Date de l'opération : {v.operation_date.isoformat()}")
    if v.order_ref:
        print(f"Commande du client : {v.order_ref}")
    print(f"Membre : {v.member_code} {v.member_name}\n"
          f"Client : {v.customer.code} {v.customer.name}\n"
          f"Langue du document : {LANGUAGE_NAMES.get(v.language, v.language)}\n")
    print(render(cols, rows, f, right=[*money, "quantite", "tva_pct"]))
    print()
    for x in v.vat:
        print(f"TVA {fmt_rate(x.vat_bp)} sur {fmt_fr(x.base_ht)} : {fmt_fr(x.vat)}")
    print(f"Total HT {fmt_fr(v.total_ht)} DH, TVA {fmt_fr(v.total_vat)} DH, "
          f"TTC {fmt_fr(v.total_ttc)} DH")
    if v.kind == "facture":
        print("\n" + "\n".join(history_lines(api.invoice_history(books, v.number))))
    return 0


def cmd_invoice_delete_draft(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    api.delete_draft(books, a.draft_id)
    print(f"Brouillon {a.draft_id} supprimé")
    return 0


def cmd_invoice_edit_draft(a: argparse.Namespace) -> int:
    """Change a draft's customer, date, due date or lines; what is not typed stays. Lines
    typed (``--line``/``--product``) replace all of the draft's lines."""
    books = api.open_books(a.db)
    d = api.draft(books, a.draft_id)
    lines = _doc_lines(a) if (a.lines or a.products) else list(d.lines)
    from ecp.sales.documents import Terms
    t = d.terms
    terms = Terms(a.operation or t.operation,
                  t.order_ref if a.order_ref is None else a.order_ref,
                  t.agreed_terms if a.agreed_terms is None else a.agreed_terms == "oui")
    try:
        api.save_draft(books, a.draft_id, a.customer or d.customer, a.day or d.day, lines,
                       a.due or d.due, terms)
    except InputError as exc:
        raise _as_typed(a, exc) from None
    e = api.draft(books, a.draft_id)
    print(f"Brouillon {e.id} : {e.customer}, {e.day.isoformat()}, {len(e.lines)} ligne(s), "
          f"TTC {fmt_fr(e.total_ttc)} DH")
    return 0


def _list_drafts(a: argparse.Namespace, kind: str) -> int:
    books = api.open_books(a.db)
    f = a.format
    rows = [(d.id, d.day.isoformat(), d.due.isoformat() if d.due else "", d.member, d.customer,
             _amt(d.total_ht, f), _amt(d.total_vat, f), _amt(d.total_ttc, f))
            for d in api.list_drafts(books, kind)
            if (not a.member or d.member == a.member.upper())
            and (not a.customer or d.customer == a.customer.upper())]
    money = ["ht", "tva", "ttc"]
    print(render(["brouillon", "date", "echeance", "membre", "client", *money], rows, f,
                 right=money))
    return 0


def _list(kind: str) -> Callable[[argparse.Namespace], int]:
    def run(a: argparse.Namespace) -> int:
        if getattr(a, "status", None) == "draft":
            return _list_drafts(a, kind)
        books = api.open_books(a.db)
        f = a.format
        rows = [(r.number, r.day.isoformat(), r.due.isoformat() if r.due else "", r.member,
                 r.customer, _amt(r.total_ht, f), _amt(r.total_vat, f), _amt(r.total_ttc, f),
                 _amt(r.paid, f), _amt(r.credited, f), _amt(r.remaining, f), r.status,
                 r.related or "")
                for r in api.list_documents(books, kind, member=a.member, customer=a.customer,
                                            status=getattr(a, "status", None))]
        money = ["ht", "tva", "ttc", "paye", "avoir", "reste"]
        print(render(["numero", "date", "echeance", "membre", "client", *money, "statut",
                      "lie_a"], rows, f, right=money))
        return 0
    return run


def cmd_quote_accept(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    api.accept_quote(books, a.number, a.day)
    print(f"Devis {a.number.upper()} accepté")
    return 0


def cmd_quote_invoice(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    _issued(books, api.invoice_quote(books, a.number, a.day))
    return 0


def cmd_credit_note(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    lines = [_doc_line(t, i) for i, t in enumerate(a.lines or (), 1)]
    _issued(books, api.credit_note(books, a.invoice, lines, a.day))
    return 0


def cmd_payment_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    invoices = [x.strip() for x in a.invoices.split(",") if x.strip()]
    amount = parse(a.amount, "montant", field="amount")
    res = api.add_payment(books, invoices, amount, a.day, a.method, a.ref or "")
    print(f"Règlement enregistré (écriture {res.entry}) :")
    for num, amt, vat in res.allocations:
        print(f"  {num} : {fmt_fr(amt)} DH" + (f", TVA exigible {fmt_fr(vat)} DH" if vat else ""))
    return 0


def cmd_expense_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    amount_ht = parse(a.amount_ht, "montant HT", field="amount_ht")
    vat = parse_rate(a.vat, "dépense", field="vat")
    from ecp.sales.payments import MaterialIn
    material = None
    if a.material:
        code, qty = code_qty(a.material, None, "matière", "material")
        material = MaterialIn(code, qty)
    warnings: list[str] = []
    eid = api.add_expense(books, a.member, a.supplier, a.day, a.account, amount_ht, vat,
                          a.ref or "", a.paid_on, a.method, material=material, due=a.due,
                          warnings=warnings)
    e = next(x for x in api.list_expenses(books) if x.id == eid)
    print(f"Dépense {eid} : {fmt_fr(e.amount_ht)} DH HT + TVA {fmt_fr(e.vat)} DH = "
          f"{fmt_fr(e.ttc)} DH" + (", payée" if e.remaining == 0 else ""))
    for w in warnings:
        print(f"Attention : {w}")
    return 0


def cmd_expense_pay(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    amount = parse(a.amount, "montant", field="amount") if a.amount else None
    paid = api.settle_expense(books, a.expense_id, a.day, a.method, amount)
    print(f"Dépense {a.expense_id} payée (écriture {paid.entry})")
    for w in paid.warnings:
        print(f"Attention : {w}")
    return 0


def cmd_expense_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    f = a.format
    rows = [(e.id, e.day.isoformat(), e.member, e.supplier, e.account, _amt(e.amount_ht, f),
             e.rate, _amt(e.vat, f), _amt(e.ttc, f), _amt(e.paid, f), _amt(e.remaining, f),
             e.reference) for e in api.list_expenses(books, a.member)]
    money = ["ht", "tva", "ttc", "paye", "reste"]
    print(render(["id", "date", "membre", "fournisseur", "compte", "ht", "taux", "tva", "ttc",
                  "paye", "reste", "reference"], rows, f, right=money))
    return 0


# --- parser ----------------------------------------------------------------------------------

def register(sub: Any, parser_class: type[argparse.ArgumentParser], fmt: Fmt,
             date: Callable[[str], Any]) -> None:
    """Add the sales commands to the top-level subparsers ``sub``."""
    def group(name: str, help_: str) -> Any:
        return sub.add_parser(name, help=help_).add_subparsers(
            dest="sub", required=True, parser_class=parser_class)

    g = group("settings", "paramètres : identité de l'ECP, régime de TVA")
    s = g.add_parser("show")
    fmt(s)
    s.set_defaults(func=cmd_settings_show)
    s = g.add_parser("set")
    s.add_argument("key", metavar="CLÉ")
    s.add_argument("value", metavar="VALEUR")
    s.set_defaults(func=cmd_settings_set)

    kinds: tuple[tuple[PartyKind, str], ...] = (("customer", "client"),
                                                ("supplier", "fournisseur"))
    for kind, name in kinds:
        g = group(kind, f"{name}s")
        s = g.add_parser("add")
        s.add_argument("code")
        s.add_argument("--name", required=True)
        s.add_argument("--name-ar")
        s.add_argument("--ice")
        s.add_argument("--if", dest="if_number")
        s.add_argument("--rc")
        s.add_argument("--address")
        s.add_argument("--city")
        if kind == "customer":
            s.add_argument("--consumer", action="store_true", help="particulier (ICE facultatif)")
            s.add_argument("--language", choices=["fr", "ar"], default="fr",
                           help="langue des factures du client")
        else:
            s.add_argument("--foreign", action="store_true",
                           help="fournisseur étranger (ni IF ni ICE marocains)")
        s.set_defaults(func=_party_add(kind))
        s = g.add_parser("edit")
        s.add_argument("code")
        for opt in ("--name", "--name-ar", "--ice", "--rc", "--address", "--city"):
            s.add_argument(opt)
        s.add_argument("--if", dest="if_number")
        if kind == "customer":
            s.add_argument("--consumer", choices=["oui", "non"])
            s.add_argument("--language", choices=["fr", "ar"], help="langue des factures du client")
        s.set_defaults(func=_party_edit(kind))
        s = g.add_parser("list")
        fmt(s)
        s.set_defaults(func=_party_list(kind))

    g = group("product", "catalogue des membres")
    from ecp.cli.production import register_product
    register_product(g)
    s = g.add_parser("add")
    s.add_argument("code")
    s.add_argument("--member", required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--unit", required=True)
    s.add_argument("--price", required=True, metavar="HT")
    s.add_argument("--vat", required=True, metavar="TAUX")
    s.add_argument("--account", help="7111 marchandises, 71211 produits finis, 71243 services")
    s.set_defaults(func=cmd_product_add)
    s = g.add_parser("list")
    s.add_argument("--member")
    fmt(s)
    s.set_defaults(func=cmd_product_list)

    def doc_args(s: argparse.ArgumentParser) -> None:
        s.add_argument("--member", required=True)
        s.add_argument("--customer", required=True)
        s.add_argument("--date", dest="day", required=True, type=date)
        s.add_argument("--line", dest="lines", action=_Ordered, metavar=LINE_SYNTAX,
                       help="ligne libre ; compte ou nature (biens 7111, produits 71211, "
                       "services 71243 par défaut), unite=, exo= (code d'exonération d'une "
                       "ligne à 0 %%)")
        s.add_argument("--product", dest="products", action=_Ordered, metavar="CODE:QTE",
                       help="ligne du catalogue (les lignes gardent l'ordre saisi)")

    def terms_args(s: argparse.ArgumentParser) -> None:
        s.add_argument("--operation-date", dest="operation", type=date,
                       help="date de la livraison ou de la prestation (défaut : la date de "
                       "facture)")
        s.add_argument("--order-ref", help="référence de la commande du client")

    g = group("quote", "devis")
    s = g.add_parser("create")
    doc_args(s)
    s.add_argument("--valid-until", type=date)
    s.set_defaults(func=_create("devis"))
    s = g.add_parser("accept")
    s.add_argument("number")
    s.add_argument("--date", dest="day", type=date)
    s.set_defaults(func=cmd_quote_accept)
    s = g.add_parser("invoice")
    s.add_argument("number")
    s.add_argument("--date", dest="day", type=date)
    s.set_defaults(func=cmd_quote_invoice)
    s = g.add_parser("list")
    s.add_argument("--member")
    s.add_argument("--customer")
    s.add_argument("--status", choices=["draft"], help="draft : les brouillons de devis")
    fmt(s)
    s.set_defaults(func=_list("devis"))

    g = group("invoice", "factures")
    s = g.add_parser("create")
    doc_args(s)
    s.add_argument("--due", type=date, help="échéance (défaut 60 jours ; au-delà, "
                   "--agreed-terms ; 120 jours au plus : loi 69-21)")
    s.add_argument("--agreed-terms", action="store_true",
                   help="échéance au-delà de 60 jours convenue par écrit avec le client")
    terms_args(s)
    s.add_argument("--issue", action="store_true", help="émettre aussitôt (numéro définitif)")
    s.set_defaults(func=_create("facture"))
    s = g.add_parser("issue")
    s.add_argument("draft_id", type=id_arg, metavar="BROUILLON")
    s.add_argument("--date", dest="day", type=date)
    s.set_defaults(func=cmd_invoice_issue)
    s = g.add_parser("pdf")
    s.add_argument("number")
    add_out(s)
    s.set_defaults(func=cmd_invoice_pdf)
    s = g.add_parser("show", help="une facture, un avoir ou un devis émis : lignes, TVA, totaux")
    s.add_argument("number", metavar="NUMERO")
    fmt(s)
    s.set_defaults(func=cmd_invoice_show)
    from ecp.cli import dunning as cli_dunning
    cli_dunning.register_remind(g)
    s = g.add_parser("delete-draft", help="supprimer un brouillon (facture ou devis)")
    s.add_argument("draft_id", type=id_arg, metavar="BROUILLON")
    s.set_defaults(func=cmd_invoice_delete_draft)
    s = g.add_parser("edit-draft", help="modifier un brouillon : client, dates, lignes")
    s.add_argument("draft_id", type=id_arg, metavar="BROUILLON")
    s.add_argument("--customer")
    s.add_argument("--date", dest="day", type=date)
    s.add_argument("--due", type=date, help="échéance (date de validité d'un devis)")
    s.add_argument("--agreed-terms", choices=["oui", "non"],
                   help="échéance au-delà de 60 jours convenue par écrit (facture)")
    terms_args(s)
    s.add_argument("--line", dest="lines", action=_Ordered, metavar=LINE_SYNTAX,
                   help="remplace toutes les lignes du brouillon (avec --product)")
    s.add_argument("--product", dest="products", action=_Ordered, metavar="CODE:QTE")
    s.set_defaults(func=cmd_invoice_edit_draft)
    s = g.add_parser("list")
    s.add_argument("--member")
    s.add_argument("--customer")
    s.add_argument("--status", choices=["draft", "issued", "partial", "paid", "overdue"])
    fmt(s)
    s.set_defaults(func=_list("facture"))

    g = group("credit-note", "avoirs")
    s = g.add_parser("create")
    s.add_argument("--invoice", required=True)
    s.add_argument("--line", dest="lines", action="append", metavar=LINE_SYNTAX)
    s.add_argument("--date", dest="day", type=date)
    s.set_defaults(func=cmd_credit_note)
    s = g.add_parser("list")
    s.add_argument("--member")
    s.add_argument("--customer")
    fmt(s)
    s.set_defaults(func=_list("avoir"))

    g = group("payment", "règlements des clients")
    s = g.add_parser("add")
    s.add_argument("--invoice", dest="invoices", required=True, metavar="NUMERO[,NUMERO…]")
    s.add_argument("--amount", required=True)
    s.add_argument("--date", dest="day", required=True, type=date)
    s.add_argument("--method", required=True, choices=["virement", "cheque", "especes", "effet"])
    s.add_argument("--ref")
    s.set_defaults(func=cmd_payment_add)

    g = group("expense", "dépenses et factures fournisseurs des membres")
    s = g.add_parser("add")
    s.add_argument("--member", required=True)
    s.add_argument("--supplier", required=True)
    s.add_argument("--date", dest="day", required=True, type=date)
    s.add_argument("--account", required=True, metavar="6XXX")
    s.add_argument("--amount-ht", required=True)
    s.add_argument("--vat-rate", dest="vat", required=True)
    s.add_argument("--ref")
    s.add_argument("--paid-on", type=date)
    s.add_argument("--method", choices=["virement", "cheque", "especes", "effet"])
    s.add_argument("--material", metavar="CODE:QTÉ", help="entrée en stock de la matière achetée")
    s.add_argument("--due", type=date,
                   help="échéance (défaut 60 jours après la facture, 120 au plus : loi 69-21)")
    s.set_defaults(func=cmd_expense_add)
    s = g.add_parser("pay")
    s.add_argument("expense_id", type=id_arg, metavar="ID")
    s.add_argument("--date", dest="day", required=True, type=date)
    s.add_argument("--method", required=True, choices=["virement", "cheque", "especes", "effet"])
    s.add_argument("--amount")
    s.set_defaults(func=cmd_expense_pay)
    s = g.add_parser("list")
    s.add_argument("--member")
    fmt(s)
    s.set_defaults(func=cmd_expense_list)
