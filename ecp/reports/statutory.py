"""The statutory statements (états de synthèse): Bilan (actif, passif) and CPC, from the
trial balance of a fiscal year and of the year before.

Pure: no database. The lines and the CGNC account prefixes they gather are data shipped with the
package (``ecp/reports/data/statements.csv``, its source cited in its header), not code. Rule:
the balance of an account is debit − credit; assets and charges take it as is, liabilities,
equity and products its opposite. An account goes to the line of its longest matching prefix.

The legal entity's statements leave the internal accounts out (44881, 61468, 71248: the flows
between the members' and the ECP's dimensions, which cancel out over the entity).

While a year is not closed, its result is computed from its classes 6 and 7 and shown on the
passif's « Résultat net de l'exercice » (with whatever 119x holds); the classes 6 and 7 left
over from earlier years not closed yet go to « Résultats nets en instance d'affectation », where
their closing and à-nouveaux will carry them. So actif = passif holds on any books.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from ecp.kernel.errors import InputError, IntegrityFailure
from ecp.reports.tables import Column, Money, Row, RowStyle, Table, Term

if TYPE_CHECKING:
    from ecp.ledger.trial import TrialBalance


MODEL_LABELS = {"normal": "modèle normal", "simplifie": "modèle simplifié"}


@dataclass(frozen=True)
class MapLine:
    statement: str  # actif | passif | cpc
    section: str
    line: str
    label: str
    prefixes: tuple[str, ...]
    column: str  # actif: brut | amort; else ""
    prior: tuple[str, ...] = ()  # cpc: prefixes of the operations of earlier years


@cache
def mapping() -> tuple[MapLine, ...]:
    """The shipped mapping, in the order of the statements."""
    text = resources.files("ecp.reports").joinpath("data/statements.csv").read_text("utf-8")
    body = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
    return tuple(MapLine(r["statement"], r["section"], r["line"], r["label"],
                         tuple(r["prefixes"].split()), r["column"],
                         tuple((r.get("prior") or "").split()))
                 for r in csv.DictReader(io.StringIO(body)))


def is_prior(m: MapLine, account: str) -> bool:
    """Whether ``account`` holds operations of earlier years on its CPC line ``m`` (the CPC's
    column « concernant les exercices précédents »)."""
    return any(account.startswith(p) for p in m.prior)


def line_of(account: str) -> MapLine | None:
    """The mapping line of an account (longest matching prefix), None when none matches."""
    best: MapLine | None = None
    size = 0
    for m in mapping():
        for p in m.prefixes:
            if account.startswith(p) and len(p) > size:
                best, size = m, len(p)
    return best


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year's figures of the legal entity, internal accounts left out.

    ``actif``: line → (brut, amortissements); ``passif`` and ``cpc``: line → amount, in the
    statements' sign (an asset, a charge, a liability, a product: positive); ``cpc_prior``:
    the part of a CPC line that concerns earlier years (its accounts ending in 8, see
    :func:`is_prior`); ``accounts``: each account of the entity (internal ones left out) →
    (opening balance debit − credit, debit and credit movements of the year), which the ESG,
    the tableau de financement and the ETIC read."""

    year: int
    start: dt.date
    end: dt.date
    actif: Mapping[str, tuple[int, int]]
    passif: Mapping[str, int]
    cpc: Mapping[str, int]
    result: int  # the year's net result (products − charges), profit positive
    cpc_prior: Mapping[str, int] = field(default_factory=dict)
    accounts: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    # None: the legal entity (internal accounts left out); a member's code or ECP: that
    # dimension's own books, internal accounts kept (its contribution is its charge)
    dimension: str | None = None

    def actif_total(self) -> tuple[int, int]:
        return (sum(b for b, _ in self.actif.values()), sum(a for _, a in self.actif.values()))

    def passif_total(self) -> int:
        return sum(self.passif.values())


