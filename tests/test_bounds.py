"""Bounded inputs (issue 12, items 3, 5 and the last sentence of 6): one maximum amount, a
sane range of dates, text within its column and without control characters — refused with a
clear message and exit 2 on every path (façade, CLI, bulk import, bank statements), nothing
written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from ecp import api, cli
from ecp.kernel.errors import InputError, ValidationError
from ecp.kernel.money import MAX_AMOUNT, check_amount, parse, parse_csv_amount
from ecp.kernel.periods import MAX_DATE, MIN_DATE, Month, Period, parse_date
from ecp.kernel.text import check_text, has_control
from ecp.ledger.entry import LineSpec

D = dt.date
HUGE_DH = "50000000000000000"  # 5·10^16 DH, item 3
TABLES = ("entries", "lines", "balances", "documents", "payments", "expenses", "parties",
          "dimensions", "bank_lines", "drafts", "products")


def snapshot(db: Path) -> dict[str, object]:
    """Row counts of the tables a command could write, and the chain's last hash."""
    con = sqlite3.connect(str(db))
    try:
        out: dict[str, object] = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                  for t in TABLES}
        out["head"] = con.execute("SELECT max(id), max(hash) FROM entries").fetchone()
        return out
    finally:
        con.close()


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``ecp --db DB args`` in process: exit code and stderr (an argparse refusal is exit 2)."""
    try:
        code = cli.main(["--db", str(db), *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def refused(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The command is refused with exit 2, an « ecp : » line, and writes nothing."""
    before = snapshot(db)
    code, err = run(db, capsys, *args)
    assert code == 2, err
    assert err.startswith(("ecp : ", "ecp ")), err
    assert snapshot(db) == before
    return err


def two_lines(amount: int) -> list[LineSpec]:
    return [LineSpec("342111", "FZ", amount), LineSpec("7111", "FZ", -amount)]


# --- the kernel --------------------------------------------------------------------------------

def test_kernel_bounds() -> None:
    """Item 3 and 5: the maximum amount and the date range, in the parsers and the checks."""
    assert MAX_AMOUNT == 10**14 and MAX_AMOUNT * 92_000 < 2**63 - 1
    assert parse("1 000 000 000 000,00") == MAX_AMOUNT
    for text in ("1 000 000 000 000,01", HUGE_DH, "92233720368547758,08", "9" * 5000):
        with pytest.raises(InputError, match=r"maximum|caractères") as info:
            parse(text)
        assert info.value.field == "amount"
    with pytest.raises(ValueError, match="too_large"):
        parse_csv_amount(HUGE_DH + ".00")
    with pytest.raises(InputError):
        check_amount(-MAX_AMOUNT - 1)
    assert parse_date("2000-01-01") == MIN_DATE and parse_date("31/12/2099") == MAX_DATE
    for text in ("9999-12-31", "1999-12-31", "01/01/2100"):
        with pytest.raises(InputError, match="hors des dates acceptées") as info:
            parse_date(text, field="due")
        assert info.value.field == "due"
    for bad in ("9999-12", "0000-01"):
        with pytest.raises(InputError, match="hors des dates"):
            Month.parse(bad)
        with pytest.raises(InputError, match="hors des dates"):
            Period.parse(bad)
    with pytest.raises(InputError, match="hors des dates"):
        Period.parse("0000-Q1")
    assert has_control("a\x00b") and has_control("a\x1fb") and has_control("\x7f")
    assert not has_control("ligne 1\nligne 2\tcolonne") and not has_control("فاطمة")
    with pytest.raises(InputError, match="301 caractères, 300 au plus") as info:
        check_text("x" * 301, "libellé", 300, field="label", line=2)
    assert (info.value.field, info.value.line) == ("label", 2)


# --- item 3: the overflow of balances ----------------------------------------------------------

