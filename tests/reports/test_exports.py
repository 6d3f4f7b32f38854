"""Auditor exports: CSV round trips (plain and Excel), formula neutralising, the manifest,
the hledger journal read back by hledger and ledger-cli, and the command line end to end.

hledger and ledger-cli are optional: without them on PATH their tests are skipped, unless
``ECP_REQUIRE_HLEDGER=1`` (CI), which makes a missing tool a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import parse_csv_amount
from ecp.ledger.entry import LineSpec
from ecp.ledger.queries import PostingRow
from ecp.reports import exports

D = dt.date
TRICKY_LABEL = "-x; a|b\n  deuxième\tligne"


def amount(cell: str) -> int:
    """A debit/credit/solde cell as centimes; fails if it is not a plain number."""
    v = parse_csv_amount(cell)
    assert v is not None
    return v


@pytest.fixture
def posted(books: api.Books) -> api.Books:
    """A few entries with the awkward cases: formula-like text, a multi-dimension entry,
    third parties, a reversal, three months."""
    api.post_entry(books, "VT", D(2026, 1, 20), "Caftan brodé", [
        LineSpec("342111", "FZ", 120000, third_party="Hôtel Tanja"),
        LineSpec("7111", "FZ", -100000),
        LineSpec("4455", "FZ", -20000)], reference="FA-2026-00001")
    bad = api.post_entry(books, "VT", D(2026, 1, 25), "=SUM(A1)", [
        LineSpec("342111", "KH", 5000, third_party="@evil"),
        LineSpec("7111", "KH", -5000)], reference="-x")
    api.post_entry(books, "AC", D(2026, 2, 3), TRICKY_LABEL, [
        LineSpec("61312", "ECP", 450000),
        LineSpec("34554", "ECP", 90000),
        LineSpec("44111", "ECP", -540000, third_party="+212 600")])
    api.post_entry(books, "OD", D(2026, 2, 10), "Avance de l'ECP à YS", [
        LineSpec("44881", "ECP", 500000), LineSpec("5141", "ECP", -500000),
        LineSpec("5141", "YS", 500000), LineSpec("44881", "YS", -500000)])
    api.post_entry(books, "BQ", D(2026, 3, 5), "'déjà cité", [
        LineSpec("5141", "FZ", 120000), LineSpec("342111", "FZ", -120000)])
    api.reverse_entry(books, bad.ref, D(2026, 3, 10))
    return books


def read_csv(path: Path, excel: bool = False) -> tuple[list[str], list[dict[str, str]]]:
    enc, delim = ("utf-8-sig", ";") if excel else ("utf-8", ",")
    with path.open(encoding=enc, newline="") as f:
        r = csv.reader(f, delimiter=delim)
        header = next(r)
        return header, [dict(zip(header, row, strict=True)) for row in r]


def read_manifest(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        k, sep, v = line.partition(": ")
        assert sep, line
        out[k] = v
    return out


def line_count(books: api.Books) -> int:
    with api.postings(books) as rows:
        return sum(1 for _ in rows)


# --- CSV round trips -------------------------------------------------------------------------

@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_journal_round_trip(posted: api.Books, tmp_path: Path, excel: bool) -> None:
    out = tmp_path / "journal.csv"
    res = api.export(posted, "journal", out, None, None, None, excel)
    header, rows = read_csv(out, excel)
    assert tuple(header) == exports.JOURNAL_COLUMNS
    assert res.path == out and res.rows == len(rows) == line_count(posted) == 16
    debit = credit = 0
    for r in rows:
        assert (r["debit"] == "") != (r["credit"] == ""), r  # exactly one side
        if r["debit"]:
            debit += amount(r["debit"])
        else:
            credit += amount(r["credit"])
        assert len(r["empreinte"]) == 64
    tb = api.trial_balance(posted)
    assert debit == credit == tb.total("debit") == tb.total("credit") == res.debit == res.credit
    # Entries in journal order, lines in entry order.
    refs = [r["numero_ecriture"] for r in rows]
    assert refs == sorted(refs)
    raw = out.read_bytes()
    if excel:
        assert raw.startswith(b"\xef\xbb\xbf")
        assert b";1200,00;" in raw and b"1200.00" not in raw
    else:
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b",1200.00," in raw
    assert raw.endswith(b"\r\n")  # RFC 4180 line ends


def test_journal_keeps_text_intact_for_a_csv_reader(posted: api.Books, tmp_path: Path) -> None:
    out = tmp_path / "j.csv"
    api.export(posted, "journal", out, None, None, None, False)
    _, rows = read_csv(out)
    ac = [r for r in rows if r["journal"] == "AC"]
    # The tricky label starts with "-": neutralised, otherwise intact (newline, tab, ; and |).
    assert {r["libelle"] for r in ac} == {"'" + TRICKY_LABEL}
    assert {r["intitule_compte"] for r in ac if r["compte"] == "61312"} == \
        {"Location de constructions"}
    fa = [r for r in rows if r["reference"] == "FA-2026-00001"]
    assert [r["tiers"] for r in fa] == ["Hôtel Tanja", "", ""]
    assert [r["dimension"] for r in fa] == ["FZ"] * 3
    assert fa[0]["date"] == "2026-01-20" and fa[0]["numero_ecriture"] == "VT-2026-000001"


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_filtered_journal_balances_like_the_trial_balance(posted: api.Books, tmp_path: Path,
                                                          excel: bool) -> None:
    out = tmp_path / "fz.csv"
    res = api.export(posted, "journal", out, D(2026, 1, 21), D(2026, 3, 31), "FZ", excel)
    _, rows = read_csv(out, excel)
    assert rows and all(r["dimension"] == "FZ" for r in rows)
    assert all("2026-01-21" <= r["date"] <= "2026-03-31" for r in rows)
    tb = api.trial_balance(posted, D(2026, 1, 21), D(2026, 3, 31), "FZ")
    debit = sum(amount(r["debit"]) for r in rows if r["debit"])
    credit = sum(amount(r["credit"]) for r in rows if r["credit"])
    assert debit == credit == tb.total("debit") == res.debit == 120000
    man = read_manifest(exports.manifest_path(out))
    assert man["Période"] == "du 2026-01-21 au 2026-03-31" and man["Dimension"] == "FZ"


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_ledger_running_balance_starts_from_the_opening(posted: api.Books, tmp_path: Path,
                                                        excel: bool) -> None:
    out = tmp_path / "gl.csv"
    start = D(2026, 2, 1)
    res = api.export(posted, "ledger", out, start, None, None, excel)
    header, rows = read_csv(out, excel)
    assert tuple(header) == exports.LEDGER_COLUMNS
    keys = [(r["compte"], r["date"]) for r in rows]
    assert keys == sorted(keys)
    tb = {r.account: r for r in api.trial_balance(posted, start).rows}
    last: dict[str, int] = {}
    for r in rows:
        a = r["compte"]
        prev = last.get(a, tb[a].opening_debit - tb[a].opening_credit)
        move = amount(r["debit"]) if r["debit"] else -amount(r["credit"])
        assert amount(r["solde"]) == prev + move, r
        last[a] = amount(r["solde"])
    for a, bal in last.items():
        assert bal == tb[a].closing_debit - tb[a].closing_credit
    # 342111 carried 1250.00 of January sales into February: paid 1200.00, reversed 50.00.
    assert [r["solde"] for r in rows if r["compte"] == "342111"] == (
        ["50,00", "0,00"] if excel else ["50.00", "0.00"])
    # A negative running balance stays a number: never neutralised.
    assert any(r["solde"].startswith("-") for r in rows)
    assert res.rows == len(rows)


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_trial_balance_export(posted: api.Books, tmp_path: Path, excel: bool) -> None:
    out = tmp_path / "bg.csv"
    start, end = D(2026, 2, 1), D(2026, 2, 28)
    res = api.export(posted, "trial-balance", out, start, end, None, excel)
    header, rows = read_csv(out, excel)
    assert tuple(header) == exports.TRIAL_BALANCE_COLUMNS
    tb = api.trial_balance(posted, start, end)
    assert [r["compte"] for r in rows] == [t.account for t in tb.rows]
    for r, t in zip(rows, tb.rows, strict=True):
        assert r["intitule"] == t.name
        assert [amount(r[c]) for c in exports.TRIAL_BALANCE_COLUMNS[2:]] == [
            t.opening_debit, t.opening_credit, t.debit, t.credit, t.closing_debit,
            t.closing_credit]
    assert res.rows == len(rows)
    assert res.debit == res.credit == tb.total("debit") == 1540000


# --- formula injection -----------------------------------------------------------------------

def test_neutralise() -> None:
    for text in ("=SUM(A1)", "+1", "-x", "@cmd", "\tx", "\rx", "'x"):
        assert exports.neutralise(text) == "'" + text
    for text in ("", "Vente", "1200.00", " =x", "VT-2026-000001"):
        assert exports.neutralise(text) == text


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_formula_cells_are_neutralised_and_amounts_stay_numbers(
        posted: api.Books, tmp_path: Path, excel: bool) -> None:
    out = tmp_path / "j.csv"
    api.export(posted, "journal", out, None, None, None, excel)
    _, rows = read_csv(out, excel)
    sums = [r for r in rows if r["numero_ecriture"] == "VT-2026-000002"]
    assert [r["libelle"] for r in sums] == ["'=SUM(A1)"] * 2
    assert [r["reference"] for r in sums] == ["'-x"] * 2
    assert sums[0]["tiers"] == "'@evil"
    assert sums[0]["debit"] == ("50,00" if excel else "50.00") and sums[1]["credit"]
    assert {r["tiers"] for r in rows if r["compte"] == "44111"} == {"'+212 600"}
    assert {r["libelle"] for r in rows if r["journal"] == "BQ"} == {"''déjà cité"}
    for r in rows:  # every amount cell is a bare number, every text cell is safe
        for c in ("debit", "credit"):
            assert r[c] == "" or r[c][0].isdigit()
        for c in exports.JOURNAL_COLUMNS:
            if c not in ("debit", "credit"):
                assert not r[c].startswith(("=", "+", "-", "@", "\t", "\r")), (c, r[c])
    # Reversible: one leading apostrophe off gives back what was typed.
    assert sums[0]["libelle"][1:] == "=SUM(A1)"


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel"])
def test_journal_carries_who_posted_each_entry_and_when(posted: api.Books, tmp_path: Path,
                                                         excel: bool) -> None:
    """Audit trail (issue 12): each journal line carries its entry's posted_by and posted_at
    (the two last columns, as stored and chained); the ledger's columns are unchanged."""
    import sqlite3
    api.post_entry(posted, "OD", D(2026, 3, 20), "Saisie par Karima", [
        LineSpec("5141", "ECP", 1000), LineSpec("44881", "ECP", -1000)], user="=karima")
    out = tmp_path / "journal.csv"
    api.export(posted, "journal", out, None, None, None, excel)
    header, rows = read_csv(out, excel)
    assert header[-2:] == ["posted_by", "posted_at"]
    assert exports.JOURNAL_COLUMNS[-2:] == ("posted_by", "posted_at")
    assert posted.path is not None
    with sqlite3.connect(str(posted.path)) as con:
        stored = {f"{j}-{y}-{n:06d}": (by, at) for j, y, n, by, at in con.execute(
            "SELECT journal, fiscal_year, number, posted_by, posted_at FROM entries")}
    con.close()
    assert len(stored) == 7
    for r in rows:
        by, at = stored[r["numero_ecriture"]]
        assert r["posted_at"] == at and dt.datetime.fromisoformat(at)
        assert r["posted_by"] == ("'" + by if by.startswith("=") else by)
    assert [r["posted_by"] for r in rows if r["numero_ecriture"] == "OD-2026-000002"] == [
        "'=karima"] * 2  # neutralised like every text cell
    ledger = tmp_path / "ledger.csv"
    api.export(posted, "ledger", ledger, None, None, None, excel)
    assert tuple(read_csv(ledger, excel)[0]) == exports.LEDGER_COLUMNS
    assert exports.LEDGER_COLUMNS[-1] == "solde" and "posted_by" not in exports.LEDGER_COLUMNS