def year_figures(tb: TrialBalance, year: int) -> YearFigures:
    """The figures of ``year`` from its trial balance (``date_from`` = its first day,
    ``date_to`` = its last, every dimension): classes 1–5 at their closing balance, classes
    6–7 by the year's movements (those before: earlier years' results not closed yet).

    Raises IntegrityFailure naming an account of classes 1–7 with a balance and no line, or
    when actif ≠ passif."""
    if tb.date_from is None or tb.date_to is None:
        raise ValueError("the trial balance of a whole fiscal year is expected")
    actif: dict[str, list[int]] = {}
    passif: dict[str, int] = {}
    cpc: dict[str, int] = {}
    prior: dict[str, int] = {}
    accounts: dict[str, tuple[int, int, int]] = {}
    earlier = 0  # classes 6–7 balance before the year (debit − credit)
    for r in tb.rows:
        if (r.internal and tb.dimension is None) or not r.account[:1].isdigit() \
                or r.account[0] in "089":
            continue
        closing = r.closing_debit - r.closing_credit
        moved = r.debit - r.credit
        accounts[r.account] = (r.opening_debit - r.opening_credit, r.debit, r.credit)
        if r.account[0] in "67":
            earlier += r.opening_debit - r.opening_credit
            balance = moved
        else:
            balance = closing
        if balance == 0:
            continue
        m = line_of(r.account)
        if m is None:
            raise IntegrityFailure(
                f"compte {r.account} : aucun poste des états de synthèse ne le reprend",
                field="account", code="unmapped")
        if m.statement == "actif":
            cur = actif.setdefault(m.line, [0, 0])
            if m.column == "amort":
                cur[1] -= balance
            else:
                cur[0] += balance
        elif m.statement == "passif":
            passif[m.line] = passif.get(m.line, 0) - balance
        else:
            amount = balance if r.account[0] == "6" else -balance
            cpc[m.line] = cpc.get(m.line, 0) + amount
            if is_prior(m, r.account):
                prior[m.line] = prior.get(m.line, 0) + amount
    result = (sum(v for k, v in cpc.items() if _cpc_side(k) == "7")
              - sum(v for k, v in cpc.items() if _cpc_side(k) == "6"))
    if result:
        passif["resultat_net"] = passif.get("resultat_net", 0) + result
    if earlier:
        passif["resultats_instance"] = passif.get("resultats_instance", 0) - earlier
    fig = YearFigures(year, tb.date_from, tb.date_to,
                      {k: (v[0], v[1]) for k, v in actif.items()}, passif, cpc, result,
                      prior, accounts, tb.dimension)
    brut, amort = fig.actif_total()
    if brut - amort != fig.passif_total():
        raise IntegrityFailure(
            f"bilan {year} : total actif {brut - amort} ≠ total passif {fig.passif_total()} "
            "(centimes)", field="year", code="unbalanced")
    return fig


def _cpc_side(line: str) -> str:
    """« 6 » for a charge line, « 7 » for a product line."""
    for m in mapping():
        if m.statement == "cpc" and m.line == line:
            return m.prefixes[0][0]
    raise KeyError(line)


# --- tables ----------------------------------------------------------------------------------

BILAN_COLUMNS = (
    Column("poste", "Poste", width=44),
    Column("brut", "Brut N", "right", width=14),
    Column("amortissements", "Amort. et prov. N", "right", width=14),
    Column("net", "Net N", "right", width=14),
    Column("net_n1", "Net N-1", "right", width=14),
)

ACTIF_SECTIONS = (
    ("actif_immobilise", "Total I - Actif immobilisé"),
    ("actif_circulant", "Total II - Actif circulant (hors trésorerie)"),
    ("tresorerie_actif", "Total III - Trésorerie - actif"),
)
PASSIF_GROUPS = (
    (("capitaux_propres",), "Total des capitaux propres", "total_capitaux_propres"),
    (("capitaux_propres", "capitaux_propres_assimiles", "dettes_financement",
      "provisions_durables", "ecarts_conversion_passif"),
     "Total I - Financement permanent", "total_financement_permanent"),
    (("passif_circulant",), "Total II - Passif circulant (hors trésorerie)",
     "total_passif_circulant"),
    (("tresorerie_passif",), "Total III - Trésorerie - passif", "total_tresorerie_passif"),
)


def _lines(statement: str) -> list[MapLine]:
    """The lines of a statement, once each, in order."""
    seen: dict[str, MapLine] = {}
    for m in mapping():
        if m.statement == statement and m.line not in seen:
            seen[m.line] = m
    return list(seen.values())


def _m(cents: int) -> Money:
    return Money(cents, blank_zero=True)


def bilan_table(n: YearFigures, n1: YearFigures | None, model: str = "") -> Table:
    """The Bilan: actif (brut, amortissements et provisions, net; net N-1), then passif (N in
    the net column, N-1); each part's totals and its general total as rows."""
    rows: list[Row] = []

    def actif(line: str, fig: YearFigures | None) -> tuple[int, int]:
        return fig.actif.get(line, (0, 0)) if fig else (0, 0)

    total = [0, 0, 0]
    for section, label in ACTIF_SECTIONS:
        sub = [0, 0, 0]
        for m in _lines("actif"):
            if m.section != section:
                continue
            b, a = actif(m.line, n)
            b1, a1 = actif(m.line, n1)
            rows.append(Row((Term(m.label, m.line), _m(b), _m(a), _m(b - a), _m(b1 - a1)),
                            key=f"actif.{m.line}"))
            sub = [sub[0] + b, sub[1] + a, sub[2] + b1 - a1]
        rows.append(Row((Term(label, f"total_{section}"), Money(sub[0]), Money(sub[1]),
                         Money(sub[0] - sub[1]), Money(sub[2])), "subtotal",
                        key=f"actif.total_{section}"))
        total = [total[0] + sub[0], total[1] + sub[1], total[2] + sub[2]]
    rows.append(Row((Term("Total général - actif", "total_actif"), Money(total[0]),
                     Money(total[1]), Money(total[0] - total[1]), Money(total[2])), "total",
                    key="actif.total"))

    def passif(line: str, fig: YearFigures | None) -> int:
        return fig.passif.get(line, 0) if fig else 0

    plines = _lines("passif")
    done: set[str] = set()
    for sections, label, key in PASSIF_GROUPS:
        for m in plines:
            if m.section in sections and m.line not in done:
                done.add(m.line)
                rows.append(Row((Term(m.label, m.line), None, None, _m(passif(m.line, n)),
                                 _m(passif(m.line, n1))), key=f"passif.{m.line}"))
        sel = [m.line for m in plines if m.section in sections]
        rows.append(Row((Term(label, key), None, None,
                         Money(sum(passif(x, n) for x in sel)),
                         Money(sum(passif(x, n1) for x in sel))), "subtotal",
                        key=f"passif.{key}"))
    rows.append(Row((Term("Total général - passif", "total_passif"), None, None,
                     Money(n.passif_total()), Money(n1.passif_total() if n1 else 0)), "total",
                    key="passif.total"))
    return Table(f"Bilan de l'exercice {_span(n)} (N-1 : {n.year - 1})"
                 f"{_model_suffix(model)}", BILAN_COLUMNS, tuple(rows))