def test_item3_huge_entries_refused_before_anything_is_written(books: api.Books,
                                                               db_path: Path) -> None:
    """Item 3: two entries of 5·10^16 DH overflowed ``balances`` (SQLite stored a float) and
    broke verify for good; now the first one is refused, nothing is written."""
    before = snapshot(db_path)
    huge = 5 * 10**16 * 100
    for _ in range(2):
        with pytest.raises(ValidationError, match="maximum") as info:
            api.post_entry(books, "VT", D(2026, 1, 5), "Vente", two_lines(huge))
        assert info.value.field == "lines.amount" and info.value.line == 1
    assert snapshot(db_path) == before
    # The maximum itself is accepted, one centime more is not; an entry whose debits add up
    # beyond it is refused even when each line is within.
    api.post_entry(books, "VT", D(2026, 1, 5), "Vente", two_lines(MAX_AMOUNT))
    with pytest.raises(ValidationError, match="maximum"):
        api.post_entry(books, "VT", D(2026, 1, 5), "Vente", two_lines(MAX_AMOUNT + 1))
    half = MAX_AMOUNT // 2 + 1
    with pytest.raises(ValidationError, match="par écriture") as info:
        api.post_entry(books, "VT", D(2026, 1, 5), "Vente",
                       [LineSpec("342111", "FZ", half), LineSpec("342111", "FZ", half),
                        LineSpec("7111", "FZ", -half), LineSpec("7111", "FZ", -half)])
    assert info.value.field == "lines"
    assert api.verify(books).ok


