"""The member's annual statement (issue 15, « Relevé annuel du membre »): a worked year of one
member asserted to the centime; the one-page attestation PDF read back; the batch over the
members of the year with its progress; the archive (SHA-256, versions) checked by verify; the
CLI (`ecp statement annual AAAA`, its --format twins and its refusals)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from pathlib import Path

import pypdf
import pytest

from ecp import api, cli
from ecp.api.members import check_statements
from ecp.api.session import _read
from ecp.kernel.periods import Month
from ecp.kernel.units import Rate, parse_quantity, parse_rate
from ecp.ledger.entry import LineSpec
from ecp.members.annual import AnnualStatement
from ecp.reports.annual import figure_rows, wording
from ecp.reports.annual_pdf import render_annual
from ecp.reports.invoice_pdf import shape_arabic
from ecp.sales.documents import LineInput
from ecp.tui.app import EcpApp
from ecp.tui.screens.member_page import MemberPageScreen
from tests.tui.pilot import shown, until

D = dt.date
ISSUED = D(2027, 1, 15)


def L(desc: str, qty: str, price: str, rate: str, account: str = "71211") -> LineInput:
    from ecp.kernel.money import parse
    return LineInput(desc, parse_quantity(qty, "quantité"), parse(price),
                     parse_rate(rate, "taux"), account)


def worked_year(books: api.Books) -> None:
    """FZ's 2026 (salariée, no dependant; the ECP's default contribution of 10 %):

    - invoice A 10/02 to HOTEL, 20 000,00 HT on 71211 (24 000,00 TTC), paid 01/03 by transfer;
      invoice B 15/06 to AMINA, 3 000,00 HT of services on 71243 (3 600,00 TTC), unpaid;
    - bills from TISSUS: 05/02 materials 61211 2 000,00 HT + 400,00 VAT, paid 20/02; 10/04 a
      rent 61312 500,00 HT + 100,00 VAT, paid the same day; a bank fee typed by hand 31/05
      61473 100,00; an operating grant 30/06 7161 250,00 into the bank;
    - a sewing machine 01/07 on 23321, 6 000,00 HT + 1 200,00 VAT paid at once, in the register
      over 5 years (linear): 1 200,00 × 184 / 365 = 604,93 in 2026 (61933 / 28332);
    - the contribution of March: 10 % × 20 000,00 HT cashed = 2 000,00 (61468 / 44881), not
      transferred;
    - a solidarity advance 01/07 of 1 000,00 by transfer, 400,00 a month;
    - the salary of November 30/11, gross 6 500,00 (the payroll worked example: CNSS/AMO
      415,70; IR without dependant 571,16 / 12 = 47,60; net 6 036,70; employer 1 325,95 of
      which TFP 104,00), the advance's 400,00 withheld: 5 636,70 paid;
    - FZ repays 200,00 of the advance by transfer on 15/12;
    - stock of materials counted 800,00 at year end (3121 / 61241).
    """
    api.create_and_issue(books, "facture", "FZ", "HOTEL", D(2026, 2, 10),
                         lines=[L("Caftans", "4", "5000", "20")])
    api.create_and_issue(books, "facture", "FZ", "AMINA", D(2026, 6, 15),
                         lines=[L("Retouches", "1", "3000", "20", "71243")])
    api.add_payment(books, [_first_invoice(books)], 2400000, D(2026, 3, 1), "virement")
    api.add_expense(books, "FZ", "TISSUS", D(2026, 2, 5), "61211", 200000, Rate(2000),
                    paid_on=D(2026, 2, 20), method="virement")
    api.add_expense(books, "FZ", "TISSUS", D(2026, 4, 10), "61312", 50000, Rate(2000),
                    paid_on=D(2026, 4, 10), method="virement")
    api.post_entry(books, "OD", D(2026, 5, 31), "Frais de tenue de compte",
                   [LineSpec("61473", "FZ", 10000), LineSpec("5141", "FZ", -10000)])
    api.post_entry(books, "OD", D(2026, 6, 30), "Subvention d'exploitation",
                   [LineSpec("5141", "FZ", 25000), LineSpec("7161", "FZ", -25000)])
    machine = api.add_expense(books, "FZ", "TISSUS", D(2026, 7, 1), "23321", 600000,
                              Rate(2000), paid_on=D(2026, 7, 1), method="virement")
    api.add_asset(books, "MAC-FZ", "23321", "Machine à coudre", D(2026, 7, 1), 600000,
                  dimension="FZ", years=5, expense_id=machine)
    api.contribution_run(books, Month(2026, 3))
    api.add_payout(books, "FZ", 100000, D(2026, 7, 1), "virement", advance=True,
                   reason="Fonds de roulement", repay_monthly=40000)
    api.add_payout(books, "FZ", day=D(2026, 11, 30), gross=650000)
    api.repay_advance(books, "FZ", 20000, D(2026, 12, 15))
    api.depreciation_run(books, 2026)
    api.inventory_set(books, 2026, "FZ", "matieres", 80000)
    api.inventory_run(books, 2026)


def _first_invoice(books: api.Books) -> str:
    """The number of FZ's first invoice (A)."""
    from sqlalchemy import select

    from ecp.db.models import Document
    with _read(books) as conn:
        return str(conn.scalar(select(Document.number).where(
            Document.member == "FZ", Document.kind == "facture").order_by(Document.id)))