CPC_COLUMNS = (
    Column("poste", "Poste", width=52),
    Column("propres", "Propres à l'exercice (1)", "right", width=14),
    Column("anterieurs", "Exercices précédents (2)", "right", width=14),
    Column("n", "Total N (3 = 1 + 2)", "right", width=14),
    Column("n1", "Total N-1 (4)", "right", width=14),
)

CPC_TOTALS = {
    "produits_exploitation": ("I", "Produits d'exploitation"),
    "charges_exploitation": ("II", "Charges d'exploitation"),
    "produits_financiers": ("IV", "Produits financiers"),
    "charges_financieres": ("V", "Charges financières"),
    "produits_non_courants": ("VIII", "Produits non courants"),
    "charges_non_courantes": ("IX", "Charges non courantes"),
    "impots_resultats": ("XII", "Impôts sur les résultats"),
}
_Result = tuple[str, str, str, tuple[str, ...], tuple[str, ...]]
CPC_RESULTS: dict[str, list[_Result]] = {
    # after this section: (numeral, label, key, sections +, sections −)
    "charges_exploitation": [("III", "Résultat d'exploitation (I - II)", "resultat_exploitation",
                              ("produits_exploitation",), ("charges_exploitation",))],
    "charges_financieres": [
        ("VI", "Résultat financier (IV - V)", "resultat_financier",
         ("produits_financiers",), ("charges_financieres",)),
        ("VII", "Résultat courant (III + VI)", "resultat_courant",
         ("produits_exploitation", "produits_financiers"),
         ("charges_exploitation", "charges_financieres"))],
    "charges_non_courantes": [
        ("X", "Résultat non courant (VIII - IX)", "resultat_non_courant",
         ("produits_non_courants",), ("charges_non_courantes",)),
        ("XI", "Résultat avant impôts (VII + X)", "resultat_avant_impots",
         ("produits_exploitation", "produits_financiers", "produits_non_courants"),
         ("charges_exploitation", "charges_financieres", "charges_non_courantes"))],
    "impots_resultats": [
        ("XIII", "Résultat net (XI - XII)", "resultat_net",
         ("produits_exploitation", "produits_financiers", "produits_non_courants"),
         ("charges_exploitation", "charges_financieres", "charges_non_courantes",
          "impots_resultats"))],
}


def section_total(fig: YearFigures | None, section: str, prior: bool = False) -> int:
    """A CPC section's total; ``prior``: only its operations of earlier years."""
    if fig is None:
        return 0
    values = fig.cpc_prior if prior else fig.cpc
    return sum(values.get(m.line, 0) for m in _lines("cpc") if m.section == section)


def _cpc_cells(n: YearFigures, n1: YearFigures | None, total: int, prior: int, n1_total: int,
               blank: bool) -> tuple[Money, Money, Money, Money]:
    def cell(c: int) -> Money:
        return Money(c, blank_zero=blank)
    return cell(total - prior), cell(prior), cell(total), cell(n1_total)


def cpc_table(n: YearFigures, n1: YearFigures | None, model: str = "") -> Table:
    """The CPC in the model's four columns: opérations propres à l'exercice (1), concernant
    les exercices précédents (2, the accounts ending in 8), totaux de l'exercice (3 = 1 + 2),
    totaux de l'exercice précédent (4); each section's lines and total, the intermediate
    results, the net result."""
    rows: list[Row] = []
    lines = _lines("cpc")
    for section, (num, label) in CPC_TOTALS.items():
        mine = [m for m in lines if m.section == section]
        if len(mine) > 1:
            for m in mine:
                rows.append(Row((Term(m.label, m.line), *_cpc_cells(
                    n, n1, n.cpc.get(m.line, 0), n.cpc_prior.get(m.line, 0),
                    n1.cpc.get(m.line, 0) if n1 else 0, True)), key=m.line))
        rows.append(Row((Term(f"{num}. {label}", section), *_cpc_cells(
            n, n1, section_total(n, section), section_total(n, section, True),
            section_total(n1, section), False)), "subtotal", key=section))
        for rnum, rlabel, key, plus, minus in CPC_RESULTS.get(section, []):
            def res(fig: YearFigures | None, prior: bool = False,
                    plus: tuple[str, ...] = plus, minus: tuple[str, ...] = minus) -> int:
                return (sum(section_total(fig, s, prior) for s in plus)
                        - sum(section_total(fig, s, prior) for s in minus))
            rows.append(Row((Term(f"{rnum}. {rlabel}", key), *_cpc_cells(
                n, n1, res(n), res(n, True), res(n1), False)),
                "total" if key == "resultat_net" else "subtotal", key=key))
    return Table(f"Compte de produits et charges de l'exercice {_span(n)} (N-1 : {n.year - 1})"
                 f"{_model_suffix(model)}", CPC_COLUMNS, tuple(rows))


