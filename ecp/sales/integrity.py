"""What ``verify`` checks of the issued documents: each series gap-free, each document's own
arithmetic, its frozen view, and its posted entry (totals HT/TVA/TTC, VAT by rate, customer,
member, and the seal of its PDF — in the entry's reference, or for a quote, which has no entry,
in its issue's audit event); and each payout voucher's PDF against the seal of its entry. The
ledger knows no documents: this module reads both."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, select

from ecp.db.models import (
    AuditEvent,
    Document,
    DocumentLine,
    DocumentVat,
    Entry,
    Line,
    Party,
    Payout,
)
from ecp.ledger.entry import entry_ref
from ecp.sales.documents import (
    RECEIVABLE,
    VAT_DUE,
    VAT_PENDING,
    detail_seal,
    reference_seal,
)
from ecp.sales.rules import line_total, number, vat_by_rate

VAT = "TVA"  # both VAT accounts of an invoice's entry, pending (44551) or due (4455)
# How each kind moves the customer's account: an invoice debits it, a credit note credits it.
SIGN = {"facture": 1, "avoir": -1}


def _series(conn: Connection) -> list[str]:
    out = []
    q = select(Document.kind, Document.year, func.count(), func.min(Document.seq),
               func.max(Document.seq)).group_by(Document.kind, Document.year)
    for kind, year, n, lo, hi in conn.execute(q):
        if lo != 1 or hi != n:
            seqs = set(conn.scalars(select(Document.seq).where(
                Document.kind == kind, Document.year == year)))
            missing = [k for k in range(1, hi + 1) if k not in seqs][:10]
            shown = ", ".join(_number(kind, year, k) for k in missing)
            out.append(f"numérotation des {kind}s {year} : trou(s) dans la série : {shown}")
    return out


def _number(kind: str, year: int, seq: int) -> str:
    try:
        return number(kind, year, seq)
    except KeyError:
        return f"{kind}-{year}-{seq:06d}"


def _view(text: str) -> dict[str, Any] | None:
    try:
        d = json.loads(text)
    except (TypeError, ValueError):
        return None
    return d if isinstance(d, dict) else None


def _quote_seals(conn: Connection) -> dict[str, str]:
    """The PDF seal of each quote's issue, as the audit trail chained it (number → SHA-256)."""
    out: dict[str, str] = {}
    for subject, detail in conn.execute(
            select(AuditEvent.subject, AuditEvent.detail).where(
                AuditEvent.action == "document").order_by(AuditEvent.id)):
        seal = detail_seal(detail or "")
        if seal is not None:
            out.setdefault(subject, seal)
    return out


def check_payouts(conn: Connection) -> list[str]:
    """Each payout voucher against its entry: the entry exists, and its reference is the
    voucher's number, sealed with the SHA-256 of the voucher's PDF when it has one (vouchers
    issued before the seal carry the bare number)."""
    refs = {e.id: e for e in conn.execute(
        select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.reference)
        .where(Entry.id.in_(select(Payout.entry_id))))}
    out: list[str] = []
    for p in conn.execute(select(Payout.number, Payout.entry_id, Payout.pdf_sha256)
                          .order_by(Payout.id)):
        e = refs.get(p.entry_id)
        if e is None:
            out.append(f"versement {p.number} : l'écriture n° {p.entry_id} de la chaîne "
                       "n'existe pas")
            continue
        ref = entry_ref(e.journal, e.fiscal_year, e.number)
        seal = reference_seal(e.reference, p.number)
        if seal is None and e.reference != p.number:
            out.append(f"versement {p.number} : l'écriture {ref} porte la référence "
                       f"« {e.reference} »")
        elif seal is not None and not (p.pdf_sha256 or "").startswith(seal):
            out.append(f"versement {p.number} : l'empreinte du PDF enregistrée ne correspond "
                       f"pas à celle scellée dans l'écriture {ref} (PDF et empreinte "
                       "remplacés ?)")
    return out


