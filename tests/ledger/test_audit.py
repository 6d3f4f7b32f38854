"""The audit trail (issue 12, Deliver « an audit trail »): who did what when for every change
of state, written in the change's own unit of work, insert-only, hash-chained, checked by
``verify``, listed by ``ecp audit list`` and exported beside the journal."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from ecp import api
from ecp.cli import main
from ecp.db.engine import make_engine
from ecp.db.migrate import MIGRATIONS, current_revision, upgrade
from ecp.kernel.errors import EcpError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate, parse_quantity, parse_rate
from ecp.ledger.entry import LineSpec
from ecp.sales.documents import LineInput

D = dt.date
AT = dt.datetime(2026, 3, 10, 9, 30, 15)  # noqa: DTZ001 - the books' clock: local wall time
MARCH_2 = D(2026, 3, 2)


def _frozen(books: api.Books, user: str = "amina") -> api.Books:
    books.now_clock = lambda: AT
    books.clock = lambda: AT.date()
    books.user = user
    return books


def _new(books: api.Books, since: int) -> list[api.AuditEvent]:
    return [e for e in api.audit_events(books) if e.id > since]


def _sale(books: api.Books, cents: int = 10000, day: D = MARCH_2) -> str:
    return api.post_entry(books, "VT", day, "Vente",
                          [LineSpec("342111", "FZ", cents), LineSpec("7111", "FZ", -cents)]).ref


def L(desc: str, qty: str, price: str, rate: str) -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), "71211")


def test_ledger_changes_are_recorded_with_user_and_time_of_the_books(books: api.Books) -> None:
    """Posting, reversal, import, account, month close and reopen, settings, member add and
    edit: one event each, by the books' user at the books' clock."""
    _frozen(books)
    start = api.audit_head(books).count
    ref = _sale(books)
    rev = api.reverse_entry(books, ref, D(2026, 3, 3))
    api.add_account(books, "342112", "Client Riad")
    api.add_member(books, "NA", "Nadia", joined=D(2026, 1, 1))
    api.update_member(books, "NA", activity="poterie")
    api.settings_set(books, "sales.due_days", "45")
    head = api.close_period(books, Month(2026, 2))
    api.reopen_period(books, Month(2026, 2), "erreur de date")
    events = _new(books, start)
    assert [(e.action, e.subject) for e in events] == [
        ("ecriture", ref), ("extourne", rev.ref), ("compte", "342112"),
        ("membre.ajout", "NA"), ("membre.modif", "NA"), ("parametre", "sales.due_days"),
        ("cloture", "2026-02"), ("reouverture", "2026-02")]
    assert {e.by for e in events} == {"amina"}
    assert {e.at for e in events} == {"2026-03-10T09:30:15.000000"}
    assert f"tête de chaîne {head}" in events[6].detail  # the head at close, chained
    assert "activité = poterie" in events[4].detail
    assert "motif : erreur de date" in events[7].detail
    assert events[0].prev_hash == api.audit_events(books)[start - 1].hash
    assert api.audit_check(books) == []


def test_import_is_one_event(books: api.Books, tmp_path: Path) -> None:
    _frozen(books, "import-bot")
    f = tmp_path / "ecritures.csv"
    f.write_text("entry_ref,date,journal,label,account,dimension,debit,credit\n"
                 "F1,2026-03-02,VT,Vente,342111,FZ,100,\n"
                 "F1,2026-03-02,VT,Vente,7111,FZ,,100\n", encoding="utf-8")
    start = api.audit_head(books).count
    res = api.import_file(books, f)
    (e,) = _new(books, start)
    assert (e.action, e.subject, e.by) == ("import", "ecritures.csv", "import-bot")
    assert f"{res.entries} écritures" in e.detail


def test_sales_and_member_economy_are_recorded(sales: api.Books) -> None:
    """Document issue, quote accepted and invoiced, credit note, payment, expense and its
    payment, payout, contribution run."""
    _frozen(sales)
    start = api.audit_head(sales).count
    inv = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                               [L("Caftan", "1", "1000", "20")])
    q = api.create_and_issue(sales, "devis", "FZ", "HOTEL", D(2026, 3, 2),
                             [L("Caftan", "1", "500", "20")])
    api.accept_quote(sales, q.number, D(2026, 3, 3))
    qi = api.invoice_quote(sales, q.number, D(2026, 3, 4))
    av = api.credit_note(sales, inv.number, day=D(2026, 3, 5))
    pay = api.add_payment(sales, [qi.number], 60000, D(2026, 3, 6), "virement")
    exp = api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 5), "6111", 50000, Rate(2000))
    api.pay_expense(sales, exp, D(2026, 3, 7), "virement")
    po = api.add_payout(sales, "FZ", 10000, D(2026, 3, 8), "virement", advance=True,
                        reason="urgence")
    api.contribution_run(sales, Month(2026, 3))
    events = _new(sales, start)
    assert [(e.action, e.subject) for e in events] == [
        ("document", inv.number), ("document", q.number), ("devis.accepte", q.number),
        ("document", qi.number), ("avoir", av.number), ("paiement", pay.entry),
        ("depense", f"dépense {exp}"), ("depense.reglee", f"dépense {exp}"),
        ("versement", po.number), ("contributions", "2026-03")]
    assert {(e.by, e.at) for e in events} == {("amina", "2026-03-10T09:30:15.000000")}
    assert inv.entry is not None and inv.entry in events[0].detail
    assert api.audit_check(sales) == []


def test_parties_catalogue_and_production_are_recorded(sales: api.Books) -> None:
    """The other changes of state: customers and suppliers, the catalogue, materials, stock,
    bills of materials, resources, capacities and production orders."""
    from ecp.production.specs import BomItem

    _frozen(sales)
    start = api.audit_head(sales).count
    api.add_customer(sales, "RIAD", "Riad Tanja", consumer=True)
    api.edit_party(sales, "customer", "RIAD", city="Tanger")
    api.add_product(sales, "CAFTAN", "FZ", "Caftan brodé", "pièce", 280000, Rate(2000),
                    "71211")
    api.add_material(sales, "TISSU", "FZ", "Tissu brocart", "m", 8000)
    api.add_resource(sales, "MACHINE", "Machine à coudre", Quantity(35000))
    api.set_bom(sales, "CAFTAN", [BomItem("TISSU", Quantity(3000))], hours=Quantity(6000),
                resources=[BomItem("MACHINE", Quantity(1000))])
    api.set_capacity(sales, "FZ", Quantity(30000))
    api.stock_receive(sales, "TISSU", Quantity(20000), D(2026, 3, 2))
    api.stock_adjust(sales, "TISSU", -1000, D(2026, 3, 3), "chute")
    num = api.add_order(sales, "FZ", "CAFTAN", Quantity(2000), D(2026, 3, 20))
    api.start_order(sales, num, D(2026, 3, 4))
    entry = api.complete_order(sales, num, D(2026, 3, 5))
    events = _new(sales, start)
    assert [e.action for e in events] == [
        "tiers.ajout", "tiers.modif", "produit", "matiere", "ressource", "nomenclature",
        "capacite", "stock.entree", "stock.ajustement", "ordre.ajout", "ordre.debut",
        "ordre.termine"]
    assert events[1].subject == "client RIAD" and "ville = Tanger" in events[1].detail
    assert entry is not None and entry in events[-1].detail
    assert all(e.what != e.action for e in events)  # every action has its French label
    assert api.audit_check(sales) == []


def test_bank_statement_import_rule_and_match_are_recorded(sales: api.Books,
                                                           tmp_path: Path) -> None:
    _frozen(sales)
    inv = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                               [L("Caftan", "1", "1000", "20")])  # 1 200,00 TTC
    start = api.audit_head(sales).count
    f = tmp_path / "releve.csv"
    f.write_text("Date opération;Libellé;Débit;Crédit\n"
                 f"10/03/2026;VIR RECU HOTEL TANJA {inv.number};;1 200,00\n"
                 "25/03/2026;PRLV CNSS MARS;450,00;\n", encoding="cp1252")
    api.bank_import(sales, f)
    api.bank_rule_add(sales, "CNSS", "4441", "ECP", "Cotisations CNSS")
    auto = api.bank_auto(sales)
    events = _new(sales, start)
    assert [e.action for e in events] == ["banque.import", "banque.regle",
                                          "banque.rapprochement"]
    assert "2 lignes ajoutées" in events[0].detail
    assert all(entry in events[2].detail for _line, _match, entry in auto.accepted)


def test_a_refused_or_rolled_back_change_leaves_no_event(books: api.Books) -> None:
    _frozen(books)
    start = api.audit_head(books)
    with pytest.raises(EcpError):  # unbalanced: refused inside the unit of work
        api.post_entry(books, "VT", D(2026, 3, 2), "Vente",
                       [LineSpec("342111", "FZ", 100), LineSpec("7111", "FZ", -90)])
    with pytest.raises(EcpError):
        api.reopen_period(books, Month(2026, 2), "")
    assert api.audit_head(books) == start


def test_an_event_is_rolled_back_with_its_change(books: api.Books,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The event is written in the change's transaction: a failure after it (here, in the
    trail itself) takes both back — no entry, no event."""
    from ecp.ledger import audit

    _frozen(books)
    start, entries = api.audit_head(books), api.chain_head(books)

    def broken(*_a: object, **_k: object) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(OSError):
        _sale(books)
    assert api.audit_head(books) == start
    assert api.chain_head(books) == entries