@pytest.fixture
def year(sales: api.Books) -> api.Books:
    sales.clock = lambda: ISSUED
    worked_year(sales)
    return sales


def test_worked_year_to_the_centime(year: api.Books) -> None:
    """Every figure of FZ's 2026 (see ``worked_year``):

    - turnover HT: 20 000,00 + 3 000,00 = 23 000,00; other products: grant 250,00;
    - charges by nature: achats consommés 2 000,00 − 800,00 (stock variation) = 1 200,00;
      autres charges externes 500,00 + 100,00 = 600,00; impôts et taxes (TFP) 104,00; charges
      de personnel 6 500,00 + 1 221,95 = 7 721,95; dotations 604,93 — 10 230,88 in all;
    - contribution 2 000,00; result 23 000,00 + 250,00 − 10 230,88 − 2 000,00 = 11 019,12;
    - remuneration: one payslip, gross 6 500,00, CNSS/AMO 415,70, IR 47,60, net 6 036,70,
      employer 1 325,95; withheld 400,00; paid 5 636,70; advance paid 1 000,00;
    - at 31/12: advance owed 1 000,00 − 400,00 − 200,00 = 400,00; stock 800,00; the machine
      6 000,00 − 604,93 = 5 395,07;
    - treasury: cash 24 000,00 − 2 400,00 − 600,00 − 100,00 + 250,00 − 7 200,00 − 1 000,00 −
      5 636,70 + 200,00 = 7 513,30; VAT due 4 000,00 (4455, A cashed) − 500,00 (34552) −
      1 200,00 (34551) = 2 300,00; contribution owed 2 000,00; payroll due 1 741,65 (4441) +
      47,60 (44525) = 1 789,25; available 7 513,30 − 2 300,00 − 2 000,00 − 1 789,25 =
      1 424,05; receivables 3 600,00 (B).
    """
    v = api.annual_statement(year, "FZ", 2026)
    assert (v.year, v.start, v.end) == (2026, D(2026, 1, 1), D(2026, 12, 31))
    assert (v.member.code, v.route, v.cnss) == ("FZ", "salarié", "100200300")
    assert v.turnover == 2300000
    assert [(p.key, p.amount) for p in v.products] == [("subventions_exploitation", 25000)]
    assert [(c.key, c.amount, c.accounts) for c in v.charges] == [
        ("achats_consommes", 120000, ("61211", "61241")),
        ("autres_charges_externes", 60000, ("61312", "61473")),
        ("impots_taxes", 10400, ("61678",)),
        ("charges_personnel", 772195, ("61711", "61741")),
        ("dotations_exploitation", 60493, ("61933",)),
    ]
    assert v.charges_total == 1023088
    assert v.contribution == 200000
    assert v.result == 1101912
    r = v.remuneration
    assert (r.payslips, r.gross, r.social, r.ir, r.net, r.employer) == (
        1, 650000, 41570, 4760, 603670, 132595)
    assert (r.fees, r.fee_invoices, r.other, r.withheld, r.paid) == (0, 0, 0, 40000, 563670)
    assert v.advances_paid == 100000 and v.advances_owed == 40000
    assert v.stock == 80000
    assert [(a.code, a.cost, a.cumulated, a.net) for a in v.assets] == [
        ("MAC-FZ", 600000, 60493, 539507)]
    t = v.treasury
    assert (t.at, t.cash, t.vat_due, t.contribution_owed, t.payroll_due, t.available) == (
        D(2026, 12, 31), 751330, 230000, 200000, 178925, 142405)
    assert t.receivables == 360000
    # the figures are the trial balance's of the dimension over the year
    tb = api.trial_balance(year, D(2026, 1, 1), D(2026, 12, 31), "FZ")
    moved = {row.account: row.debit - row.credit for row in tb.rows}
    assert -moved["71211"] - moved["71243"] == v.turnover
    assert -sum(m for a, m in moved.items() if a[0] in "67") == v.result


