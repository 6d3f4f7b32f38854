"""The member's economy on a worked month, figure by figure: two invoices, a partial payment,
an expense, the contribution at 10 % of the HT cashed, a payout and an advance; the
statement's figures are the ledger's on the member's dimension."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.errors import InputError, PeriodLockedError
from ecp.kernel.money import fmt_fr
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Month
from ecp.kernel.units import Rate, parse_quantity, parse_rate
from ecp.sales.documents import LineInput

D = dt.date


def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), account)


def worked_month(books: api.Books) -> tuple[str, str]:
    """FZ in March 2026: 2 400,00 TTC cashed in full, 600,00 of a 1 200,00 TTC invoice, an
    expense of 300,00 HT paid."""
    a = api.create_and_issue(books, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                             lines=[L("Caftans", "2", "1000", "20")])
    b = api.create_and_issue(books, "facture", "FZ", "AMINA", D(2026, 3, 9),
                             lines=[L("Retouches", "1", "1000", "20", "71243")])
    api.add_payment(books, [a.number], 240000, D(2026, 3, 12), "virement")
    api.add_payment(books, [b.number], 60000, D(2026, 3, 20), "especes")
    api.add_expense(books, "FZ", "TISSUS", D(2026, 3, 5), "6111", 30000, Rate(2000),
                    paid_on=D(2026, 3, 15), method="virement")
    return a.number, b.number


def test_worked_month_figure_by_figure(sales: api.Books) -> None:
    a, b = worked_month(sales)
    lines = api.contribution_run(sales, Month(2026, 3))
    fz = next(c for c in lines if c.member == "FZ")
    assert (fz.base, fz.rate_bp, fz.due, fz.posted_now) == (250000, 1000, 25000, 25000)
    t = api.member_treasury(sales, "FZ", D(2026, 3, 31))
    # cash 2 400 + 600 - 360 = 2 640; VAT due 400 + 100 - 60 = 440; contribution 250
    assert (t.cash, t.vat_due, t.contribution_owed, t.reserve) == (264000, 44000, 25000, 0)
    assert t.available == 195000
    assert (t.receivables, t.payables) == (60000, 0)
    # A payout within the treasury, then one beyond it refused, then as an advance.
    p1 = api.add_payout(sales, "FZ", 150000, D(2026, 3, 31), "virement")
    assert p1.number == "VR-2026-000001" and p1.voucher.available_before == 195000
    # FZ is salaried (fixture): the net 1 500,00 is paid on a gross of 1 608,40 (employee
    # CNSS 0,52 % 8,36 + 3,96 % 63,69 + AMO 2,26 % 36,35 = 108,40, no IR; 1 608,39 would pay
    # 1 499,99); employer AF 102,94 + CT 16,89 + LT 127,55 + AMO 66,11 + TFP 25,73 = 339,22;
    # cost 1 947,62, so 1 950,00 − 1 947,62 = 2,38 stays available.
    assert p1.payslip is not None and (p1.payslip.gross, p1.payslip.cost) == (160840, 194762)
    with pytest.raises(InputError, match=r"coût total de la paie, 649,22 DH .*trésorerie "
                       r"disponible de FZ au 2026-03-31 \(2,38 DH\)"):
        api.add_payout(sales, "FZ", 50000, D(2026, 3, 31))
    with pytest.raises(InputError, match="motif : obligatoire"):
        api.add_payout(sales, "FZ", 50000, D(2026, 3, 31), advance=True)
    p2 = api.add_payout(sales, "FZ", 50000, D(2026, 3, 31), "especes", advance=True,
                        reason="Machine à coudre en panne")
    assert api.payout_pdf(sales, p2.number).exists()
    st = api.member_statement(sales, "FZ", Month(2026, 3))
    assert st.opening.available == 0 and st.closing.available == 195000 - 194762 - 50000
    assert [(i.number, i.total_ht, i.total_ttc) for i in st.invoices] == [
        (a, 200000, 240000), (b, 100000, 120000)]
    assert [(p.invoice, p.amount, p.vat) for p in st.payments] == [
        (a, 240000, 40000), (b, 60000, 10000)]
    assert [(e.amount_ht, e.vat, e.paid) for e in st.expenses] == [(30000, 6000, 36000)]
    assert (st.contribution_base, st.contribution_bp, st.contribution) == (250000, 1000, 25000)
    assert [(p.amount, p.advance, p.reason) for p in st.payouts] == [
        (150000, False, ""), (50000, True, "Machine à coudre en panne")]
    assert [(r.number, r.remaining) for r in st.receivables] == [(b, 60000)]
    # Every figure is the ledger's on FZ's dimension for March.
    tb = {r.account: r for r in api.trial_balance(sales, D(2026, 3, 1), D(2026, 3, 31),
                                                  dimension="FZ").rows}
    assert sum(i.total_ht for i in st.invoices) == tb["7111"].credit + tb["71211"].credit \
        + tb["71243"].credit if "7111" in tb else sum(
            tb[k].credit for k in ("71211", "71243") if k in tb)
    assert sum(p.amount for p in st.payments) == tb["34211"].credit
    assert sum(p.vat for p in st.payments) == tb["4455"].credit
    assert sum(e.amount_ht for e in st.expenses) == tb["6111"].debit
    assert st.contribution == tb["61468"].debit  # the internal contribution account
    # the salary's gross on 61711 (its payslip), the advance a receivable on 3431
    assert (tb["61711"].debit, tb["3431"].debit) == (160840, 50000)
    cash = sum(tb[k].closing_debit - tb[k].closing_credit for k in ("5141", "5161") if k in tb)
    assert st.closing.cash == cash
    assert st.closing.available == st.closing.cash - (
        tb["4455"].closing_credit - tb["34552"].closing_debit) - (
        tb["44881"].closing_credit - tb["44881"].closing_debit) - st.closing.reserve \
        - tb["4441"].closing_credit  # CNSS due: 108,40 + 339,22 = 447,62
    assert tb["4441"].closing_credit == 44762
    assert api.verify(sales).ok


def test_contribution_is_idempotent_and_posts_only_the_difference(sales: api.Books) -> None:
    _a, b = worked_month(sales)
    first = {c.member: c for c in api.contribution_run(sales, Month(2026, 3))}
    again = {c.member: c for c in api.contribution_run(sales, Month(2026, 3))}
    assert first["FZ"].posted_now == 25000 and again["FZ"].posted_now == 0
    assert again["FZ"].entry is None
    # A late payment dated in March: only the difference (300 HT × 10 % = 30).
    api.add_payment(sales, [b], 36000, D(2026, 3, 28), "virement")
    late = {c.member: c for c in api.contribution_run(sales, Month(2026, 3))}
    assert (late["FZ"].due, late["FZ"].posted_now) == (28000, 3000)
    # A credit note issued in March on an unpaid part: the basis 'encaissement' is unchanged.
    api.credit_note(sales, b, lines=[L("Remise", "1", "100", "20", "71243")],
                    day=D(2026, 3, 29))
    assert {c.member: c for c in api.contribution_run(sales, Month(2026, 3))}["FZ"].posted_now == 0
    # Switch to the invoiced basis: HT invoiced 3 000 less the credit 100 = 2 900 → 290.
    api.set_setting(sales, "contribution.basis", "facturation")
    inv = {c.member: c for c in api.contribution_run(sales, Month(2026, 3))}
    assert (inv["FZ"].due, inv["FZ"].posted_now) == (29000, 1000)
    tb = {r.account: r for r in api.trial_balance(sales, dimension="FZ").rows}
    assert tb["61468"].debit == 29000
    assert api.verify(sales).ok


def test_rate_and_reserve_settings(sales: api.Books) -> None:
    worked_month(sales)
    api.update_member(sales, "FZ", contribution_rate=Rate(800))
    assert {c.member: c for c in api.contribution_run(sales, Month(2026, 3))}["FZ"].due == 20000
    api.set_setting(sales, "reserve.FZ", "10%")
    t = api.member_treasury(sales, "FZ", D(2026, 3, 31))
    before = t.cash - t.vat_due - t.contribution_owed
    assert t.reserve == before // 10 and t.available == before - t.reserve
    api.set_setting(sales, "reserve.FZ", "100")
    assert api.member_treasury(sales, "FZ", D(2026, 3, 31)).reserve == 10000


def test_closed_month_refuses_the_contribution(sales: api.Books) -> None:
    worked_month(sales)
    api.close_period(sales, Month(2026, 3))
    with pytest.raises(PeriodLockedError):
        api.contribution_run(sales, Month(2026, 3))


def test_statements_for_many_members_are_drawn_in_parallel(sales: api.Books,
                                                          tmp_path: Path) -> None:
    """Eight members or more: the PDFs are drawn by worker processes; each file is that
    member's statement, with their closing treasury."""
    from pypdf import PdfReader

    worked_month(sales)
    for i in range(6):
        api.add_member(sales, f"X{i}", f"Membre supplémentaire {i}")
    api.contribution_run(sales, Month(2026, 3))
    seen: list[tuple[int, int, str]] = []
    paths = api.write_statements(sales, Month(2026, 3), tmp_path / "releves",
                                 progress=lambda d, t, m: seen.append((d, t, m)))
    codes = ["FZ", "KH", "X0", "X1", "X2", "X3", "X4", "X5", "YS"]
    assert [p.name for p in paths] == [f"releve-2026-03-{c}.pdf" for c in sorted(codes)]
    assert [d for d, _t, _m in seen] == list(range(1, 10)) and {m for *_x, m in seen} == set(codes)
    fz = paths[0]
    text = " ".join(PdfReader(str(fz)).pages[0].extract_text().replace("\xa0", " ").split())
    assert "Fatima Zahra" in text and "mars 2026" in text.lower()
    closing = api.member_statement(sales, "FZ", Month(2026, 3)).closing.available
    assert f"{fmt_fr(closing)} DH" in text


def test_verify_checks_the_payout_vouchers(sales: api.Books) -> None:
    worked_month(sales)
    res = api.add_payout(sales, "FZ", 10000, D(2026, 3, 31))
    assert api.verify(sales).ok
    pdf = api.payout_pdf(sales, res.number)
    pdf.write_bytes(pdf.read_bytes() + b"%")
    rep = api.verify(sales)
    assert not rep.ok and any(res.number in f and "modifié" in f for f in rep.findings)