def _model_suffix(model: str) -> str:
    return f", {MODEL_LABELS[model]}" if model else ""


def _span(fig: YearFigures) -> str:
    whose = f" — livres de {fig.dimension}" if fig.dimension else ""
    return f"{fig.year} (du {fig.start:%d/%m/%Y} au {fig.end:%d/%m/%Y}){whose}"


# --- formulas over the year's figures (ESG, tableau de financement) ---------------------------

def _data(name: str) -> list[dict[str, str]]:
    """The rows of a shipped CSV of ``ecp/reports/data`` (``#`` lines are its header)."""
    raw = resources.files("ecp.reports").joinpath(f"data/{name}").read_text("utf-8")
    body = "\n".join(ln for ln in raw.splitlines() if not ln.startswith("#"))
    return [dict(r) for r in csv.DictReader(io.StringIO(body))]


def _prefix_amount(fig: YearFigures, prefix: str, kind: str = "") -> int:
    """The year's amount of the accounts starting with ``prefix``: ``D`` / ``C`` their debit /
    credit movements; else in the CPC's sign (charges debit − credit, products credit −
    debit)."""
    total = 0
    for account, (_opening, debit, credit) in fig.accounts.items():
        if not account.startswith(prefix):
            continue
        if kind == "D":
            total += debit
        elif kind == "C":
            total += credit
        elif account[0] == "6":
            total += debit - credit
        elif account[0] == "7":
            total += credit - debit
        else:
            raise ValueError(f"{prefix}: a bare prefix is for classes 6 and 7 (D:/C: else)")
    return total


def _cpc_names() -> dict[str, list[str]]:
    """CPC line and section keys → the lines they add up."""
    names: dict[str, list[str]] = {}
    for m in _lines("cpc"):
        names.setdefault(m.line, []).append(m.line)
        if m.section != m.line:
            names.setdefault(m.section, []).append(m.line)
    return names


def evaluate_lines(formulas: Mapping[str, str], fig: YearFigures | None,
                   known: Mapping[str, int]) -> dict[str, int]:
    """Each line (key → formula) of a statement, a line computed before the lines that refer
    to it (a subtotal printed before its details, as the models do); all zero for no
    figures."""
    out: dict[str, int] = {}
    if fig is None:
        return {k: 0 for k in formulas}

    def value(key: str, path: tuple[str, ...]) -> int:
        if key not in out:
            if key in path:
                raise ValueError(f"circular formula: {' → '.join((*path, key))}")
            out[key] = evaluate(formulas[key], fig, known,
                                lambda name: value(name, (*path, key))
                                if name in formulas and name != key else None)
        return out[key]

    for key in formulas:
        value(key, ())
    return out


def evaluate(formula: str, fig: YearFigures, known: Mapping[str, int],
             line: Callable[[str], int | None] = lambda name: None) -> int:
    """A formula of the shipped data (see the header of ``esg.csv``): terms added, or
    subtracted when they start with « - »: another line of the statement (``line``), a key
    already computed (``known``), a CPC line or section, an account prefix (CPC sign),
    ``D:prefix`` / ``C:prefix`` (movements)."""
    total = 0
    cpc = _cpc_names()
    for term in formula.split():
        sign = -1 if term.startswith("-") else 1
        name = term.lstrip("+-")
        other = line(name)
        if other is not None:
            value = other
        elif name in known:
            value = known[name]
        elif name in cpc:
            value = sum(fig.cpc.get(line, 0) for line in cpc[name])
        elif name[:2] in ("D:", "C:"):
            value = _prefix_amount(fig, name[2:], name[0])
        elif name.isdigit():
            value = _prefix_amount(fig, name)
        else:
            raise KeyError(f"unknown term {name!r} in {formula!r}")
        total += sign * value
    return total


# --- ESG -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EsgLine:
    part: str  # tfr | caf
    key: str
    num: str
    sign: str
    label: str
    formula: str
    style: str


@cache
def esg_lines() -> tuple[EsgLine, ...]:
    return tuple(EsgLine(r["part"], r["key"], r["num"], r["sign"], r["label"], r["formula"],
                         r["style"]) for r in _data("esg.csv"))


def esg_values(fig: YearFigures | None) -> dict[str, int]:
    """Every ESG line of ``fig`` (all zero for no figures), by key."""
    return evaluate_lines({ln.key: ln.formula for ln in esg_lines()}, fig, {})


ESG_COLUMNS = (
    Column("num", "N°", width=4),
    Column("poste", "Poste", width=60),
    Column("n", "Exercice N", "right", width=14),
    Column("n1", "Exercice N-1", "right", width=14),
)
ESG_PARTS = {"tfr": "I. Tableau de formation des résultats (TFR)",
             "caf": "II. Capacité d'autofinancement (CAF) - Autofinancement"}