def test_rows_shared_by_the_pdf_and_the_cli(year: api.Books) -> None:
    """The attestation's rows, in order, with their keys and amounts."""
    v = api.annual_statement(year, "FZ", 2026)
    rows = [(f.section, f.key, f.amount, f.level) for f in figure_rows(v, wording())]
    assert rows == [
        ("activity", "turnover", 2300000, ""),
        ("activity", "product:subventions_exploitation", 25000, "detail"),
        ("activity", "charge:achats_consommes", 120000, "detail"),
        ("activity", "charge:autres_charges_externes", 60000, "detail"),
        ("activity", "charge:impots_taxes", 10400, "detail"),
        ("activity", "charge:charges_personnel", 772195, "detail"),
        ("activity", "charge:dotations_exploitation", 60493, "detail"),
        ("activity", "contribution", 200000, "detail"),
        ("activity", "result", 1101912, "total"),
        ("remuneration", "gross", 650000, ""),
        ("remuneration", "social", 41570, "detail"),
        ("remuneration", "ir", 4760, "detail"),
        ("remuneration", "net", 603670, "total"),
        ("remuneration", "withheld", 40000, "detail"),
        ("remuneration", "paid", 563670, "total"),
        ("remuneration", "advances_paid", 100000, ""),
        ("situation", "stock", 80000, ""),
        ("situation", "assets_cost", 600000, ""),
        ("situation", "assets_depreciation", 60493, "detail"),
        ("situation", "assets_net", 539507, "total"),
        ("situation", "advances_owed", 40000, ""),
        ("situation", "receivables", 360000, ""),
        ("situation", "cash", 751330, ""),
        ("situation", "treasury", 142405, "total"),
    ]


