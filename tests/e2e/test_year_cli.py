"""The year close from the command line, on the demo (left open): ``ecp year check`` says what
is missing (exit 1), each command it names fixes it, ``ecp year close`` posts CL and AN, the
allocation checks the legal reserve, ``ecp verify`` agrees, ``ecp year reopen`` undoes it.

Demo 2026 result (entity, internal flows out): 27 402,14 DH. Legal reserve minimum: 5 % ×
27 402,14 = 1 370,107 → 1 370,11 (half-up; the capital 150 000,00 allows up to 15 000,00).
Report à nouveau: 27 402,14 − 1 370,11 = 26 032,03."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.run import ecp, ok


def test_year_close_from_the_cli(demo_path: Path) -> None:
    r = ecp(demo_path, "year", "check", "2026")
    assert r.returncode == 1
    assert ("✗ mois : 3 mois ouvert(s), le premier : 2026-10 (ecp month close 2026-10 ; un mois "
            "où des brouillons sont datés ne se clôture pas") in r.stdout
    r = ecp(demo_path, "year", "close", "2026")
    assert r.returncode == 1 and "arrêtée à l'étape « mois »" in r.stderr
    ok(demo_path, "period", "close", "2026-10")
    # the demo's draft invoice, dated 25/11/2026, keeps November open until deleted
    r = ecp(demo_path, "period", "close", "2026-11")
    assert r.returncode == 2 and "1 brouillon(s) daté(s) dans le mois : n° 1 (facture" in r.stderr
    ok(demo_path, "invoice", "delete-draft", "1")
    for m in ("2026-11", "2026-12"):
        ok(demo_path, "period", "close", m)
    ok(demo_path, "vat", "declare", "2026-12", "--date", "2027-01-10")
    out = ok(demo_path, "year", "close", "2026")
    assert "✓ vérification : chaîne intacte, soldes exacts" in out
    assert out.rstrip().endswith("Exercice 2026 : clôture provisoire")
    assert "CL-2026-" in out and "AN-2027-" in out
    r = ecp(demo_path, "year", "allocate", "2026", "--legal-reserve", "1000",
            "--retained", "26402,14")
    assert r.returncode == 2 and "réserve légale" in r.stderr and "1 370,11" in r.stderr
    out = ok(demo_path, "year", "allocate", "2026", "--legal-reserve", "1370,11",
             "--retained", "26032,03")
    assert "réserve légale 1 370,11 (minimum 1 370,11)" in out
    tb = ok(demo_path, "report", "trial-balance", "--from", "2027-01-01", "--to",
            "2027-12-31", "--format", "csv")
    assert "\n1140,Réserve légale,,,,1370.11,,1370.11" in tb
    assert not [ln for ln in tb.splitlines()[1:] if ln[:1] in "67"]
    assert "Vérification réussie" in ok(demo_path, "verify")
    r = ecp(demo_path, "year", "reopen", "2026", "--reason", "contrôle")
    assert r.returncode == 2 and "son résultat est affecté" in r.stderr
    events = ok(demo_path, "year", "events", "--format", "csv")
    assert [ln.split(",")[1] for ln in events.splitlines()[1:]] == ["close", "allocate"]
