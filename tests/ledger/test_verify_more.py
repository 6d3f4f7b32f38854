"""``verify`` sees everything (issue 12, failure 6): an attacker with the database file drops
the triggers and edits rows with the bare ``sqlite3`` module; each tampering is named.

- issued documents are checked against their posted entries (totals, VAT by rate, customer,
  member) and their series are gap-free;
- every protection trigger the migrations create is expected, by name, on its table;
- an archived PDF replaced together with its recorded SHA-256 is caught by the seal of the
  PDF in the entry's reference (chained content);
- month-close heads rewritten with the chain are caught where something else still holds them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.chain import ChainHead
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.ledger import audit, integrity
from ecp.ledger.chain import GENESIS, digest
from ecp.sales import documents as docs

D = dt.date
MIGRATIONS = Path(integrity.__file__).parent.parent / "db" / "migrations" / "versions"


@contextmanager
def raw(path: Path | None) -> Iterator[sqlite3.Connection]:
    """The attacker's connection: every trigger dropped, committed on exit."""
    assert path is not None
    con = sqlite3.connect(str(path))
    try:
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                   ).fetchall():
            con.execute(f"DROP TRIGGER {name}")
        yield con
        con.commit()
    finally:
        con.close()


def restore_triggers(con: sqlite3.Connection, sql: list[str]) -> None:
    for s in sql:
        con.execute(s)


def trigger_sql(path: Path | None) -> list[str]:
    assert path is not None
    con = sqlite3.connect(str(path))
    try:
        return [s for (s,) in con.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger'").fetchall()]
    finally:
        con.close()


def rechain(con: sqlite3.Connection) -> ChainHead:
    """Recompute every hash from scratch, as a forger with the source code would."""
    prev, last = GENESIS, ChainHead(0, GENESIS)
    for e in con.execute("SELECT id, journal, fiscal_year, number, day, label, reference, "
                         "posted_by, posted_at, reverses FROM entries ORDER BY id").fetchall():
        lines = con.execute("SELECT line_no, account, dimension, amount, third_party, due_day "
                            "FROM lines WHERE entry_id = ? ORDER BY line_no", (e[0],)).fetchall()
        h = digest(prev, tuple(e), [tuple(x) for x in lines])
        con.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, e[0]))
        prev, last = h, ChainHead(e[0], h)
    return last


def findings(books: api.Books) -> list[str]:
    """What verify says, but the triggers (dropped by the attacker, reported elsewhere)."""
    return [f for f in api.verify(books, record=False).findings if "trigger" not in f]


def line(desc: str, qty: int, price: int, bp: int, account: str = "71211") -> docs.LineInput:
    return docs.LineInput(desc, Quantity(qty * 1000), price, Rate(bp), account)


@pytest.fixture
def issued(sales: api.Books) -> api.Books:
    """F-2026-000001 (FZ → HOTEL, 20 % and 10 %), F-2026-000002 (KH → AMINA), a partial credit
    note AV-2026-000001 on the first, a quote D-2026-000001; all archived, clean books."""
    api.issue_new(sales, docs.DocumentSpec("facture", "FZ", "HOTEL", D(2026, 3, 2), (
        line("Caftan brodé", 2, 150_000, 2000), line("Traiteur", 1, 20_000, 1000, "7111"))))
    api.issue_new(sales, docs.DocumentSpec("facture", "KH", "AMINA", D(2026, 3, 3), (
        line("Couscous", 3, 8_000, 1000, "7111"),)))
    api.credit_note(sales, "F-2026-000001", [line("Caftan brodé", 1, 150_000, 2000)],
                    day=D(2026, 3, 4))
    api.issue_new(sales, docs.DocumentSpec("devis", "FZ", "HOTEL", D(2026, 3, 5), (
        line("Robe", 1, 90_000, 2000),)))
    rep = api.verify(sales, record=False)
    assert rep.ok, rep.findings
    return sales


