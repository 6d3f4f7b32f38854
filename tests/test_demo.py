"""The demo ECP: loads, verifies, and is there only once; its members paid by their
remuneration routes (issue 14)."""

from pathlib import Path

from ecp import api
from ecp.kernel.periods import Month, Period
from ecp.members.payroll import Payslip


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
    # Every active member's own books balance: the ledger filtered on a dimension is complete;
    # M006, accompanied and gone to a salaried job in October, has no entry in these books.
    for m in members:
        t = api.trial_balance(books, dimension=m.code)
        if m.status == "actif":
            assert t.total("debit") == t.total("credit") > 0
        else:
            assert (m.code, m.status, t.rows) == ("M006", "sorti", ())
    assert [s.label for s in api.member_journey(books, "M006").stages][-1] == \
        "sortie : emploi salarié"
    head = api.chain_head(books)
    assert load_demo(books).startswith("Démo déjà chargée")
    assert api.chain_head(books) == head
    closed = [e.month for e in api.period_events(books) if e.action == "close"]
    assert closed == ["2026-08", "2026-09"]


def test_demo_has_sales_to_show(demo_path: Path) -> None:
    books = api.open_books(str(demo_path))  # the demo, built once per session (conftest)
    invoices = api.list_documents(books, "facture", today=__import__("datetime").date(2026, 11, 28))
    # M001's two October sales are invoices too (issue 14), numbered first: November's
    # invoices are F-2026-000003 to 000007
    assert [i.number for i in invoices] == [f"F-2026-00000{k}" for k in range(1, 8)]
    status = {i.number: i.status for i in invoices}
    assert status["F-2026-000001"] == status["F-2026-000002"] == "payée"
    assert status["F-2026-000003"] == "payée" and status["F-2026-000004"] == "partiellement payée"
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
    - F-2026-000004 (M002): VAT 120,00 (20 %) + 720,00 (10 %) on TTC 8 640,00, 4 000,00 paid
      moved 120 × 4 000 / 8 640 = 55,56 and 720 × 4 000 / 8 640 = 333,33: 451,11 pending;
    - F-2026-000005 (M003): VAT 1 300,00 less its credit note's 100,00 (taken off 44551, the
      invoice being unpaid): 1 200,00; F-2026-000007 (M004), unpaid: 420,00;
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
    """M001's November: the contribution run on F-2026-000003 (6 050,00 HT cashed, 10 %:
    605,00) and her salary, a net of 3 500,00 on a payslip; what the statement closes with is
    the treasury of the day."""
    import datetime as dt

    books = api.open_books(str(demo_path))  # the demo, built once per session (conftest)
    fz = api.member_statement(books, "M001", Month(2026, 11))
    assert fz.contribution == 60500 and fz.contribution_bp == 1000
    assert [(p.number, p.amount, p.advance) for p in fz.payouts] == [
        ("VR-2026-000010", 350000, False)]
    assert api.payout_pdf(books, "VR-2026-000010").name == "VR-2026-000010-bulletin.pdf"
    lines = api.contribution_run(books, Month(2026, 11))
    assert sum(c.posted_now for c in lines) == 0  # already run by the demo
    assert api.member_treasury(books, "M001", dt.date(2026, 11, 30)).available == \
        fz.closing.available


def test_demo_october_statement_of_m001(demo_path: Path) -> None:
    """M001's October sales went through the sales module (issue 14), so her statement shows
    them: F-2026-000001 (3 October, Riad Tanja, 2 950,00 HT + 590,00 VAT = 3 540,00) paid
    6 October, F-2026-000002 (14 October, Hôtel Continental, 2 955,00 + 591,00 = 3 546,00)
    paid 20 October; the contribution run on 5 905,00 HT cashed at 10 %: 590,50; her salary
    VR-2026-000007 of 28 October, net 3 500,00."""
    import datetime as dt

    books = api.open_books(str(demo_path))
    st = api.member_statement(books, "M001", Month(2026, 10))
    assert [(i.number, i.day, i.customer, i.total_ht, i.total_ttc) for i in st.invoices] == [
        ("F-2026-000001", dt.date(2026, 10, 3), "Riad Tanja", 295000, 354000),
        ("F-2026-000002", dt.date(2026, 10, 14), "Hôtel Continental", 295500, 354600)]
    assert [(p.day, p.invoice, p.amount, p.vat) for p in st.payments] == [
        (dt.date(2026, 10, 6), "F-2026-000001", 354000, 59000),
        (dt.date(2026, 10, 20), "F-2026-000002", 354600, 59100)]
    assert (st.contribution_base, st.contribution) == (590500, 59050)
    assert [(p.number, p.day, p.amount, p.advance) for p in st.payouts] == [
        ("VR-2026-000007", dt.date(2026, 10, 28), 350000, False)]


