"""Report tables built once, from the view-models, for every reader.

A :class:`Table` is neutral: a title, columns (a stable machine key, a French label, an
alignment), rows of typed cells, and totals. ``ecp.reports.render.render_table`` writes it as
an aligned text table, CSV or JSON for the command line; the TUI fills its DataTables from the
same rows (``ecp.tui.kit.report_table``). So the VAT return, the aged receivables and the
trial balance say the same thing wherever they are read.

Cells are typed, not formatted: an amount is a :class:`Money` (centimes), which readers see as
``1 234,50`` and machines as ``1234.50``; a :class:`Term` is what readers see as French text and
machines as a stable key (a VAT part, a rate, « Sous-total »).

Cheap to import: no database, no babel, no ReportLab (the view-models are only type hints).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ecp.ledger.queries import TrialBalance, TrialRow
    from ecp.members.economy import MemberBalance
    from ecp.sales.receivables import AgedRow
    from ecp.sales.vat_report import VatRateRow, VatReport

Align = Literal["left", "right"]
RowStyle = Literal["", "subtotal", "total"]


@dataclass(frozen=True)
class Money:
    """An amount in centimes; ``blank_zero``: an empty cell when zero (as paper ledgers do)."""

    cents: int
    blank_zero: bool = False


@dataclass(frozen=True)
class Term:
    """A cell readers see as ``text`` and machines (CSV, JSON) as ``key``."""

    text: str
    key: str


Cell = str | int | Money | Term | None


@dataclass(frozen=True)
class Column:
    key: str  # CSV / JSON name, stable
    label: str  # French header for readers
    align: Align = "left"
    width: int | None = None  # a hint for screens
    machine_only: bool = False  # only in CSV / JSON (e.g. the level of an aged row)
    alert: bool = False  # a non-zero amount here deserves the reader's attention


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: RowStyle = ""
    key: str | None = None  # stable id of the row (an account, a VAT part)


@dataclass(frozen=True)
class Table:
    title: str  # the heading readers see ("" for none)
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    # Rows for readers only (text, screens): machines add up the rows themselves.
    totals: tuple[Row, ...] = ()
    # The text rendering heads its columns with the machine keys (the ledger's reports always
    # did: a script greps them), not with the French labels screens show.
    key_headers: bool = False

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)


# --- VAT return ------------------------------------------------------------------------------

VAT_COLUMNS = (
    Column("rubrique", "Rubrique", width=30),
    Column("taux", "Taux", width=16),
    Column("base_ht", "Base HT", "right", width=16),
    Column("tva", "TVA", "right", width=16),
)


def vat_rate(row: VatRateRow) -> Term:
    """``20 %`` for readers, ``20`` (``5.5``) for machines; VAT moved by entries typed by
    hand, which has no rate: « autres écritures » / ``autres``."""
    from ecp.sales.vat_report import OTHER

    if row.vat_bp == OTHER:
        return Term(row.rate, "autres")
    whole, frac = divmod(row.vat_bp, 100)
    return Term(row.rate, f"{whole}.{frac:02d}" if frac else str(whole))


def vat_table(rep: VatReport) -> Table:
    """Each part's lines by rate then its total (collected, credit notes, net collected,
    deductible), then the VAT due and the credit. Row keys are the machine names of the
    parts (``collectee``, ``tva_due``...); a total has no rate."""
    rows: list[Row] = []

    def part(lines: tuple[VatRateRow, ...], key: str, label: str) -> None:
        for r in lines:
            rows.append(Row((Term(label, key), vat_rate(r), Money(r.base_ht), Money(r.vat)),
                            key=key))

    def total(key: str, label: str, base: int | None, vat: int, style: RowStyle = "subtotal"
              ) -> None:
        rows.append(Row((Term(label, key), "", None if base is None else Money(base),
                         Money(vat)), style, key))

    part(rep.collected, "collectee", "TVA collectée")
    total("total_collectee", "Total TVA collectée", rep.collected_base, rep.collected_vat)
    part(rep.regularised, "regularisation", "Avoirs (régularisation)")
    total("total_regularisations", "Total avoirs", rep.regularised_base, rep.regularised_vat)
    total("tva_collectee_nette", "TVA collectée nette",
          rep.collected_base - rep.regularised_base, rep.net_collected, "total")
    part(rep.deductible, "deductible", "TVA déductible")
    total("total_deductible", "Total TVA déductible", rep.deductible_base, rep.deductible_vat,
          "total")
    total("tva_due", "TVA due", None, rep.due, "total")
    total("credit_de_tva", "Crédit de TVA", None, rep.credit, "total")
    regime = "de l'encaissement" if rep.regime == "encaissement" else "des débits"
    title = (f"Déclaration de TVA {rep.label} : du {rep.start.strftime('%d/%m/%Y')} au "
             f"{rep.last_day.strftime('%d/%m/%Y')} inclus, régime {regime}")
    return Table(title, VAT_COLUMNS, tuple(rows))


# --- aged receivables ------------------------------------------------------------------------

AGED_COLUMNS = (
    Column("niveau", "Niveau", machine_only=True),
    Column("membre", "Membre", width=8),
    Column("client", "Client", width=10),
    Column("nom", "Nom", width=22),
    Column("factures", "Factures", "right", width=8),
    Column("j0_30", "0-30 j", "right", width=12),
    Column("j31_60", "31-60 j", "right", width=12),
    Column("j61_90", "61-90 j", "right", width=12),
    Column("plus_90", "> 90 j", "right", width=12),
    Column("total", "Total", "right", width=13),
    Column("echu", "Échu", "right", width=12, alert=True),
    Column("credit_client", "Crédit client", "right", width=13),
)

_LEVELS = {"customer": "client", "member": "membre", "total": "total"}


def aged_table(rows: Sequence[AgedRow], at: dt.date) -> Table:
    """One line per member and customer, the member's subtotal, the grand total last. For
    machines, ``niveau`` tells them apart: client, membre, total. « Crédit client »: what
    the member owes the customer (a credit note not yet refunded), apart from « Total »."""
    out: list[Row] = []
    for r in rows:
        who: tuple[Cell, ...]
        style: RowStyle = ""
        if r.kind == "customer":
            who = (r.member, r.customer, r.customer_name)
        elif r.kind == "member":
            who, style = (r.member, Term("Sous-total", ""), ""), "subtotal"
        else:
            who, style = (Term("TOTAL", ""), "", ""), "total"
        out.append(Row((_LEVELS[r.kind], *who, r.invoices, *(Money(v) for v in (
            r.days_0_30, r.days_31_60, r.days_61_90, r.over_90, r.total, r.overdue,
            r.credit))), style))
    title = (f"Créances clients au {at.strftime('%d/%m/%Y')}, par ancienneté depuis la date "
             "de facture ; « Échu » : passé l'échéance ; « Crédit client » : avoirs à "
             "rembourser")
    return Table(title, AGED_COLUMNS, tuple(out))


# --- trial balance ---------------------------------------------------------------------------

TRIAL_BALANCE_FIELDS = ("opening_debit", "opening_credit", "debit", "credit", "closing_debit",
                        "closing_credit")
TRIAL_BALANCE_COLUMNS = (
    Column("compte", "Compte", width=8),
    Column("intitule", "Intitulé", width=28),
    Column("ouverture_debit", "Ouv. débit", "right", width=14),
    Column("ouverture_credit", "Ouv. crédit", "right", width=14),
    Column("mouvements_debit", "Mouv. débit", "right", width=14),
    Column("mouvements_credit", "Mouv. crédit", "right", width=14),
    Column("cloture_debit", "Clôt. débit", "right", width=14),
    Column("cloture_credit", "Clôt. crédit", "right", width=14),
)


INTERNAL_MARK = "(interne)"


def _trial_name(name: str, internal: bool) -> Cell:
    """An internal account's name marked « (interne) » for readers (machines: the name)."""
    if not internal or INTERNAL_MARK in name:
        return name
    return Term(f"{name} {INTERNAL_MARK}", name)