def esg_table(n: YearFigures, n1: YearFigures | None, model: str = "") -> Table:
    """The ESG: the tableau de formation des résultats, then the CAF and the autofinancement,
    N and N-1, each line with the model's numbering and sign."""
    vn, v1 = esg_values(n), esg_values(n1)
    rows: list[Row] = []
    part = ""
    for ln in esg_lines():
        if ln.part != part:
            part = ln.part
            rows.append(Row((None, Term(ESG_PARTS[part], part), None, None), "subtotal"))
        label = f"{ln.sign} {ln.label}" if ln.sign else ln.label
        blank = not ln.style
        style: RowStyle = "total" if ln.style == "total" else (
            "subtotal" if ln.style == "subtotal" else "")
        rows.append(Row((ln.num, Term(label, ln.key), Money(vn[ln.key], blank),
                         Money(v1[ln.key], blank)), style, key=ln.key))
    return Table(f"État des soldes de gestion de l'exercice {_span(n)} (N-1 : {n.year - 1})"
                 f"{_model_suffix(model)}", ESG_COLUMNS, tuple(rows))


# --- tableau de financement ------------------------------------------------------------------

FP_SECTIONS = ("capitaux_propres", "capitaux_propres_assimiles", "dettes_financement",
               "provisions_durables", "ecarts_conversion_passif")
# (key, number, label, +1 when an increase is a resource, -1 when it is a use)
MASSES = (
    ("financement_permanent", "1", "Financement permanent", 1),
    ("actif_immobilise", "2", "Moins actif immobilisé", -1),
    ("fonds_roulement", "3", "= Fonds de roulement fonctionnel (1 - 2) (A)", 1),
    ("actif_circulant", "4", "Actif circulant", -1),
    ("passif_circulant", "5", "Moins passif circulant", 1),
    ("bfg", "6", "= Besoin de financement global (4 - 5) (B)", -1),
    ("tresorerie_nette", "7", "Trésorerie nette (actif - passif) = A - B", -1),
)


def masses(fig: YearFigures | None) -> dict[str, int]:
    """The Bilan's masses (net) the tableau de financement compares: financement permanent,
    actif immobilisé, fonds de roulement, actif circulant and passif circulant (hors
    trésorerie), besoin de financement global, trésorerie nette."""
    if fig is None:
        return {k: 0 for k, *_ in MASSES}
    sections = {m.line: m.section for m in mapping()}

    def actif(section: str) -> int:
        return sum(b - a for line, (b, a) in fig.actif.items() if sections[line] == section)

    def passif(*wanted: str) -> int:
        return sum(v for line, v in fig.passif.items() if sections[line] in wanted)

    fp = passif(*FP_SECTIONS)
    ai = actif("actif_immobilise")
    ac = actif("actif_circulant")
    pc = passif("passif_circulant")
    tn = actif("tresorerie_actif") - passif("tresorerie_passif")
    return {"financement_permanent": fp, "actif_immobilise": ai, "fonds_roulement": fp - ai,
            "actif_circulant": ac, "passif_circulant": pc, "bfg": ac - pc,
            "tresorerie_nette": tn}


@dataclass(frozen=True)
class TfLine:
    side: str  # ressources | emplois
    key: str
    letter: str
    label: str
    formula: str
    style: str


@cache
def tf_lines() -> tuple[TfLine, ...]:
    return tuple(TfLine(r["side"], r["key"], r["letter"], r["label"], r["formula"], r["style"])
                 for r in _data("tf.csv"))


def tf_flows(fig: YearFigures | None) -> dict[str, int]:
    """The emplois and ressources stables of the year (part II's lines A to H), by key."""
    return evaluate_lines({ln.key: ln.formula for ln in tf_lines()}, fig, esg_values(fig))


@dataclass(frozen=True)
class TfYear:
    """Part II's closing lines for one year: the variations of the BFG and of the treasury,
    and what the flows leave unexplained of the variation of the fonds de roulement (zero
    when every change of the financement permanent and of the actif immobilisé is a flow of
    the lines A to H)."""

    flows: dict[str, int]
    bfg: int  # variation of the besoin de financement global (+: a use)
    tresorerie: int  # variation of the trésorerie nette (+: a use)
    unexplained: int  # variation of the FR − (ressources − emplois stables); +: a resource


def tf_year(fig: YearFigures | None, before: YearFigures | None) -> TfYear:
    flows = tf_flows(fig)
    now, then = masses(fig), masses(before)
    fr = now["fonds_roulement"] - then["fonds_roulement"]
    return TfYear(flows, now["bfg"] - then["bfg"],
                  now["tresorerie_nette"] - then["tresorerie_nette"],
                  fr - (flows["total_ressources"] - flows["total_emplois"]))


TF_COLUMNS = (
    Column("poste", "Poste", width=56),
    Column("n", "Exercice N (a)", "right", width=14),
    Column("n1", "Exercice N-1 (b)", "right", width=14),
    Column("emplois", "Emplois N (c)", "right", width=14),
    Column("ressources", "Ressources N (d)", "right", width=14),
    Column("emplois_n1", "Emplois N-1", "right", width=14),
    Column("ressources_n1", "Ressources N-1", "right", width=14),
)