def test_demo_pays_its_members_by_their_routes(demo_path: Path) -> None:
    """The demo's pay (issue 14), by hand from the 2026 rows (docs/payroll.md): employee CNSS
    short term 0,52 % and long term 3,96 % of the gross capped at 6 000,00, AMO 2,26 %;
    employer allocations familiales 6,40 %, CNSS 1,05 % and 7,93 % (capped), AMO 4,11 %, TFP
    1,60 %; professional expenses 35 % (gross ≤ 6 500,00); IR by the annual barème, monthly.

    - M001 (2 dependants), her net 3 500,00 in September, October, November: gross 3 752,96;
      0,52 % 19,52 + 3,96 % 148,62 + 2,26 % 84,82 = 252,96; expenses 1 313,54; taxable
      2 186,46 (26 237,52 a year, under 40 000: no IR); net 3 752,96 − 252,96 = 3 500,00;
      employer 240,19 + 39,41 + 297,61 + 154,25 + 60,05 = 791,51; cost 4 544,47.
    - M003 (no dependant), her gross: 4 000,00 in August: 20,80 + 158,40 + 90,40 = 269,60,
      no IR, net 3 730,40; employer 256,00 + 42,00 + 317,20 + 164,40 + 64,00 = 843,60, cost
      4 843,60. 6 500,00 from September: capped base 6 000,00: 31,20 + 237,60, AMO 146,90
      (on 6 500,00) = 415,70; expenses 2 275,00; taxable 3 809,30, a year 45 711,60: 10 % −
      4 000,00 = 571,16, a month 47,60; net 6 500,00 − 415,70 − 47,60 = 6 036,70; employer
      416,00 + 63,00 + 475,80 + 267,15 + 104,00 = 1 325,95; cost 7 825,95.
    - M003's advance of 8 000,00 on 3 August (3431), 2 000,00 a month withheld from each
      salary: paid 3 730,40 − 2 000,00 = 1 730,40 in August, 6 036,70 − 2 000,00 = 4 036,70
      after; outstanding 6 000,00, 4 000,00, 2 000,00, then 0 at the end of November.
    - M002 (indépendant): his invoices YB-2026-08 to 11 of 1 500,00, 4 000,00, 3 500,00,
      3 000,00 on 61365, 12 000,00.
    - CNSS due: August 269,60 + 843,60 = 1 113,20; from September 252,96 + 791,51 + 415,70
      + 1 325,95 = 2 786,12 a month, IR 47,60; August to October paid (August had no IR),
      November's left due: 4441 2 786,12 and 44525 47,60 (credit) at the end.
    - 61711: 3 × 3 752,96 + 4 000,00 + 3 × 6 500,00 = 34 758,88, always with its payroll."""
    import datetime as dt

    from sqlalchemy import select

    from ecp.db.models import Line
    from ecp.kernel.periods import Period

    books = api.open_books(str(demo_path))
    pays = _payslips(books)
    assert sorted(pays) == [("M001", 202609), ("M001", 202610), ("M001", 202611),
                            ("M003", 202608), ("M003", 202609), ("M003", 202610),
                            ("M003", 202611)]
    for month in (202609, 202610, 202611):
        s = pays[("M001", month)]
        assert (s.gross, s.employee_total, s.professional_expenses, s.taxable, s.ir, s.net,
                s.employer_total, s.cost) == (375296, 25296, 131354, 218646, 0, 350000,
                                              79151, 454447)
        s = pays[("M003", month)]
        assert (s.gross, s.employee_total, s.professional_expenses, s.taxable, s.ir, s.net,
                s.employer_total, s.cost) == (650000, 41570, 227500, 380930, 4760, 603670,
                                              132595, 782595)
    s = pays[("M003", 202608)]
    assert (s.gross, s.employee_total, s.ir, s.net, s.employer_total, s.cost) == (
        400000, 26960, 0, 373040, 84360, 484360)
    st = {m: api.member_statement(books, "M003", Month(2026, m)) for m in (8, 9, 10, 11)}
    assert [(p.amount, p.advance) for p in st[8].payouts] == [(800000, True), (173040, False)]
    assert [[p.amount for p in st[m].payouts] for m in (9, 10, 11)] == [[403670]] * 3
    assert [api.advance_outstanding(books, "M003", d) for d in (
        dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31),
        dt.date(2026, 11, 30))] == [600000, 400000, 200000, 0]
    # the advance on each of the four statements until repaid, gone after
    assert [(st[m].advance_opening, st[m].advance_outstanding) for m in (8, 9, 10, 11)] == [
        (0, 600000), (600000, 400000), (400000, 200000), (200000, 0)]
    fees = [p.amount for m in (8, 9, 10, 11)
            for p in api.member_statement(books, "M002", Month(2026, m)).payouts]
    assert fees == [150000, 400000, 350000, 300000]
    months = {m: api.payroll_month(books, Period.parse(f"2026-{m:02d}")) for m in (8, 9, 10, 11)}
    assert [(r.cnss_due, r.ir_due) for r in months.values()] == [
        (111320, 0), (278612, 4760), (278612, 4760), (278612, 4760)]
    assert [(r.cnss_paid is not None, r.ir_paid is not None) for r in months.values()] == [
        (True, False), (True, True), (True, True), (False, False)]
    tb = {r.account: r for r in api.trial_balance(books).rows}
    assert (tb["4441"].closing_credit, tb["44525"].closing_credit) == (278612, 4760)
    assert (tb["61711"].closing_debit, tb["61365"].closing_debit) == (3475888, 1200000)
    assert tb["3431"].closing_debit == tb["3431"].closing_credit == 0
    with books.engine.connect() as conn:
        salaries = set(conn.scalars(select(Line.entry_id).where(Line.account == "61711")))
        payroll = set(conn.scalars(select(Line.entry_id).where(Line.account == "4432",
                                                               Line.amount < 0)))
    assert len(salaries) == 7 and salaries <= payroll  # no 61711 without its payroll