def only(found: list[str], *words: str) -> str:
    hits = [f for f in found if all(w in f for w in words)]
    assert hits, found
    return hits[0]


# --- documents against their entries -------------------------------------------------------

def test_invoice_totals_changed_with_its_lines_and_view_are_named(issued: api.Books) -> None:
    """Failure 6: an issued invoice's totals changed in the database went unseen (documents
    were not checked against their entries). Here the forger even keeps the document
    self-consistent (lines, VAT, totals, frozen view): only the entry tells."""
    with raw(issued.path) as con:
        con.execute("UPDATE document_lines SET unit_price = 100000, total_ht = 200000 "
                    "WHERE document_id = 1 AND line_no = 1")
        con.execute("UPDATE document_vat SET base_ht = 200000, vat = 40000 "
                    "WHERE document_id = 1 AND vat_bp = 2000")
        con.execute("UPDATE documents SET total_ht = 220000, total_vat = 42000, "
                    "total_ttc = 262000, view_json = json_set(view_json, '$.total_ht', 220000, "
                    "'$.total_vat', 42000, '$.total_ttc', 262000) WHERE id = 1")
    found = findings(issued)
    msg = only(found, "F-2026-000001", "écriture VT-2026-000001")
    assert "34211 382000 ≠ 262000" in msg and "TVA -62000 ≠ -42000" in msg


def test_totals_alone_changed_are_named_against_lines_and_view(issued: api.Books) -> None:
    """Failure 6: totals of the documents row alone."""
    with raw(issued.path) as con:
        con.execute("UPDATE documents SET total_ttc = total_ttc - 100 WHERE id = 2")
    found = findings(issued)
    assert any("F-2026-000002" in f and "totaux HT/TVA/TTC" in f for f in found), found
    assert any("F-2026-000002" in f and "vue figée" in f for f in found), found
    assert any("F-2026-000002" in f and "écriture VT-2026-000002" in f for f in found), found


def test_vat_moved_between_rates_is_named(issued: api.Books) -> None:
    """Failure 6: VAT by rate changed (same total, moved from 20 % to 10 %)."""
    with raw(issued.path) as con:
        con.execute("UPDATE document_lines SET vat_bp = 1000 WHERE document_id = 1")
        con.execute("DELETE FROM document_vat WHERE document_id = 1")
        con.execute("INSERT INTO document_vat (document_id, vat_bp, base_ht, vat) "
                    "VALUES (1, 2000, 320000, 62000)")
    msg = only(findings(issued), "F-2026-000001", "TVA à 20 %")
    assert "(320000, 62000)" in msg and "None" in msg


def test_customer_changed_is_named(issued: api.Books) -> None:
    """Failure 6: the invoice handed to another customer (row and frozen view)."""
    with raw(issued.path) as con:
        amina = con.execute("SELECT id FROM parties WHERE code = 'AMINA'").fetchone()[0]
        con.execute("UPDATE documents SET customer_id = ?, view_json = json_set(view_json, "
                    "'$.customer.code', 'AMINA') WHERE id = 1", (amina,))
    msg = only(findings(issued), "F-2026-000001", "client HOTEL")
    assert "AMINA" in msg


def test_member_changed_is_named(issued: api.Books) -> None:
    """Failure 6: the invoice moved to another member (row and frozen view)."""
    with raw(issued.path) as con:
        con.execute("UPDATE documents SET member = 'YS', view_json = json_set(view_json, "
                    "'$.member_code', 'YS') WHERE id = 1")
    msg = only(findings(issued), "F-2026-000001", "ligne 34211 sur FZ")
    assert "membre YS" in msg


