"""``ecp report impact`` as a user types it (issue 18), on fresh books whose journey is entered
with the journey commands: three members in 2026.

- A1 Leila Haddad, F, born 05/05/1990 (36 at 31/12/2026 → 35–44), commune Martil, province
  M'diq-Fnideq, couture: candidat 05/01, actif 01/02, sale 3 500,00 HT on 10/03 (OD, 71211),
  exit to employment 30/06; a meeting of 95 min (1,6 h), workshop W1 (120 min).
- A2 Rachid Alami, M, born 12/12/2002 (24 → <25), commune Gueznaya, province Tanger-Assilah,
  cuisine: actif 01/03, sales 1 000,00 (15/04) and 4 000,00 (20/09) HT; workshop W1.
- A3 Mouna Kabbaj, no social file, convention 01/11.

Over 01/01–31/12/2026: 3 beneficiaries (convention 1, actif 1, sorti 1); entries 2 (A1, A2);
exits 1 (emploi); turnover 3 500 + 5 000 = 8 500,00 DH (couture 3 500, cuisine 5 000);
autonomy (≥ 3 000 DH HT in a month): A1 in 03/2026, 1 month after its entry (02/2026), A2 in
09/2026, 6 months after its entry (03/2026; 1 000 in 04 is not enough) → average 7 / 2 = 3,5 →
4 (half-up); no invoice document → months to the first invoice « — »; workshop W1: 1 session,
2 attendances, 2 × 120 min = 4,0 member-hours.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ecp.cli import main


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "impact.sqlite3"
    steps = [
        ["init"],
        ["member", "add", "A1", "--name", "Leila Haddad", "--activity", "couture"],
        ["member", "edit", "A1", "--sex", "F", "--birth-date", "1990-05-05", "--zone", "Martil",
         "--province", "M'diq-Fnideq"],
        ["member", "add", "A2", "--name", "Rachid Alami", "--activity", "cuisine"],
        ["member", "edit", "A2", "--sex", "M", "--birth-date", "12/12/2002", "--zone",
         "Gueznaya", "--province", "Tanger-Assilah"],
        ["member", "add", "A3", "--name", "Mouna Kabbaj"],
        ["member", "stage", "A1", "candidat", "--date", "2026-01-05"],
        ["member", "stage", "A1", "actif", "--date", "2026-02-01"],
        ["member", "stage", "A2", "actif", "--date", "2026-03-01"],
        ["member", "stage", "A3", "convention", "--date", "2026-11-01"],
        ["entry", "post", "--journal", "OD", "--date", "2026-03-10", "--label", "vente A1",
         "--line", "5161:A1:3500", "--line", "71211:A1:-3500"],
        ["entry", "post", "--journal", "OD", "--date", "2026-04-15", "--label", "vente A2",
         "--line", "5161:A2:1000", "--line", "71211:A2:-1000"],
        ["entry", "post", "--journal", "OD", "--date", "2026-09-20", "--label", "vente A2",
         "--line", "5161:A2:4000", "--line", "71211:A2:-4000"],
        ["member", "exit", "A1", "--date", "2026-06-30", "--type", "emploi"],
        ["meeting", "add", "--member", "A1", "--date", "2026-02-10", "--minutes", "95",
         "--subject", "Plan d'affaires"],
        ["workshop", "add", "W1", "--title", "Fixer ses prix", "--date", "2026-03-01",
         "--minutes", "120"],
        ["workshop", "attend", "W1", "--member", "A1"],
        ["workshop", "attend", "W1", "--member", "A2"],
    ]
    for args in steps:
        assert main(["--db", str(path), *args]) == 0, (args, capsys.readouterr().err)
    capsys.readouterr()
    return path


def _run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "report", "impact", "--from", "2026-01-01", "--to",
                 "2026-12-31", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(db, capsys)
    assert code == 0, err
    lines = {" ".join(line.split()) for line in out.splitlines()}
    assert "Bénéficiaires de la période 3" in lines
    assert "Entrées (devenus membres actifs) 2" in lines
    assert "Chiffre d'affaires HT des membres 8 500,00" in lines
    assert "Heures d'accompagnement individuel 1,6" in lines
    assert "Heures-participants en atelier 4,0" in lines
    assert "sortie : emploi salarié 1" in lines
    assert "couture 1 3 500,00 0,00" in lines and "cuisine 1 5 000,00 0,00" in lines


def test_csv_and_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(db, capsys, "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert ["etapes", "convention", "membres", "1"] in rows
    assert ["etapes", "sortie", "membres", "1"] in rows
    assert ["sexe_age", "<25", "hommes", "1"] in rows
    assert ["sexe_age", "35-44", "femmes", "1"] in rows
    assert ["synthese", "mois_autonomie", "valeur", "4"] in rows
    assert ["parcours", "A2", "mois_autonomie", "6"] in rows
    assert ["synthese", "mois_premiere_facture", "valeur", ""] in rows
    code, out, err = _run(db, capsys, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["au"] == "2026-12-31"
    assert {"indicateur": "chiffre_affaires_ht", "valeur": "8500.00"} in doc["synthese"]
    assert {"indicateur": "participations", "valeur": 2} in doc["synthese"]


def test_pdf_and_anonymised_csv(db: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    """The PDF is one page with the headline figures; the CSV has one row per beneficiary
    and none of the names, codes, birth dates and communes typed above; the command says so."""
    from pypdf import PdfReader

    pdf, anon = tmp_path / "impact.pdf", tmp_path / "observatoire.csv"
    code, out, err = _run(db, capsys, "--out", str(pdf), "--anonymised-csv", str(anon))
    assert code == 0, err
    assert f"PDF écrit : {pdf}" in out
    assert "données anonymisées : ni nom, ni date de naissance, ni commune" in out
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Indicateurs d'impact" in text and "8 500,00" in text
    data = anon.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 3
    assert sorted(r["tranche_age"] for r in rows) == ["", "35-44", "<25"]
    assert {r["province"] for r in rows} == {"", "M'diq-Fnideq", "Tanger-Assilah"}
    a1 = next(r for r in rows if r["type_sortie"] == "emploi")
    assert (a1["mois_entree"], a1["mois_sortie"], a1["chiffre_affaires_ht"],
            a1["heures_accompagnement"], a1["ateliers"]) == ("2026-02", "2026-06", "3500.00",
                                                            "1.6", "1")
    for secret in ("Leila", "Haddad", "Rachid", "Alami", "Mouna", "Kabbaj", "A1", "A2", "A3",
                   "Martil", "Gueznaya", "1990", "2002", "05/05", "12/12", "1990-05-05",
                   "2002-12-12"):
        assert secret not in data, secret
    code, _out, err = _run(db, capsys, "--anonymised-csv", str(anon))
    assert code == 2 and "existe déjà" in err and "--force" in err, err


def test_bad_input(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", str(db), "report", "impact", "--from", "2026-12-31", "--to",
                 "2026-01-01"])
    err = capsys.readouterr().err
    assert code == 2 and "--to" in err and "précède" in err, err
    code, _out, err = _run(db, capsys, "--format", "csv", "--out", "x.pdf")
    assert code == 2 and "--format" in err, err
