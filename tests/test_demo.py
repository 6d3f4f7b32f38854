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
    assert rep.regularised_vat == tb["4455"].debit
    assert rep.deductible_vat == tb["34552"].debit > 0


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
