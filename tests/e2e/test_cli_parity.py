"""Every operation the TUI offers is also a CLI command: the palette's table and the job
screens' key bindings, each with its twin ``ecp`` command (a new TUI operation without one
fails here), and the commands that gave the CLI what only the TUI had — one entry with its
lines, the dashboard, a member's page for a month, one document, editing and deleting a
draft — run on the demo books, their figures read back."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from ecp import api, cli
from ecp.tui.kit.palette import COMMANDS, SCREENS

# --- the twins -------------------------------------------------------------------------------

# Palette entry (its title) -> the ``ecp`` command doing the same thing, or None for what is
# the interface itself (colours, leaving it), with no books operation behind it.
PALETTE_TWINS: dict[str, str | None] = {
    "aller : tableau de bord": "report dashboard",
    "aller : écritures": "entry list",
    "aller : balance": "report trial-balance",
    "aller : grand livre": "report ledger",
    "aller : journaux": "report journal",
    "aller : membres": "member list",
    "aller : plan comptable": "account list",
    "aller : clôture": "period list",
    "aller : ventes": "invoice list",
    "aller : tva et créances": "report vat",
    "aller : production": "production order list",
    "aller : banque": "bank lines",
    "écriture : nouvelle": "entry post",
    "écriture : rechercher": "entry list",
    "écriture : contre-passer": "entry reverse",
    "période : clôturer": "period close",
    "période : rouvrir": "period reopen",
    "vérifier les livres": "verify",
    "export : balance CSV": "export",
    "export : grand livre CSV": "export",
    "export : journal CSV": "export",
    "membre : ajouter": "member add",
    "membre : modifier": "member edit",
    "membre : fiche du mois": "member show",
    "membre : versement": "payout add",
    "paie : payer la CNSS du mois": "social pay",
    "paie : payer l'IR retenu du mois": "ir pay",
    "paie : état du mois": "report payroll",
    "avance : remboursement par le membre": "advance repay",
    "fin de mois : lancer la clôture": "month close",
    "relevés : générer pour le mois": "statement",
    "exercice : contrôles de clôture": "year check",
    "exercice : clôturer (provisoire)": "year close",
    "exercice : clôture définitive": "year close",
    "exercice : rouvrir": "year reopen",
    "exercice : définir le premier": "year define",
    "exercice : affecter le résultat": "year allocate",
    "exercice : journal des clôtures": "year events",
    "immobilisation : ajouter": "asset add",
    "immobilisation : céder": "asset dispose",
    "immobilisation : registre": "asset list",
    "amortissements : passer les dotations": "depreciation run",
    "inventaire : stock compté à la main": "inventory set",
    "inventaire : passer les variations": "inventory run",
    "états : bilan": "report bilan",
    "états : CPC": "report cpc",
    "états : ESG": "report esg",
    "états : tableau de financement": "report tf",
    "états : ETIC": "report etic",
    "export : état de synthèse CSV": "report bilan",
    "export : état de synthèse PDF": "report bilan",
    "export : liasse de l'exercice": "export",
    "compte : ajouter": "account add",
    "facture : nouvelle": "invoice create",
    "facture : enregistrer un règlement": "payment add",
    "facture : avoir": "credit-note create",
    "facture : relancer": "invoice remind",
    "facture : chemin du PDF": "invoice pdf",
    "devis : nouveau": "quote create",
    "brouillon : émettre": "invoice issue",
    "client : nouveau": "customer add",
    "client : rembourser": "refund add",
    "TVA : déclarer la période": "vat declare",
    "TVA : payer la déclaration": "vat pay",
    "TVA : annuler la déclaration": "vat reverse",
    "TVA : relevé des déductions XML": "export",
    "TVA : PDF de la déclaration": "vat show",
    "fournisseur : nouveau": "supplier add",
    "produit : nouveau": "product add",
    "dépense : nouvelle": "expense add",
    "export : déclaration de TVA CSV": "report vat",
    "production : nouvel ordre": "production order add",
    "production : plan": "production plan",
    "production : besoins en matières": "production needs",
    "banque : importer un relevé": "bank import",
    "banque : rapprochement automatique": "bank match",
    "banque : état de rapprochement": "report bank-reconciliation",
    "atelier : nouvelle matière": "material add",
    "stock : entrée": "stock receive",
    "stock : ajustement": "stock adjust",
    "atelier : nomenclature d'un produit": "product bom",
    "atelier : ressource partagée": "resource add",
    "atelier : capacité d'un membre": "member capacity",
    "banque : profil d'import": "bank profile add",
    "paramètres : identité de l'ECP": "settings set",
    "import : écritures CSV": "import postings",
    "export : journal hledger": "export",
    "sauvegarde : copie de la base": "backup",
    "rapport : impact du programme": "report impact",
    "rapport : réseau d'ECP": "network report",
    "atelier collectif : nouveau": "workshop add",
    "atelier collectif : présence": "workshop attend",
    "atelier collectif : liste": "workshop list",
    "thème : changer": None,
    "Quitter": None,
}

# A job screen's key binding (its id) that is an operation on the books -> its twin. Moving
# about (tabs, filters, cursor, weeks shown, closing a dialog) is not an operation.
BINDING_TWINS: dict[str, str] = {
    "dashboard.refresh": "report dashboard",
    "dashboard.open": "report ledger",
    "dashboard.settings": "settings show",
    "entries.new": "entry post",
    "entries.reverse": "entry reverse",
    "entry-detail.reverse": "entry reverse",
    "balance.open": "report ledger",
    "report.export": "export",
    "accounts.add": "account add",
    "members.add": "member add",
    "members.edit": "member edit",
    "members.page": "member show",
    "members.payout": "payout add",
    "members.contribution": "contribution run",
    "member-page.payout": "payout add",
    "member-page.statement": "statement",
    "member-page.annual": "statement",  # statement annual AAAA --member M
    "member-page.journey": "member journey",
    "member-page.profile": "member edit",
    "member-page.stage": "member stage",
    "member-page.exit": "member exit",
    "member-page.meeting": "meeting add",
    "member-page.attend": "workshop attend",
    "impact.pdf": "report impact",
    "impact.csv": "report impact",
    "network.bases": "network report",
    "network.period": "network report",
    "network.partial": "network report",
    "network.csv": "network report",  # --anonymised-csv
    "workshop-list.sheet": "workshop sheet",
    "closing.close": "period close",
    "closing.reopen": "period reopen",
    "closing.verify": "verify",
    "closing.month_end": "month close",
    "month-end.launch": "month close",
    "month-end.statements": "statement",
    "closing.year_end": "year list",
    "closing.draft": "invoice edit-draft",
    "year-end.refresh": "year check",
    "year-end.add_asset": "asset add",
    "year-end.dispose": "asset dispose",
    "year-end.depreciation": "depreciation run",
    "year-end.inventory_set": "inventory set",
    "year-end.inventory_run": "inventory run",
    "year-end.export": "report bilan",
    "year-end.pdf": "report bilan",
    "year-end.liasse": "export",
    "year-end.close": "year close",
    "year-end.final": "year close",
    "year-end.reopen": "year reopen",
    "year-end.define": "year define",
    "year-end.allocate": "year allocate",
    "sales.new": "invoice create",
    "sales.pay": "payment add",
    "sales.credit": "credit-note create",
    "sales.pdf": "invoice pdf",
    "sales.accept": "quote accept",
    "sales.invoice_quote": "quote invoice",
    "sales.issue": "invoice issue",
    "sales.edit": "invoice edit-draft",
    "sales.delete": "invoice delete-draft",
    "document.choose-pay": "payment add",
    "document.choose-credit": "credit-note create",
    "document.choose-remind": "invoice remind",
    "sales.remind": "invoice remind",
    "vat.export": "report vat",
    "vat.declare": "vat declare",
    "vat.pay": "vat pay",
    "vat.reverse": "vat reverse",
    "vat.releve": "export",
    "vat.pdf": "vat show",
    "production.new_order": "production order add",
    "production.start": "production start",
    "production.complete": "production complete",
    "production.cancel": "production cancel",
    "production.new_material": "material add",
    "production.receive": "stock receive",
    "production.adjust": "stock adjust",
    "production.bom": "product bom",
    "production.new_resource": "resource add",
    "production.capacity": "member capacity",
    "order.act-start": "production start",
    "order.act-complete": "production complete",
    "order.act-cancel": "production cancel",
    "bank.accept": "bank accept",
    "bank.search": "bank suggest",
    "bank.rule": "bank rule add",
    "bank.auto": "bank match",
    "bank.import_statement": "bank import",
    "bank.reconciliation": "report bank-reconciliation",
    "bank.profile": "bank profile add",
}


def _commands() -> set[str]:
    """Every ``ecp`` command, as typed: ``invoice show``, ``production order list``…"""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.add(f"{prefix}{name}")
                    walk(sub, f"{prefix}{name} ")

    walk(cli.build_parser(), "")
    return found


def test_every_palette_operation_has_a_cli_twin() -> None:
    titles = [c.title for c in COMMANDS]
    assert sorted(set(titles) - set(PALETTE_TWINS)) == [], \
        "nouvelle commande de la palette : donnez-lui sa commande ecp ici (et dans la CLI)"
    assert sorted(set(PALETTE_TWINS) - set(titles)) == []
    commands = _commands()
    missing = {t: c for t, c in PALETTE_TWINS.items() if c is not None and c not in commands}
    assert missing == {}
    # the palette's go-to entries are the job screens, each with its listing command
    assert len([t for t in titles if t.startswith("aller : ")]) == len(SCREENS)


def test_every_screen_operation_has_a_cli_twin() -> None:
    screens = Path(__file__).parents[2] / "ecp" / "tui" / "screens"
    ids = {m for f in screens.glob("*.py")
           for m in re.findall(r'id="([\w.-]+)"', f.read_text(encoding="utf-8"))}
    assert sorted(set(BINDING_TWINS) - ids) == []  # each binding named is still there
    commands = _commands()
    assert {b: c for b, c in BINDING_TWINS.items() if c not in commands} == {}


# --- the commands on the demo books ------------------------------------------------------------


def ecp(capsys: pytest.CaptureFixture[str], db: Path, *argv: str, code: int = 0) -> str:
    """``ecp --db DB ARGV…`` in this process; stdout (or stderr when it fails as expected)."""
    got = cli.main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    assert got == code, (argv, out, err)
    return out if code == 0 else err.strip()


def test_entry_show_and_list(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the demo is entered in date order: VT-2026-000001 is the traiteur of 3 August
    out = ecp(capsys, demo_path, "entry", "show", "vt-2026-000002")
    assert out.startswith("Écriture VT-2026-000002 du 2026-08-04 — journal VT\n"
                          "Libellé : Caftan brodé - Hôtel Continental\nPièce : FA-2026-00001\n")
    assert re.search(r"\n1 +34211 +Clients - Catégorie A +M001 +Hôtel Continental +2026-10-03 "
                     r"+3 138,00\n", out)
    assert re.search(r"\n2 +71211 +Ventes de produits finis .* +M001 +2 615,00\n", out)
    assert re.search(r"\n3 +44551 +État - TVA facturée .* +M001 +523,00\n", out)
    assert "Total : débit 3 138,00 = crédit 3 138,00" in out
    d = json.loads(ecp(capsys, demo_path, "entry", "show", "VT-2026-000002", "--format", "json"))
    assert [(x["compte"], x["montant"]) for x in d["lignes"]] == [
        ("34211", "3138.00"), ("71211", "-2615.00"), ("44551", "-523.00")]
    assert (d["lignes"][0]["tiers"], d["lignes"][0]["echeance"]) == (
        "Hôtel Continental", "2026-10-03")
    # by its internal id, the same entry
    from ecp.ledger.browse import EntryFilter
    [row] = api.entries_page(api.open_books(str(demo_path)), EntryFilter(text="VT-2026-000002"))
    assert json.loads(ecp(capsys, demo_path, "entry", "show", str(row.id), "--format", "json")
                      ) == d

    rows = ecp(capsys, demo_path, "entry", "list", "--journal", "vt", "--month", "2026-08",
               "--format", "csv").splitlines()
    assert rows[0] == ("numero,date,journal,libelle,piece,montant,dimensions,contre_passe,"
                       "contre_passee_par")
    assert ("VT-2026-000002,2026-08-04,VT,Caftan brodé - Hôtel Continental,FA-2026-00001,"
            "3138.00,M001,,") in rows
    days = [r.split(",")[1] for r in rows[1:]]
    assert days == sorted(days, reverse=True)  # the newest first, as on the screen
    assert all(",VT," in r and ",2026-08-" in r for r in rows[1:])
    found = ecp(capsys, demo_path, "entry", "list", "--text", "CONTRIB-2026-11-M001",
                "--format", "json")
    assert [(r["numero"], r["montant"]) for r in json.loads(found)] == [
        ("OD-2026-000037", "1210.00")]  # OD in date order: after November's stock and pay

    assert ecp(capsys, demo_path, "entry", "show", "OD-2030-000001", code=2) \
        == "ecp : ECRITURE : écriture OD-2030-000001 introuvable"
    assert ecp(capsys, demo_path, "entry", "show", "XX", code=2) == (
        "ecp : ECRITURE : numéro d'écriture : « XX » attendu sous la forme VT-2026-000123")


def test_dashboard(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = dict(r.split(",") for r in ecp(
        capsys, demo_path, "report", "dashboard", "--today", "2026-11-15",
        "--format", "csv").splitlines()[1:])
    # the demo's pay (issue 14): M001's salaries of September and October, net 3 500,00
    assert rows["tresorerie_M001"] == "9501.06"
    assert rows["tresorerie_ECP"] == "106520.00"
    assert rows["tresorerie"] == "161901.97"
    assert rows["creances_clients"] == "14360.00"
    assert rows["dettes_fournisseurs"] == "2760.00"
    assert (rows["tva_exigible"], rows["tva_recuperable"], rows["tva_nette"]) == (
        "0.00", "460.00", "-460.00")  # the demo's VAT declared and paid to November
    # November's pay: M001's and M003's payroll OD and payment, M002's invoice and payment;
    # October's CNSS and IR paid on 10 November
    assert rows["ecritures_du_mois"] == "34"
    out = ecp(capsys, demo_path, "report", "dashboard", "--today", "2026-11-15")
    assert out.startswith("Tableau de bord — ECP Tanger Entreprendre — 2026-11\n")
    assert re.search(r"Trésorerie \(banques et caisses\) +161 901,97\n", out)
    assert out.rstrip().endswith("Dernière vérification : jamais lancée")


def test_member_page(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ecp(capsys, demo_path, "member", "show", "m001", "--month", "2026-11")
    assert out.startswith("Fiche de M001 — Fatima Zahra El Idrissi")
    assert "— 2026-11\nActivité : couture — contribution 10 % — documents en français\n" in out
    # M001 is salaried: her net 3 500,00 (gross 3 752,96, employer 791,51) costs 4 544,47
    # each month from September (tests/test_demo.py)
    assert re.search(r"\nDisponible +1 269,09\n", out)
    assert "\nRémunération : salarié (CNSS 112233445, 2 personne(s) à charge) depuis le " \
        "2025-03-01\n" in out
    assert re.search(r"\nContribution du mois \(10 %\) +605,00\n", out)
    assert re.search(r"F-2026-000003 +2026-11-03 +Riad Tanja +6 050,00 +7 260,00", out)
    assert re.search(r"VR-2026-000010 +2026-11-27 +3 500,00 +versement", out)
    rows = dict(r.split(",") for r in ecp(capsys, demo_path, "member", "show", "M004",
                                          "--month", "2026-11", "--format", "csv"
                                          ).splitlines()[1:])
    assert (rows["tresorerie_encaissee"], rows["disponible"], rows["creances_clients"]) == (
        "12770.00", "6738.00", "2520.00")  # M004 is not paid in the demo
    page = json.loads(ecp(capsys, demo_path, "member", "show", "M001", "--month", "2026-11",
                          "--format", "json"))
    assert [(p["facture"], p["montant"], p["tva"]) for p in page["encaissements"]] == [
        ("F-2026-000003", "7260.00", "1210.00")]
    assert [(e["fournisseur"], e["paye"]) for e in page["depenses"]] == [
        ("Tissus du Nord", "1740.00")]
    assert ecp(capsys, demo_path, "member", "show", "ZZ", code=2) \
        == "ecp : CODE : membre « ZZ » inconnu"


def test_document_shown(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ecp(capsys, demo_path, "invoice", "show", "F-2026-000003")
    assert out.startswith("Facture F-2026-000003 du 2026-11-03 — échéance 2027-01-02\n"
                          "Membre : M001 Fatima Zahra El Idrissi\nClient : RIAD Riad Tanja\n")
    assert re.search(r"1 +Caftan brodé main +2 +pièce +2 800,00 +20 % +5 600,00", out)
    assert re.search(r"2 +Retouche +3 +heure +150,00 +20 % +450,00", out)
    assert ("TVA 20 % sur 6 050,00 : 1 210,00\n"
            "Total HT 6 050,00 DH, TVA 1 210,00 DH, TTC 7 260,00 DH\n\nHistorique :\n") in out
    assert re.search(r"13/11/2026  règlement +7 260,00  reste +0,00  Règlement par virement "
                     r"— VIR 88412 BQ-", out)  # the invoice's history (issue 17, 9)
    quote = json.loads(ecp(capsys, demo_path, "invoice", "show", "D-2026-000001",
                           "--format", "json"))
    assert (quote["type"], quote["valable_jusqu_au"], quote["total_ttc"]) == (
        "devis", "2026-12-18", "16800.00")
    assert [(x["quantite"], x["prix_ht"], x["tva_pct"]) for x in quote["lignes"]] == [
        ("5", "2800.00", "20")]
    credit = json.loads(ecp(capsys, demo_path, "invoice", "show", "AV-2026-000001",
                            "--format", "json"))
    assert (credit["lie_a"], credit["total_ttc"]) == ("F-2026-000005", "600.00")
    assert ecp(capsys, demo_path, "invoice", "show", "F-2026-000099", code=2) \
        == "ecp : NUMERO : document « F-2026-000099 » introuvable"


def test_draft_edited_then_deleted(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drafts = ecp(capsys, demo_path, "invoice", "list", "--status", "draft", "--format", "csv")
    assert drafts.splitlines()[1:] == ["1,2026-11-25,,M005,ALAOUI,220.00,22.00,242.00"]
    # only the date: the lines stay
    assert ecp(capsys, demo_path, "invoice", "edit-draft", "1", "--date", "2026-11-26") \
        == "Brouillon 1 : ALAOUI, 2026-11-26, 1 ligne(s), TTC 242,00 DH\n"
    # a bad line: named by its option and number, nothing changed
    assert ecp(capsys, demo_path, "invoice", "edit-draft", "1", "--line", "Bougie|4|50|20",
               "--line", "Savon|x|1|20", code=2) == (
        "ecp : --line : ligne 2, quantité : « x » n'est pas une quantité (ex. 2 ou 2,5)")
    assert ecp(capsys, demo_path, "invoice", "edit-draft", "1", "--product", "NOPE:1",
               code=2).startswith("ecp : --product n°1 : ")
    assert ecp(capsys, demo_path, "invoice", "edit-draft", "1", "--line", "Bougie|4|50|20",
               "--product", "CORNES:0,5") \
        == "Brouillon 1 : ALAOUI, 2026-11-26, 2 ligne(s), TTC 361,00 DH\n"
    books = api.open_books(str(demo_path))
    d = api.draft(books, 1)
    assert [(x.description, x.quantity_milli, x.unit_price, x.vat_bp) for x in d.lines] == [
        ("Bougie", 4000, 5000, 2000), ("Cornes de gazelle", 500, 22000, 1000)]
    assert ecp(capsys, demo_path, "invoice", "delete-draft", "1") == "Brouillon 1 supprimé\n"
    assert api.list_drafts(books) == []
    assert ecp(capsys, demo_path, "invoice", "delete-draft", "1", code=2) \
        == "ecp : BROUILLON : brouillon n° 1 introuvable (déjà émis ou supprimé ?)"


def test_quote_drafts_listed(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from ecp.kernel.units import Quantity, Rate

    books = api.open_books(str(demo_path))
    spec = api.DocumentSpec("devis", "M002", "HOTEL", dt.date(2026, 11, 20),
                            (api.LineInput("Traiteur", Quantity(10_000), 15_000, Rate(1000)),))
    draft_id = api.save_document(books, spec)
    rows = ecp(capsys, demo_path, "quote", "list", "--status", "draft", "--format", "csv")
    assert rows.splitlines()[1:] == [f"{draft_id},2026-11-20,,M002,HOTEL,1500.00,150.00,1650.00"]