def _split(amount: int) -> tuple[Money | None, Money | None]:
    """A variation in the (emplois, ressources) columns: a use when positive."""
    if amount > 0:
        return Money(amount), None
    if amount < 0:
        return None, Money(-amount)
    return None, None


def tf_table(n: YearFigures, n1: YearFigures | None, n2: YearFigures | None = None,
             model: str = "") -> Table:
    """The tableau de financement: I. synthèse des masses du bilan (N, N-1, their variation
    as emplois or ressources), II. emplois et ressources of the year (N and N-1; lines III and
    IV from part I's masses); ``n2``: the year before N-1 (its masses give N-1's lines III and
    IV)."""
    rows: list[Row] = [Row((Term("I. Synthèse des masses du bilan", "synthese"), None, None,
                            None, None, None, None), "subtotal")]
    mn, m1 = masses(n), masses(n1)
    for key, num, label, resource in MASSES:
        change = (mn[key] - m1[key]) * -resource
        use, res = _split(change)
        style: RowStyle = "subtotal" if num in ("3", "6", "7") else ""
        rows.append(Row((Term(f"{num}. {label}", key), Money(mn[key]), Money(m1[key]),
                         use, res, None, None), style, key=f"masse.{key}"))
    rows.append(Row((Term("II. Emplois et ressources", "flux"), None, None, None, None, None,
                      None), "subtotal"))
    yn, y1 = tf_year(n, n1), tf_year(n1, n2)
    for side in ("ressources", "emplois"):
        for ln in tf_lines():
            if ln.side != side:
                continue
            blank = not ln.style
            vn, v1 = Money(yn.flows[ln.key], blank), Money(y1.flows[ln.key], blank)
            cells = ((None, vn, None, v1) if side == "ressources" else (vn, None, v1, None))
            label = f"{ln.letter}. {ln.label}" if ln.style == "total" else ln.label
            style = "total" if ln.style == "total" else (
                "subtotal" if ln.style == "subtotal" else "")
            rows.append(Row((Term(label, ln.key), None, None, *cells), style, key=ln.key))

    def closing(key: str, label: str, a: int, b: int) -> None:
        rows.append(Row((Term(label, key), None, None, *_split(a), *_split(b)), "subtotal",
                        key=key))

    closing("variation_bfg", "III. Variation du besoin de financement global (B.F.G.)",
            yn.bfg, y1.bfg)
    closing("variation_tresorerie", "IV. Variation de la trésorerie", yn.tresorerie,
            y1.tresorerie)
    if yn.unexplained or y1.unexplained:
        closing("ecart", "Autres variations du financement permanent et de l'actif "
                "immobilisé (non ventilées)", -yn.unexplained, -y1.unexplained)

    def total(y: TfYear) -> tuple[Money, Money]:
        res = (y.flows["total_ressources"] + max(-y.bfg, 0) + max(-y.tresorerie, 0)
               + max(y.unexplained, 0))
        use = (y.flows["total_emplois"] + max(y.bfg, 0) + max(y.tresorerie, 0)
               + max(-y.unexplained, 0))
        return Money(use), Money(res)

    rows.append(Row((Term("Total général", "total_general"), None, None, *total(yn),
                     *total(y1)), "total", key="total_general"))
    return Table(f"Tableau de financement de l'exercice {_span(n)} (N-1 : {n.year - 1})"
                 f"{_model_suffix(model)}", TF_COLUMNS, tuple(rows))


# --- ETIC ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EticLine:
    table: str  # immobilisations | stocks | tva
    group: str
    line: str
    label: str
    prefixes: tuple[str, ...]
    second: tuple[str, ...]

    @property
    def is_group(self) -> bool:
        """The block's subtotal row (no accounts of its own)."""
        return not self.prefixes


@cache
def etic_lines() -> tuple[EticLine, ...]:
    return tuple(EticLine(r["table"], r["group"], r["line"], r["label"],
                          tuple(r["prefixes"].split()), tuple(r["second"].split()))
                 for r in _data("etic.csv"))


ETIC_TABLES = ("immobilisations", "amortissements", "stocks", "tva")


def _movements(fig: YearFigures | None, prefixes: tuple[str, ...]) -> tuple[int, int, int]:
    """(opening balance debit − credit, debit, credit) of the accounts under ``prefixes``."""
    o = d = c = 0
    if fig is None:
        return 0, 0, 0
    for account, (opening, debit, credit) in fig.accounts.items():
        if any(account.startswith(p) for p in prefixes):
            o, d, c = o + opening, d + debit, c + credit
    return o, d, c