# --- manifest and chain head -----------------------------------------------------------------

@pytest.mark.parametrize("what", ["journal", "ledger", "trial-balance"])
def test_manifest_ties_the_file_to_the_chain_head(posted: api.Books, tmp_path: Path,
                                                   what: str) -> None:
    out = tmp_path / f"{what}.csv"
    res = api.export(posted, what, out, None, None, None, False)
    head = api.chain_head(posted)
    assert res.head == head and head.count == 6
    assert res.manifest == tmp_path / f"{what}.csv.manifest.txt"
    man = read_manifest(res.manifest)
    assert man["Type"] == what and man["Fichier"] == out.name
    assert man["Tête de chaîne"] == str(head)
    assert man["SHA-256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert man["Lignes"] == str(res.rows)
    assert man["Total débit"] == man["Total crédit"] == f"{res.debit // 100}.{res.debit % 100:02d}"
    assert man["Période"] == "toutes dates" and man["Dimension"].startswith("toutes")
    assert man["Contrôle de la base"] == f"ecp verify --expect {head}"
    assert dt.datetime.fromisoformat(man["Créé le"]).tzinfo is not None
    # What the auditor then checks: the books still end where the manifest says.
    count, _, h = man["Tête de chaîne"].partition(":")
    assert api.verify(posted, ChainHead(int(count), h)).ok
    # ...and an altered file no longer matches.
    out.write_bytes(out.read_bytes().replace(b"1200", b"1300"))
    assert hashlib.sha256(out.read_bytes()).hexdigest() != man["SHA-256"]


def test_exports_are_stamped_by_the_books_clock(posted: api.Books, tmp_path: Path) -> None:
    """The manifest's « Créé le » and the hledger header come from the books' clock (frozen in
    tests), never from the machine's."""
    at = dt.datetime(2026, 3, 31, 18, 30, 5)  # noqa: DTZ001 - the books' clock is local wall time
    posted.now_clock = lambda: at
    stamp = at.astimezone().isoformat(timespec="seconds")
    for what in ("journal", "ledger", "trial-balance"):
        res = api.export(posted, what, tmp_path / f"{what}.csv", None, None, None, False)
        assert res.manifest is not None
        assert read_manifest(res.manifest)["Créé le"] == stamp
    res = api.export_hledger(posted, tmp_path / "books.journal")
    assert f"créé le {stamp}" in (tmp_path / "books.journal").read_text(encoding="utf-8")
    assert res.manifest is not None and read_manifest(res.manifest)["Créé le"] == stamp


def test_head_is_the_whole_books_even_when_filtered(posted: api.Books, tmp_path: Path) -> None:
    res = api.export(posted, "journal", tmp_path / "j.csv", D(2026, 1, 1), D(2026, 1, 31),
                     "KH", False)
    assert res.head == api.chain_head(posted) and res.rows == 2


def test_empty_books_export_header_only(books: api.Books, tmp_path: Path) -> None:
    out = tmp_path / "vide.csv"
    res = api.export(books, "journal", out, None, None, None, False)
    assert out.read_bytes() == (",".join(exports.JOURNAL_COLUMNS) + "\r\n").encode()
    assert res.rows == res.debit == res.credit == 0 and res.head.count == 0
    assert read_manifest(exports.manifest_path(out))["Tête de chaîne"] == str(res.head)


# --- refusals and failures -------------------------------------------------------------------

def test_bad_requests_are_refused(posted: api.Books, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(InputError, match="inconnu"):
        api.export(posted, "bilan", out, None, None, None, False)
    with pytest.raises(InputError, match="après"):
        api.export(posted, "journal", out, D(2026, 3, 1), D(2026, 2, 1), None, False)
    with pytest.raises(NotFoundError, match="ZZ"):
        api.export(posted, "journal", out, None, None, "ZZ", False)
    with pytest.raises(InputError, match="dossier"):
        api.export(posted, "journal", tmp_path / "absent" / "x.csv", None, None, None, False)
    with pytest.raises(InputError, match="dossier"):
        api.export(posted, "journal", tmp_path, None, None, None, False)
    before = db_path.read_bytes()
    with pytest.raises(InputError, match="base"):
        api.export(posted, "journal", db_path, None, None, None, False)
    with pytest.raises(InputError, match="base"):
        api.export_hledger(posted, db_path)
    assert db_path.read_bytes() == before
    assert not out.exists()


def test_an_interrupted_export_leaves_no_file(tmp_path: Path) -> None:
    row = PostingRow(1, "VT", "VT-2026-000001", "2026-01-20", "Vente", "", "7111", "Ventes",
                     "FZ", None, None, -100, "0" * 64)

    def rows() -> Iterator[PostingRow]:
        yield row
        raise RuntimeError("disque plein")

    out = tmp_path / "j.csv"
    out.write_text("ancien export", encoding="utf-8")
    with pytest.raises(RuntimeError):
        exports.write_postings(rows(), out)
    assert out.read_text(encoding="utf-8") == "ancien export"  # untouched, not truncated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.csv"]  # no temporary left


def test_rows_are_streamed_not_collected(tmp_path: Path) -> None:
    """The writer pulls rows one at a time: it works from a generator and has written the
    first rows before the last one is produced."""
    out = tmp_path / "j.csv"
    seen_written: list[int] = []

    def rows() -> Iterator[PostingRow]:
        for i in range(20000):
            if i == 19999:
                seen_written.append(sum(p.stat().st_size for p in tmp_path.iterdir()))
            yield PostingRow(i, "VT", f"VT-2026-{i:06d}", "2026-01-20", "Vente", "", "7111",
                             "Ventes", "FZ", None, None, 100 if i % 2 else -100, "0" * 64)

    n, d, c = exports.write_postings(rows(), out)
    assert (n, d, c) == (20000, 1000000, 1000000)
    assert seen_written[0] > 0  # bytes reached the (temporary) file before the end


# --- hledger and ledger-cli ------------------------------------------------------------------

def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("ECP_REQUIRE_HLEDGER") == "1":
            pytest.fail(f"{tool} introuvable dans le PATH alors que ECP_REQUIRE_HLEDGER=1")
        pytest.skip(f"{tool} introuvable dans le PATH (ECP_REQUIRE_HLEDGER=1 pour l'exiger)")
    return path


def run(*cmd: str) -> str:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}  # hledger reads UTF-8 only so
    p = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env,
                       timeout=120)
    assert p.returncode == 0, f"{cmd} : {p.stderr}"
    return p.stdout