def test_demo_turnover_excludes_the_contributions(demo_path: Path) -> None:
    """The contributions of August to November are internal (61468 on the members, 71248 on
    the ECP's, docs/architecture.md « Flux internes »): none on 61461 / 71243, the entity's
    « dont hors flux internes » leaves them out, and the ECP's 71248 is what the members'
    books (their 61468) say they contributed."""
    books = api.open_books(str(demo_path))
    tb = api.trial_balance(books)
    rows = {r.account: r for r in tb.rows}
    assert "61461" not in rows
    assert [r.account for r in tb.rows if r.internal] == ["44881", "61468", "71248"]
    contributed = sum(r.closing_debit for m in api.list_members(books)
                      for r in api.trial_balance(books, dimension=m.code).rows
                      if r.account == "61468")
    assert rows["71248"].closing_credit == rows["61468"].closing_debit == contributed > 0
    for f in ("debit", "credit", "closing_debit", "closing_credit"):
        assert tb.total(f, False) + tb.total(f, True) == tb.total(f)
    assert tb.total("closing_credit", True) == contributed
    from sqlalchemy import func, select

    from ecp.db.models import Line
    with books.engine.connect() as conn:
        on_ecp = conn.scalar(select(func.count()).where(Line.account == "71243",
                                                        Line.dimension == "ECP"))
    assert on_ecp == 0  # the old internal revenue account of the contribution


def _payslips(books: api.Books) -> dict[tuple[str, int], Payslip]:
    """Every salary's payslip of the demo, by (member, month)."""
    from sqlalchemy import select

    from ecp.db.models import Payout
    with books.engine.connect() as conn:
        numbers = list(conn.scalars(select(Payout.number).where(Payout.kind == "salaire")))
    docs = [api.payout_payslip(books, n) for n in numbers]
    return {(d.member.code, d.payslip.month): d.payslip for d in docs}


def test_demo_statement_names_each_payout_and_a_typed_contribution(demo_path: Path) -> None:
    """M003's October statement: her salary is « Salaire (bulletin de paie) »; her October
    contribution, typed as an entry (712,40 on 61468) without a monthly run, is stated as such —
    never « 8 % de 0,00 DH ». M002's fee payment names his invoice."""
    from ecp.reports.statement_pdf import render_statement
    from tests.reports.test_statement_pdf import text_of

    books = api.open_books(str(demo_path))
    m003, _pages = text_of(render_statement(api.member_statement(books, "M003",
                                                                 Month(2026, 10))))
    assert "Salaire (bulletin de paie)" in m003
    assert "Contribution passée en écriture, sans calcul mensuel : 712,40 DH." in m003
    assert "de 0,00" not in m003
    m002, _pages = text_of(render_statement(api.member_statement(books, "M002",
                                                                 Month(2026, 10))))
    assert "Honoraires, facture YB-2026-10" in m002


