"""End to end: a member's sale typed at the command line, from the ECP's identity to the paid
invoice and its archived PDF; bad input exits 2 with the reason and writes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.run import ecp, ok

COMPANY = [
    ("company.name", "ECP Tanger Coop"), ("company.legal_form", "SARL"),
    ("company.capital", "100 000 DH"), ("company.address", "12 rue de Fès"),
    ("company.city", "Tanger"), ("company.if", "12345678"), ("company.tp", "50123456"),
    ("company.ice", "002345678000031"), ("company.rc", "98765"), ("company.court", "Tanger"),
    ("company.cnss", "1234567"), ("company.bank", "Banque Populaire"),
    ("company.rib", "190 640 0000000000000000 12"),
]


def counts(db: Path) -> tuple[int, ...]:
    con = sqlite3.connect(str(db))
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("entries", "documents", "drafts", "parties", "payments"))
    finally:
        con.close()


@pytest.fixture(scope="module")
def cli_books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The books as `ecp init` and `ecp member add` leave them, typed once per module."""
    path = tmp_path_factory.mktemp("cli-books") / "ecp.sqlite3"
    ok(path, "init")
    ok(path, "member", "add", "FZ", "--name", "Fatima Zahra", "--name-ar", "فاطمة الزهراء")
    return path


@pytest.fixture
def db(cli_books: Path, tmp_path: Path) -> Path:
    """A copy of those books per test (the archives go beside it, in tmp_path)."""
    path = tmp_path / "ecp.sqlite3"
    shutil.copy2(cli_books, path)
    return path


def test_sale_from_identity_to_paid_invoice(db: Path, tmp_path: Path) -> None:
    ok(db, "customer", "add", "HOTEL", "--name", "Hôtel Tanja", "--ice", "001561191000066",
       "--city", "Tanger")
    r = ecp(db, "invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date",
            "2026-03-02", "--line", "Caftan|2|1 500,00|20|71211", "--issue")
    assert r.returncode == 2 and "identité de l'ECP incomplète" in r.stderr
    assert counts(db)[:3] == (0, 0, 0)  # no draft left behind
    for k, v in COMPANY:
        ok(db, "settings", "set", k, v)
    out = ok(db, "invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date",
             "2026-03-02", "--line", "Caftan|2|1 500,00|20|71211",
             "--line", "Gâteaux|2,5|80|10|7111", "--issue")
    assert "F-2026-000001 émis : HT 3 200,00 DH, TVA 620,00 DH, TTC 3 820,00 DH" in out
    pdf = tmp_path / "archives" / "2026" / "F-2026-000001.pdf"
    assert pdf.exists() and f"PDF : {pdf}" in out
    out = ok(db, "payment", "add", "--invoice", "F-2026-000001", "--amount", "3820",
             "--date", "2026-03-20", "--method", "virement")
    assert "F-2026-000001 : 3 820,00 DH, TVA exigible 620,00 DH" in out
    rows = ok(db, "invoice", "list", "--format", "csv").splitlines()
    assert rows[1].split(",")[-3:] == ["0.00", "payée", ""]
    assert "Vérification réussie" in ok(db, "verify")
    pdf.write_bytes(pdf.read_bytes() + b"%")  # someone touches the archive
    r = ecp(db, "verify")
    assert r.returncode == 1 and "F-2026-000001 a été modifié" in r.stdout + r.stderr


@pytest.mark.parametrize("args, reason", [
    (("invoice", "create", "--member", "FZ", "--customer", "NOBODY", "--date", "2026-03-02",
      "--line", "A|1|10|20"), "client « NOBODY » inconnu"),
    (("customer", "add", "BAD", "--name", "Société X", "--ice", "001561191000067"),
     "clé de contrôle"),
    (("invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date", "2026-03-02",
      "--line", "A|1|10|14"), "14 % n'est pas applicable au 2026-03-02"),
    (("invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date", "2026-03-02",
      "--line", "A|-2|10|20"), "ligne 1, quantité : « -2 » doit être positive"),
    (("payment", "add", "--invoice", "F-2026-000009", "--amount", "10", "--date",
      "2026-03-02", "--method", "virement"), "facture « F-2026-000009 » introuvable"),
])
def test_bad_input_exits_2_and_writes_nothing(db: Path, args: tuple[str, ...],
                                               reason: str) -> None:
    ok(db, "customer", "add", "HOTEL", "--name", "Hôtel Tanja", "--ice", "001561191000066")
    before = counts(db)
    r = ecp(db, *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert reason in r.stderr and r.stderr.count("\n") == 1
    assert counts(db) == before


def test_invoice_list_shows_drafts_with_status_draft(db: Path) -> None:
    ok(db, "customer", "add", "HOTEL", "--name", "Hôtel Tanja", "--ice", "001561191000066")
    out = ok(db, "invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date",
             "2026-03-02", "--line", "Caftan|1|1000|20")
    assert out.startswith("Brouillon 1 : TTC 1 200,00 DH")
    rows = ok(db, "invoice", "list", "--status", "draft", "--format", "csv").splitlines()
    assert rows == ["brouillon,date,echeance,membre,client,ht,tva,ttc",
                    "1,2026-03-02,,FZ,HOTEL,1000.00,200.00,1200.00"]


def test_errors_name_the_option_typed(db: Path) -> None:
    """The sales domain names no option: the command line adds the one the user typed
    (a document's line n is a --line, or after them a --product)."""
    ok(db, "customer", "add", "HOTEL", "--name", "Hôtel Tanja", "--ice", "001561191000066")
    cases = [
        (["invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date", "2026-03-02",
          "--line", "A|1|10|20", "--line", "B|deux|10|20"], "--line", "quantité"),
        (["invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date", "2026-03-02",
          "--line", "A|1|10|20", "--product", "NOPE:1"], "--product n°1", "« NOPE » inconnu"),
        (["invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date", "2026-03-02",
          "--line", "A|1|10|7"], "--line", "7 % n'est pas applicable"),
        (["payment", "add", "--invoice", "F-2026-000009", "--amount", "10", "--date",
          "2026-03-02", "--method", "virement"], "--invoice", "introuvable"),
        (["customer", "add", "X", "--name", "X"], "--ice", "obligatoire"),
    ]
    for args, flag, words in cases:
        r = ecp(db, *args)
        assert r.returncode == 2, r.stderr
        assert r.stderr.startswith(f"ecp : {flag}") and words in r.stderr, r.stderr
        assert r.stderr.count("--") == 1, r.stderr  # the flag, and no other in the message
    assert counts(db)[:3] == (0, 0, 0)