def test_credit_note_changed_is_named(issued: api.Books) -> None:
    """Failure 6: a credit note's amount (row, lines, VAT, view) no longer its entry's."""
    with raw(issued.path) as con:
        con.execute("UPDATE document_lines SET unit_price = 1000, total_ht = 1000 "
                    "WHERE document_id = 3")
        con.execute("UPDATE document_vat SET base_ht = 1000, vat = 200 WHERE document_id = 3")
        con.execute("UPDATE documents SET total_ht = 1000, total_vat = 200, total_ttc = 1200, "
                    "view_json = json_set(view_json, '$.total_ht', 1000, '$.total_vat', 200, "
                    "'$.total_ttc', 1200) WHERE id = 3")
    only(findings(issued), "AV-2026-000001", "écriture VT-2026-000003")


def test_series_gap_is_named(issued: api.Books) -> None:
    """Failure 6: an issued invoice removed (its rows, not its entry): the series has a gap,
    and its entry is nobody's."""
    with raw(issued.path) as con:
        con.execute("DELETE FROM allocation_vat")
        con.execute("DELETE FROM allocations")
        con.execute("UPDATE documents SET related_id = NULL")
        for t in ("document_lines", "document_vat"):
            con.execute(f"DELETE FROM {t} WHERE document_id = 1")
        con.execute("DELETE FROM documents WHERE id = 1")
    only(findings(issued), "numérotation des factures 2026", "F-2026-000001")


def test_renumbered_document_is_named(issued: api.Books) -> None:
    """Failure 6: a number that is not the one of its series' rank."""
    with raw(issued.path) as con:
        con.execute("UPDATE documents SET number = 'F-2026-000009' WHERE id = 2")
    only(findings(issued), "F-2026-000009", "numéro ≠ F-2026-000002")


# --- triggers --------------------------------------------------------------------------------

def _migration_tables() -> set[str]:
    """The tables the migrations make insert-only (their IMMUTABLE tuples, stock_moves)."""
    out: set[str] = set()
    for f in sorted(MIGRATIONS.glob("*.py")):
        src = f.read_text(encoding="utf-8")
        m = re.search(r"^IMMUTABLE = \(([^)]*)\)", src, re.M)
        if m:
            out |= set(re.findall(r'"(\w+)"', m.group(1)))
        out |= set(re.findall(r"CREATE TRIGGER (\w+)_no_", src)) - {"{t}"}
    return out


def test_expected_triggers_are_those_of_the_migrations(issued: api.Books) -> None:
    """Failure 6: verify knew 10 of the triggers; it now expects every one the migrations
    create, on every protected table, and a fresh database has them all (the audit trail's
    own are checked with its chain, by ``ecp.ledger.audit``)."""
    trail = {n.rsplit("_no_", 1)[0] for n in audit.SQLITE_TRIGGERS}
    assert _migration_tables() - trail == set(integrity.PROTECTED)
    assert {f"{t}_immutable" for t in _migration_tables() - trail} <= integrity.PG_TRIGGERS
    assert issued.path is not None
    con = sqlite3.connect(str(issued.path))
    try:
        have = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    finally:
        con.close()
    assert have >= integrity.SQLITE_TRIGGERS


# Every insert-only table the migrations create beyond the three verify knew (the audit
# trail's triggers are checked with its chain).
FORMERLY_UNSEEN = sorted(
    f"{t}_no_{ev}" for t in _migration_tables()
    - {"entries", "lines", "period_events"}
    - {n.rsplit("_no_", 1)[0] for n in audit.SQLITE_TRIGGERS}
    for ev in ("update", "delete"))


@pytest.mark.parametrize("name", FORMERLY_UNSEEN)
def test_each_dropped_trigger_is_named(books: api.Books, name: str) -> None:
    """Failure 6: 16 protection triggers (payments, allocations, expenses, contributions,
    payouts, documents, document lines… and stock moves) could be dropped unseen."""
    assert len(FORMERLY_UNSEEN) >= 16
    assert books.path is not None
    con = sqlite3.connect(str(books.path))
    con.execute(f"DROP TRIGGER {name}")
    con.commit()
    con.close()
    found = api.verify(books, record=False).findings
    assert found == [f"trigger de protection {name} absent ou désactivé : la base a été "
                     "modifiée hors ECP"]


