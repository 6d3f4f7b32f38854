"""What is still to do in the VAT cycle, in words: the periods not declared yet and those
declared and not paid (``api.vat_status``), as the month-end checklist, the Tableau de bord,
``ecp report dashboard`` and the TVA screen say it. Cheap to import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ecp.kernel.money import fmt_fr

if TYPE_CHECKING:
    from ecp.sales.vat_return import PendingPeriod

TO_DECLARE = "à déclarer"
TO_PAY = "à payer"
UP_TO_DATE = "déclarations et paiements à jour"


def periods_text(labels: Sequence[str]) -> str:
    """``2026-10``, ``2026-09, 2026-10`` or, from four on, ``2026-01 à 2026-06 (6 périodes)``."""
    if len(labels) <= 3:
        return ", ".join(labels)
    return f"{labels[0]} à {labels[-1]} ({len(labels)} périodes)"


def to_declare(pending: Sequence[PendingPeriod]) -> list[str]:
    return [p.period for p in pending if p.state == TO_DECLARE]


def to_pay(pending: Sequence[PendingPeriod]) -> list[PendingPeriod]:
    return [p for p in pending if p.state == TO_PAY]


def pending_text(pending: Sequence[PendingPeriod]) -> str:
    """« 2026-10 à déclarer ; 2026-09 à payer (4 537,80 DH) », or « déclarations et paiements à
    jour » when nothing is pending."""
    parts: list[str] = []
    declare = to_declare(pending)
    if declare:
        parts.append(f"{periods_text(declare)} à déclarer")
    pay = to_pay(pending)
    if len(pay) > 3:
        parts.append(f"{periods_text([p.period for p in pay])} à payer "
                     f"({fmt_fr(sum(p.amount for p in pay))} DH)")
    else:
        parts += [f"{p.period} à payer ({fmt_fr(p.amount)} DH)" for p in pay]
    return " ; ".join(parts) if parts else UP_TO_DATE
