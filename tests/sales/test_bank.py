"""Bank statements: awkward files refused whole with the line and the reason, duplicates
landing once, a worked statement of ten lines matched to invoices, a supplier bill, a payout
and a rule, and a reconciliation with no difference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.errors import InputError, ValidationError
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.ledger.bank import Profile
from ecp.ledger.entry import LineSpec
from ecp.sales.documents import LineInput

D = dt.date
HEAD = "Date opération;Libellé;Débit;Crédit\n"


def write(tmp_path: Path, text: str, name: str = "releve.csv", encoding: str = "cp1252",
          bom: bool = False) -> Path:
    p = tmp_path / name
    data = text.encode(encoding)
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return p


def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    """A typed line from the figures as a bookkeeper says them (units, DH, %)."""
    return LineInput(desc, Quantity(int(qty) * 1000), int(price) * 100, Rate(int(rate) * 100),
                     account)


def test_moroccan_export_with_accents_spaces_and_decimal_comma(sales: api.Books,
                                                               tmp_path: Path) -> None:
    f = write(tmp_path, HEAD + "02/03/2026;VIR RECU HÔTEL TANJA F-2026-000001;;1 234,50\n"
              "\n"
              "03/03/2026;PRLV CNSS FÉVRIER;2 000,00;\n")
    res = api.bank_import(sales, f)
    assert (res.read, res.added, res.duplicates) == (2, 2, 0)
    lines = api.bank_lines(sales)
    assert [(ln.day, ln.amount, ln.label) for ln in lines] == [
        (D(2026, 3, 2), 123450, "VIR RECU HÔTEL TANJA F-2026-000001"),
        (D(2026, 3, 3), -200000, "PRLV CNSS FÉVRIER")]


def test_bom_and_comma_separated_signed_amounts_with_a_saved_profile(sales: api.Books,
                                                                     tmp_path: Path) -> None:
    api.bank_profile_add(sales, Profile("banque2", date_col=2, label_col=3, amount_col=4,
                                        date_format="%Y-%m-%d", decimal=".", sep=",",
                                        encoding="utf-8"))
    f = write(tmp_path, "ref,date,libelle,montant\nA1,2026-03-05,Loyer,-4500.00\n"
              'A2,2026-03-06,"Virement, client",1.234.50\n', encoding="utf-8", bom=True)
    with pytest.raises(ValidationError, match=r"ligne 3, montant : « 1\.234\.50 »"):
        api.bank_import(sales, f, profile="banque2")
    f = write(tmp_path, "ref,date,libelle,montant\nA1,2026-03-05,Loyer,-4500.00\n"
              'A2,2026-03-06,"Virement, client","1,234.50"\n', encoding="utf-8", bom=True)
    assert api.bank_import(sales, f, profile="banque2").added == 2
    assert [ln.amount for ln in api.bank_lines(sales)] == [-450000, 123450]


@pytest.mark.parametrize("text, reason", [
    (HEAD + "02/03/2026;Frais;12,00\n", "ligne 2 : 3 colonne(s), le profil maroc en attend 4"),
    (HEAD + "30/02/2026;Frais;12,00;\n", "ligne 2, date : « 30/02/2026 »"),
    (HEAD + "02/03/2026;Frais;12,345;\n", "ligne 2, montant : « 12,345 »"),
    (HEAD + "02/03/2026;Frais;12,00;5,00\n", "ligne 2 : débit et crédit à la fois"),
    ("Date,Label,Amount\n2026-03-02,Fees,-12.00\n", "ligne 2 : 1 colonne(s)"),
])
def test_a_bad_file_is_refused_whole(sales: api.Books, tmp_path: Path, text: str,
                                     reason: str) -> None:
    good = "01/03/2026;Bonne ligne;;10,00\n"
    f = write(tmp_path, text.replace(HEAD, HEAD + good) if text.startswith(HEAD) else text)
    with pytest.raises((ValidationError, InputError)) as exc:
        api.bank_import(sales, f)
    assert reason.replace("ligne 2", "ligne 3") in str(exc.value) or reason in str(exc.value)
    assert api.bank_lines(sales) == []


def test_a_file_that_is_not_cp1252_names_the_encoding(sales: api.Books, tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_bytes(HEAD.encode() + b"02/03/2026;\x81\x8d;;1,00\n")
    with pytest.raises(InputError, match="n'est pas en cp1252"):
        api.bank_import(sales, f)


def test_the_same_file_twice_and_overlapping_statements(sales: api.Books,
                                                        tmp_path: Path) -> None:
    a = write(tmp_path, HEAD + "02/03/2026;FRAIS TENUE;15,00;\n02/03/2026;FRAIS TENUE;15,00;\n"
              "05/03/2026;VIR RECU;;100,00\n", "mars-1.csv")
    b = write(tmp_path, HEAD + "02/03/2026;FRAIS TENUE;15,00;\n02/03/2026;FRAIS TENUE;15,00;\n"
              "05/03/2026;VIR RECU;;100,00\n09/03/2026;VIR RECU;;200,00\n", "mars-2.csv")
    assert api.bank_import(sales, a).added == 3  # two identical fees stay two
    assert api.bank_import(sales, a).added == 0
    res = api.bank_import(sales, b)
    assert (res.added, res.duplicates) == (1, 3)
    assert len(api.bank_lines(sales)) == 4


def test_worked_statement_matched_and_reconciled(sales: api.Books, tmp_path: Path) -> None:
    f1 = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                              lines=[L("Caftans", "2", "1000", "20")])  # 2 400,00
    f2 = api.create_and_issue(sales, "facture", "KH", "HOTEL", D(2026, 3, 3),
                              lines=[L("Traiteur", "1", "500", "10", "7111")])  # 550,00
    f3 = api.create_and_issue(sales, "facture", "FZ", "AMINA", D(2026, 3, 4),
                              lines=[L("Retouches", "1", "300", "20", "71243")])  # 360,00
    e1 = api.add_expense(sales, "FZ", "TISSUS", D(2026, 3, 5), "6111", 50000, Rate(2000),
                         reference="TN-77")  # 600,00
    api.contribution_run(sales, Month(2026, 3))
    api.post_entry(sales, "AN", D(2026, 3, 1), "Fonds de roulement FZ", [
        LineSpec("5141", "FZ", 300000), LineSpec("1111", "FZ", -300000)])
    pay = api.add_payout(sales, "FZ", 100000, D(2026, 3, 20), "virement")
    api.bank_rule_add(sales, "CNSS", "4441", "ECP", "Cotisations CNSS")
    api.bank_rule_add(sales, "FRAIS TENUE", "61473", "ECP", "Frais bancaires")
    statement = HEAD + "\n".join([
        "01/03/2026;APPORT FONDS DE ROULEMENT;;3 000,00",
        f"10/03/2026;VIR RECU HOTEL TANJA {f1.number};;2 400,00",
        "11/03/2026;VIR RECU HOTEL TANJA;;550,00",
        "12/03/2026;VIR RECU ALAOUI AMINA;;200,00",
        "14/03/2026;VIR EMIS TISSUS DU NORD TN-77;600,00;",
        f"20/03/2026;VIR EMIS {pay.number} FATIMA ZAHRA;1 000,00;",
        "25/03/2026;PRLV CNSS MARS;450,00;",
        "31/03/2026;FRAIS TENUE DE COMPTE;15,00;",
        "31/03/2026;COMMISSION VIREMENT;5,00;",
        "31/03/2026;VIR RECU ALAOUI AMINA;;160,00"]) + "\n"
    assert api.bank_import(sales, write(tmp_path, statement)).added == 10
    lines = {ln.label: ln for ln in api.bank_lines(sales)}
    # Suggestions: the invoice by its number and amount first.
    s = api.bank_suggestions(sales, lines[f"VIR RECU HOTEL TANJA {f1.number}"].id)
    assert (s[0].kind, s[0].ref, s[0].exact) == ("facture", f1.number, True)
    # Auto: only exact, unambiguous matches. The first line (the opening funds) points to
    # the entry already in the ledger; the two partial payments of AMINA are not exact.
    res = api.bank_auto(sales)
    assert {m for _l, m, _e in res.accepted} == {
        "écriture AN-2026-000001", f"facture {f1.number}", f"facture {f2.number}",
        f"dépense {e1}", f"versement {pay.number}", "règle 1", "règle 2"}
    # By hand: the two payments of AMINA's invoice (200 + 160).
    api.bank_accept(sales, lines["VIR RECU ALAOUI AMINA"].id, "facture", f3.number)
    api.bank_accept(sales, lines["COMMISSION VIREMENT"].id, "règle", "2")
    open_lines = api.bank_lines(sales, unmatched=True)
    assert [ln.label for ln in open_lines] == ["VIR RECU ALAOUI AMINA"]
    amina = open_lines[0]
    api.bank_accept(sales, amina.id, "facture", f3.number)
    with pytest.raises(InputError, match="déjà rapprochée"):
        api.bank_accept(sales, amina.id, "facture", f3.number)
    assert [d.status for d in api.list_documents(sales, today=D(2026, 3, 31))] == [
        "payée", "payée", "payée"]
    rec = api.bank_reconciliation(sales, "5141", D(2026, 3, 31))
    assert (rec.gap, rec.differences) == (0, ())
    assert rec.statement == rec.ledger == 300000 + 240000 + 55000 + 36000 - 60000 - 100000 \
        - 45000 - 1500 - 500
    assert api.verify(sales).ok


def test_a_line_points_to_an_entry_already_in_the_ledger(sales: api.Books,
                                                         tmp_path: Path) -> None:
    api.post_entry(sales, "BQ", D(2026, 3, 3), "Frais de dossier saisis à la main", [
        LineSpec("61473", "ECP", 12000), LineSpec("5141", "ECP", -12000)])
    api.bank_import(sales, write(tmp_path, HEAD + "04/03/2026;FRAIS DOSSIER;120,00;\n"))
    (ln,) = api.bank_lines(sales)
    (s,) = api.bank_suggestions(sales, ln.id)
    assert (s.kind, s.ref, s.exact) == ("écriture", "BQ-2026-000001", True)
    api.post_entry(sales, "BQ", D(2026, 3, 4), "Autre frais", [
        LineSpec("61473", "ECP", 500), LineSpec("5141", "ECP", -500)])
    with pytest.raises(InputError, match="mouvemente 5141 de -5,00 DH, pas de -120,00 DH"):
        api.bank_accept(sales, ln.id, "écriture", "BQ-2026-000002")
    with pytest.raises(InputError, match="écriture AN-2026-000009 introuvable"):
        api.bank_accept(sales, ln.id, "écriture", "AN-2026-000009")
    assert api.bank_accept(sales, ln.id, "écriture", "bq-2026-000001") == "BQ-2026-000001"
    assert api.bank_suggestions(sales, ln.id) == []  # pointed: no longer offered
    rec = api.bank_reconciliation(sales, "5141", D(2026, 3, 31))
    assert [(d.side, d.ref, d.amount) for d in rec.differences] == [
        ("grand livre", "BQ-2026-000002", -500)]
    assert rec.gap == rec.explained == 500
