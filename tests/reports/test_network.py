"""``ecp network report`` (issue 18, « Un réseau d'ECP ») on two SQLite ECPs: the demo as it is
(Tanger), and a copy of it made different (Tétouan: a new member, M007, entered in November,
accompanied once; M002 left to create his own business). The network's every count and amount
is the sum of the two ECPs' own ``impact_report``s; each database is read, never written; a
missing or damaged one is named and stops the report, or is left out with ``--partial``."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from ecp import api
from ecp.cli import main
from ecp.reports.impact import Impact, summary_rows
from ecp.reports.network import combine
from ecp.reports.render import cell_text
from tests.conftest import copy_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
PERIOD = ["--from", "2026-01-01", "--to", "2026-12-31"]
# Additive fields of ``Impact``: the network's is the sum of the ECPs' own.
SUMMED = ("entries", "active", "salaried", "fte_hundredths", "pay_months", "turnover",
          "contribution", "first6_total", "last6_total", "invoiced", "autonomous",
          "with_entry", "meetings", "meeting_minutes", "members_met", "sessions",
          "attendances", "attendees", "member_minutes")
# Summary rows shown rounded or averaged (their sums are checked on the exact fields above):
# hours (minutes, shown with one decimal) and the two averages.
NOT_SUMMED_ROWS = {"heures_accompagnement", "heures_participants", "mois_premiere_facture",
                   "mois_autonomie"}


def make_tetouan(b: api.Books) -> None:
    """The demo's books made Tétouan's: its name, a new member M007 (a woman born 01/06/2003,
    candidate 01/10, in convention 15/10, active 02/11/2026, met once for 90 min on 05/11),
    and M002's exit to create his own business on 01/12/2026."""
    api.settings_set(b, "company.name", "ECP Tétouan Solidaire")
    api.add_member(b, "M007", "Nadia Chraibi", activity="couture", joined=dt.date(2026, 11, 2))
    api.update_profile(b, "M007", sex="F", birth_date=dt.date(2003, 6, 1), zone="Mellah",
                       province="Tétouan")
    api.member_stage(b, "M007", "candidat", dt.date(2026, 10, 1))
    api.member_stage(b, "M007", "convention", dt.date(2026, 10, 15))
    api.member_stage(b, "M007", "actif", dt.date(2026, 11, 2))
    api.add_meeting(b, "M007", dt.date(2026, 11, 5), 90, "Premiers clients", "Karim")
    api.member_exit(b, "M002", "creation", dt.date(2026, 12, 1), "traiteur à son compte")


