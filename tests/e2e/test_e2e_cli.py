"""End to end: ``ecp`` run as a separate process, typed as a bookkeeper or an auditor types it.

Each call is a new process, so these tests also prove that everything a command does is
committed (or not) by the time it exits.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import pytest

if TYPE_CHECKING:  # the module runs ``ecp`` as a user does: it imports the package only here
    from ecp import api

FATIMA_AR = "فاطمة الزهراء"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ECP_DB"}
    env["ECP_USER"] = "amina"
    env.update(extra)
    return env


class EcpOptions(TypedDict, total=False):
    """The keyword arguments of ``ecp``."""

    db: Path | None
    env: dict[str, str] | None
    exe: list[str] | None


def ecp(*args: str, db: Path | None = None, env: dict[str, str] | None = None,
        exe: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = (exe or [sys.executable, "-m", "ecp"]) + (["--db", str(db)] if db else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=120,
                          env=env or _env())


def ecp_many(calls: list[tuple[tuple[str, ...], EcpOptions]]
             ) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands run side by side (each start-up costs a second of imports)."""
    procs = []
    for args, kw in calls:
        db, env, exe = kw.get("db"), kw.get("env"), kw.get("exe")
        cmd = (exe or [sys.executable, "-m", "ecp"]) + (["--db", str(db)] if db else []) \
            + list(args)
        procs.append((cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True, encoding="utf-8", env=env or _env())))
    out = []
    for cmd, p in procs:
        so, se = p.communicate(timeout=120)
        out.append(subprocess.CompletedProcess(cmd, p.returncode, so, se))
    return out


def ok(*args: str, **kw: Unpack[EcpOptions]) -> str:
    r = ecp(*args, **kw)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def _rows(path: Path) -> dict[str, list[Any]]:
    con = sqlite3.connect(str(path))
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("entries", "lines", "balances", "accounts", "dimensions",
                          "period_events", "periods")}
    finally:
        con.close()


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _console_script() -> Path | None:
    here = Path(sys.executable).parent
    for name in ("ecp", "ecp.exe"):
        if (here / name).exists():
            return here / name
    found = shutil.which("ecp")
    return Path(found) if found else None


