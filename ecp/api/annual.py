"""The member's annual statement (issue 15): ``ecp statement annual AAAA``.

The figures (``ecp.members.annual``) are read from the trial balance of the member's dimension
over the fiscal year (``trial_balance``, the one ``ecp report trial-balance --dimension`` prints)
and from the payroll tables, the register and the treasury; the PDFs are drawn, archived with
their SHA-256 and checked by ``verify`` exactly as the monthly statements
(``ecp.api.members.archive_statements``), in ``releves/exercice-AAAA``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ecp.api.archive import archive_dir
from ecp.api.balance import trial_balance
from ecp.api.members import archive_statements
from ecp.api.session import Books, _read
from ecp.api.statutory import fiscal_year_bounds
from ecp.members import annual as annual_mod
from ecp.members import registry

AnnualStatement = annual_mod.AnnualStatement


def _nature(account: str) -> tuple[str, str] | None:
    """The CPC's line of an account, from the shipped mapping (``ecp.reports.statutory``)."""
    from ecp.reports.statutory import line_of
    m = line_of(account)
    return (m.line, m.label) if m is not None else None


def annual_dir(books: Books, year: int) -> Path:
    """Where the year's attestations go: ``releves/exercice-AAAA`` beside the monthly ones."""
    return archive_dir(books).parent / "releves" / f"exercice-{year}"


def year_members(books: Books, year: int) -> list[str]:
    """The members of the fiscal year (active, or with movements in it)."""
    start, end = fiscal_year_bounds(books, year)
    with _read(books) as conn:
        return annual_mod.year_members(conn, start, end)


def annual_statements(books: Books, year: int, members: Sequence[str] | None = None
                      ) -> list[AnnualStatement]:
    """The attestation figures of each member of the year (or of ``members``)."""
    start, end = fiscal_year_bounds(books, year)
    with _read(books) as conn:
        codes = [registry.get(conn, c, "member").code for c in members] if members \
            else annual_mod.year_members(conn, start, end)
    out = []
    for code in codes:
        tb = trial_balance(books, start, end, code)
        with _read(books) as conn:
            out.append(annual_mod.annual_statement(conn, code, year, start, end, tb, _nature))
    return out


def annual_statement(books: Books, member: str, year: int) -> AnnualStatement:
    """One member's attestation figures for fiscal year ``year``."""
    (view,) = annual_statements(books, year, [member])
    return view


def write_annual_statements(books: Books, year: int, out_dir: Path | None = None,
                            members: Sequence[str] | None = None,
                            progress: Callable[[int, int, str], None] | None = None, *,
                            lang: str | None = None) -> list[Path]:
    """The attestation PDF of each member of the year (or of ``members``), dated today, in
    ``lang`` (``fr`` | ``ar``) when given, else in each member's language:
    ``attestation-AAAA-CODE.pdf`` archived in ``releves/exercice-AAAA`` (versions ``-v2``… on
    a re-run, SHA-256 in the audit trail, checked by ``verify``), copies in ``out_dir`` when
    given; ``progress(done, total, member)`` after each. See ``write_statements``."""
    from functools import partial

    from ecp.reports.annual_pdf import render_annual
    from ecp.reports.i18n import check_lang
    views = annual_statements(books, year, members)
    render = partial(render_annual, issued=books.today(),
                     lang=check_lang(lang) if lang else None)
    return archive_statements(books, annual_dir(books, year), f"attestation-{year}",
                              f"exercice {year}", [(v.member.code, v) for v in views],
                              render, out_dir, progress)


__all__ = ["AnnualStatement", "annual_dir", "annual_statement", "annual_statements",
           "write_annual_statements", "year_members"]