def _text(data: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_pdf_one_page_in_french(year: api.Books) -> None:
    """One A4 page: the ECP's identity, the title, the member (Arabic name shaped), each
    figure in DH with two decimals, the place and date, the signature line."""
    v = api.annual_statement(year, "FZ", 2026)
    pages, text = _text(render_annual(v, issued=ISSUED, invariant=True))
    assert pages == 1
    for expected in ("ECP Tanger Coop", "ICE : 002345678000031",
                     "Attestation de chiffre d'affaires et de revenus — exercice 2026",
                     "Exercice 2026, du 01/01/2026 au 31/12/2026",
                     "FZ — Fatima Zahra", "Activité : couture",
                     "Statut : salarié de l'ECP — N° CNSS : 100200300",
                     "Chiffre d'affaires HT", "23 000,00 DH", "250,00 DH", "1 200,00 DH",
                     "7 721,95 DH", "604,93 DH", "2 000,00 DH",
                     "= Résultat de l'exercice", "11 019,12 DH",
                     "Salaires bruts (1 bulletin(s) de paie)", "6 500,00 DH", "415,70 DH",
                     "47,60 DH", "6 036,70 DH", "5 636,70 DH",
                     "Situation au 31/12/2026", "5 395,07 DH", "400,00 DH", "3 600,00 DH",
                     "7 513,30 DH", "1 424,05 DH",
                     "Fait à Tanger, le 15 janvier 2027.", "Pour l'ECP",
                     "Nom, qualité, signature et cachet", "Relevé annuel FZ – exercice 2026",
                     "page 1 / 1"):
        assert expected in text, expected
    assert "Exercice en cours" not in text
    # drawn shaped (presentation forms, right to left), read back in logical order
    plain = unicodedata.normalize("NFKC", text)
    assert shape_arabic("فاطمة الزهراء") in text or "فاطمة الزهراء" in plain
    # before the year's end, the page says the figures are those of the day
    _pages, early = _text(render_annual(v, issued=D(2026, 12, 10), invariant=True))
    assert "Exercice en cours : montants arrêtés au 10/12/2026." in early


def test_many_charges_still_one_page(year: api.Books) -> None:
    """A member with a charge on every line of the CPC still gets one page (smaller print)."""
    for account in ("6111", "61251", "61365", "61441", "61612", "6182", "63115", "65831",
                    "6701", "61712", "61743"):
        api.post_entry(year, "OD", D(2026, 12, 31), f"Charge {account}",
                       [LineSpec(account, "FZ", 1000), LineSpec("5141", "FZ", -1000)])
    v = api.annual_statement(year, "FZ", 2026)
    assert len(v.charges) == 10  # every charge line of the CPC
    pages, text = _text(render_annual(v, issued=ISSUED, invariant=True))
    assert pages == 1 and "Fait à Tanger" in text and "Impôts sur les résultats" in text


def test_batch_members_of_the_year_with_progress(year: api.Books) -> None:
    """Without members: the active ones and those who moved in the year — YS, gone and without
    a movement in 2026, has none until a line of 2026 is on his dimension."""
    api.update_member(year, "YS", status="sorti")
    assert api.year_members(year, 2026) == ["FZ", "KH"]
    seen: list[tuple[int, int, str]] = []
    paths = api.write_annual_statements(year, 2026,
                                        progress=lambda d, t, m: seen.append((d, t, m)))
    assert [p.name for p in paths] == ["attestation-2026-FZ.pdf", "attestation-2026-KH.pdf"]
    assert seen == [(1, 2, "FZ"), (2, 2, "KH")]
    assert all(p.parent == api.annual_dir(year, 2026) for p in paths)
    kh = api.annual_statement(year, "KH", 2026)
    assert (kh.turnover, kh.result, kh.remuneration.paid, kh.treasury.available) == (0, 0, 0, 0)
    _pages, text = _text(paths[1].read_bytes())
    assert "Aucune rémunération versée dans l'exercice" in text
    assert "Immobilisations (aucune au registre)" in text
    api.post_entry(year, "OD", D(2026, 12, 31), "Frais", [LineSpec("61473", "YS", 500),
                                                         LineSpec("5141", "YS", -500)])
    assert api.year_members(year, 2026) == ["FZ", "KH", "YS"]


def test_archived_versioned_and_verified(year: api.Books, tmp_path: Path) -> None:
    """Archived beside the monthly statements, SHA-256 in the audit trail; a re-run is a new
    version; a copy goes to --out; verify finds a changed or a missing attestation."""
    (first,) = api.write_annual_statements(year, 2026, members=["FZ"])
    (second,) = api.write_annual_statements(year, 2026, members=["FZ"])
    assert first.name == "attestation-2026-FZ.pdf"
    assert second.name == "attestation-2026-FZ-v2.pdf"
    assert first.parent.name == "exercice-2026" and first.parent.parent.name == "releves"
    out = tmp_path / "copies"
    (copy,) = api.write_annual_statements(year, 2026, out, members=["FZ"])
    assert copy == out / "attestation-2026-FZ.pdf" and copy.read_bytes()[:5] == b"%PDF-"
    with _read(year) as conn:
        assert check_statements(year, conn) == []
    assert api.verify(year, record=False).ok
    second.write_bytes(second.read_bytes() + b"%")
    first.unlink()
    rep = api.verify(year, record=False)
    assert not rep.ok
    assert any("FZ exercice 2026 est absent" in f for f in rep.findings)
    assert any("FZ exercice 2026 a été modifié" in f for f in rep.findings)
    # the monthly statements are untouched by the shared archive
    (monthly,) = api.write_statements(year, Month(2026, 11), members=["FZ"])
    assert monthly.name == "releve-2026-11-FZ.pdf"


def _ecp(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["--db", db, *argv])
    except SystemExit as exc:  # argparse's refusal of an argument
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_annual_statement(year: api.Books, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """``ecp statement annual 2026``: the figures as csv (keys, plain amounts), the PDFs with
    their paths, and one line naming the argument for each refusal."""
    db = str(year.path)
    code, out, err = _ecp(capsys, db, "statement", "annual", "2026", "--member", "fz",
                          "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    got = {r["rubrique"]: (r["libelle"], r["montant"]) for r in rows}
    assert got["turnover"] == ("Chiffre d'affaires HT", "23000.00")
    assert got["result"] == ("Résultat de l'exercice", "11019.12")
    assert got["charge:charges_personnel"] == ("Charges de personnel", "7721.95")
    assert got["treasury"][1] == "1424.05"
    assert {r["partie"] for r in rows} == {"activity", "remuneration", "situation"}
    code, out, err = _ecp(capsys, db, "statement", "annual", "2026", "--member", "FZ")
    assert code == 0, err
    assert out.splitlines() == [str(api.annual_dir(year, 2026) / "attestation-2026-FZ.pdf"),
                                "1 relevé(s) annuel(s), exercice 2026"]
    # --out DOSSIER: never into the archive; an existing copy replaced only with --force
    code, _out, err = _ecp(capsys, db, "statement", "annual", "2026", "--member", "FZ",
                           "--out", str(api.annual_dir(year, 2026)), "--force")
    assert code == 2 and "où ECP garde ses archives" in err, err
    folder = tmp_path / "attestations"
    code, out, err = _ecp(capsys, db, "statement", "annual", "2026", "--out", str(folder))
    assert code == 0 and out.splitlines()[-1] == "3 relevé(s) annuel(s), exercice 2026", err
    assert sorted(p.name for p in folder.iterdir()) == [
        "attestation-2026-FZ.pdf", "attestation-2026-KH.pdf", "attestation-2026-YS.pdf"]
    code, _out, err = _ecp(capsys, db, "statement", "annual", "2026", "--member", "FZ",
                           "--out", str(folder))
    assert code == 2 and "existe déjà" in err and "--force" in err, err
    code, _out, err = _ecp(capsys, db, "statement", "annual", "2026", "--member", "FZ",
                           "--out", str(folder), "--force")
    assert code == 0, err
    for argv, message in (
            (("statement", "annual"), "ecp : AAAA : obligatoire après « annual »"),
            (("statement", "2026-11", "2026"), "ecp : AAAA : 2026 inattendu après un mois"),
            (("statement", "2026-11", "--format", "csv"),
             "ecp : --format : seulement pour le relevé annuel"),
            (("statement", "annual", "2026", "--format", "csv", "--out", str(tmp_path)),
             "ecp : --out : un dossier pour les PDF"),
            (("statement", "annuel", "2026"), "« annuel » : un mois AAAA-MM, ou « annual »"),
            (("statement", "annual", "2026", "--member", "ZZ"),
             "ecp : --member : membre « ZZ » inconnu")):
        code, _out, err = _ecp(capsys, db, *argv)
        assert code == 2 and message in err and err.count("\n") == 1, (argv, err)


def test_view_checks_its_parts() -> None:
    """The parts must add up to the result, or the statement is refused."""
    import dataclasses

    from ecp.kernel.errors import IntegrityFailure
    from ecp.members.annual import AnnualRemuneration
    from ecp.members.views import MemberInfo, Treasury
    from ecp.sales.views import Company
    company = Company("ECP", "SARL", "", "", "", "", "", "", "", "", "", "", "")
    v = AnnualStatement(company, MemberInfo("M1", "Un", None, None, 1000), None, None, 2026,
                        D(2026, 1, 1), D(2026, 12, 31), 100000, (), (), 10000, 90000,
                        AnnualRemuneration(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, 0, 0, (),
                        Treasury(D(2026, 12, 31), 0, 0, 0, 0, 0, 0, 0))
    v.check()
    with pytest.raises(IntegrityFailure, match="résultat 90001"):
        dataclasses.replace(v, result=90001).check()


async def test_member_page_writes_the_annual_statement(year: api.Books) -> None:
    """On the member's page (F6, p), ``a`` writes the attestation of the month's year and
    shows where; it is archived as ``ecp statement annual`` archives it."""
    app = EcpApp(year, today=ISSUED)
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("f6")
        await pilot.press("p")  # FZ is the first member
        await until(pilot, lambda: isinstance(app.screen, MemberPageScreen))
        assert "a : relevé annuel" in shown(app, ".status")
        await pilot.press("m", "ctrl+u")
        await pilot.press(*"2026-12")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        message = shown(app, "#message")
        assert message.startswith("Relevé annuel de FZ, exercice 2026 : ")
        path = Path(message.split(" : ", 1)[1])
        assert path == api.annual_dir(year, 2026) / "attestation-2026-FZ.pdf" and path.exists()
    with _read(year) as conn:
        assert check_statements(year, conn) == []


def test_same_figures_after_the_year_close(year: api.Books) -> None:
    """The close's entries (CL on 31/12: classes 6-7 to 1191/1199 and every balance to zero;
    AN on 01/01/2027) change nothing: the year's trial balance leaves out its CL, and the
    treasury its close — the attestation reads the same before and after."""
    from ecp.api.session import _write
    from ecp.ledger import year_ops

    before = api.annual_statement(year, "FZ", 2026)
    with _write(year) as conn:
        year_ops.close_year(conn, 2026, "testeur")
    assert api.annual_statement(year, "FZ", 2026) == before
    # the close is in the books: FZ's result 11 019,12 carried to 1181 by the AN of 01/01
    from sqlalchemy import func, select

    from ecp.db.models import Entry, Line
    with _read(year) as conn:
        profit = conn.scalar(select(func.sum(Line.amount)).join(
            Entry, Entry.id == Line.entry_id).where(
            Entry.journal == "AN", Line.dimension == "FZ", Line.account == "1181"))
    assert profit == -1101912