def _sql(path: Path, sql: str) -> None:
    con = sqlite3.connect(str(path))
    try:
        con.execute(sql)
        con.commit()
    finally:
        con.close()


def test_triggers_refuse_update_and_delete(books: api.Books) -> None:
    _frozen(books)
    _sale(books)
    assert books.path is not None
    for sql in ("UPDATE audit_events SET by = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(sqlite3.IntegrityError, match="piste d’audit"):
            _sql(books.path, sql)


def _tamper(path: Path, sql: str, trigger: str) -> None:
    """What someone with the file would do: drop the protection, change, put it back."""
    con = sqlite3.connect(str(path))
    try:
        (ddl,) = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (trigger,)).fetchone()
        con.execute(f"DROP TRIGGER {trigger}")
        con.execute(sql)
        con.execute(ddl)
        con.commit()
    finally:
        con.close()


@pytest.mark.parametrize(("sql", "trigger", "finding"), [
    ("UPDATE audit_events SET by = 'intrus' WHERE id = 2", "audit_events_no_update",
     "événement 2 .* contenu modifié"),
    ("DELETE FROM audit_events WHERE id = 2", "audit_events_no_delete",
     "la piste saute de 1 à 3"),
])
def test_a_tampered_event_is_caught_by_verify(books: api.Books, sql: str, trigger: str,
                                              finding: str) -> None:
    _frozen(books)
    for _ in range(3):
        _sale(books)
    assert books.path is not None and api.verify(books).ok
    _tamper(books.path, sql, trigger)
    rep = api.verify(books)
    assert not rep.ok
    assert any(re.search(finding, f) for f in rep.findings), rep.findings


