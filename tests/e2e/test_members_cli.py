"""End to end: the month end of a member typed at the command line — contribution (twice),
a payout refused then made as an advance, the statement, the member balances, the month close."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.run import ecp, ok


@pytest.fixture
def db(tmp_path: Path, company: dict[str, str]) -> Path:
    path = tmp_path / "ecp.sqlite3"
    ok(path, "init")
    ok(path, "member", "add", "FZ", "--name", "Fatima Zahra", "--name-ar", "فاطمة الزهراء")
    ok(path, "member", "edit", "FZ", "--route", "salarie", "--cnss", "100200300",
       "--route-from", "2026-01-01")
    for k, v in company.items():
        ok(path, "settings", "set", k, v)
    ok(path, "customer", "add", "HOTEL", "--name", "Hôtel Tanja", "--ice", "001561191000066")
    ok(path, "supplier", "add", "TISSUS", "--name", "Tissus du Nord", "--if", "40100001",
       "--ice", "001234567000062")
    ok(path, "invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date",
       "2026-03-02", "--line", "Caftans|2|1000|20|71211", "--issue")
    ok(path, "invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date",
       "2026-03-09", "--line", "Retouches|1|1000|20|71243", "--issue")
    ok(path, "payment", "add", "--invoice", "F-2026-000001", "--amount", "2400", "--date",
       "2026-03-12", "--method", "virement")
    ok(path, "payment", "add", "--invoice", "F-2026-000002", "--amount", "600", "--date",
       "2026-03-20", "--method", "cheque")
    ok(path, "expense", "add", "--member", "FZ", "--supplier", "TISSUS", "--date", "2026-03-05",
       "--account", "6111", "--amount-ht", "300", "--vat-rate", "20", "--paid-on", "2026-03-15",
       "--method", "virement")
    return path


def test_month_end_of_a_member(db: Path, tmp_path: Path) -> None:
    out = ok(db, "contribution", "run", "2026-03")
    assert "2 500,00" in out and "250,00 DH passés" in out
    assert "déjà à jour" in ok(db, "contribution", "run", "2026-03")
    rows = ok(db, "report", "member-balances", "--at", "2026-03-31", "--format",
              "csv").splitlines()
    assert rows[1].split(",")[:7] == ["FZ", "Fatima Zahra", "2640.00", "440.00", "250.00",
                                      "0.00", "1950.00"]
    r = ecp(db, "payout", "add", "--member", "FZ", "--amount", "2000", "--date", "2026-03-31")
    assert r.returncode == 2 and "dépasse la trésorerie disponible" in r.stderr
    assert "coût total de la paie" in r.stderr  # FZ is salaried: net + withholdings + charges
    out = ok(db, "payout", "add", "--member", "FZ", "--amount", "2000", "--date", "2026-03-31",
             "--advance", "--reason", "Avance pour matières")
    assert "Avance de solidarité VR-2026-000001" in out
    assert (tmp_path / "archives" / "2026" / "VR-2026-000001.pdf").exists()
    out = ok(db, "statement", "2026-03", "--member", "FZ", "--out", str(tmp_path / "r"))
    assert (tmp_path / "r" / "releve-2026-03-FZ.pdf").exists() and "1 relevé(s)" in out
    out = ok(db, "month", "close", "2026-03")
    for step in ("✓ contributions", "✓ TVA", "✓ vérification", "✓ relevés", "✓ clôture"):
        assert step in out
    assert "Mois 2026-03 clôturé" in out
    r = ecp(db, "payout", "add", "--member", "FZ", "--amount", "1", "--date", "2026-03-31",
            "--advance", "--reason", "x")
    assert r.returncode == 2 and "clôturé" in r.stderr