def _blocks(table: str, values: Callable[[EticLine], tuple[int, ...]], columns: int
            ) -> tuple[list[Row], list[int]]:
    """The rows of ``table`` in the data's order: a block's subtotal row (the sum of its
    lines) then its lines, a line without a block alone; and the grand total."""
    rows: list[Row] = []
    grand = [0] * columns
    lines = [ln for ln in etic_lines() if ln.table == table]
    headed = {ln.group for ln in lines if ln.is_group}
    for ln in lines:
        if ln.is_group:
            members = [m for m in lines if m.group == ln.group and not m.is_group]
            sums = [sum(values(m)[i] for m in members) for i in range(columns)]
            rows.append(Row((Term(ln.label, ln.line), *(Money(v) for v in sums)),
                            "subtotal", key=ln.line))
            rows += [Row((Term(m.label, m.line), *(Money(v, True) for v in values(m))),
                         key=m.line) for m in members]
        elif ln.group not in headed:
            sums = list(values(ln))
            rows.append(Row((Term(ln.label, ln.line), *(Money(v, True) for v in sums)),
                            key=ln.line))
        else:
            continue
        grand = [g + v for g, v in zip(grand, sums, strict=True)]
    return rows, grand


def _etic_title(what: str, n: YearFigures, model: str) -> str:
    return f"ETIC - {what} - exercice {_span(n)}{_model_suffix(model)}"


def immobilisations_table(n: YearFigures, model: str = "") -> Table:
    """Tableau des immobilisations: gross value at the start of the year, acquisitions (debit
    movements), cessions et retraits (credit movements), gross value at the end, per CGNC
    line."""
    def values(ln: EticLine) -> tuple[int, ...]:
        o, d, c = _movements(n, ln.prefixes)
        return o, d, c, o + d - c

    rows, total = _blocks("immobilisations", values, 4)
    rows.append(Row((Term("Total", "total"), *(Money(v) for v in total)), "total",
                    key="total"))
    return Table(_etic_title("Tableau des immobilisations", n, model), (
        Column("poste", "Nature", width=50),
        Column("brut_debut", "Montant brut début d'exercice", "right", width=14),
        Column("acquisitions", "Augmentation : acquisitions", "right", width=14),
        Column("cessions", "Diminution : cessions et retraits", "right", width=14),
        Column("brut_fin", "Montant brut fin d'exercice", "right", width=14),
    ), tuple(rows))


def amortissements_table(n: YearFigures, model: str = "") -> Table:
    """Tableau des amortissements (and provisions) of the fixed assets: cumul at the start,
    dotations of the year (credit movements of 28x/29x), amortissements sur immobilisations
    sorties (debit movements), cumul at the end."""
    def values(ln: EticLine) -> tuple[int, ...]:
        o, d, c = _movements(n, ln.second)
        return -o, c, d, -o + c - d

    rows, total = _blocks("immobilisations", values, 4)
    rows.append(Row((Term("Total", "total"), *(Money(v) for v in total)), "total",
                    key="total"))
    return Table(_etic_title("Tableau des amortissements", n, model), (
        Column("poste", "Nature", width=50),
        Column("cumul_debut", "Cumul début d'exercice", "right", width=14),
        Column("dotations", "Dotations de l'exercice", "right", width=14),
        Column("sorties", "Amortissements sur immobilisations sorties", "right", width=14),
        Column("cumul_fin", "Cumul fin d'exercice", "right", width=14),
    ), tuple(rows))


def stocks_table(n: YearFigures, n1: YearFigures | None, model: str = "") -> Table:
    """The stocks at the year end (31x) and their provisions pour dépréciation (391x), net,
    N and N-1, and the variation of the net."""
    def closing(fig: YearFigures | None, prefixes: tuple[str, ...]) -> int:
        o, d, c = _movements(fig, prefixes)
        return o + d - c

    def values(ln: EticLine) -> tuple[int, ...]:
        brut, prov = closing(n, ln.prefixes), -closing(n, ln.second)
        net1 = closing(n1, ln.prefixes) + closing(n1, ln.second)
        return brut, prov, brut - prov, net1, brut - prov - net1

    rows, total = _blocks("stocks", values, 5)
    rows.append(Row((Term("Total", "total"), *(Money(v) for v in total)), "total",
                    key="total"))
    return Table(_etic_title("État des stocks", n, model), (
        Column("poste", "Stocks", width=44),
        Column("brut", "Montant brut N", "right", width=14),
        Column("provisions", "Provisions pour dépréciation N", "right", width=14),
        Column("net", "Net N", "right", width=14),
        Column("net_n1", "Net N-1", "right", width=14),
        Column("variation", "Variation du net", "right", width=14),
    ), tuple(rows))


@dataclass(frozen=True)
class VatDeclared:
    """The VAT settled by the declarations of the year (dated in it), less the declarations
    reversed in it: TVA facturée (4455), récupérable sur charges (34552) and sur
    immobilisations (34551) — the positions stored with each declaration."""

    facturee: int = 0
    recuperable_charges: int = 0
    recuperable_immobilisations: int = 0


