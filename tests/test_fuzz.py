"""Fuzz (issue 12, item 5: « 23 tracebacks over 453 odd inputs »): a corpus of over 500 odd
inputs — amounts, dates, huge and odd text, control characters, arguments that were not UTF-8,
files that are not UTF-8, huge cells — over every command and file reader, run in process
through ``ecp.cli.main`` on a copy of small books.

Asserted for every case: no traceback (every failure is an ``EcpError`` or an argparse refusal:
exit 1 or 2 and a message starting « ecp »), and nothing written on a refusal (row counts of
every table, the chain's head and the archive's files are the same before and after). Bounded
time: the whole corpus runs in well under 60 s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecp import api, cli
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import DocumentSpec, LineInput
from tests.conftest import COMPANY

NOT_UTF8 = os.fsdecode(b"caf\xe9\xff")  # an argument that was not valid UTF-8 (surrogates)

AMOUNTS = ["", " ", "-", "+", "0", "-0", "0,001", "1e9", "NaN", "inf", "-inf", "0x10",
           "1_000", "١٢٣", "²", "12.345", "1.2.3", "1,234,567", "1 234 567,891",
           "92233720368547758,08", "-92233720368547758,08", "9223372036854775807",
           "50000000000000000", "1000000000000,01", "9" * 40, "9" * 400, "9" * 5000,
           "-" + "9" * 30, "(100)", "100 DH", "10\x00", NOT_UTF8]
DATES = ["", "9999-12-31", "0001-01-01", "0000-00-00", "2026-02-30", "2026-13-01",
         "31/12/9999", "1999-12-31", "2100-01-01", "2026-1-5", "26-01-05", "2026-01-05T10:00",
         "२०२६-०१-०५", "2026-01-05\x00", "x" * 5000, NOT_UTF8, "-1"]
MONTHS = ["", "9999-12", "0000-01", "2026-00", "2026-13", "2026-Q5", "2026-Q0", "9999-Q4",
          "2026", "x" * 3000, "2026-01\x1f", NOT_UTF8]
TEXTS = ["", " ", "x" * 4000, "é" * 301, "a\x00b", "a\x1fb", "a\x1eb", "\x7f", "\x1b[31m",
         "\u202eabc", "ligne 1\nligne 2", "=HYPERLINK(\"http://x\")", "'; DROP TABLE entries;--",
         "%s%n%x", "--", "-x", NOT_UTF8, "\ufeff", "ﷺ" * 200, "🙂" * 120]
CODES = ["", "x" * 200, "A B", "ECP", "a\x00", "--", "ÉÀ", NOT_UTF8, "1" * 30, "FZ\x1f"]


def commands() -> Iterator[list[str]]:
    """Every command, with one odd value in one slot at a time."""
    ok_entry = ["--journal", "VT", "--date", "2026-01-05", "--label", "Vente",
                "--line", "342111:FZ:10", "--line", "7111:FZ:-10"]
    for a in AMOUNTS:
        yield ["entry", "post", *ok_entry[:6], "--line", f"342111:FZ:{a}", "--line",
               f"7111:FZ:-{a}"]
        yield ["payment", "add", "--invoice", "F-2026-000001", "--amount", a, "--date",
               "2026-01-20", "--method", "virement"]
        yield ["expense", "add", "--member", "FZ", "--supplier", "S1", "--date", "2026-01-05",
               "--account", "6111", "--amount-ht", a, "--vat-rate", "20"]
        yield ["payout", "add", "--member", "FZ", "--amount", a, "--date", "2026-01-20",
               "--advance", "--reason", "essai"]
        yield ["product", "add", "P9", "--member", "FZ", "--name", "Caftan", "--unit", "pièce",
               "--price", a, "--vat", "20"]
        yield ["invoice", "create", "--member", "FZ", "--customer", "RIAD", "--date",
               "2026-01-05", "--line", f"Caftan|1|{a}|20"]
        yield ["invoice", "create", "--member", "FZ", "--customer", "RIAD", "--date",
               "2026-01-05", "--line", f"Caftan|{a}|100|20"]
        yield ["invoice", "create", "--member", "FZ", "--customer", "RIAD", "--date",
               "2026-01-05", "--line", f"Caftan|1|100|{a}"]
        yield ["stock", "receive", "--material", "M1", "--qty", a, "--date", "2026-01-05"]
        yield ["production", "order", "add", "--member", "FZ", "--product", "P1", "--qty", a,
               "--due", "2026-03-01"]
        yield ["member", "add", "NB", "--name", "Nadia", "--contribution-rate", a]
    for d in DATES:
        yield ["entry", "post", "--journal", "VT", "--date", d, *ok_entry[4:]]
        yield ["invoice", "create", "--member", "FZ", "--customer", "RIAD", "--date", d,
               "--line", "Caftan|1|100|20"]
        yield ["invoice", "create", "--member", "FZ", "--customer", "RIAD", "--date",
               "2026-01-05", "--due", d, "--line", "Caftan|1|100|20"]
        yield ["payment", "add", "--invoice", "F-2026-000001", "--amount", "1", "--date", d,
               "--method", "virement"]
        yield ["payout", "add", "--member", "FZ", "--amount", "1", "--date", d]
        yield ["entry", "reverse", "VT-2026-000001", "--date", d]
        yield ["report", "trial-balance", "--from", d]
        yield ["report", "trial-balance", "--to", d]
        yield ["report", "ledger", "--account", "5141", "--to", d]
        yield ["report", "aged-receivables", "--at", d]
        yield ["report", "member-balances", "--at", d]
        yield ["report", "dashboard", "--today", d]
        yield ["report", "stock", "--at", d]
        yield ["report", "bank-reconciliation", "--at", d]
        yield ["production", "plan", "--from", d]
        yield ["production", "order", "add", "--member", "FZ", "--product", "P1", "--qty", "1",
               "--due", d]
        yield ["stock", "receive", "--material", "M1", "--qty", "1", "--date", d]
        yield ["member", "capacity", "FZ", "--hours-per-week", "30", "--off", f"{d}:{d}"]
    for m in MONTHS:
        yield ["period", "close", m]
        yield ["period", "reopen", m, "--reason", "x"]
        yield ["report", "vat", "--period", m]
        yield ["entry", "list", "--month", m]
        yield ["member", "show", "FZ", "--month", m]
        yield ["contribution", "run", m]
        yield ["month", "close", m]
    for t in TEXTS:
        yield ["entry", "post", "--journal", "VT", "--date", "2026-01-05", "--label", t,
               *ok_entry[6:]]
        yield ["entry", "post", *ok_entry, "--ref", t]
        yield ["entry", "list", "--text", t]
        yield ["member", "add", "NB", "--name", t]
        yield ["member", "add", "NB", "--name", "Nadia", "--activity", t]
        yield ["member", "edit", "FZ", "--name-ar", t]
        yield ["account", "add", "342119", t]
        yield ["customer", "add", "C9", "--name", t, "--consumer"]
        yield ["customer", "add", "C9", "--name", "Client", "--consumer", "--address", t]
        yield ["customer", "add", "C9", "--name", "Client", "--ice", t]
        yield ["supplier", "add", "S9", "--name", "Fournisseur", "--city", t, "--foreign"]
        yield ["customer", "edit", "RIAD", "--name", t]
        yield ["product", "add", "P9", "--member", "FZ", "--name", t, "--unit", "pièce",
               "--price", "10", "--vat", "20"]
        yield ["material", "add", "M9", "--member", "FZ", "--name", t, "--unit", "kg"]
        yield ["invoice", "create", "--member", "FZ", "--customer", "RIAD", "--date",
               "2026-01-05", "--line", f"{t}|1|100|20"]
        yield ["payment", "add", "--invoice", "F-2026-000001", "--amount", "1", "--date",
               "2026-01-20", "--method", "virement", "--ref", t]
        yield ["period", "reopen", "2026-01", "--reason", t]
        yield ["settings", "set", "company.name", t]
        yield ["bank", "rule", "add", t, "--account", "4441"]
        yield ["bank", "rule", "add", "CNSS", "--account", "4441", "--label", t]
        yield ["payout", "add", "--member", "FZ", "--amount", "999999", "--date", "2026-01-20",
               "--advance", "--reason", t]
    for c in CODES:
        yield ["member", "add", c, "--name", "Nadia"]
        yield ["member", "show", c]
        yield ["account", "add", c, "Compte"]
        yield ["customer", "add", c, "--name", "Client", "--consumer"]
        yield ["entry", "show", c]
        yield ["entry", "post", "--journal", c, *ok_entry[2:]]
        yield ["entry", "post", *ok_entry[:6], "--line", f"{c}:FZ:10", "--line", "7111:FZ:-10"]
        yield ["entry", "post", *ok_entry[:6], "--line", f"342111:{c}:10",
               "--line", f"7111:{c}:-10"]
        yield ["invoice", "show", c]
        yield ["invoice", "issue", c]
        yield ["invoice", "create", "--member", c, "--customer", "RIAD", "--date",
               "2026-01-05", "--line", "Caftan|1|100|20"]
        yield ["invoice", "create", "--member", "FZ", "--customer", "RIAD", "--date",
               "2026-01-05", "--product", f"{c}:1"]
        yield ["credit-note", "create", "--invoice", c]
        yield ["payment", "add", "--invoice", c, "--amount", "1", "--date", "2026-01-20",
               "--method", "virement"]
        yield ["bank", "accept", c, "facture", "F-2026-000001"]
        yield ["bank", "suggest", c]
        yield ["settings", "set", c, "x"]
        yield ["verify", "--expect", c]
        yield ["report", "ledger", "--account", c]
        yield ["report", "journal", "--journal", c]
        yield ["production", "order", "show", c]


POSTINGS_HEADER = b"entry_ref,date,journal,label,account,dimension,debit,credit\n"
BANK_HEADER = "Date opération;Libellé;Débit;Crédit\n".encode("cp1252")


def files() -> Iterator[tuple[str, bytes]]:
    """Odd files for the two file readers: ``import postings`` and ``bank import``."""
    big = b"x" * (200 * 1024)
    row = b"A1,2026-01-05,VT,Vente,342111,FZ,1.00,\nA1,2026-01-05,VT,Vente,7111,FZ,,1.00\n"
    for name, data in (
            ("vide", b""), ("entete", POSTINGS_HEADER), ("latin1", POSTINGS_HEADER + row.replace(
                b"Vente", b"Vent\xe9")), ("nul", POSTINGS_HEADER + row.replace(b"Vente",
                                                                               b"Ve\x00nte")),
            ("us", POSTINGS_HEADER + row.replace(b"Vente", b"Ve\x1fnte")),
            ("grosse", POSTINGS_HEADER + b"A1,2026-01-05,VT," + big + b",342111,FZ,1.00,\n"),
            ("montant", POSTINGS_HEADER + row.replace(b"1.00", b"9" * 30 + b".00")),
            ("montant2", POSTINGS_HEADER + row.replace(b"1.00", b"9" * 5000)),
            ("unicode", POSTINGS_HEADER + row.replace(b"1.00", "\u0661.\u0660\u0660".encode())),
            ("date", POSTINGS_HEADER + row.replace(b"2026-01-05", b"9999-12-31")),
            ("date2", POSTINGS_HEADER + row.replace(b"2026-01-05", b"x" * 3000)),
            ("colonnes", POSTINGS_HEADER + b"A1" + b"," * 500 + b"\n"),
            ("guillemet", POSTINGS_HEADER + b'A1,"2026-01-05,VT\n'),
            ("libelle", POSTINGS_HEADER + row.replace(b"Vente", b"x" * 400)),
            ("ref", POSTINGS_HEADER + row.replace(b"A1", b"r" * 200)),
            ("crlf", (POSTINGS_HEADER + row).replace(b"\n", b"\r\n")),
            ("cr", (POSTINGS_HEADER + row).replace(b"\n", b"\r")),
            ("bom", b"\xef\xbb\xbf" + POSTINGS_HEADER + row),
            ("binaire", bytes(range(256)) * 40),
            ("erreurs", POSTINGS_HEADER + b"A,x,VT,V,1,FZ,a,b\n" * 3000)):
        yield "postings-" + name, data
    bank_row = "05/01/2026;Virement client;;100,00\n".encode("cp1252")
    for name, data in (
            ("vide", b""), ("entete", BANK_HEADER),
            ("utf8", BANK_HEADER + "05/01/2026;Café ✓;;1,00\n".encode()),
            ("nul", BANK_HEADER + bank_row.replace(b"Virement", b"Vire\x00ment")),
            ("grosse", BANK_HEADER + b"05/01/2026;" + big + b";;100,00\n"),
            ("montant", BANK_HEADER + bank_row.replace(b"100,00", b"9" * 30 + b",00")),
            ("montant2", BANK_HEADER + bank_row.replace(b"100,00", b"9" * 5000)),
            ("montant3", BANK_HEADER + bank_row.replace(b"100,00", "\u0661\u0660\u0660".encode())),
            ("date", BANK_HEADER + bank_row.replace(b"05/01/2026", b"31/12/9999")),
            ("date2", BANK_HEADER + bank_row.replace(b"05/01/2026", b"x" * 3000)),
            ("colonnes", BANK_HEADER + b";" * 1000 + b"\n"),
            ("libelle", BANK_HEADER + bank_row.replace(b"Virement client", b"x" * 5000)),
            ("binaire", bytes(range(256)) * 40),
            ("guillemet", BANK_HEADER + b'05/01/2026;"Virement;;100,00\n'),
            ("erreurs", BANK_HEADER + b"x;y;z;w\n" * 3000)):
        yield "bank-" + name, data


def snapshot(db: Path, archive: Path) -> tuple[object, ...]:
    con = sqlite3.connect(str(db))
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = tuple(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
        head = con.execute("SELECT max(id), max(hash) FROM entries").fetchone()
        settings = con.execute("SELECT group_concat(key || '=' || value) FROM settings"
                               ).fetchone()
    finally:
        con.close()
    shown = tuple(sorted(str(p) for p in archive.rglob("*"))) if archive.exists() else ()
    return counts, head, settings, shown


@pytest.fixture
def fuzz_books(db_path: Path) -> Path:
    """Small books: a customer, a supplier, a product, a material, an issued invoice."""
    books = api.open_books(str(db_path))
    try:
        for k, v in COMPANY.items():
            api.settings_set(books, k, v)
        api.add_customer(books, "RIAD", "Riad Tanja", consumer=True)
        api.add_supplier(books, "S1", "Fournisseur", if_number="40100001",
                         ice="001234567000062")
        api.add_product(books, "P1", "FZ", "Caftan", "pièce", 150000, Rate(2000), None)
        spec = DocumentSpec(kind="facture", member="FZ", customer="RIAD",
                            day=dt.date(2026, 1, 5),
                            lines=(LineInput("Caftan brodé", Quantity(1000), 150000,
                                             Rate(2000)),))
        api.issue_new(books, spec)
    finally:
        books.engine.dispose()
    return db_path


def test_fuzz_no_traceback_and_no_write_on_refusal(
        fuzz_books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5: 0 tracebacks and 0 writes on refusal over ≥ 500 odd inputs."""
    db = fuzz_books
    archive = db.parent / "archives"
    cases: list[list[str]] = list(commands())
    for name, data in files():
        f = tmp_path / f"{name}.csv"
        f.write_bytes(data)
        cases.append(["import", "postings", str(f)] if name.startswith("postings")
                     else ["bank", "import", str(f)])
    cases += [["import", "postings", str(tmp_path)], ["bank", "import", str(tmp_path)],
              ["import", "postings", str(tmp_path / "absent.csv")],
              ["bank", "import", str(tmp_path / NOT_UTF8)]]
    assert len(cases) >= 500
    problems: list[str] = []
    refusals = 0
    for args in cases:
        before = snapshot(db, archive)
        err = io.StringIO()
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                code = cli.main(["--db", str(db), *args])
        except SystemExit as exc:  # argparse's refusal of an argument
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception as exc:  # a traceback the user would have seen
            problems.append(f"{args!r:.200} : {type(exc).__name__}: {exc!s:.200}")
            continue
        text = err.getvalue()
        if code == 0:
            continue
        refusals += 1
        if code not in (1, 2) or not text.startswith("ecp") or "Traceback" in text:
            problems.append(f"{args!r:.200} : exit {code}, {text!r:.300}")
        if snapshot(db, archive) != before:
            problems.append(f"{args!r:.200} : refused (exit {code}) but wrote")
    capsys.readouterr()
    assert not problems, f"{len(problems)} of {len(cases)}:\n" + "\n".join(problems[:40])
    assert refusals > len(cases) // 2
    # No time bound here (performance is measured in bench/, not asserted in tests): most of
    # the run is argparse building the whole command tree once per case (about 30 ms).
