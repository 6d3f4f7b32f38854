"""Filings to the DGI: the relevé des déductions of a VAT period and the déclaration des délais
de paiement of a quarter, on screen or as files (XML and its CSV twin; ``docs/formats.md``).

Reads only: each function reads one snapshot of the books and writes nothing in them. An export
checks both of its targets (``check_output``: never the books, the archive, a link; an existing
file only with ``force``) and computes everything before writing any file, so a refusal (a
supplier without IF or ICE, a period that is not a month or a quarter) leaves no file behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ecp.api.outputs import check_output
from ecp.api.session import Books, _read
from ecp.kernel.periods import Period
from ecp.reports import filings_xml
from ecp.sales import filings as sales_filings
from ecp.sales.filings import Delais, Releve


@dataclass(frozen=True)
class ReleveExport:
    xml: Path
    csv: Path
    releve: Releve


@dataclass(frozen=True)
class DelaisExport:
    xml: Path
    csv: Path
    delais: Delais


def releve_deductions(books: Books, period: Period) -> Releve:
    """The relevé des déductions of a month or a quarter: one line per supplier-bill payment
    whose VAT became deductible in it; its VAT total is the return's deductible VAT."""
    with _read(books) as conn:
        return sales_filings.releve_deductions(conn, period.start, period.end)


def _targets(books: Books, out: Path, force: bool) -> tuple[Path, Path]:
    xml = filings_xml.check_xml_path(out)
    twin = filings_xml.twin_path(xml)
    check_output(books, xml, force=force)
    check_output(books, twin, force=force)
    return xml, twin


def export_releve_deductions(books: Books, period: Period, out: Path,
                             force: bool = False) -> ReleveExport:
    """The relevé as ``out`` (XML, must end in ``.xml``) and its CSV twin (same stem,
    ``.csv``); an existing file is replaced only with ``force``."""
    xml, twin = _targets(books, out, force)
    rel = releve_deductions(books, period)
    filings_xml.write_pair(xml, filings_xml.releve_xml(rel), twin, filings_xml.releve_csv(rel),
                           force=force)
    return ReleveExport(xml, twin, rel)


def delais_paiement(books: Books, period: Period) -> Delais:
    """The déclaration des délais de paiement of a quarter (loi 69-21), read as it stands at the
    books' today while the quarter runs, at its last day after."""
    with _read(books) as conn:
        return sales_filings.delais_declaration(conn, period.start, period.end, books.today())


def export_delais_paiement(books: Books, period: Period, out: Path,
                           force: bool = False) -> DelaisExport:
    """The declaration as ``out`` (XML: the supplier invoices) and its CSV twin (both sides)."""
    xml, twin = _targets(books, out, force)
    d = delais_paiement(books, period)
    filings_xml.write_pair(xml, filings_xml.delais_xml(d), twin, filings_xml.delais_csv(d),
                           force=force)
    return DelaisExport(xml, twin, d)
