"""``ecp invoice remind``, ``ecp report dunning`` and the history of ``ecp invoice show``, as a
user types them, on the demo (issue 17, item 9).

The demo's open invoices (60 days' terms): F-2026-000004 (M002, HOTEL) of 06/11/2026, TTC
8 640,00 less a cheque of 4 000,00 = 4 640,00 left, due 05/01/2027; F-2026-000005 (M003, HAFA)
of 09/11/2026, TTC 7 800,00 less a credit note of 600,00 = 7 200,00, due 08/01/2027;
F-2026-000007 (M004, HOTEL) of 16/11/2026, TTC 2 520,00, due 15/01/2027. At 20/02/2027 they are
46, 43 and 36 days late (26 days of January after the 5th + 20 = 46; 23 + 20 = 43; 16 + 20 =
36): all in the 31–60 band, 14 360,00 in all.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ecp.cli import main


@pytest.fixture
def run(demo_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    # the demo's invoices fall due in 2027: its letters are dated then, beyond the default 30
    # days after today that a document may be dated
    assert main(["--db", str(demo_path), "settings", "set", "documents.max_future_days",
                 "366"]) == 0
    capsys.readouterr()

    def go(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(demo_path), *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return go


def test_dunning_report_by_band(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("report", "dunning", "--date", "2027-02-20", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["facture"], r["jours_retard"], r["tranche"], r["reste_du"],
             r["prochaine_etape"]) for r in rows] == [
        ("F-2026-000004", "46", "31-60", "4640.00", "relance"),
        ("F-2026-000005", "43", "31-60", "7200.00", "relance"),
        ("F-2026-000007", "36", "31-60", "2520.00", "relance")]
    code, out, _ = run("report", "dunning", "--date", "2027-02-20")
    assert code == 0 and "TOTAL" in out and "14 360,00" in out
    code, out, _ = run("report", "dunning", "--date", "2026-12-07", "--format", "json")
    assert code == 0 and json.loads(out) == []  # nothing overdue on the demo's day


def test_remind_then_mise_en_demeure(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Relance of F-2026-000004 on 01/02/2027 (27 days late); the mise en demeure is refused on
    10/02 (the gap of 15 days runs to 16/02), accepted on 20/02 with --out; both in the
    invoice's history and in the dunning report (next step: the courts)."""
    code, out, err = run("invoice", "remind", "F-2026-000004", "--date", "2027-02-01")
    assert code == 0, err
    assert "Relance de F-2026-000004 au 01/02/2027 : 4 640,00 DH dus, 27 jours" in out
    assert "archives/2027/F-2026-000004-relance1-20270201.pdf" in out
    code, out, err = run("invoice", "remind", "F-2026-000004", "--date", "2027-02-10",
                         "--level", "2")
    assert code == 2 and err.startswith("ecp : --date : ") and "16/02/2027" in err
    letter = tmp_path / "demeure.pdf"
    code, out, err = run("invoice", "remind", "F-2026-000004", "--date", "2027-02-20",
                         "--level", "2", "--out", str(letter))
    assert code == 0 and letter.stat().st_size > 0, err
    code, out, err = run("invoice", "show", "F-2026-000004")
    assert code == 0, err
    hist = out.split("Historique :")[1]
    assert "4 000,00  reste       4 640,00  Règlement par chèque — CHQ 1207" in hist
    assert "Relance (niveau 1) : 27 jours de retard" in hist
    assert "Mise en demeure (niveau 2) : 46 jours de retard" in hist
    code, out, _ = run("invoice", "show", "F-2026-000004", "--format", "json")
    events = json.loads(out)["historique"]
    assert [e["type"] for e in events] == ["émission", "règlement", "relance", "relance"]
    assert events[1]["montant"] == "4000.00" and events[1]["reste_du"] == "4640.00"
    code, out, _ = run("report", "dunning", "--date", "2027-02-20", "--format", "json")
    first = json.loads(out)[0]
    assert (first["facture"], first["derniere_relance"], first["date_relance"],
            first["prochaine_etape"]) == ("F-2026-000004", "2", "2027-02-20", "contentieux")
    code, out, err = run("verify")
    assert code == 0, out + err


@pytest.mark.parametrize(("args", "flag"), [
    (["F-2026-000003", "--date", "2027-02-20"], "NUMERO"),  # paid in full
    (["F-2026-000004", "--date", "2026-12-07"], "--date"),  # not yet due
    (["F-2026-000004", "--date", "2027-02-20", "--level", "2"], "--level"),  # no relance
    (["F-2026-999999", "--date", "2027-02-20"], "NUMERO"),
])
def test_remind_refusals_name_the_flag(run, args: list[str],  # type: ignore[no-untyped-def]
                                       flag: str) -> None:
    code, _out, err = run("invoice", "remind", *args)
    assert code == 2 and err.startswith(f"ecp : {flag} : ") and err.count("\n") == 1, err


def test_a_level_3_is_refused_by_argparse(demo_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--db", str(demo_path), "invoice", "remind", "F-2026-000004", "--level", "3"])
    assert e.value.code == 2
    assert capsys.readouterr().err.startswith(
        "ecp : --level : 1 (relance) ou 2 (mise en demeure)")
