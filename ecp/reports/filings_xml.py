"""The DGI's files for the relevé des déductions and the délais de paiement: XML (what SIMPL
takes) and its CSV twin (what the bookkeeper opens), written private and whole.

No XSD is public; element names, number formats and codes follow the public implementations
described in ``docs/formats.md`` (which says why each choice); change both together.

- XML: UTF-8 with its declaration, built with ElementTree (names, numbers and addresses are
  escaped; characters XML 1.0 cannot carry are dropped). Amounts ``1234.56`` (point, two
  decimals, no thousands separator, ``-`` for a negative line); rates as a fraction
  (``0.20``); dates ``AAAA-MM-JJ``.
- CSV: French headers, ``;`` separator, amounts as in the XML, UTF-8 with a BOM (Excel reads
  the accents), CRLF; text cells neutralised against formulas (``ecp.reports.cells``).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path

from ecp.kernel.errors import InputError
from ecp.kernel.files import replace_private
from ecp.kernel.money import fmt_plain
from ecp.reports.cells import csv_cell
from ecp.sales.filings import (
    MODE_LABELS,
    MONTHLY,
    SUPPLIER,
    Delais,
    DelayRow,
    Releve,
)

# Characters XML 1.0 does not allow (controls other than tab, LF, CR; surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def rate_fraction(vat_bp: int) -> str:
    """A rate in basis points as the fraction the relevé's ``tx`` takes: 2000 → ``0.20``,
    1000 → ``0.10``, 550 → ``0.055`` (two decimals at least, more only when needed)."""
    sign = "-" if vat_bp < 0 else ""
    a = abs(vat_bp)
    digits = f"{a % 10000:04d}".rstrip("0").ljust(2, "0")
    return f"{sign}{a // 10000}.{digits}"


def _text(value: str) -> str:
    return _NOT_XML.sub("", value).strip()


def _sub(parent: ET.Element, tag: str, value: str | int | None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if value is not None:
        el.text = _text(str(value))
    return el


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _csv(header: Sequence[str], rows: Iterable[Sequence[str | int | None]]) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([csv_cell(c) for c in r])
    return buf.getvalue().encode("utf-8-sig")


# --- relevé des déductions -------------------------------------------------------------------

def releve_xml(rel: Releve) -> bytes:
    """``DeclarationReleveDeduction``: header, then one ``rd`` per line."""
    root = ET.Element("DeclarationReleveDeduction")
    _sub(root, "identifiantFiscal", rel.identifiant_fiscal)
    _sub(root, "annee", rel.period.year)
    _sub(root, "periode", rel.period.number)
    _sub(root, "regime", rel.period.regime)
    lines = ET.SubElement(root, "releveDeductions")
    for r in rel.rows:
        rd = ET.SubElement(lines, "rd")
        _sub(rd, "ord", r.ord)
        _sub(rd, "num", r.number)
        _sub(rd, "des", r.designation)
        _sub(rd, "mht", fmt_plain(r.mht))
        _sub(rd, "tva", fmt_plain(r.tva))
        _sub(rd, "ttc", fmt_plain(r.ttc))
        ref = ET.SubElement(rd, "refF")
        _sub(ref, "if", r.supplier_if)
        _sub(ref, "nom", r.supplier_name)
        _sub(ref, "ice", r.supplier_ice)
        _sub(rd, "tx", rate_fraction(r.vat_bp))
        _sub(ET.SubElement(rd, "mp"), "id", r.mode)
        _sub(rd, "dpai", r.paid_on.isoformat())
        _sub(rd, "dfac", r.invoice_on.isoformat())
    return _xml(root)


RELEVE_COLUMNS = ("Ordre", "N° facture", "Désignation", "Montant HT", "TVA déductible",
                  "Montant TTC", "IF fournisseur", "Nom fournisseur", "ICE fournisseur", "Taux",
                  "Mode de paiement", "Date de paiement", "Date de facture",
                  "Libellé du mode", "Code fournisseur", "Membre", "Montant réglé",
                  "TVA non déductible")


def releve_csv(rel: Releve) -> bytes:
    """The XML's lines in the same order and formats, then what explains them: the mode's
    label, the supplier's code, the member, the amount paid and the VAT charged."""
    return _csv(RELEVE_COLUMNS, (
        (r.ord, r.number, r.designation, fmt_plain(r.mht), fmt_plain(r.tva), fmt_plain(r.ttc),
         r.supplier_if, r.supplier_name, r.supplier_ice, rate_fraction(r.vat_bp), r.mode,
         r.paid_on.isoformat(), r.invoice_on.isoformat(), MODE_LABELS[r.mode], r.supplier,
         r.member, fmt_plain(r.paid), fmt_plain(r.charged)) for r in rel.rows))