def check_documents(conn: Connection) -> list[str]:
    """Every finding about the issued documents, in the order of the documents."""
    out = _series(conn)
    codes: dict[int, str] = {i: c for i, c in conn.execute(select(Party.id, Party.code))}
    doc_lines: dict[int, list[Any]] = defaultdict(list)
    for ln in conn.execute(select(DocumentLine.document_id, DocumentLine.line_no,
                                  DocumentLine.quantity_milli, DocumentLine.unit_price,
                                  DocumentLine.vat_bp, DocumentLine.account,
                                  DocumentLine.total_ht).order_by(DocumentLine.id)):
        doc_lines[ln.document_id].append(ln)
    doc_vat: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for v in conn.execute(select(DocumentVat.document_id, DocumentVat.vat_bp,
                                 DocumentVat.base_ht, DocumentVat.vat)):
        doc_vat[v.document_id][v.vat_bp] = (v.base_ht, v.vat)
    entries = {e.id: e for e in conn.execute(
        select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.day,
               Entry.reference).where(Entry.id.in_(
                   select(Document.entry_id).where(Document.entry_id.is_not(None)))))}
    moves: dict[int, list[Any]] = defaultdict(list)
    for mv in conn.execute(select(Line.entry_id, Line.account, Line.dimension, Line.amount,
                                  Line.third_party).where(Line.entry_id.in_(
                                      select(Document.entry_id).where(
                                          Document.entry_id.is_not(None))))):
        moves[mv.entry_id].append(mv)
    used: dict[int, str] = {}
    quote_seals = _quote_seals(conn)
    for d in conn.execute(select(Document.__table__).order_by(Document.id)):
        where = f"document {d.number}"
        problems: list[str] = []
        say = problems.append
        if d.kind in ("facture", "avoir", "devis") and d.number != _number(d.kind, d.year, d.seq):
            say(f"numéro ≠ {_number(d.kind, d.year, d.seq)} (nature, année, rang)")
        if d.year != d.day // 10000:
            say(f"année {d.year} ≠ année de la date")
        # The document's own arithmetic: lines, VAT by rate, totals.
        lines = doc_lines.get(d.id, [])
        if not lines:
            say("aucune ligne")
        for ln in lines:
            if ln.total_ht != line_total(ln.quantity_milli, ln.unit_price):
                say(f"ligne {ln.line_no} : total HT {ln.total_ht} ≠ quantité × prix "
                    f"{line_total(ln.quantity_milli, ln.unit_price)} (centimes)")
        per = {bp: (base, vat) for bp, base, vat in
               vat_by_rate((ln.total_ht, ln.vat_bp) for ln in lines)}
        stored = doc_vat.get(d.id, {})
        for bp in sorted(set(per) | set(stored), reverse=True):
            if per.get(bp) != stored.get(bp):
                say(f"TVA à {bp / 100:g} % : enregistrée (base, TVA) {stored.get(bp)} ≠ "
                    f"lignes {per.get(bp)} (centimes)")
        ht = sum(b for b, _v in per.values())
        vat = sum(v for _b, v in per.values())
        if (d.total_ht, d.total_vat, d.total_ttc) != (ht, vat, ht + vat):
            say(f"totaux HT/TVA/TTC {d.total_ht}/{d.total_vat}/{d.total_ttc} ≠ lignes "
                f"{ht}/{vat}/{ht + vat} (centimes)")
        customer = codes.get(d.customer_id)
        # The frozen view (what the PDF shows) says the same as the row.
        view = _view(d.view_json)
        if view is None:
            say("vue figée illisible")
        else:
            cust = view.get("customer")
            seen = (view.get("number"), view.get("kind"), view.get("member_code"),
                    cust.get("code") if isinstance(cust, dict) else None,
                    view.get("total_ht"), view.get("total_vat"), view.get("total_ttc"))
            if seen != (d.number, d.kind, d.member, customer, d.total_ht, d.total_vat,
                        d.total_ttc):
                say("la vue figée (numéro, nature, membre, client, totaux) ne correspond plus "
                    "au document")
        # The posted entry.
        sign = SIGN.get(d.kind)
        if sign is None:
            if d.entry_id is not None:
                say("un devis n'est pas comptabilisé, il est pourtant lié à une écriture")
            seal = quote_seals.get(d.number)
            if seal is not None and seal != d.pdf_sha256:
                say("l'empreinte du PDF enregistrée ne correspond pas à celle scellée dans la "
                    "piste d'audit à son émission (PDF et empreinte remplacés ?)")
        elif d.entry_id is None:
            say("aucune écriture comptable liée")
        elif d.entry_id not in entries:
            say(f"l'écriture n° {d.entry_id} de la chaîne n'existe pas")
        else:
            e = entries[d.entry_id]
            ref = entry_ref(e.journal, e.fiscal_year, e.number)
            if d.entry_id in used:
                say(f"écriture {ref} déjà celle de {used[d.entry_id]}")
            used[d.entry_id] = d.number
            if e.day != d.day:
                say(f"date ≠ celle de l'écriture {ref}")
            seal = reference_seal(e.reference, d.number)
            if seal is None and e.reference != d.number:
                say(f"l'écriture {ref} porte la référence « {e.reference} »")
            elif seal is not None and not (d.pdf_sha256 or "").startswith(seal):
                say(f"l'empreinte du PDF enregistrée ne correspond pas à celle scellée dans "
                    f"l'écriture {ref} (PDF et empreinte remplacés ?)")
            per_account: dict[str, int] = defaultdict(int)
            for ln in lines:
                per_account[ln.account] -= sign * ln.total_ht
            want = {k: v for k, v in per_account.items() if v}
            want[RECEIVABLE] = sign * d.total_ttc
            if d.total_vat:
                want[VAT] = -sign * d.total_vat
            got: dict[str, int] = defaultdict(int)
            for ln in moves.get(d.entry_id, []):
                got[VAT if ln.account in (VAT_PENDING, VAT_DUE) else ln.account] += ln.amount
                if ln.dimension != d.member:
                    say(f"écriture {ref} : ligne {ln.account} sur {ln.dimension}, le document "
                        f"est du membre {d.member}")
                if ln.account == RECEIVABLE and ln.third_party != customer:
                    say(f"écriture {ref} : client {ln.third_party} ≠ client du document "
                        f"{customer}")
            got = {k: v for k, v in got.items() if v}
            if got != want:
                diff = ", ".join(f"{k} {got.get(k, 0)} ≠ {want.get(k, 0)}"
                                 for k in sorted(set(got) | set(want))
                                 if got.get(k, 0) != want.get(k, 0))
                say(f"écriture {ref} ≠ document (compte : écriture ≠ document, centimes) : "
                    f"{diff}")
        out.extend(f"{where} : {p}" for p in problems)
    return out + check_payouts(conn)
