"""The command line's edges (issue 12): CSV outputs a spreadsheet never evaluates (failure 9),
a closed pipe and arguments that are not UTF-8 without a traceback (failure 5)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecp.cli import _all_parsers, build_parser, main
from ecp.reports.render import render

EVIL = '=HYPERLINK("http://x","y")'

# Every command with --format, with the arguments it needs (the demo's figures).
CSV_COMMANDS: dict[str, list[str]] = {
    "ecp member list": ["member", "list"],
    "ecp member show": ["member", "show", "M001", "--month", "2026-11"],
    "ecp account list": ["account", "list"],
    "ecp entry show": ["entry", "show", "1"],
    "ecp entry list": ["entry", "list"],
    "ecp period list": ["period", "list"],
    "ecp report vat": ["report", "vat", "--period", "2026-11"],
    "ecp report aged-receivables": ["report", "aged-receivables"],
    "ecp report dunning": ["report", "dunning", "--date", "2027-02-20"],
    "ecp report impact": ["report", "impact", "--from", "2026-01-01", "--to", "2026-12-31"],
    "ecp network report": ["network", "report", "--from", "2026-01-01", "--to", "2026-12-31"],
    "ecp report trial-balance": ["report", "trial-balance"],
    "ecp report ledger": ["report", "ledger"],
    "ecp report journal": ["report", "journal"],
    "ecp report dashboard": ["report", "dashboard"],
    "ecp report member-balances": ["report", "member-balances"],
    "ecp report stock": ["report", "stock"],
    "ecp report bank-reconciliation": ["report", "bank-reconciliation", "--account", "5141",
                                       "--at", "2026-12-31"],
    "ecp settings show": ["settings", "show"],
    "ecp customer list": ["customer", "list"],
    "ecp supplier list": ["supplier", "list"],
    "ecp product list": ["product", "list"],
    "ecp quote list": ["quote", "list"],
    "ecp invoice show": ["invoice", "show", "F-2026-000001"],
    "ecp invoice list": ["invoice", "list"],
    "ecp credit-note list": ["credit-note", "list"],
    "ecp expense list": ["expense", "list"],
    "ecp material list": ["material", "list"],
    "ecp resource list": ["resource", "list"],
    "ecp production order list": ["production", "order", "list"],
    "ecp production plan": ["production", "plan"],
    "ecp production needs": ["production", "needs"],
    "ecp production bom": ["production", "bom", "CAFTAN"],
    "ecp production capacities": ["production", "capacities"],
    "ecp bank profile list": ["bank", "profile", "list"],
    "ecp bank lines": ["bank", "lines"],
    "ecp bank suggest": ["bank", "suggest", "1"],
    "ecp bank rule list": ["bank", "rule", "list"],
    "ecp vat show": ["vat", "show", "2026-11"],
    "ecp vat list": ["vat", "list"],
    "ecp report payroll": ["report", "payroll", "--period", "2026-11"],
    "ecp report bilan": ["report", "bilan", "--year", "2026"],
    "ecp report cpc": ["report", "cpc", "--year", "2026"],
    "ecp report esg": ["report", "esg", "--year", "2026", "--model", "normal"],
    "ecp report tf": ["report", "tf", "--year", "2026"],
    "ecp report etic": ["report", "etic", "--year", "2026", "--table", "tva"],
    "ecp statement": ["statement", "annual", "2026"],  # --format: the annual statement's
}


def _cli(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_cell_neutralises_text_and_keeps_numbers() -> None:
    """Failure 9, the one rule: text starting = + - @ tab CR gets a leading apostrophe (as the
    auditor exports); plain numbers (amounts, negative ones too) stay numbers."""
    from ecp.reports.cells import csv_cell, neutralise

    for text in (EVIL, "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "'quoted"):
        assert csv_cell(text) == neutralise(text) == "'" + text
    for number in ("-1234.50", "1234.50", "0", "12", "-3"):
        assert csv_cell(number) == number
    assert csv_cell(7) == 7 and csv_cell(None) == ""
    assert csv_cell("2026-11-03") == "2026-11-03" and csv_cell("Caftan") == "Caftan"
    table = render(["libelle", "montant"], [(EVIL, "-12.50")], "csv")
    assert list(csv.reader(io.StringIO(table))) == [["libelle", "montant"],
                                                     ["'" + EVIL, "-12.50"]]


def _format_commands() -> dict[str, list[str]]:
    """Every command with --format: its arguments from the table, or none (the test below
    then runs it as is: a new command is covered at once)."""
    found = {sp.prog for sp in _all_parsers(build_parser())
             if any("--format" in a.option_strings for a in sp._actions)}
    assert set(CSV_COMMANDS) <= found
    return {prog: CSV_COMMANDS.get(prog, prog.split()[1:]) for prog in sorted(found)}


def _dangerous(cell: str) -> bool:
    """A cell a spreadsheet would evaluate: = + @ tab CR first, or - not before a number."""
    return cell.startswith(("=", "+", "@", "\t", "\r")) or (
        cell.startswith("-") and re.fullmatch(r"-[0-9]+(?:\.[0-9]+)?", cell) is None)


def test_every_csv_output_is_safe(demo_path: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Failure 9: ``--format csv`` of ``bank lines``, ``report bank-reconciliation`` and six
    other commands wrote live formulas (``=HYPERLINK(…)`` from a bank label). The label goes in
    through a bank statement, an entry, a customer and a member; every CSV is then read back:
    no cell a spreadsheet would evaluate, the label shown neutralised where it appears."""
    db = demo_path
    statement = tmp_path / "releve.csv"
    statement.write_text("Date opération;Libellé;Débit;Crédit\n"
                         f"10/12/2026;\"{EVIL.replace(chr(34), chr(34) * 2)}\";;100,00\n"
                         "11/12/2026;-VIR 2+2;25,00;\n", encoding="utf-8")
    for args in (["bank", "import", str(statement)],
                 ["entry", "post", "--journal", "OD", "--date", "2026-12-10", "--label", EVIL,
                  "--ref", "@ref", "--line", "61254:ECP:10", "--line", "5161:ECP:-10"],
                 ["customer", "add", "EVIL", "--name", EVIL, "--consumer"]):
        code, _out, err = _cli(db, *args, capsys=capsys)
        assert code == 0, (args, err)
    where_seen = set()
    for name, args in _format_commands().items():
        code, out, err = _cli(db, *args, "--format", "csv", capsys=capsys)
        assert code == 0, (name, err)
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not _dangerous(cell), (name, cell)
                if cell == "'" + EVIL:
                    where_seen.add(name)
    assert {"ecp bank lines", "ecp report bank-reconciliation", "ecp entry list",
            "ecp report journal", "ecp report ledger", "ecp customer list"} <= where_seen, \
        where_seen