@pytest.fixture(scope="module")
def session_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A day of work typed at the command line; later tests read what it left."""
    db = tmp_path_factory.mktemp("e2e") / "livres.sqlite3"
    out = ok("init", "--name", "ECP Tanger", db=db)
    assert "Base créée" in out and str(db) in out

    assert ok("member", "add", "fz", "--name", "Fatima Zahra", "--name-ar", FATIMA_AR,
              "--activity", "couture", "--contribution-rate", "5,5", "--joined", "2025-09-01",
              db=db).strip() == "Membre FZ ajouté : Fatima Zahra"
    assert "Compte 342111 « Client Hôtel Tanja » ouvert sous 34211" in ok(
        "account", "add", "342111", "Client Hôtel Tanja", db=db)

    refs = [
        ok("entry", "post", "--journal", "vt", "--date", "20/01/2026", "--label",
           "Caftan, facture FA-2026-00001", "--ref", "FA-2026-00001",
           "--line", "342111:FZ:1 200,00", "--line", "7111:FZ:-1000",
           "--line", "4455:FZ:-200", db=db),
        ok("entry", "post", "--journal", "BQ", "--date", "2026-02-10", "--label",
           "Règlement FA-2026-00001", "--line", "5141:FZ:1200.00",
           "--line", "342111:FZ:-1200.00", db=db),
        ok("entry", "post", "--journal", "VT", "--date", "2026-01-25", "--label",
           "Couscous erroné", "--line", "342111:ECP:300", "--line", "7111:ECP:-300", db=db),
    ]
    assert [r.strip() for r in refs] == ["VT-2026-000001", "BQ-2026-000001", "VT-2026-000002"]
    assert ok("entry", "reverse", "VT-2026-000002", "--date", "2026-01-31",
              db=db).strip() == "VT-2026-000003"
    return db


def test_members_round_trip_arabic(session_db: Path) -> None:
    # PYTHONIOENCODING=cp1252 is what a Windows pipe gives (ANSI code page): the Arabic name
    # must still come out, in UTF-8.
    members = json.loads(ok("member", "list", "--format", "json", db=session_db,
                            env=_env(PYTHONIOENCODING="cp1252")))
    assert [m["code"] for m in members] == ["FZ"]
    fz = members[0]
    assert fz["nom"] == "Fatima Zahra" and fz["nom_arabe"] == FATIMA_AR
    assert fz["contribution_pct"] == "5,5" and fz["entree"] == "2025-09-01"
    assert fz["activite"] == "couture"


def test_account_add_refuses_a_non_sub_account(session_db: Path) -> None:
    before = _rows(session_db)
    r = ecp("account", "add", "999", "Compte imaginaire", db=session_db)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert "compte : 999 n'est le sous-compte d'aucun compte existant" in r.stderr
    assert _rows(session_db) == before


def test_reports(session_db: Path) -> None:
    tb_csv, tb_json, ledger_csv, journal_csv = ecp_many([
        (("report", "trial-balance", "--format", "csv"), {"db": session_db}),
        (("report", "trial-balance", "--from", "2026-02-01", "--to", "2026-02-28",
          "--dimension", "FZ", "--format", "json"), {"db": session_db}),
        (("report", "ledger", "--account", "342111", "--format", "csv"), {"db": session_db}),
        (("report", "journal", "--journal", "VT", "--format", "csv"), {"db": session_db}),
    ])
    for r in (tb_csv, tb_json, ledger_csv, journal_csv):
        assert r.returncode == 0 and r.stderr == "", r

    tb = {r["compte"]: r for r in _csv(tb_csv.stdout)}
    assert list(tb["5141"]) == ["compte", "intitule", "ouverture_debit", "ouverture_credit",
                                "mouvements_debit", "mouvements_credit", "cloture_debit",
                                "cloture_credit"]
    assert tb["342111"]["mouvements_debit"] == tb["342111"]["mouvements_credit"] == "1500.00"
    assert tb["342111"]["cloture_debit"] == tb["342111"]["cloture_credit"] == ""
    assert tb["5141"]["cloture_debit"] == "1200.00"
    assert tb["7111"]["cloture_credit"] == "1000.00"
    assert tb["4455"]["intitule"] and tb["4455"]["cloture_credit"] == "200.00"

    by = {r["compte"]: r for r in json.loads(tb_json.stdout)}
    assert set(by) == {"342111", "4455", "5141", "7111"}
    assert by["342111"]["ouverture_debit"] == "1200.00"
    assert by["342111"]["mouvements_credit"] == "1200.00"
    assert by["342111"]["cloture_debit"] == ""
    assert by["4455"]["ouverture_credit"] == by["4455"]["cloture_credit"] == "200.00"
    assert by["5141"]["mouvements_debit"] == by["5141"]["cloture_debit"] == "1200.00"

    ledger = _csv(ledger_csv.stdout)
    assert [(r["ecriture"], r["date"], r["debit"], r["credit"], r["solde"]) for r in ledger] == [
        ("VT-2026-000001", "2026-01-20", "1200.00", "", "1200.00"),
        ("VT-2026-000002", "2026-01-25", "300.00", "", "1500.00"),
        ("VT-2026-000003", "2026-01-31", "", "300.00", "1200.00"),
        ("BQ-2026-000001", "2026-02-10", "", "1200.00", "0.00"),
    ]
    assert ledger[0]["reference"] == "FA-2026-00001" and ledger[0]["dimension"] == "FZ"

    journal = _csv(journal_csv.stdout)
    assert len(journal) == 7 and {r["journal"] for r in journal} == {"VT"}
    assert [r["ecriture"] for r in journal] == ["VT-2026-000001"] * 3 + ["VT-2026-000002"] * 2 \
        + ["VT-2026-000003"] * 2
    assert journal[-1]["libelle"].startswith("Contre-passation VT-2026-000002")
    assert journal[-1]["reference"] == "VT-2026-000002"


def test_period_close_reopen_verify_backup(session_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "periodes.sqlite3"
    shutil.copy(session_db, db)
    out = ok("period", "close", "2026-01", db=db)
    assert out.startswith("Mois 2026-01 clôturé. Tête de chaîne : 4:")
    head = out.strip().rsplit(" ", 1)[1]

    before = _rows(db)
    r = ecp("entry", "post", "--journal", "OD", "--date", "2026-01-15", "--label", "Tardive",
            "--line", "5141:ECP:10", "--line", "1111:ECP:-10", db=db)
    assert r.returncode == 2 and r.stdout == ""
    # The domain's error is about the entry's date: the command line names its flag.
    assert r.stderr.startswith("ecp : --date : ") and r.stderr.count("\n") == 1
    assert "le mois 2026-01 est clôturé" in r.stderr
    assert _rows(db) == before

    out = ok("period", "reopen", "2026-01", "--reason", "Facture oubliée", db=db)
    assert out.startswith("Mois 2026-01 rouvert (motif consigné). Tête de chaîne : 4:")
    con = sqlite3.connect(str(db))
    assert con.execute("SELECT action, reason, actor FROM period_events ORDER BY id").fetchall() \
        == [("close", "", "amina"), ("reopen", "Facture oubliée", "amina")]
    con.close()

    out = ok("verify", "--expect", head, db=db)
    assert "ERREUR" not in out and "4 écritures, 9 lignes vérifiées" in out
    assert out.splitlines()[-1].startswith("Vérification réussie")

    # The backup is a folder: the database (books.sqlite3) and its archive (no PDF here).
    folder = tmp_path / "sauvegardes" / "copie"
    out = ok("backup", str(folder), db=db)
    assert out.strip() == (f"Sauvegarde écrite : {folder} (base books.sqlite3 et 0 PDF "
                           "archivés dans archives/)")
    copy = folder / "books.sqlite3"
    # The copy opens and verifies; ECP_DB names it when --db is not given.
    verified = ok("verify", "--expect", head, env=_env(ECP_DB=str(copy)))
    assert "Vérification réussie" in verified and f"Tête de chaîne : {head}" in verified

    # An altered copy fails verify with exit 1 and says where.
    con = sqlite3.connect(str(copy))
    con.execute("DROP TRIGGER lines_no_update")
    con.execute("UPDATE lines SET amount = amount * 10 WHERE entry_id = 2")
    con.commit()
    con.close()
    r = ecp("verify", "--expect", head, db=copy)
    assert r.returncode == 1
    assert "ERREUR" in r.stdout and "BQ-2026-000001" in r.stdout
    assert "lines_no_update absent" in r.stdout and "Vérification ÉCHOUÉE" in r.stdout


BAD_INPUT = [
    (["--date", "2026-02-30", "--line", "5141:ECP:10", "--line", "1111:ECP:-10"],
     "--date : date : « 2026-02-30 » n'est pas une date qui existe"),
    (["--date", "2026-02-03", "--line", "5141:ECP:1,234", "--line", "1111:ECP:-10"],
     "--line n°1 : montant : « 1,234 » a plus de deux décimales"),
    (["--date", "2026-02-03", "--line", "5141:ECP:10", "--line", "1111:ECP:-dix"],
     "--line n°2 : montant : « -dix » n'est pas un montant"),
    (["--date", "2026-02-03", "--line", "5149:ECP:10", "--line", "1111:ECP:-10"],
     "ligne 1 : compte « 5149 » inconnu du plan comptable"),
    (["--date", "2026-02-03", "--line", "5141-ECP-10", "--line", "1111:ECP:-10"],
     "--line n°1 : « 5141-ECP-10 » attendu COMPTE:DIMENSION:MONTANT"),
    (["--date", "2026-02-03", "--line", "5141:ECP:10", "--line", "1111:ECP:-9"],
     "écriture déséquilibrée : débit - crédit = 1,00 DH"),
    (["--date", "2026-02-03"], "obligatoire(s) : --line"),
]


def test_bad_input_exits_2_with_one_line_and_writes_nothing(session_db: Path,
                                                           tmp_path: Path) -> None:
    db = tmp_path / "b.sqlite3"
    shutil.copy(session_db, db)
    before = _rows(db)
    bad_csv = tmp_path / "import.csv"
    bad_csv.write_text(
        "entry_ref,date,journal,label,account,dimension,debit,credit\n"
        "I1,2026-02-03,OD,Bon,5141,ECP,10.00,\n"
        "I1,2026-02-03,OD,Bon,1111,ECP,,10.00\n"
        "I2,2026-02-30,OD,Mauvaise date,5141,ECP,10.00,\n"
        "I2,2026-02-30,OD,Mauvaise date,1111,ECP,,10.00\n"
        "I3,2026-02-04,OD,Compte inconnu,5149,ECP,10.00,\n"
        "I3,2026-02-04,OD,Compte inconnu,1111,ECP,,10.00\n", encoding="utf-8")
    results = ecp_many([(("entry", "post", "--journal", "OD", "--label", "Essai", *args),
                         EcpOptions(db=db)) for args, _ in BAD_INPUT]
                       + [(("import", "postings", str(bad_csv)), EcpOptions(db=db))])
    imported = results.pop()
    assert imported.returncode == 2 and imported.stdout == ""
    assert imported.stderr.splitlines() == [
        "ecp : 2 erreurs, rien n'a été enregistré :",
        "  ligne 4, date : « 2026-02-30 » n'est pas une date AAAA-MM-JJ qui existe",
        "  écriture « I3 » : ligne 6 : compte « 5149 » inconnu du plan comptable"]
    for (_, names), r in zip(BAD_INPUT, results, strict=True):
        assert r.returncode == 2, r
        assert r.stdout == ""
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("ecp : "), r.stderr
        assert names in r.stderr, (names, r.stderr)
    assert _rows(db) == before


def test_missing_books_and_db_precedence(session_db: Path, tmp_path: Path) -> None:
    absent = tmp_path / "absente.sqlite3"
    missing, precedence = ecp_many([
        (("verify",), {"db": absent}),
        # --db beats ECP_DB (which names a file that does not exist)
        (("member", "list", "--format", "json"), {"db": session_db,
                                                  "env": _env(ECP_DB=str(absent))}),
    ])
    assert missing.returncode == 2 and "ecp init" in missing.stderr
    assert missing.stderr.count("\n") == 1
    assert precedence.returncode == 0 and FATIMA_AR in precedence.stdout
    assert not absent.exists()


def test_console_script(session_db: Path, tmp_path: Path) -> None:
    script = _console_script()
    if script is None:  # pragma: no cover - the venv always has it
        pytest.skip("pas de script « ecp » installé à côté de l'interpréteur")
    db = tmp_path / "script.sqlite3"
    shutil.copy(session_db, db)
    assert ok("entry", "post", "--journal", "CA", "--date", "2026-03-02", "--label",
              "Vente au comptoir", "--line", "5161:ECP:50", "--line", "7111:ECP:-50",
              db=db, exe=[str(script)]).strip() == "CA-2026-000001"


def test_backup_and_listings_in_process(books: api.Books, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The cheaper checks, through cli.main in this process (same code path, no start-up)."""
    from ecp import cli

    db = str(books.path)
    dest = tmp_path / "copie.sqlite3"
    assert cli.main(["--db", db, "backup", str(dest)]) == 0
    assert cli.main(["--db", db, "backup", str(dest)]) == 2
    out, err = capsys.readouterr()
    assert f"Sauvegarde écrite : {dest}" in out
    assert err == f"ecp : sauvegarde : {dest} existe déjà, choisir un autre nom\n"
    assert cli.main(["--db", db, "member", "list"]) == 0
    assert FATIMA_AR in capsys.readouterr().out
    assert cli.main(["--db", db, "account", "list", "--format", "csv"]) == 0
    accounts = _csv(capsys.readouterr().out)
    sub = next(a for a in accounts if a["code"] == "342111")
    assert sub["parent"] == "34211" and sub["mouvemente"] == ""
    assert cli.main(["--db", db, "init"]) == 0
    assert "Base à jour" in capsys.readouterr().out
    # No command opens the bookkeeper's app, which needs a terminal: without one, say so.
    assert cli.main(["--db", db]) == 2
    assert "s'ouvre dans un terminal" in capsys.readouterr().err