def releve_file_name(rel: Releve) -> str:
    """``{IF}-{année}-M{mois}.xml`` or ``-T{trimestre}``: the name one public implementation
    gives the file it uploads."""
    kind = "M" if rel.period.regime == MONTHLY else "T"
    return f"{rel.identifiant_fiscal}-{rel.period.year}-{kind}{rel.period.number}.xml"


# --- délais de paiement ----------------------------------------------------------------------

def delais_xml(d: Delais) -> bytes:
    """``DeclarationDelaiPaiement``: header, then one ``FactureHorsDelai`` per supplier
    invoice (the declaration is the ECP's, as the debtor; customers' delays are not its to
    declare and are in the CSV only)."""
    root = ET.Element("DeclarationDelaiPaiement")
    _sub(root, "identifiantFiscal", d.identifiant_fiscal)
    _sub(root, "annee", d.period.year)
    _sub(root, "periode", d.period.number)
    _sub(root, "activite", d.activity)
    _sub(root, "chiffreAffaire", fmt_plain(d.turnover))
    lst = ET.SubElement(root, "listeFacturesHorsDelai")
    for r in d.side(SUPPLIER):
        f = ET.SubElement(lst, "FactureHorsDelai")
        _sub(f, "identifiantFiscal", r.party_if)
        _sub(f, "numRC", r.party_rc)
        _sub(f, "adresseSiegeSocial", r.address)
        _sub(f, "numFacture", r.number)
        _sub(f, "dateEmission", r.issued.isoformat())
        _sub(f, "natureMarchandise", r.nature)
        _sub(f, "dateLivraisonMarchandise", r.delivered.isoformat())
        _sub(f, "dateConvenuePaiementFacture", r.due.isoformat())
        _sub(f, "montantFactureTtc", fmt_plain(r.ttc))
        _sub(f, "montantNonEncorePaye", fmt_plain(r.unpaid))
        _sub(f, "montantPayeHorsDelai", fmt_plain(r.paid_late))
        if r.paid_late_on is not None:
            _sub(f, "datePaiementHorsDelai", r.paid_late_on.isoformat())
            _sub(f, "modePaiement", r.mode)
            _sub(f, "referencePaiement", r.payment_reference)
    return _xml(root)


DELAIS_COLUMNS = ("Côté", "Membre", "N° facture", "Code tiers", "Nom", "IF", "RC", "ICE",
                  "Adresse", "Date d'émission", "Nature", "Date de livraison",
                  "Date convenue de paiement", "Montant TTC", "Montant non encore payé",
                  "Montant payé hors délai", "Date du paiement hors délai", "Mode de paiement",
                  "Libellé du mode", "Référence du paiement", "Jours de retard")


def _delay_cells(r: DelayRow) -> tuple[str | int | None, ...]:
    return (r.side, r.member, r.number, r.party, r.party_name, r.party_if, r.party_rc,
            r.party_ice, r.address, r.issued.isoformat(), r.nature, r.delivered.isoformat(),
            r.due.isoformat(), fmt_plain(r.ttc), fmt_plain(r.unpaid), fmt_plain(r.paid_late),
            r.paid_late_on.isoformat() if r.paid_late_on else None, r.mode,
            MODE_LABELS[r.mode] if r.mode else None, r.payment_reference, r.days_late)


def delais_csv(d: Delais) -> bytes:
    """Every row, both sides (``Côté`` = fournisseur: the XML's lines, in its order; client:
    the customers' delays, for follow-up)."""
    rows = [*d.side(SUPPLIER), *(r for r in d.rows if r.side != SUPPLIER)]
    return _csv(DELAIS_COLUMNS, (_delay_cells(r) for r in rows))


# --- writing ---------------------------------------------------------------------------------

def twin_path(xml_path: Path) -> Path:
    """The CSV twin of ``FILE.xml``: ``FILE.csv``, next to it."""
    return xml_path.with_suffix(".csv")


def check_xml_path(out: Path) -> Path:
    """``out`` must name an ``.xml`` file (its twin takes the same stem with ``.csv``)."""
    if out.suffix.lower() != ".xml":
        raise InputError(f"fichier : {out} doit se terminer par .xml (le CSV jumeau est écrit "
                         "à côté, en .csv)", field="out", code="out.suffix")
    return out


def write_pair(xml_path: Path, xml: bytes, csv_path: Path, csv_data: bytes, *,
               force: bool = False) -> tuple[Path, Path]:
    """Write both files, each private and whole (temporary file renamed); an existing one is
    refused (code ``out.exists``, nothing written) unless ``force``."""
    if not force:
        for p in (xml_path, csv_path):
            if p.exists() or p.is_symlink():
                raise InputError(f"fichier : {p} existe déjà", field="out", code="out.exists")
    replace_private(csv_path, csv_data)
    replace_private(xml_path, xml)
    return xml_path, csv_path