def test_a_trigger_replaced_by_a_harmless_one_is_named(books: api.Books) -> None:
    """Failure 6: the same name, but it no longer refuses anything."""
    assert books.path is not None
    con = sqlite3.connect(str(books.path))
    con.execute("DROP TRIGGER payments_no_update")
    con.execute("CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments "
                "WHEN 0 BEGIN SELECT RAISE(ABORT, 'non'); END")
    con.execute("DROP TRIGGER payouts_no_delete")
    con.execute("CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts BEGIN SELECT 1; END")
    con.commit()
    con.close()
    found = api.verify(books, record=False).findings
    assert len(found) == 2, found
    assert "payments_no_update modifié" in found[0] and "payouts_no_delete modifié" in found[1]


# --- archive hashes --------------------------------------------------------------------------

def test_pdf_replaced_with_its_recorded_hash_is_named(issued: api.Books) -> None:
    """Failure 6: an archived PDF replaced together with its recorded SHA-256 went unseen:
    the PDF's SHA-256 is now sealed into the entry's reference, which the chain covers."""
    assert issued.path is not None
    pdf = issued.path.parent / "archives" / "2026" / "F-2026-000001.pdf"
    forged = pdf.read_bytes() + b"% un autre PDF\n"
    pdf.write_bytes(forged)
    with raw(issued.path) as con:
        con.execute("UPDATE documents SET pdf_sha256 = ? WHERE id = 1",
                    (hashlib.sha256(forged).hexdigest(),))
    found = findings(issued)
    assert found == [f for f in found if "F-2026-000001" in f]
    only(found, "F-2026-000001", "scellée dans l'écriture VT-2026-000001")
    # Changing the seal too breaks the chain at that entry.
    with raw(issued.path) as con:
        con.execute("UPDATE entries SET reference = ? WHERE id = 1",
                    ("F-2026-000001 pdf:" + hashlib.sha256(forged).hexdigest()[:32],))
    found = findings(issued)
    assert not any("scellée" in f for f in found)
    only(found, "VT-2026-000001", "empreinte")


def test_issued_entries_carry_the_seal_and_unsealed_ones_still_verify(
        issued: api.Books) -> None:
    """The seal is what the archive wrote; an entry posted before the seal existed (bare
    number as its reference) still verifies, its chain hash unchanged."""
    assert issued.path is not None
    con = sqlite3.connect(str(issued.path))
    try:
        rows = con.execute("SELECT d.number, d.pdf_sha256, e.reference FROM documents d "
                           "JOIN entries e ON e.id = d.entry_id ORDER BY d.id").fetchall()
    finally:
        con.close()
    assert [docs.reference_seal(ref, num) for num, _sha, ref in rows] == [
        sha[:32] for _num, sha, _ref in rows]
    with sqlite3.connect(str(issued.path)) as con:
        con.execute("DROP TRIGGER entries_no_update")
        con.execute("UPDATE entries SET reference = 'F-2026-000002' WHERE id = 2")
        rechain(con)
        con.execute("CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries "
                    "BEGIN SELECT RAISE(ABORT, 'ECP: non'); END")
    con.close()
    rep = api.verify(issued, record=False)
    assert rep.ok, rep.findings


# --- chain heads recorded at month close -----------------------------------------------------

def _forge_march(con: sqlite3.Connection) -> ChainHead:
    """Halve invoice 2 everywhere (entry, document), rebuild balances, rechain."""
    con.execute("UPDATE lines SET amount = amount / 2 WHERE entry_id = 2")
    con.execute("DELETE FROM balances")
    for dim in ("dimension", "'*'"):
        con.execute(
            f"INSERT INTO balances (dimension, account, month, debit, credit) "
            f"SELECT {dim}, account, day / 100, "
            "sum(CASE WHEN amount > 0 THEN amount ELSE 0 END), "
            "sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END) "
            f"FROM lines GROUP BY {dim}, account, day / 100")
    return rechain(con)