def _ecp(db: Path, *args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "ECP_DB"}
    env["ECP_USER"] = "amina"
    return subprocess.run([sys.executable, "-m", "ecp", "--db", str(db), *args],
                          capture_output=True, timeout=180, env=env)


def test_closed_pipe_is_quiet(demo_path: Path) -> None:
    """Failure 5: ``ecp report journal | head -1`` ended in a BrokenPipe traceback."""
    env = {k: v for k, v in os.environ.items() if k != "ECP_DB"}
    for args in (["report", "journal"], ["--help"]):
        p = subprocess.Popen([sys.executable, "-m", "ecp", "--db", str(demo_path), *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert p.stdout is not None and p.stderr is not None
        p.stdout.readline()
        p.stdout.close()  # what ``head -1`` does once it has its line
        err = p.stderr.read().decode("utf-8")
        code = p.wait(timeout=180)
        assert "Traceback" not in err and "BrokenPipe" not in err, err
        assert err == "" and code in (0, 141), (args, code, err)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX hands over argv bytes")
def test_argument_not_utf8_is_refused(demo_path: Path, tmp_path: Path) -> None:
    """Failure 5: an argument that is not valid UTF-8 gave a traceback; now one French line,
    exit 2, nothing written."""
    before = demo_path.read_bytes()
    out = tmp_path / "sorties" / "export.csv"
    out.parent.mkdir()
    for args in ([b"member", b"add", b"M9", b"--name", b"Caf\xe9"],
                 [b"entry", b"post", b"--journal", b"OD", b"--date", b"2026-12-02",
                  b"--label", b"\xff\xfe", b"--line", b"61254:ECP:10", b"--line",
                  b"5161:ECP:-10"],
                 [b"export", b"journal", b"--out", str(out).encode() + b"\xe9"],
                 [b"member", b"show", b"\xc3"]):
        r = _ecp(demo_path, *args)
        err = r.stderr.decode("utf-8")
        assert r.returncode == 2, (args, err)
        assert "Traceback" not in err and err.count("\n") == 1, err
        assert "UTF-8" in err and err.startswith("ecp : argument n°"), err
    assert demo_path.read_bytes() == before
    assert list(out.parent.iterdir()) == []
