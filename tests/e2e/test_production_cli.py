"""End to end: the workshop typed at the command line — materials, stock, a bill of materials,
resources, capacities, orders listed and shown (what the Production screen shows), and errors
that name the option the user typed (the domain never names a flag)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.run import ecp, ok


def refused(db: Path, *args: str) -> str:
    r = ecp(db, *args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    return r.stderr


def test_workshop_orders_listed_and_shown(tmp_path: Path) -> None:
    db = tmp_path / "ecp.sqlite3"
    ok(db, "init")
    ok(db, "member", "add", "FZ", "--name", "Fatima Zahra")
    ok(db, "product", "add", "CAFTAN", "--member", "FZ", "--name", "Caftan brodé", "--unit",
       "pièce", "--price", "2800", "--vat", "20")
    ok(db, "material", "add", "TISSU", "--member", "FZ", "--name", "Tissu brocart", "--unit",
       "m", "--cost", "80")
    ok(db, "material", "add", "FIL", "--member", "FZ", "--name", "Fil de soie", "--unit",
       "bobine", "--cost", "25")
    ok(db, "stock", "receive", "--material", "TISSU", "--qty", "20", "--date", "2026-03-02")
    # A material without any movement is listed too, with what is on hand.
    mats = ok(db, "material", "list", "--format", "csv").splitlines()
    assert mats == ["membre,code,nom,unite,cout_standard,en_stock",
                    "FZ,FIL,Fil de soie,bobine,25.00,0", "FZ,TISSU,Tissu brocart,m,80.00,20"]
    ok(db, "resource", "add", "MACHINE", "--name", "Machine à coudre", "--hours-per-week",
       "35")
    assert ok(db, "resource", "list", "--format", "csv").splitlines() == [
        "code,nom,heures_semaine", "MACHINE,Machine à coudre,35"]
    ok(db, "product", "bom", "CAFTAN", "--material", "TISSU:3", "--material", "FIL:0,5",
       "--hours", "6", "--resource", "MACHINE:1")
    assert ok(db, "production", "bom", "caftan", "--format", "csv").splitlines() == [
        "type,code,par_unite", "matière,FIL,0.5", "matière,TISSU,3", "heures,,6",
        "ressource,MACHINE,1"]
    ok(db, "member", "capacity", "FZ", "--hours-per-week", "30", "--off",
       "2026-03-05:2026-03-06")
    caps = json.loads(ok(db, "production", "capacities", "--format", "json"))
    assert caps == [{"membre": "FZ", "heures_semaine": "30",
                     "conges": "2026-03-05:2026-03-06"}]
    num = ok(db, "production", "order", "add", "--member", "FZ", "--product", "CAFTAN",
             "--qty", "4", "--due", "2026-03-20").strip()
    assert num == "OF-2026-00001"
    ok(db, "production", "order", "add", "--member", "FZ", "--product", "CAFTAN", "--qty",
       "2", "--due", "2026-03-27")
    ok(db, "production", "cancel", "OF-2026-00002")
    rows = ok(db, "production", "order", "list", "--format", "csv").splitlines()
    assert rows == ["numero,membre,produit,quantite,echeance,statut",
                    "OF-2026-00001,FZ,CAFTAN,4,2026-03-20,planifié",
                    "OF-2026-00002,FZ,CAFTAN,2,2026-03-27,annulé"]
    assert len(ok(db, "production", "order", "list", "--open", "--member", "fz",
                  "--format", "csv").splitlines()) == 2
    assert "OF-2026" not in ok(db, "production", "order", "list", "--member", "XX")
    shown = ok(db, "production", "order", "show", "of-2026-00001")
    assert "Quantité : 4" in shown and "Statut : planifié" in shown
    ok(db, "stock", "receive", "--material", "FIL", "--qty", "10", "--date", "2026-03-02")
    ok(db, "production", "complete", "OF-2026-00001", "--date", "2026-03-19", "--qty", "4")
    stock = ok(db, "material", "list", "--format", "csv")
    assert "FZ,TISSU,Tissu brocart,m,80.00,8" in stock  # 20 − 4 × 3
    assert "FZ,FIL,Fil de soie,bobine,25.00,8" in stock  # 10 − 4 × 0,5


def test_errors_name_the_option_typed(tmp_path: Path) -> None:
    db = tmp_path / "ecp.sqlite3"
    ok(db, "init")
    ok(db, "member", "add", "FZ", "--name", "Fatima Zahra")
    ok(db, "product", "add", "CAFTAN", "--member", "FZ", "--name", "Caftan brodé", "--unit",
       "pièce", "--price", "2800", "--vat", "20")
    ok(db, "material", "add", "TISSU", "--member", "FZ", "--name", "Tissu", "--unit", "m")
    err = refused(db, "product", "bom", "CAFTAN", "--material", "TISSU:3", "--material",
                  "FIL:2")
    assert "--material n°2" in err and "matière « FIL » inconnue" in err
    err = refused(db, "product", "bom", "CAFTAN", "--material", "TISSU:trois")
    assert "--material n°1" in err and "n'est pas une quantité" in err
    err = refused(db, "product", "bom", "CAFTAN", "--material", "TISSU:1", "--resource",
                  "FOUR:1")
    assert "--resource n°1" in err and "« FOUR » inconnue" in err
    err = refused(db, "member", "capacity", "FZ", "--hours-per-week", "30", "--off",
                  "2026-03-06:2026-03-05")
    assert "--off n°1" in err and "précède" in err
    err = refused(db, "member", "capacity", "FZ", "--hours-per-week", "trente")
    assert "--hours-per-week" in err
    err = refused(db, "stock", "adjust", "--material", "TISSU", "--qty", "-2", "--date",
                  "2026-03-02", "--reason", "casse")
    assert "--qty" in err and "deviendrait négatif" in err
    err = refused(db, "production", "order", "add", "--member", "FZ", "--product", "CAFTAN",
                  "--qty", "0", "--due", "2026-03-20")
    assert "--qty" in err
    err = refused(db, "production", "order", "show", "OF-2026-00009")
    assert "introuvable" in err
    for text in (err,):
        assert "materials" not in text and "field" not in text