def test_item3_cli_and_import_refuse_the_huge_amount(db_path: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Item 3 by the command line and by the bulk import (its fast path parsed the digits
    itself): exit 2, one line, nothing written."""
    err = refused(db_path, capsys, "entry", "post", "--journal", "VT", "--date", "2026-01-05",
                  "--label", "Vente", "--line", f"342111:FZ:{HUGE_DH}",
                  "--line", f"7111:FZ:-{HUGE_DH}")
    assert "maximum" in err
    f = tmp_path / "huge.csv"
    f.write_text("entry_ref,date,journal,label,account,dimension,debit,credit\n"
                 f"A1,2026-01-05,VT,Vente,342111,FZ,{HUGE_DH}.00,\n"
                 f"A1,2026-01-05,VT,Vente,7111,FZ,,{HUGE_DH}.00\n", encoding="utf-8")
    assert "maximum" in refused(db_path, capsys, "import", "postings", str(f))
    # Each line within the maximum, the entry beyond it: the import's inline checks see it.
    half = f"{MAX_AMOUNT // 200 + 1}.00"
    f.write_text("entry_ref,date,journal,label,account,dimension,debit,credit\n"
                 f"A1,2026-01-05,VT,Vente,342111,FZ,{half},\n"
                 f"A1,2026-01-05,VT,Vente,342111,FZ,{half},\n"
                 f"A1,2026-01-05,VT,Vente,7111,FZ,,{half}\n"
                 f"A1,2026-01-05,VT,Vente,7111,FZ,,{half}\n", encoding="utf-8")
    assert "par écriture" in refused(db_path, capsys, "import", "postings", str(f))


# --- item 5: odd inputs that gave tracebacks ---------------------------------------------------

def test_item5_amounts_beyond_64_bits_are_refused_everywhere(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5: amounts ≥ ~9.2·10^16 gave 13 tracebacks (SQLite's OverflowError)."""
    for amount in ("92233720368547758,08", "100000000000000000000", "9" * 400):
        refused(db_path, capsys, "payout", "add", "--member", "FZ", "--amount", amount,
                "--date", "2026-01-05", "--advance", "--reason", "essai")
        refused(db_path, capsys, "product", "add", "P1", "--member", "FZ", "--name", "Caftan",
                "--unit", "pièce", "--price", amount, "--vat", "20")
        refused(db_path, capsys, "invoice", "create", "--member", "FZ", "--customer", "X",
                "--date", "2026-01-05", "--line", f"Caftan|1|{amount}|20")
        refused(db_path, capsys, "entry", "post", "--journal", "OD", "--date", "2026-01-05",
                "--label", "x", "--line", f"5141:FZ:{amount}", "--line", f"7111:FZ:-{amount}")


def test_item5_a_date_far_away_is_refused(db_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5: a date 9999-12-31 crashed (the day after it does not exist)."""
    for day in ("9999-12-31", "1900-01-01"):
        err = refused(db_path, capsys, "entry", "post", "--journal", "OD", "--date", day,
                      "--label", "x", "--line", "5141:FZ:1", "--line", "7111:FZ:-1")
        assert "hors des dates acceptées" in err
    code, err = run(db_path, capsys, "report", "trial-balance", "--to", "9999-12-31")
    assert code == 2 and "hors des dates acceptées" in err


def test_item5_a_long_description_is_refused_on_its_line(
        books: api.Books, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5: a 4 000-character line description crashed (PostgreSQL's VARCHAR(300))."""
    api.add_customer(books, "RIAD", "Riad Tanja", consumer=True)
    err = refused(db_path, capsys, "invoice", "create", "--member", "FZ", "--customer", "RIAD",
                  "--date", "2026-01-05", "--line", "Caftan|1|100|20",
                  "--line", f"{'x' * 4000}|1|100|20")
    assert "désignation : 4000 caractères, 300 au plus" in err and "2" in err


def test_item5_text_beyond_its_column_or_with_nul_is_refused(books: api.Books,
                                                             db_path: Path) -> None:
    """Item 5: on PostgreSQL a label over 300 characters or a NUL byte crashed while SQLite
    accepted them: the same check now refuses them on both, before writing."""
    before = snapshot(db_path)
    for label, ref, field in (("x" * 301, "", "label"), ("Vente\x00", "", "label"),
                              ("Vente", "r" * 101, "reference")):
        with pytest.raises(ValidationError) as info:
            api.post_entry(books, "VT", D(2026, 1, 5), label, two_lines(100), reference=ref)
        assert info.value.field == field
    with pytest.raises(InputError) as err:
        api.add_member(books, "NB", "Nadia\x00", joined=D(2026, 1, 1))
    assert err.value.field == "name"
    with pytest.raises(InputError) as err:
        api.add_member(books, "NB", "Nadia", activity="a" * 101, joined=D(2026, 1, 1))
    assert err.value.field == "activity"
    with pytest.raises(InputError) as err:
        api.add_customer(books, "C1", "n" * 201, consumer=True)
    assert err.value.field == "name"
    with pytest.raises(InputError) as err:
        api.add_supplier(books, "S1", "Fournisseur", address="rue\x00")
    assert err.value.field == "address"
    assert snapshot(db_path) == before


def test_item5_a_csv_cell_over_128_kib_is_a_clear_error(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5: a CSV cell over 128 KiB gave a traceback (« field larger than field limit »),
    in the bank statement import and in the postings import."""
    big = "x" * (200 * 1024)
    bank = tmp_path / "releve.csv"
    bank.write_text(f"Date opération;Libellé;Débit;Crédit\n05/01/2026;{big};;100,00\n",
                    encoding="cp1252")
    err = refused(db_path, capsys, "bank", "import", str(bank))
    assert "128 Kio" in err and "ligne 2" in err and len(err) < 300
    postings = tmp_path / "ecritures.csv"
    postings.write_text("entry_ref,date,journal,label,account,dimension,debit,credit\n"
                        f"A1,2026-01-05,VT,{big},342111,FZ,1.00,\n", encoding="utf-8")
    err = refused(db_path, capsys, "import", "postings", str(postings))
    assert "128 Kio" in err and len(err) < 300


def test_bank_statement_bounds(db_path: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5 on the bank path: an amount beyond the maximum, a date out of range, a control
    character in a label — each named on its line, nothing imported."""
    bank = tmp_path / "releve.csv"
    bank.write_bytes("Date opération;Libellé;Débit;Crédit\n"
                     f"05/01/2026;Virement;;{HUGE_DH},00\n"
                     "05/01/2150;Virement;;100,00\n"
                     "06/01/2026;Vire\x00ment;;100,00\n".encode("cp1252"))
    err = refused(db_path, capsys, "bank", "import", str(bank))
    assert "ligne 2" in err and "maximum" in err
    assert "ligne 3" in err and "hors des dates" in err
    assert "ligne 4, libellé : caractère de contrôle interdit" in err


# --- item 6, last sentence: the import and control characters ----------------------------------

def test_item6_import_refuses_control_characters_as_entry_post_does(
        db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 6: ``import postings`` accepted control characters that ``entry post`` refuses,
    letting text move between an entry's label and reference without changing its hash."""
    f = tmp_path / "ecritures.csv"
    for ref, label in (("A1", "Vente\x1fFA-1"), ("A\x1e1", "Vente"), ("A1", "x" * 301)):
        f.write_text("entry_ref,date,journal,label,account,dimension,debit,credit\n"
                     f"{ref},2026-01-05,VT,{label},342111,FZ,1.00,\n"
                     f"{ref},2026-01-05,VT,{label},7111,FZ,,1.00\n", encoding="utf-8")
        err = refused(db_path, capsys, "import", "postings", str(f))
        assert "caractère de contrôle interdit" in err or "300 au plus" in err
    for day in ("9999-12-31", "1999-12-31"):
        f.write_text("entry_ref,date,journal,label,account,dimension,debit,credit\n"
                     f"A1,{day},VT,Vente,342111,FZ,1.00,\n"
                     f"A1,{day},VT,Vente,7111,FZ,,1.00\n", encoding="utf-8")
        assert "hors des dates" in refused(db_path, capsys, "import", "postings", str(f))