def test_demo_fee_voucher_names_the_members_invoice(demo_path: Path) -> None:
    """M002 (indépendant) is paid on his invoice YB-2026-09 of 4 000,00 DH: the archived bon
    de versement says what it pays."""
    from tests.reports.test_statement_pdf import text_of

    books = api.open_books(str(demo_path))
    text, _pages = text_of(api.payout_pdf(books, "VR-2026-000005").read_bytes())
    assert "Objet Facture n° YB-2026-09 de 4 000,00 DH" in text


def test_demo_2026_closes_by_following_the_checklist(demo_path: Path) -> None:
    """The demo leaves 2026 open; each failed step of the checklist says what to do, and doing
    it closes the year: October to December closed (November only once its draft, dated
    25/11/2026, is deleted: a month with drafts does not close), December's VAT declared (in
    January). Every member's treasury is the same after the close."""
    import datetime as dt

    from ecp.kernel.errors import InputError

    books = api.open_books(str(demo_path))
    treasury = {m.code: api.member_treasury(books, m.code, dt.date(2026, 12, 31))
                for m in api.list_members(books)}
    todo = []
    for _ in range(8):
        steps, out = api.close_year(books, 2026)
        if out is not None:
            break
        last = steps[-1]
        todo.append(last.name)
        if last.name == "mois":
            first = Month.parse(last.detail.split("le premier : ")[1][:7])
            try:
                api.close_period(books, first)
            except InputError as exc:
                assert exc.code == "month.drafts", exc
                todo.append(f"brouillons de {first}")
                for d in api.month_drafts(books, first):
                    api.delete_draft(books, d.id)
            continue
        if last.name == "TVA":
            api.vat_declare(books, Period.parse("2026-12"), dt.date(2027, 1, 10))
            continue
        raise AssertionError(steps)
    assert todo == ["mois", "mois", "brouillons de 2026-11", "mois", "mois", "TVA"]
    assert out is not None and out.status == "provisional"
    assert {m.code: api.member_treasury(books, m.code, dt.date(2026, 12, 31))
            for m in api.list_members(books)} == treasury
    assert api.verify(books, record=False).ok


def test_demo_bank_statement_to_reconcile(demo_path: Path) -> None:
    """The demo imports a statement of 5141 (ecp/demo_data/releve-demo-2026-11.csv, 7 lines,
    nothing accepted): the payment of F-2026-000003 (7 260,00 = 6 050,00 HT + 20 %), the
    cheque 1207 of F-2026-000004 (4 000,00), November's bank fees (120,00) are entries already
    posted; M001's salary (3 500,00 net) is a payout; 2 520,00 pays F-2026-000007 (6 h × 350,00
    + 20 %) exactly; the SMS pack fee (25,00) and M. Karimi's transfer (1 500,00) match
    nothing. The automatic match accepts only the exact and univocal (M001's salary is not:
    three net salaries of 3 500,00), and re-importing the file adds nothing."""
    from ecp.demo import BANK_STATEMENT

    books = api.open_books(str(demo_path))
    lines = api.bank_lines(books)
    assert [(ln.day.isoformat(), ln.amount, ln.status) for ln in lines] == [
        ("2026-11-13", 726000, "open"), ("2026-11-20", 400000, "open"),
        ("2026-11-27", -350000, "open"), ("2026-11-28", -12000, "open"),
        ("2026-12-02", 252000, "open"), ("2026-12-03", -2500, "open"),
        ("2026-12-04", 150000, "open")]
    best = {ln.id: [(s.kind, s.exact) for s in api.bank_suggestions(books, ln.id)][:1]
            for ln in lines}
    kinds = [best[ln.id] for ln in lines]
    assert kinds == [[("écriture", True)], [("écriture", True)], [("versement", True)],
                     [("écriture", True)], [("facture", True)], [], []]
    assert api.bank_import(books, BANK_STATEMENT).added == 0
    auto = api.bank_auto(books)
    assert [match for _l, match, _e in auto.accepted][-1] == "facture F-2026-000007"
    assert len(auto.accepted) == 4 and auto.left == 3
    assert api.verify(books).ok