def trial_balance_table(tb: TrialBalance) -> Table:
    """Six amounts per account (empty when zero), keyed by account; the totals for readers.

    The legal entity's view (no dimension) sets the internal accounts apart (docs/architecture.md,
    « Flux internes »): the others first, then the internal ones marked « (interne) », and for
    readers the TOTAL (debit = credit, every row counted) then « dont » each group (the TOTAL
    stays the first of the totals, as screens read it). With a dimension (a member's or the
    ECP's books) every account is a line like the others."""
    def row(r: TrialRow, internal: bool) -> Row:
        return Row((r.account, _trial_name(r.name, internal),
                    *(Money(getattr(r, f), blank_zero=True) for f in TRIAL_BALANCE_FIELDS)),
                   key=r.account)

    total = Row(("TOTAL", "", *(Money(tb.total(f)) for f in TRIAL_BALANCE_FIELDS)), "total")
    internal = [r for r in tb.rows if r.internal] if tb.entity else []
    if not internal:
        return Table("", TRIAL_BALANCE_COLUMNS, tuple(row(r, False) for r in tb.rows), (total,),
                     key_headers=True)
    rows = tuple(row(r, False) for r in tb.rows if not r.internal) \
        + tuple(row(r, True) for r in internal)
    subtotals = tuple(
        Row((Term(label, key), "", *(Money(tb.total(f, flag)) for f in TRIAL_BALANCE_FIELDS)),
            "subtotal")
        for label, key, flag in (("dont hors flux internes", "externe", False),
                                 ("dont flux internes", "interne", True)))
    return Table("", TRIAL_BALANCE_COLUMNS, rows, (total, *subtotals), key_headers=True)


# --- member balances -------------------------------------------------------------------------

MEMBER_BALANCE_COLUMNS = (
    Column("membre", "Membre", width=8),
    Column("nom", "Nom", width=24),
    Column("tresorerie", "Trésorerie", "right", width=14),
    Column("tva_due", "TVA due", "right", width=14),
    Column("du_a_l_ecp", "Dû à l'ECP", "right", width=14),  # all of it: contribution and other
    Column("reserve", "Réserve", "right", width=14),
    Column("disponible", "Disponible", "right", width=14),
    Column("creances", "Créances", "right", width=14),
    Column("dettes", "Dettes", "right", width=14),
)


def member_balances_table(balances: Sequence[MemberBalance]) -> Table:
    """Each member's available treasury and what it is made of, keyed by member."""
    rows = tuple(Row((b.code, b.name, *(Money(v) for v in (
        b.treasury.cash, b.treasury.vat_due, b.treasury.owed, b.treasury.reserve,
        b.treasury.available, b.treasury.receivables, b.treasury.payables))), key=b.code)
        for b in balances)
    return Table("", MEMBER_BALANCE_COLUMNS, rows, key_headers=True)