def tva_table(n: YearFigures, declared: VatDeclared, model: str = "") -> Table:
    """Détail de la taxe sur la valeur ajoutée: for the TVA facturée and récupérable, the
    balance at the start of the year (1), the year's operations (2), the year's declarations
    (3) and the balance at the end (1 + 2 − 3); C. TVA due ou crédit de TVA = A − B. The
    operations are what the accounts moved apart from the declarations: (2) = end − start +
    (3)."""
    def values(ln: EticLine) -> tuple[int, ...]:
        o, d, c = _movements(n, ln.prefixes)
        sign = -1 if ln.prefixes[0][0] in "14" else 1  # TVA facturée: a credit balance
        start, end = sign * o, sign * (o + d - c)
        dec = int(getattr(declared, ln.line))
        return start, end - start + dec, dec, end

    rows, _total = _blocks("tva", values, 4)
    by_key = {r.key: r for r in rows}

    def amounts(key: str) -> list[int]:
        return [c.cents for c in by_key[key].cells[1:] if isinstance(c, Money)]

    due = [a - b for a, b in zip(amounts("facturee"), amounts("recuperable"), strict=True)]
    rows.append(Row((Term("C. TVA due ou crédit de TVA (A - B)", "tva_due_ou_credit"),
                     *(Money(v) for v in due)), "total", key="tva_due_ou_credit"))
    return Table(_etic_title("Détail de la taxe sur la valeur ajoutée", n, model), (
        Column("poste", "Nature", width=40),
        Column("solde_debut", "Solde au début de l'exercice (1)", "right", width=14),
        Column("operations", "Opérations comptables de l'exercice (2)", "right", width=14),
        Column("declarations", "Déclarations TVA de l'exercice (3)", "right", width=14),
        Column("solde_fin", "Solde fin d'exercice (1 + 2 - 3)", "right", width=14),
    ), tuple(rows))


# --- the model (normal | simplifié) ----------------------------------------------------------

@dataclass(frozen=True)
class ModelChoice:
    """The model of a year's statements: ``normal`` above the turnover threshold (dated data,
    ``models.csv``), ``simplifie`` at or below it, unless ``forced`` by ``--model``."""

    model: str  # normal | simplifie
    turnover: int  # the year's chiffre d'affaires, internal accounts left out
    threshold: int
    forced: bool = False

    @property
    def label(self) -> str:
        return MODEL_LABELS[self.model]

    def note(self) -> str:
        """« modèle simplifié (chiffre d'affaires 105 510,00 DH ≤ 10 000 000,00 DH) »."""
        from ecp.kernel.money import fmt_fr

        side = ">" if self.turnover > self.threshold else "≤"
        why = (f"chiffre d'affaires {fmt_fr(self.turnover, 'DH')} {side} "
               f"{fmt_fr(self.threshold, 'DH')}")
        return f"{self.label} ({'choisi avec --model ; ' if self.forced else ''}{why})"


def threshold_for(year: int) -> tuple[int, tuple[str, ...]]:
    """The turnover threshold of the modèle normal in force for ``year`` and the CPC lines
    that make the turnover."""
    rows = sorted(_data("models.csv"), key=lambda r: int(r["valid_from"]))
    valid = [r for r in rows if int(r["valid_from"]) <= year] or rows[:1]
    last = valid[-1]
    return int(last["threshold"]), tuple(last["turnover"].split())


def choose_model(fig: YearFigures, override: str | None = None) -> ModelChoice:
    """The model of ``fig``'s year: by its turnover against the threshold, or ``override``."""
    threshold, lines = threshold_for(fig.year)
    turnover = sum(fig.cpc.get(line, 0) for line in lines)
    if override is not None:
        if override not in MODEL_LABELS:
            raise InputError(f"modèle : « {override} » inconnu (normal ou simplifie)",
                             field="model", code="model.unknown")
        return ModelChoice(override, turnover, threshold, True)
    return ModelChoice("normal" if turnover > threshold else "simplifie", turnover, threshold)


def require_esg(choice: ModelChoice) -> None:
    """The ESG belongs to the modèle normal only: InputError about ``model`` otherwise."""
    if choice.model != "normal":
        raise InputError(
            f"l'état des soldes de gestion (ESG) ne fait pas partie du {choice.note()} ; "
            "--model normal pour l'établir quand même", field="model", code="model.no_esg")


# --- the Bilan's two pages ---------------------------------------------------------------------

def actif_table(n: YearFigures, n1: YearFigures | None, model: str = "") -> Table:
    """The Bilan's actif alone (brut, amortissements et provisions, net, net N-1)."""
    whole = bilan_table(n, n1, model)
    rows = tuple(Row(r.cells, r.style, r.key.removeprefix("actif.")) for r in whole.rows
                 if r.key and r.key.startswith("actif."))
    return Table(f"Bilan (actif) de l'exercice {_span(n)}{_model_suffix(model)}",
                 BILAN_COLUMNS, rows)


PASSIF_COLUMNS = (
    Column("poste", "Poste", width=52),
    Column("n", "Exercice N", "right", width=14),
    Column("n1", "Exercice N-1", "right", width=14),
)


def passif_table(n: YearFigures, n1: YearFigures | None, model: str = "") -> Table:
    """The Bilan's passif alone (exercice N, N-1)."""
    whole = bilan_table(n, n1, model)
    rows = tuple(Row((r.cells[0], r.cells[3], r.cells[4]), r.style,
                     r.key.removeprefix("passif.")) for r in whole.rows
                 if r.key and r.key.startswith("passif."))
    return Table(f"Bilan (passif) de l'exercice {_span(n)}{_model_suffix(model)}",
                 PASSIF_COLUMNS, rows)
