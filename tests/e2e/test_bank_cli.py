"""End to end: a bank statement typed at the command line — import (twice), match, rule,
reconciliation; a bad file exits 2 naming its line."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.run import ecp, ok


def test_statement_imported_matched_and_reconciled(tmp_path: Path,
                                                   company: dict[str, str]) -> None:
    db = tmp_path / "ecp.sqlite3"
    ok(db, "init")
    ok(db, "member", "add", "FZ", "--name", "Fatima Zahra")
    for k, v in company.items():
        ok(db, "settings", "set", k, v)
    ok(db, "customer", "add", "HOTEL", "--name", "Hôtel Tanja", "--ice", "001561191000066")
    ok(db, "invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date",
       "2026-03-02", "--line", "Caftans|2|1000|20|71211", "--issue")
    f = tmp_path / "releve.csv"
    f.write_bytes("Date opération;Libellé;Débit;Crédit\n"
                  "10/03/2026;VIR REÇU HOTEL TANJA F-2026-000001;;2 400,00\n"
                  "31/03/2026;PRLV CNSS MARS;450,00;\n".encode("cp1252"))
    assert "2 ajoutée(s), 0 déjà présente(s)" in ok(db, "bank", "import", str(f))
    assert "0 ajoutée(s), 2 déjà présente(s)" in ok(db, "bank", "import", str(f))
    out = ok(db, "bank", "match")
    assert "= facture F-2026-000001" in out and "aucune proposition" in out
    ok(db, "bank", "rule", "add", "CNSS", "--account", "4441")
    out = ok(db, "bank", "match", "--auto")
    assert "2 ligne(s) rapprochée(s), 0 en attente" in out
    out = ok(db, "report", "bank-reconciliation", "--account", "5141", "--at", "2026-03-31")
    assert "écart 0,00 DH — aucun écart" in out
    bad = tmp_path / "autre.csv"
    bad.write_text("Date,Label,Amount\n2026-03-02,Fees,-12.00\n", encoding="utf-8")
    r = ecp(db, "bank", "import", str(bad))
    assert r.returncode == 2 and "ligne 2 : 1 colonne(s), le profil maroc en attend 4" in r.stderr


def test_suggestions_and_rules_listed(tmp_path: Path) -> None:
    """What the Banque screen shows for a line (its suggestions) and the rules it applies are
    commands too; a bad line number names its argument, not an internal name."""
    db = tmp_path / "ecp.sqlite3"
    ok(db, "init")
    ok(db, "member", "add", "FZ", "--name", "Fatima Zahra")
    f = tmp_path / "releve.csv"
    f.write_bytes("Date opération;Libellé;Débit;Crédit\n"
                  "31/03/2026;PRLV CNSS MARS;450,00;\n".encode("cp1252"))
    ok(db, "bank", "import", str(f))
    assert ok(db, "bank", "suggest", "1", "--format", "csv").strip() == \
        "exact,type,reference,libelle,montant,score"
    ok(db, "bank", "rule", "add", "CNSS", "--account", "4441", "--label", "Cotisations CNSS")
    assert "4441" in ok(db, "bank", "rule", "list")
    out = ok(db, "bank", "suggest", "1", "--format", "csv")
    assert "=,règle,1,Cotisations CNSS → 4441 (ECP),-450.00,4" in out
    r = ecp(db, "bank", "suggest", "9")
    assert r.returncode == 2 and "ligne de relevé n° 9 introuvable" in r.stderr
    r = ecp(db, "bank", "rule", "add", "CNSS", "--account", "9999")
    assert r.returncode == 2 and "--account" in r.stderr and "inconnu du plan" in r.stderr
    r = ecp(db, "bank", "import", str(f), "--account", "6111")
    assert r.returncode == 2 and "n'est pas un compte de banque" in r.stderr