def test_close_heads_rewritten_in_the_log_only_are_named(issued: api.Books) -> None:
    """Failure 6: chain heads recorded at month close rewritten with the chain; the forger
    rewrote the log (period_events) but not the month's state (periods)."""
    api.close_period(issued, Month(2026, 3))
    keep = trigger_sql(issued.path)
    with raw(issued.path) as con:
        forged = _forge_march(con)
        con.execute("UPDATE period_events SET head_hash = ?", (forged.hash,))
        restore_triggers(con, keep)
    found = api.verify(issued, record=False).findings
    only(found, "mois 2026-03", "état enregistré", "journal des clôtures")


def test_close_heads_rewritten_everywhere_are_named_by_the_last_verify(
        issued: api.Books) -> None:
    """Failure 6: log and state both rewritten with the chain: the head of the last verify
    that found the books intact no longer lies on the chain."""
    api.close_period(issued, Month(2026, 3))
    assert api.verify(issued).ok  # recorded: verify.last holds the head
    keep = trigger_sql(issued.path)
    with raw(issued.path) as con:
        forged = _forge_march(con)
        con.execute("UPDATE period_events SET head_hash = ?", (forged.hash,))
        con.execute("UPDATE periods SET head_hash = ?", (forged.hash,))
        restore_triggers(con, keep)
    found = api.verify(issued, record=False).findings
    only(found, "vérification sans anomalie", "ne se retrouve pas")


def test_close_log_read_backwards_is_named(issued: api.Books) -> None:
    """Failure 6: a close moved to an earlier head than the event before it."""
    api.close_period(issued, Month(2026, 2))
    api.close_period(issued, Month(2026, 3))
    keep = trigger_sql(issued.path)
    with raw(issued.path) as con:
        h2 = con.execute("SELECT hash FROM entries WHERE id = 2").fetchone()[0]
        con.execute("UPDATE period_events SET head_count = 2, head_hash = ? WHERE id = 2", (h2,))
        con.execute("UPDATE periods SET head_count = 2, head_hash = ? WHERE month = 202603",
                    (h2,))
        restore_triggers(con, keep)
    found = api.verify(issued, record=False).findings
    only(found, "journal des clôtures", "précède le précédent")


# --- payout vouchers and quotes sealed (issue 12, failure 6) ---------------------------------

def _forge_pdf(pdf: Path) -> str:
    """The attacker's PDF in place of the archived one; its SHA-256."""
    forged = pdf.read_bytes() + b"% un autre PDF\n"
    pdf.write_bytes(forged)
    return hashlib.sha256(forged).hexdigest()


@pytest.fixture
def paid(issued: api.Books) -> tuple[api.Books, str]:
    """The issued books plus a payout (a solidarity advance) VR-2026-000001; its entry ref."""
    res = api.add_payout(issued, "FZ", 50_000, D(2026, 3, 6), "virement", advance=True,
                         reason="Avance pour tissus")
    rep = api.verify(issued, record=False)
    assert rep.ok, rep.findings
    return issued, res.entry


def test_payout_voucher_is_sealed_in_its_entry(paid: tuple[api.Books, str]) -> None:
    """The payout's entry reference carries the first 32 hex of its voucher's SHA-256, and
    the voucher shows the entry it was posted as."""
    books, entry = paid
    assert books.path is not None
    with sqlite3.connect(str(books.path)) as con:
        sha, ref = con.execute("SELECT p.pdf_sha256, e.reference FROM payouts p "
                               "JOIN entries e ON e.id = p.entry_id").fetchone()
    con.close()
    assert ref == f"VR-2026-000001 pdf:{sha[:32]}"
    pdf = books.path.parent / "archives" / "2026" / "VR-2026-000001.pdf"
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == sha
    assert entry == "BQ-2026-000001"


