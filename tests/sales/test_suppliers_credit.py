"""Issue 13, slice V3: suppliers' IF and ICE, supplier due dates (loi 69-21), credit notes
capped per rate at the invoice's open base."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from ecp import api
from ecp.cli import main
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import Rate, parse_quantity, parse_rate
from ecp.sales import delays
from ecp.sales.documents import LineInput
from ecp.sales.parties import FOREIGN_SUPPLIER_ID
from tests.conftest import snapshot

D = dt.date
ICE2 = "001555123000069"


def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), account)


def _lines(books: api.Books, ref: str) -> list[tuple[str, str, int]]:
    con = sqlite3.connect(str(books.path))
    try:
        return con.execute(
            "SELECT l.account, l.dimension, l.amount FROM lines l "
            "JOIN entries e ON e.id = l.entry_id WHERE e.journal || '-' || e.fiscal_year || "
            "'-' || printf('%06d', e.number) = ? ORDER BY l.line_no", (ref,)).fetchall()
    finally:
        con.close()


# --- (1) suppliers' identity ------------------------------------------------------------------

def test_a_moroccan_supplier_needs_ice_and_if(sales: api.Books) -> None:
    before = snapshot(sales.path, ("parties",))
    with pytest.raises(InputError) as err:
        api.add_supplier(sales, "S2", "Sans ICE", if_number="40100009")
    assert (err.value.field, err.value.code) == ("ice", "ice.required")
    with pytest.raises(InputError) as err:
        api.add_supplier(sales, "S2", "Sans IF", ice=ICE2)
    assert (err.value.field, err.value.code) == ("if_number", "if.required")
    with pytest.raises(InputError) as err:
        api.add_supplier(sales, "S2", "ICE faux", ice="001555123000068", if_number="1")
    assert (err.value.field, err.value.code) == ("ice", "ice.checksum")
    assert snapshot(sales.path, ("parties",)) == before
    p = api.add_supplier(sales, "S2", "Bon", ice=ICE2, if_number="40100009")
    assert (p.ice, p.if_number) == (ICE2, "40100009")


def test_a_foreign_supplier_takes_no_ice_and_the_customs_placeholder(sales: api.Books) -> None:
    with pytest.raises(InputError) as err:
        api.add_supplier(sales, "ES", "Telas SL", ice=ICE2, foreign=True)
    assert (err.value.field, err.value.code) == ("ice", "ice.foreign")
    p = api.add_supplier(sales, "ES", "Telas SL", foreign=True)
    assert (p.ice, p.if_number) == (None, FOREIGN_SUPPLIER_ID)
    # editing the name of a foreign supplier keeps it foreign; giving it an ICE is refused
    assert api.edit_party(sales, "supplier", "ES", name="Telas").if_number == FOREIGN_SUPPLIER_ID
    with pytest.raises(InputError) as err:
        api.edit_party(sales, "supplier", "ES", ice=ICE2)
    assert err.value.field == "ice"


def test_editing_a_supplier_cannot_drop_its_if(sales: api.Books) -> None:
    with pytest.raises(InputError) as err:
        api.edit_party(sales, "supplier", "TISSUS", if_number="")
    assert err.value.field == "if_number"


def test_cli_supplier_add_foreign_and_refusal(sales: api.Books,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = str(sales.path)
    assert main(["--db", db, "supplier", "add", "ES", "--name", "Telas", "--foreign"]) == 0
    assert main(["--db", db, "supplier", "add", "S3", "--name", "X", "--if", "1"]) == 2
    err = capsys.readouterr().err
    assert "ICE : obligatoire" in err and "Traceback" not in err


# --- (2) supplier due dates -------------------------------------------------------------------

def test_due_date_defaults_to_60_days_and_is_capped_at_120() -> None:
    """Invoice of 2026-01-10: default due 2026-03-11 (60 days); 2026-05-10 is 120 days,
    accepted; 2026-05-11 is 121 days, refused; a due date before the invoice is refused."""
    assert delays.supplier_due(D(2026, 1, 10), None) == D(2026, 3, 11)
    assert delays.supplier_due(D(2026, 1, 10), D(2026, 5, 10)) == D(2026, 5, 10)
    with pytest.raises(InputError) as err:
        delays.supplier_due(D(2026, 1, 10), D(2026, 5, 11))
    assert (err.value.field, err.value.code) == ("due", "due.too_late")
    assert "121 jours" in str(err.value) and "120 jours" in str(err.value)
    with pytest.raises(InputError) as err:
        delays.supplier_due(D(2026, 1, 10), D(2026, 1, 9))
    assert (err.value.field, err.value.code) == ("due", "due.before_invoice")


def test_expense_with_a_due_date_past_120_days_writes_nothing(sales: api.Books) -> None:
    before = snapshot(sales.path)
    with pytest.raises(InputError) as err:
        api.add_expense(sales, "FZ", "TISSUS", D(2026, 1, 10), "6111", 100000, Rate(2000),
                        due=D(2026, 6, 1))
    assert err.value.field == "due"
    assert snapshot(sales.path) == before
    assert api.add_expense(sales, "FZ", "TISSUS", D(2026, 1, 10), "6111", 100000, Rate(2000),
                           due=D(2026, 5, 10)) > 0


def test_cli_expense_add_due(sales: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(sales.path)
    base = ["--db", db, "expense", "add", "--member", "FZ", "--supplier", "TISSUS",
            "--date", "2026-01-10", "--account", "6111", "--amount-ht", "1000",
            "--vat-rate", "20"]
    assert main([*base, "--due", "2026-05-11"]) == 2
    err = capsys.readouterr().err
    assert "--due" in err and "120 jours" in err
    assert main([*base, "--due", "2026-05-10"]) == 0


# --- (3) credit notes capped per rate ---------------------------------------------------------

def test_a_credit_note_may_not_exceed_its_rates_open_base(sales: api.Books) -> None:
    """Invoice: 1 000,00 HT at 20 % (VAT 200,00) + 1 000,00 HT at 10 % (VAT 100,00),
    TTC 2 300,00. A credit note of 1 500,00 HT at 10 % is TTC 1 650,00 ≤ 2 300,00 but exceeds
    the 10 % base 1 000,00: refused, field ``lines``, nothing written.
    A first credit note of 400,00 HT at 10 % (VAT 40,00, TTC 440,00; invoice unpaid, so all of it
    comes off 44551) leaves an open base of 600,00 at 10 %: 600,01 is refused, 600,00 passes
    (VAT 60,00, TTC 660,00). Posted lines of the second: 7111 +600,00, 44551 +60,00,
    34211 −660,00. The 20 % base is untouched: 1 000,00 at 20 % still passes afterwards
    (VAT 200,00, TTC 1 200,00) and closes the invoice (440 + 660 + 1 200 = 2 300)."""
    inv = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                               [L("Caftan", "1", "1000", "20"),
                                L("Gâteaux", "1", "1000", "10", "7111")])
    assert inv.view.total_ttc == 230000
    before = snapshot(sales.path)
    with pytest.raises(InputError) as err:
        api.credit_note(sales, inv.number, lines=[L("Remise", "1", "1500", "10", "7111")],
                        day=D(2026, 3, 6))
    assert (err.value.field, err.value.code) == ("lines", "credit.rate_base")
    assert str(err.value) == (f"avoir, taux 10 % : base de l'avoir {fmt_fr(150000)} DH, base "
                              f"restant à créditer à ce taux sur {inv.number} "
                              f"{fmt_fr(100000)} DH")
    assert snapshot(sales.path) == before

    av1 = api.credit_note(sales, inv.number, lines=[L("Remise", "1", "400", "10", "7111")],
                          day=D(2026, 3, 6))
    assert av1.view.total_ttc == 44000
    with pytest.raises(InputError) as err:
        api.credit_note(sales, inv.number, lines=[L("Remise", "1", "600,01", "10", "7111")],
                        day=D(2026, 3, 7))
    assert fmt_fr(60000) in str(err.value)
    av2 = api.credit_note(sales, inv.number, lines=[L("Remise", "1", "600", "10", "7111")],
                          day=D(2026, 3, 7))
    assert (av2.view.total_ht, av2.view.total_vat, av2.view.total_ttc) == (60000, 6000, 66000)
    assert sorted(_lines(sales, av2.entry or "")) == sorted(
        [("7111", "FZ", 60000), ("44551", "FZ", 6000), ("34211", "FZ", -66000)])
    av3 = api.credit_note(sales, inv.number, lines=[L("Remise", "1", "1000", "20")],
                          day=D(2026, 3, 8))
    assert av3.view.total_ttc == 120000
    assert api.list_documents(sales, today=D(2026, 3, 9))[0].remaining == 0
