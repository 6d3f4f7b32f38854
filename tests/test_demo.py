"""The demo ECP: loads, verifies, and is there only once."""

from pathlib import Path

from ecp import api
from ecp.kernel.periods import Month, Period


def test_demo_books_verify_and_load_once(tmp_path: Path) -> None:
    from ecp.demo import load_demo

    books = api.open_books(str(tmp_path / "demo.db"), create=True)
    api.init(books)
    summary = load_demo(books)
    assert "5 membres" in summary
    members = api.list_members(books)
    assert {m.activity for m in members} == {"couture", "cuisine", "artisanat", "services"}
    assert any(m.name_ar and "\u0600" <= m.name_ar[0] <= "\u06ff" for m in members)
    rep = api.verify(books)
    assert rep.ok, rep.findings
    assert rep.entries > 100
    tb = api.trial_balance(books)
    assert tb.total("closing_debit") == tb.total("closing_credit") > 0
    # Every member's own books balance: the ledger filtered on a dimension is complete.
    for m in members:
        t = api.trial_balance(books, dimension=m.code)
        assert t.total("debit") == t.total("credit") > 0
    head = api.chain_head(books)
    assert load_demo(books).startswith("Démo déjà chargée")
    assert api.chain_head(books) == head
    closed = [e.month for e in api.period_events(books) if e.action == "close"]
    assert closed == ["2026-08", "2026-09"]


def test_demo_has_sales_to_show(demo_path: Path) -> None:
    books = api.open_books(str(demo_path))  # the demo, built once per session (conftest)
    invoices = api.list_documents(books, "facture", today=__import__("datetime").date(2026, 11, 28))
    assert [i.number for i in invoices] == [f"F-2026-00000{k}" for k in range(1, 6)]
    status = {i.number: i.status for i in invoices}
    assert status["F-2026-000001"] == "payée" and status["F-2026-000002"] == "partielle"
    assert [q.status for q in api.list_documents(books, "devis")] == ["accepté", "émis"]
    assert len(api.list_documents(books, "avoir")) == 1 and len(api.list_drafts(books)) == 1
    assert len(api.list_expenses(books)) == 2
    for num in ("F-2026-000001", "D-2026-000001", "AV-2026-000001"):
        assert api.document_pdf(books, num).exists()
    assert api.verify(books).ok


def test_demo_november_vat_report_agrees_with_the_ledger(demo_path: Path) -> None:
    import datetime as dt

    books = api.open_books(str(demo_path))  # the demo, built once per session (conftest)
    rep = api.vat_report(books, Period.parse("2026-11"))
    tb = {r.account: r for r in api.trial_balance(books, dt.date(2026, 11, 1),
                                                  dt.date(2026, 11, 30)).rows}
    assert rep.collected_vat == tb["4455"].credit > 0
    # October's declaration, dated 15 November, settles October's 4455 (debit) against 4456:
    # not an operation of November, the report leaves it out; the trial balance counts it.
    october = api.vat_declarations(books, Period.parse("2026-10"))[0]
    assert october.day == dt.date(2026, 11, 15)
    assert rep.regularised_vat == tb["4455"].debit - sum(
        p["tva_facturee"] for p in october.figures["positions"])
    assert rep.deductible_vat == tb["34552"].debit > 0