def test_payout_pdf_replaced_with_its_recorded_hash_is_named(
        paid: tuple[api.Books, str]) -> None:
    """Failure 6 (payout vouchers): a voucher's PDF replaced together with the SHA-256
    recorded for it went unseen; the seal in its entry's reference (chained) names it."""
    books, entry = paid
    assert books.path is not None
    sha = _forge_pdf(books.path.parent / "archives" / "2026" / "VR-2026-000001.pdf")
    with raw(books.path) as con:
        con.execute("UPDATE payouts SET pdf_sha256 = ?", (sha,))
    found = findings(books)
    assert found == [f for f in found if "VR-2026-000001" in f], found
    only(found, "versement VR-2026-000001", f"scellée dans l'écriture {entry}")
    # Changing the seal too breaks the chain at that entry.
    with raw(books.path) as con:
        con.execute("UPDATE entries SET reference = ? WHERE reference LIKE 'VR-%'",
                    ("VR-2026-000001 pdf:" + sha[:32],))
    found = findings(books)
    assert not any("scellée" in f for f in found)
    only(found, entry, "empreinte")


def test_unsealed_payout_still_verifies(paid: tuple[api.Books, str]) -> None:
    """A payout posted before the seal existed (bare number as its entry's reference)
    verifies, and one whose entry names another voucher is named."""
    books, _entry = paid
    assert books.path is not None
    keep = trigger_sql(books.path)
    with raw(books.path) as con:
        con.execute("UPDATE entries SET reference = 'VR-2026-000001' "
                    "WHERE reference LIKE 'VR-%'")
        rechain(con)
        restore_triggers(con, keep)
    rep = api.verify(books, record=False)
    assert rep.ok, rep.findings
    with raw(books.path) as con:
        con.execute("UPDATE entries SET reference = 'VR-2026-000009' "
                    "WHERE reference LIKE 'VR-%'")
        rechain(con)
    only(findings(books), "versement VR-2026-000001", "porte la référence « VR-2026-000009 »")


def test_quote_is_sealed_in_its_issue_event(issued: api.Books) -> None:
    """A quote has no entry: its PDF's SHA-256 is in the detail of its issue's audit event."""
    assert issued.path is not None
    with sqlite3.connect(str(issued.path)) as con:
        (sha,) = con.execute("SELECT pdf_sha256 FROM documents WHERE number = 'D-2026-000001'"
                             ).fetchone()
    con.close()
    events = [e for e in api.audit_events(issued) if e.subject == "D-2026-000001"]
    assert [(e.action, e.detail) for e in events] == [("document", f"pdf:{sha}")]
    assert docs.detail_seal(events[0].detail) == sha


def test_quote_pdf_replaced_with_its_recorded_hash_is_named(issued: api.Books) -> None:
    """Failure 6 (quotes): a quote's PDF replaced together with its recorded SHA-256 went
    unseen; the seal chained in the audit trail at its issue names it."""
    assert issued.path is not None
    sha = _forge_pdf(issued.path.parent / "archives" / "2026" / "D-2026-000001.pdf")
    with raw(issued.path) as con:
        con.execute("UPDATE documents SET pdf_sha256 = ? WHERE number = 'D-2026-000001'",
                    (sha,))
    found = findings(issued)
    assert found == [f for f in found if "D-2026-000001" in f], found
    only(found, "document D-2026-000001", "piste d'audit")
    # Changing the seal in the trail too breaks the trail's chain at that event.
    with raw(issued.path) as con:
        con.execute("UPDATE audit_events SET detail = ? WHERE subject = 'D-2026-000001'",
                    (f"pdf:{sha}",))
    found = findings(issued)
    assert not any("scellée" in f for f in found)
    only(found, "piste d'audit", "contenu modifié")
