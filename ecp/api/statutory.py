"""The statutory statements of a fiscal year (Bilan, CPC) from the trial balance.

Reads the year's trial balance (``ecp.api.balance.trial_balance``, the one ``ecp report
trial-balance --from --to`` prints) on the fiscal year's bounds — the ``fiscal_years`` row when
there is one, else the calendar year — and the year before's; the figures are built by
``ecp.reports.statutory`` (pure), its tables rendered by the CLI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ecp.api.balance import trial_balance
from ecp.api.outputs import check_output, check_output_dir
from ecp.api.session import Books, _read_light
from ecp.db.lite import fetch
from ecp.kernel.errors import InputError
from ecp.kernel.files import private_dir, replace_private
from ecp.reports.statutory import ModelChoice, VatDeclared, YearFigures, year_figures
from ecp.reports.tables import Table


def _date(day: int) -> dt.date:
    return dt.date(day // 10000, day // 100 % 100, day % 100)


def fiscal_year_bounds(books: Books, year: int) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of fiscal year ``year``."""
    if not 1901 <= year <= 9998:
        raise InputError(f"année : {year} hors des limites (1901 à 9998)", field="year",
                         code="year.range")
    with _read_light(books) as conn:
        rows = fetch(conn, "SELECT start, \"end\" FROM fiscal_years WHERE year = :y", {"y": year})
    if rows:
        return _date(int(rows[0][0])), _date(int(rows[0][1]))
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def statutory_year(books: Books, year: int, dimension: str | None = None) -> YearFigures:
    """The legal entity's figures of fiscal year ``year``, or one dimension's own books'."""
    start, end = fiscal_year_bounds(books, year)
    if dimension is not None:
        from ecp.ledger.trial import dimension_exists
        with _read_light(books) as conn:
            if not dimension_exists(conn, dimension):
                raise InputError(f"dimension : « {dimension} » inconnue (ECP ou un membre)",
                                 field="dimension", code="dimension.unknown")
    return year_figures(trial_balance(books, start, end, dimension), year)


def statutory_figures(books: Books, year: int, dimension: str | None = None
                      ) -> tuple[YearFigures, YearFigures]:
    """The legal entity's figures of ``year`` (N) and of the year before (N-1), or one
    dimension's."""
    return statutory_year(books, year, dimension), statutory_year(books, year - 1, dimension)


def vat_declared(books: Books, year: int) -> VatDeclared:
    """The VAT the declarations dated in fiscal year ``year`` settled (their stored
    positions: TVA facturée, récupérable sur charges, sur immobilisations), less the
    declarations reversed in the year — what the ledger's declaration entries of the year
    moved on 4455, 34552 and 34551. The ETIC's « déclarations TVA de l'exercice »."""
    from ecp.api.session import _read
    from ecp.sales import vat_return as vr

    start, end = fiscal_year_bounds(books, year)
    sums = {"tva_facturee": 0, "deductible_charges": 0, "deductible_immobilisations": 0}
    with _read(books) as conn:
        for d in vr.declarations(conn):
            sign = (start <= d.day <= end) - (
                d.reversed_on is not None and start <= d.reversed_on <= end)
            if sign:
                for pos in d.figures.get("positions", []):
                    for key in sums:
                        sums[key] += sign * int(pos.get(key, 0))
    return VatDeclared(sums["tva_facturee"], sums["deductible_charges"],
                       sums["deductible_immobilisations"])


STATEMENTS = ("bilan", "cpc", "esg", "tf", "etic")
HEADINGS = {
    "bilan": "Bilan", "actif": "Bilan (actif)", "passif": "Bilan (passif)",
    "cpc": "Compte de produits et charges (hors taxes)", "esg": "État des soldes de gestion",
    "tf": "Tableau de financement de l'exercice",
    "immobilisations": "Tableau des immobilisations",
    "amortissements": "Tableau des amortissements",
    "stocks": "État des stocks", "tva": "Détail de la taxe sur la valeur ajoutée",
}


@dataclass(frozen=True)
class StatementSet:
    """A statement of a fiscal year as tables, with the model it follows."""

    statement: str  # bilan | cpc | esg | tf | etic
    figures: YearFigures  # N
    choice: ModelChoice
    tables: tuple[tuple[str, str, Table], ...]  # (key, heading, table), in the model's order


def statutory_tables(books: Books, statement: str, year: int, model: str | None = None,
                     table: str | None = None, *, split: bool = False,
                     dimension: str | None = None) -> StatementSet:
    """``statement`` of fiscal year ``year`` (N, with N-1) as tables: the model by the year's
    turnover unless ``model`` forces it (the ESG refused in the modèle simplifié); ``table``:
    one ETIC table (all four when None); ``split``: the Bilan as its two pages (actif,
    passif)."""
    from ecp.reports import statutory as st

    if statement not in STATEMENTS:
        raise InputError(f"état : « {statement} » inconnu ({', '.join(STATEMENTS)})",
                         field="statement")
    n, n1 = statutory_figures(books, year, dimension)
    choice = st.choose_model(n, model)
    m = choice.model
    tables: list[tuple[str, Table]]
    if statement == "bilan":
        tables = ([("actif", st.actif_table(n, n1, m)), ("passif", st.passif_table(n, n1, m))]
                  if split else [("bilan", st.bilan_table(n, n1, m))])
    elif statement == "cpc":
        tables = [("cpc", st.cpc_table(n, n1, m))]
    elif statement == "esg":
        st.require_esg(choice)
        tables = [("esg", st.esg_table(n, n1, m))]
    elif statement == "tf":
        tables = [("tf", st.tf_table(n, n1, statutory_year(books, year - 2, dimension), m))]
    else:
        if table is not None and table not in st.ETIC_TABLES:
            raise InputError(f"table : « {table} » inconnue ({', '.join(st.ETIC_TABLES)})",
                             field="table")
        wanted = (table,) if table else st.ETIC_TABLES
        tables = []
        for t in wanted:
            if t == "immobilisations":
                tables.append((t, st.immobilisations_table(n, m)))
            elif t == "amortissements":
                tables.append((t, st.amortissements_table(n, m)))
            elif t == "stocks":
                tables.append((t, st.stocks_table(n, n1, m)))
            else:
                tables.append((t, st.tva_table(n, vat_declared(books, year), m)))
    return StatementSet(statement, n, choice,
                        tuple((key, HEADINGS[key], t) for key, t in tables))