def closing_balances(books: api.Books) -> dict[str, int]:
    return {r.account: r.closing_debit - r.closing_credit
            for r in api.trial_balance(books).rows}


def hl_amount(text: str) -> int:
    """``-1234.50 MAD``, ``0`` or ``6447.8`` as centimes (hledger/ledger drop zeros)."""
    t = text.strip().removesuffix("MAD").strip()
    return amount(t)


@pytest.fixture
def hledger_file(posted: api.Books, tmp_path: Path) -> Path:
    out = tmp_path / "livres.journal"
    res = api.export_hledger(posted, out)
    assert res.rows == 6 and res.head == api.chain_head(posted)
    assert res.debit == res.credit
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"; Tête de chaîne: {res.head}"
    assert res.manifest is not None
    man = read_manifest(res.manifest)
    assert man["SHA-256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert man["Écritures"] == "6" and man["Tête de chaîne"] == str(res.head)
    return out


def test_hledger_reads_the_books_and_agrees_with_the_trial_balance(
        posted: api.Books, hledger_file: Path) -> None:
    hledger = need("hledger")
    out = run(hledger, "-f", str(hledger_file), "balance", "--flat", "--empty", "-O", "csv")
    rows = list(csv.reader(out.splitlines()))
    assert rows[0] == ["account", "balance"] and rows[-1][0] == "total"
    got = {a: hl_amount(b) for a, b in rows[1:-1]}
    assert got == closing_balances(posted)
    assert hl_amount(rows[-1][1]) == 0
    # Transactions in chain order, numbered, labels sanitised but whole, hash in the comment.
    printed = list(csv.DictReader(
        run(hledger, "-f", str(hledger_file), "print", "-O", "csv").splitlines()))
    txns: dict[str, dict[str, str]] = {}
    for p in printed:
        txns.setdefault(p["txnidx"], p)
    codes = [t["code"] for t in txns.values()]
    assert codes == ["VT-2026-000001", "VT-2026-000002", "AC-2026-000001", "OD-2026-000001",
                     "BQ-2026-000001", "VT-2026-000003"]
    tricky = next(t for t in txns.values() if t["code"] == "AC-2026-000001")
    assert tricky["description"] == "-x, a/b deuxième ligne"
    assert "empreinte: " in tricky["comment"]
    # Dimension tags: one member's books are a query away, and balance on their own.
    fz = run(hledger, "-f", str(hledger_file), "balance", "--flat", "-O", "csv", "tag:dim=FZ")
    fz_rows = list(csv.reader(fz.splitlines()))
    tb_fz = {r.account: r.closing_debit - r.closing_credit
             for r in api.trial_balance(posted, dimension="FZ").rows
             if r.closing_debit or r.closing_credit}
    assert {a: hl_amount(b) for a, b in fz_rows[1:-1]} == tb_fz


def test_ledger_cli_reads_the_books_and_agrees_with_the_trial_balance(
        posted: api.Books, hledger_file: Path) -> None:
    ledger = need("ledger")
    out = run(ledger, "-f", str(hledger_file), "balance", "--flat", "--empty", "--no-total",
              "-F", "%(account)\t%(quantity(scrub(display_total)))\n")
    got: dict[str, int] = defaultdict(int)
    for line in out.splitlines():
        acc, _, bal = line.partition("\t")
        got[acc] += hl_amount(bal)
    assert dict(got) == closing_balances(posted)
    reg = run(ledger, "-f", str(hledger_file), "register", "-F",
              "%(code)|%(payee)|%(tag(\"dim\"))\n")
    lines = reg.splitlines()
    assert len(lines) == line_count(posted)
    assert "AC-2026-000001|-x, a/b deuxième ligne|ECP" in lines
    assert "VT-2026-000002|=SUM(A1)|KH" in lines


def test_hledger_description_sanitising() -> None:
    assert exports.hledger_description("  a;b|c\r\nd\te  ") == "a,b/c d e"
    assert exports.hledger_description(" \n ") == "(sans libellé)"
    assert exports.hledger_description("Vente  à\u2028Tanger") == "Vente à Tanger"


# --- command line ----------------------------------------------------------------------------

def ecp(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ECP_USER": "testeur"}
    env.pop("ECP_DB", None)
    return subprocess.run([sys.executable, "-m", "ecp", "--db", str(db), *args],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120)


def test_cli_export_end_to_end(posted: api.Books, db_path: Path, tmp_path: Path) -> None:
    head = api.chain_head(posted)
    out = tmp_path / "journal.csv"
    p = ecp(db_path, "export", "journal", "--out", str(out), "--from", "2026-01-01",
            "--to", "2026-12-31")
    assert p.returncode == 0, p.stderr
    assert f"Tête de chaîne : {head}" in p.stdout
    assert "16 lignes" in p.stdout and "Manifeste" in p.stdout
    assert read_manifest(exports.manifest_path(out))["Tête de chaîne"] == str(head)

    p = ecp(db_path, "export", "ledger", "--out", str(tmp_path / "gl.csv"), "--excel",
            "--dimension", "FZ")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "gl.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    p = ecp(db_path, "export", "hledger", "--out", str(tmp_path / "l.journal"))
    assert p.returncode == 0, p.stderr
    assert f"Tête de chaîne : {head}" in p.stdout and "6 écritures" in p.stdout

    p = ecp(db_path, "verify", "--expect", str(head))
    assert p.returncode == 0, p.stdout + p.stderr

    p = ecp(db_path, "export", "journal", "--out", str(tmp_path / "x.csv"), "--dimension", "ZZ")
    assert p.returncode == 2 and "ZZ" in p.stderr
    assert not (tmp_path / "x.csv").exists()