def test_demo_vat_declared_and_paid_from_august_to_november(demo_path: Path) -> None:
    """Each month from August to November is declared and paid (August on 1 October, the
    first open day, the others on the 15th of the following month): nothing is left on 4455,
    34552, 4456 or 3456 in any dimension; each month's VAT due is what the ledger moved in
    that month (4455 net credit less 34552 debit, declarations left out); what stays pending
    is the VAT of unpaid invoices (44551) and of the unpaid bill of M002 (34554):
    - F-2026-000002 (M002): VAT 120,00 (20 %) + 720,00 (10 %) on TTC 8 640,00, 4 000,00 paid
      moved 120 × 4 000 / 8 640 = 55,56 and 720 × 4 000 / 8 640 = 333,33: 451,11 pending;
    - F-2026-000003 (M003): VAT 1 300,00 less its credit note's 100,00 (taken off 44551, the
      invoice being unpaid): 1 200,00; F-2026-000005 (M004), unpaid: 420,00;
    - 44551: 451,11 + 1 200,00 + 420,00 = 2 071,11 (credit); 34554: M002's bill of 2 300,00
      HT at 20 %, unpaid: 460,00 (debit)."""
    import datetime as dt

    from sqlalchemy import func, select

    from ecp.db.models import Line, VatDeclaration

    books = api.open_books(str(demo_path))
    decls = api.vat_declarations(books)
    assert [(d.period, d.day, d.status, d.paid_on) for d in decls] == [
        ("2026-08", dt.date(2026, 10, 1), "payée", dt.date(2026, 10, 1)),
        ("2026-09", dt.date(2026, 10, 15), "payée", dt.date(2026, 10, 15)),
        ("2026-10", dt.date(2026, 11, 15), "payée", dt.date(2026, 11, 15)),
        ("2026-11", dt.date(2026, 12, 4), "payée", dt.date(2026, 12, 4))]
    assert api.vat_status(books, dt.date(2026, 12, 31)) == []
    with books.engine.connect() as conn:
        declared = select(VatDeclaration.entry_id)
        for d in decls:
            s, e = (int(x.strftime("%Y%m%d")) for x in (d.start, d.end))
            moved = dict(conn.execute(
                select(Line.account, func.sum(Line.amount))
                .where(Line.account.in_(("4455", "34552", "34551")), Line.day >= s,
                       Line.day < e, Line.entry_id.not_in(declared))
                .group_by(Line.account)).all())
            assert d.due == -moved.get("4455", 0) - moved.get("34552", 0) \
                - moved.get("34551", 0) > 0 and d.paid == d.due
        left = {(dim, a): v for dim, a, v in conn.execute(
            select(Line.dimension, Line.account, func.sum(Line.amount)).where(
                Line.account.in_(("4455", "34552", "34551", "4456", "3456", "44551", "34554")))
            .group_by(Line.dimension, Line.account)) if v}
    assert left == {("M002", "44551"): -45111, ("M003", "44551"): -120000,
                    ("M004", "44551"): -42000, ("M002", "34554"): 46000}


def test_demo_has_a_member_month_to_show(demo_path: Path) -> None:
    import datetime as dt

    books = api.open_books(str(demo_path))  # the demo, built once per session (conftest)
    st = api.member_statement(books, "M004", Month(2026, 11))
    assert [(p.advance, p.amount) for p in st.payouts] == [(True, 800000)]
    assert st.closing.available < 0  # the advance went beyond the treasury
    fz = api.member_statement(books, "M001", Month(2026, 11))
    assert fz.contribution == 60500 and fz.contribution_bp == 1000
    assert [p.amount for p in fz.payouts] == [300000]
    assert api.payout_pdf(books, "VR-2026-000002").exists()
    lines = api.contribution_run(books, Month(2026, 11))
    assert sum(c.posted_now for c in lines) == 0  # already run by the demo
    assert api.member_treasury(books, "M001", dt.date(2026, 11, 30)).available == \
        fz.closing.available


def test_demo_has_a_production_plan_to_show(demo_path: Path) -> None:
    import datetime as dt

    books = api.open_books(str(demo_path))  # the demo, built once per session (conftest)
    orders = api.list_orders(books)
    assert [o.status for o in orders].count("terminé") == 1 and len(orders) == 5
    plan = api.production_plan(books, dt.date(2026, 11, 30), 12)
    assert [o.number for o in plan.late] == ["OF-2026-00003"]  # the carpets
    needs = {n.material: n for n in api.material_needs(books, dt.date(2026, 12, 31))}
    assert needs["LAINE"].missing_milli == 6000
    stock = {r.code: r for r in api.stock_report(books, "M001", dt.date(2026, 11, 30))}
    assert stock["CAFTAN"].qty_milli == 2000 and stock["TISSU"].qty_milli == 34000
