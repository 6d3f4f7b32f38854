"""VAT exemption codes of 0 % lines, and the legal basis each prints (« Exonéré — art. 91-… du
CGI »): data, in ``ecp/sales/data/exemptions.csv`` (code, article, French label, Arabic label,
tag [S] secondary source / [?] to verify — see docs/invoicing.md), never code.

A 0 % line typed without a code takes ``DEFAULT_CODE`` (ART91: exempt without the right to
deduct, art. 91 of the CGI, the general case of a sale at 0 %); a code on a taxed line is
refused. Adding an exemption is adding a row to the CSV file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ecp.kernel.errors import InputError

DATA = Path(__file__).parent / "data" / "exemptions.csv"
DEFAULT_CODE = "ART91"


@dataclass(frozen=True)
class Exemption:
    code: str
    article: str  # e.g. "art. 91-I-A-1° du CGI"
    label: str
    label_ar: str
    tag: str  # S: secondary sources; ?: to verify against the current CGI


@cache
def exemptions() -> dict[str, Exemption]:
    """Every exemption of the data file, by code, in file order."""
    with open(DATA, encoding="utf-8", newline="") as f:
        return {r["code"].strip().upper(): Exemption(
            r["code"].strip().upper(), r["article"].strip(), r["label_fr"].strip(),
            r["label_ar"].strip(), r["tag"].strip()) for r in csv.DictReader(f)}


def check_code(code: str | None, vat_bp: int, line: int | None = None) -> str | None:
    """The code a line keeps: a known code on a 0 % line (``DEFAULT_CODE`` when none is
    typed), None on a taxed line; InputError about ``lines.exemption`` otherwise."""
    c = (code or "").strip().upper()
    where = f"ligne {line}, exonération" if line else "exonération"
    if vat_bp != 0:
        if c:
            raise InputError(f"{where} : « {c} » sur une ligne taxée (une exonération va avec "
                             "le taux 0)", field="lines.exemption", line=line,
                             code="exemption.taxed")
        return None
    if not c:
        return DEFAULT_CODE
    known = exemptions()
    if c not in known:
        raise InputError(f"{where} : code « {c} » inconnu (codes : {', '.join(known)})",
                         field="lines.exemption", line=line, code="exemption.unknown")
    return c


def basis(code: str | None) -> str:
    """What a 0 % line prints: « Exonéré — art. 91-I-A-1° du CGI » ("" without a code)."""
    if not code:
        return ""
    e = exemptions().get(code)
    return f"Exonéré — {e.article}" if e else f"Exonéré — {code}"