def statutory_pdf(books: Books, statement: str, year: int, out: Path, model: str | None = None,
                  table: str | None = None, force: bool = False,
                  dimension: str | None = None) -> Path:
    """``statement`` of ``year`` as a PDF laid out like the official model (French, the ECP's
    identity, the exercice's dates, amounts in DH), written private at ``out``."""
    from ecp.api.session import _read
    from ecp.reports.statutory_pdf import render_statements
    from ecp.sales import company as company_mod

    check_output(books, out, force=force, make_parent=True)
    st = statutory_tables(books, statement, year, model, table, split=True,
                          dimension=dimension)
    with _read(books) as conn:
        company = company_mod.company(conn)
    data = render_statements(st.tables, company, st.figures, st.choice)
    private_dir(out.parent)
    replace_private(out, data)
    return out


# The liasse's tables in its order (Bilan actif and passif, CPC, ESG, TF, ETIC), one CSV each
LIASSE = (
    ("01-bilan-actif.csv", "bilan", "actif"),
    ("02-bilan-passif.csv", "bilan", "passif"),
    ("03-cpc.csv", "cpc", "cpc"),
    ("04-esg.csv", "esg", "esg"),
    ("05-tableau-de-financement.csv", "tf", "tf"),
    ("06-etic-immobilisations.csv", "etic", "immobilisations"),
    ("07-etic-amortissements.csv", "etic", "amortissements"),
    ("08-etic-stocks.csv", "etic", "stocks"),
    ("09-etic-tva.csv", "etic", "tva"),
)
LIASSE_README = "LISEZMOI.txt"


@dataclass(frozen=True)
class LiasseResult:
    folder: Path
    files: tuple[Path, ...]
    choice: ModelChoice


def export_liasse(books: Books, year: int, folder: Path, model: str | None = None,
                  force: bool = False) -> LiasseResult:
    """The liasse of ``year``: one CSV per table in the liasse's order (the ESG only in the
    modèle normal) and a LISEZMOI.txt saying what is in it and why no SIMPL-IS XML."""
    from ecp.reports.render import render_table

    names = [name for name, *_ in LIASSE] + [LIASSE_README]
    check_output_dir(books, folder, names, "*.csv", force=force)
    chosen: dict[str, StatementSet] = {}
    written: list[Path] = []
    choice: ModelChoice | None = None
    contents: list[tuple[str, bytes]] = []
    for name, statement, key in LIASSE:
        if statement not in chosen:
            try:
                chosen[statement] = statutory_tables(books, statement, year, model,
                                                     split=True)
            except InputError as exc:
                if exc.code == "model.no_esg":
                    continue
                raise
        st = chosen[statement]
        choice = st.choice
        table = next(t for k, _h, t in st.tables if k == key)
        contents.append((name, (render_table(table, "csv") + "\n").encode("utf-8")))
    assert choice is not None
    n = chosen["bilan"].figures
    readme = LIASSE_TEXT.format(year=year, start=n.start.strftime("%d/%m/%Y"),
                                end=n.end.strftime("%d/%m/%Y"), model=choice.note(),
                                files="\n".join(f"  {name}" for name, _ in contents))
    if "esg" not in chosen:
        readme += ("\nL'état des soldes de gestion (04-esg.csv) ne fait pas partie du modèle "
                   "simplifié : il n'est pas\nécrit (--model normal pour l'établir).\n")
    contents.append((LIASSE_README, readme.encode("utf-8")))
    private_dir(folder)
    for name, *_ in LIASSE:  # a table of an earlier run this one does not write (the ESG)
        stale = folder / name
        if name not in dict(contents) and stale.is_file() and not stale.is_symlink():
            stale.unlink()
    for name, data in contents:
        path = folder / name
        if path.exists() or path.is_symlink():
            check_output(books, path, force=force, make_parent=True)
        replace_private(path, data)
        written.append(path)
    return LiasseResult(folder, tuple(written), choice)


LIASSE_TEXT = """Liasse de l'exercice {year} (du {start} au {end}), {model}.

Un fichier CSV par tableau, dans l'ordre de la liasse (UTF-8, séparateur virgule, montants en
dirhams avec un point décimal, colonnes et lignes désignées par des clés stables) :
{files}

Le fichier XML SIMPL-IS (télédéclaration de la liasse à la DGI) n'est pas écrit : sa structure
est connue (Liasse, modele, resultatFiscal, groupeValeursTableau, ValeursTableau, tableau/id,
ValeurCellule, cellule/codeEdi, valeur), mais la codification des cellules (codeEdi), publiée
par la DGI dans son classeur de codification, n'a pas pu être trouvée dans une source publique
citable ; ECP n'invente pas ces codes. Les tableaux ci-dessus se reportent à la main, ou par un
outil qui connaît cette codification, dans les tableaux de la liasse.
"""


__all__ = ["LiasseResult", "StatementSet", "export_liasse", "fiscal_year_bounds",
           "statutory_figures", "statutory_pdf", "statutory_tables", "statutory_year",
           "vat_declared"]