@pytest.fixture
def two(demo_path: Path, demo_template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Tanger (the demo) and Tétouan (the demo, then M007 and M002's exit)."""
    folder = tmp_path / "tetouan"
    folder.mkdir()
    tetouan = copy_db(demo_template, folder / "tetouan.sqlite3")
    b = api.open_books(str(tetouan))
    try:
        make_tetouan(b)
    finally:
        b.engine.dispose()
    for p in (demo_path, tetouan):  # everything in the file itself: its bytes then stay put
        import sqlite3

        with sqlite3.connect(p) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return demo_path, tetouan


def _own(path: Path) -> Impact:
    b = api.open_books(str(path), read_only=True)
    try:
        return api.impact_report(b, START, END)
    finally:
        if b.has_engine:
            b.engine.dispose()


def _state(p: Path) -> tuple[bytes, int]:
    return p.read_bytes(), os.stat(p).st_mtime_ns


def _number(value: object) -> Decimal:
    return Decimal(str(value))


def test_network_is_the_sum_of_each_ecps_own_report(
        two: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Hand figures. Tanger (the demo, 2026): 6 beneficiaries (M001–M006), 3 entries (M004
    10/01, M005 01/04, M006 04/05), 1 exit (M006, emploi), 5 active, 7 meetings of 90 + 60 +
    45 + 60 + 30 + 60 + 60 = 405 min, HT 105 510,00 DH. Tétouan: the same plus M007 (entry
    02/11, a woman of 23 on 31/12 — band « <25 » — one meeting of 90 min) and M002's exit
    (creation): 7 beneficiaries, 4 entries, exits emploi 1 + creation 1, active 5 − 1 + 1 = 5,
    8 meetings of 495 min, the same HT. Network: 13 beneficiaries, 7 entries, exits emploi 2
    and creation 1, 10 active, 15 meetings of 900 min (15,0 h), HT 211 020,00 DH; the
    averages over the members with a figure."""
    tanger, tetouan = two
    before = {p: _state(p) for p in two}
    a, b = _own(tanger), _own(tetouan)
    assert (len(a.members), a.entries, a.active, a.meetings, a.meeting_minutes, a.turnover) == (
        6, 3, 5, 7, 405, 10_551_000)
    assert (len(b.members), b.entries, b.active, b.meetings, b.meeting_minutes, b.turnover) == (
        7, 4, 5, 8, 495, 10_551_000)
    assert dict(b.exits)["creation"] == 1 and dict(b.exits)["emploi"] == 1

    net = combine([a, b], START, END)
    for name in SUMMED:
        assert getattr(net, name) == getattr(a, name) + getattr(b, name), name
    assert len(net.members) == 13 and net.entries == 7 and net.active == 10
    assert dict(net.exits) == {"emploi": 2, "creation": 1, "formation": 0, "abandon": 0,
                               "autre": 0, "nr": 0}
    assert (net.meetings, net.meeting_minutes, net.turnover) == (15, 900, 21_102_000)
    assert dict(net.by_stage) == {k: dict(a.by_stage)[k] + dict(b.by_stage)[k]
                                  for k in dict(a.by_stage)}
    grid_a = {r[0]: r[1:] for r in a.by_sex_age}
    grid_b = {r[0]: r[1:] for r in b.by_sex_age}
    for band, f, m, nr in net.by_sex_age:
        assert (f, m, nr) == tuple(x + y for x, y in zip(grid_a[band], grid_b[band],
                                                         strict=True)), band
    assert grid_b["<25"][0] == grid_a["<25"][0] + 1  # M007
    inv = [p.months_to_invoice for p in (*a.members, *b.members)
           if p.entry is not None and p.months_to_invoice is not None]
    assert net.invoice_months_avg == (2 * sum(inv) + len(inv)) // (2 * len(inv))

    # The command: one column per ECP (named by company.name), the network's total.
    code = main(["network", "report", "--db", str(tanger), "--db", str(tetouan), *PERIOD,
                 "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    assert doc["manquantes"] == []
    assert [(s["colonne"], s["ecp"], s["base"], s["etat"]) for s in doc["sources"]] == [
        ("ecp_1", "ECP Tanger Entreprendre", str(tanger), "lue"),
        ("ecp_2", "ECP Tétouan Solidaire", str(tetouan), "lue")]
    own = {"ecp_1": {k: cell_text(v, True) for k, _l, v in summary_rows(a)},
           "ecp_2": {k: cell_text(v, True) for k, _l, v in summary_rows(b)}}
    rows = {r["indicateur"]: r for r in doc["synthese"]}
    assert set(rows) == set(own["ecp_1"])
    for key, row in rows.items():
        assert row["ecp_1"] == own["ecp_1"][key] and row["ecp_2"] == own["ecp_2"][key], key
        if key not in NOT_SUMMED_ROWS:
            assert _number(row["reseau"]) == _number(row["ecp_1"]) + _number(row["ecp_2"]), key
    assert rows["beneficiaires"]["reseau"] == 13
    assert rows["chiffre_affaires_ht"]["reseau"] == "211020.00"
    assert rows["heures_accompagnement"]["reseau"] == "15.0"  # 900 min, not 6.8 + 8.3
    for section in ("etapes", "sexe_age", "sorties", "activites_ca", "activites_membres"):
        for row in doc[section]:
            assert _number(row["reseau"]) == _number(row["ecp_1"]) + _number(row["ecp_2"]), (
                section, row)
    sorties = {r["indicateur"]: r["reseau"] for r in doc["sorties"]}
    assert sorties["sortie_creation"] == 1 and sorties["sortie_emploi"] == 2
    # anonymised: no member's name, code, birth date or commune anywhere
    for secret in ("Nadia", "Fatima", "M001", "M007", "2003-06-01", "Mellah", "Beni Makada"):
        assert secret not in out.out, secret
    assert {p: _state(p) for p in two} == before  # read, never written


def test_table_and_csv_name_each_ecp(two: tuple[Path, Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The table's columns are the ECPs' names and « Réseau »; the CSV has a line per cell
    (section, ligne, colonne, valeur); ``--out`` writes the report, private."""
    tanger, tetouan = two
    before = {p: _state(p) for p in two}
    assert main(["network", "report", "--db", str(tanger), "--db", str(tetouan), *PERIOD]) == 0
    text = capsys.readouterr().out
    head = next(line for line in text.splitlines() if line.startswith("Indicateur"))
    assert "ECP Tanger Entreprendre" in head and "ECP Tétouan Solidaire" in head
    assert head.rstrip().endswith("Réseau")
    assert "Réseau de 2 ECP du 01/01/2026 au 31/12/2026" in text
    target = tmp_path / "sorties" / "reseau.csv"
    assert main(["network", "report", "--db", str(tanger), "--db", str(tetouan), *PERIOD,
                 "--format", "csv", "--out", str(target)]) == 0
    assert "2 ECP lue(s), 0 manquante(s)" in capsys.readouterr().out
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "section,ligne,colonne,valeur"
    assert "synthese,beneficiaires,ecp_1,6" in lines
    assert "synthese,beneficiaires,ecp_2,7" in lines
    assert "synthese,beneficiaires,reseau,13" in lines
    assert "synthese,chiffre_affaires_ht,reseau,211020.00" in lines
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert {p: _state(p) for p in two} == before


def test_a_missing_or_damaged_database_is_named(
        two: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --partial: exit 2, one line naming the ECP by its place and its path, nothing
    written. With --partial: the others are reported, the missing one said so."""
    tanger, _tetouan = two
    missing = tmp_path / "absente.sqlite3"
    damaged = tmp_path / "abimee.sqlite3"
    damaged.write_bytes(b"pas une base" * 500)
    before = _state(tanger)
    code = main(["network", "report", "--db", str(tanger), "--db", str(missing), *PERIOD])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"ecp : --db : ECP 2 ({missing}) : base {missing} absente"), err
    assert err.count("\n") == 1 and "--partial" in err
    code = main(["network", "report", "--db", str(damaged), "--db", str(tanger), *PERIOD])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"ecp : --db : ECP 1 ({damaged}) : "), err
    assert "n'est pas une base SQLite" in err
    assert damaged.read_bytes() == b"pas une base" * 500

    code = main(["network", "report", "--db", str(tanger), "--db", str(damaged), "--db",
                 str(missing), *PERIOD, "--partial", "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    assert doc["manquantes"] == ["ecp_2", "ecp_3"]
    states = {s["colonne"]: (s["etat"], s["erreur"]) for s in doc["sources"]}
    assert states["ecp_1"] == ("lue", "")
    assert states["ecp_2"][0] == "manquante" and "n'est pas une base SQLite" in states["ecp_2"][1]
    assert states["ecp_3"][0] == "manquante" and "absente" in states["ecp_3"][1]
    rows = {r["indicateur"]: r for r in doc["synthese"]}
    assert set(rows["beneficiaires"]) == {"indicateur", "ecp_1", "reseau"}
    assert rows["beneficiaires"]["reseau"] == rows["beneficiaires"]["ecp_1"] == 6
    assert f"ECP 2 ({damaged}) manquante" in out.err and f"ECP 3 ({missing}) manquante" in out.err
    code = main(["network", "report", "--db", str(tanger), "--db", str(missing), *PERIOD,
                 "--partial"])
    text = capsys.readouterr().out
    assert code == 0 and text.startswith(f"ATTENTION : ECP 2 ({missing}) manquante"), text
    assert _state(tanger) == before
    assert not missing.exists()


def test_the_global_db_is_the_network_of_one(demo_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """``ecp --db X network report`` reports X alone: the network's column is X's own."""
    a = _own(demo_path)
    assert main(["--db", str(demo_path), "network", "report", *PERIOD, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"synthese,beneficiaires,ecp_1,{len(a.members)}" in lines
    assert f"synthese,beneficiaires,reseau,{len(a.members)}" in lines
    assert not any(",ecp_2," in line for line in lines)


def test_the_networks_anonymised_csv(two: tuple[Path, Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """``--anonymised-csv``: one row per beneficiary of each ECP (6 + 7 = 13), the ECP's name
    first, each ECP's rows as in its own file; no member name, code or birth date; the CLI
    says the file is anonymised; the databases unchanged."""
    import csv as csv_mod

    from ecp.reports.impact import anonymised_csv

    tanger, tetouan = two
    before = {p: _state(p) for p in two}
    out = tmp_path / "observatoire.csv"
    code = main(["network", "report", "--db", str(tanger), "--db", str(tetouan), "--from",
                 "2026-01-01", "--to", "2026-12-31", "--anonymised-csv", str(out)])
    err = capsys.readouterr().err
    assert code == 0 and "données anonymisées" in err
    rows = list(csv_mod.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0][:3] == ["ecp", "id", "sexe"] and len(rows) == 1 + 13
    own = {p: anonymised_csv(_own(p)).splitlines()[1:] for p in two}
    by_ecp: dict[str, list[str]] = {}
    for r in rows[1:]:
        by_ecp.setdefault(r[0], []).append(",".join(r[1:]))
    assert sorted(len(v) for v in by_ecp.values()) == [6, 7]
    assert sorted(sorted(v) for v in by_ecp.values()) == sorted(sorted(v) for v in own.values())
    text = out.read_text(encoding="utf-8")
    for word in ("Fatima", "Idrissi", "M001", "1988", "Beni Makada"):
        assert word not in text, word
    assert {p: _state(p) for p in two} == before
