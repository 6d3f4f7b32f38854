"""``ecp statement AAAA-MM [--member M] --language fr|ar`` and ``ecp statement annual AAAA
--language``: the language of the PDFs chosen for the run, overriding each member's (issue
16); without it, each member's own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ecp import api, cli
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
from tests.reports.test_arabic_everywhere import read_back


def words(pdf: Path) -> str:
    _, text = read_back(pdf.read_bytes())
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_statement_language_override(sales: api.Books, tmp_path: Path) -> None:
    """FZ (French) invoices HOTEL 1 000,00 HT + 20 % = 1 200,00 TTC on 5 March 2026. Her
    March statement: French by default; ``--language ar``: Arabic wording, « مارس 2026 », the
    invoice's TTC as ar_MA writes it; her member record unchanged (still French)."""
    api.create_and_issue(sales, "facture", "FZ", "HOTEL", dt.date(2026, 3, 5), [
        LineInput("Caftan", Quantity(1000), 100_000, Rate(2000), "71211")])
    db = str(sales.path)
    fr_dir, ar_dir = tmp_path / "fr", tmp_path / "ar"
    assert cli.main(["--db", db, "statement", "2026-03", "--member", "FZ",
                     "--out", str(fr_dir)]) == 0
    assert cli.main(["--db", db, "statement", "2026-03", "--member", "FZ",
                     "--language", "ar", "--out", str(ar_dir)]) == 0
    fr = words(fr_dir / "releve-2026-03-FZ.pdf")
    ar = words(ar_dir / "releve-2026-03-FZ.pdf")
    assert "Votre trésorerie du mois" in fr and "1 200,00 DH" in fr
    assert "Votre trésorerie du mois" not in ar
    for part in ("خزينتك لهذا الشهر", "الفواتير الصادرة", "مارس 2026", "1.200,00 د.م."):
        assert part in ar, part
    assert api.get_member(sales, "FZ").language == "fr"


def test_annual_statement_language_override(sales: api.Books, tmp_path: Path) -> None:
    """The 2026 attestation of FZ in Arabic on request: Arabic title and wording."""
    db = str(sales.path)
    assert cli.main(["--db", db, "statement", "annual", "2026", "--member", "FZ",
                     "--language", "ar", "--out", str(tmp_path)]) == 0
    ar = words(tmp_path / "attestation-2026-FZ.pdf")
    assert "شهادة" in ar and "= نتيجة السنة المالية" in ar
    assert "Résultat de l'exercice" not in ar