def test_a_close_head_rewritten_in_the_log_is_caught(books: api.Books) -> None:
    """Issue 12, failure 6: chain heads recorded at month close rewritten together with the
    chain were seen only with ``--expect``. The trail chained the head at close: a log of
    closes that no longer holds it is named by ``verify``."""
    _frozen(books)
    _sale(books, day=D(2026, 2, 2))
    api.close_period(books, Month(2026, 2))
    assert books.path is not None and api.verify(books).ok
    _tamper(books.path, "UPDATE period_events SET head_hash = '" + "ab" * 32 + "'",
            "period_events_no_update")
    rep = api.verify(books)
    assert any(f.startswith("clôture de 2026-02 : la tête de chaîne") and
               "têtes réécrites" in f for f in rep.findings), rep.findings


def test_a_dropped_trail_trigger_is_caught(books: api.Books) -> None:
    assert books.path is not None
    _sql(books.path, "DROP TRIGGER audit_events_no_delete")
    assert any("audit_events_no_delete" in f for f in api.audit_check(books))


def test_audit_list_cli(books: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    _frozen(books)
    ref = _sale(books)
    assert books.path is not None
    db = str(books.path)
    assert main(["--db", db, "audit", "list", "--from", "2026-03-10", "--to", "2026-03-10"]) == 0
    out = capsys.readouterr().out
    assert ref in out and "amina" in out and "écriture passée" in out
    assert main(["--db", db, "audit", "list", "--format", "csv"]) == 0
    csv_out = capsys.readouterr().out
    assert csv_out.splitlines()[0].startswith("numero,date_heure,utilisateur,action")
    assert main(["--db", db, "audit", "list", "--from", "2026-03-11", "--to", "2026-03-10"]) == 2


def test_journal_export_carries_the_trail(books: api.Books, tmp_path: Path) -> None:
    _frozen(books)
    ref = _sale(books)
    out = tmp_path / "journal.csv"
    res = api.export(books, "journal", out, None, None, None, False)
    trail = tmp_path / "journal.audit.csv"
    text = trail.read_text(encoding="utf-8")
    assert ref in text and "amina" in text
    assert res.manifest is not None
    manifest = res.manifest.read_text(encoding="utf-8")
    assert "Piste d'audit: journal.audit.csv" in manifest
    assert f"Tête de la piste d'audit: {api.audit_head(books)}" in manifest


def test_upgrade_from_0006_adds_the_trail(tmp_path: Path) -> None:
    """Books at the previous head gain the protected, empty trail on opening, and verify."""
    old = tmp_path / "migrations-0006"
    shutil.copytree(MIGRATIONS, old, ignore=shutil.ignore_patterns("__pycache__", "0007_*",
                                                                 "0008_*", "0009_*",
                                                                 "0010_*", "0011_*",
                                                                 "0012_*", "0013_*", "0014_*",
                                                                 "0015_*", "0016_*"))
    path = tmp_path / "avant.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, script_location=old)
    assert current_revision(engine) == "0006"
    engine.dispose()
    books = api.open_books(str(path))
    api.init(books)
    assert current_revision(books.engine) == "0016"
    assert "audit_events" in inspect(books.engine).get_table_names()
    assert api.audit_events(books) == []
    assert api.verify(books).ok
    books.engine.dispose()
