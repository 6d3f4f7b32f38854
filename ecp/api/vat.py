"""The VAT cycle: the return of a period, its declaration (and reversal), its payment, and
what is still to declare or to pay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecp.api.outputs import check_output
from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.files import private_dir, replace_private
from ecp.kernel.periods import Period
from ecp.sales import company as company_mod
from ecp.sales import vat_return as vr

VatReturn = vr.VatReturn
DeclarationView = vr.DeclarationView
Declared = vr.Declared
PendingPeriod = vr.PendingPeriod


def vat_return(books: Books, period: Period) -> vr.VatReturn:
    """The return of ``period`` with its DGI line codes: as declared when it is, else as it
    would be declared now."""
    with _read(books) as conn:
        return vr.return_of(conn, period)


def vat_declare(books: Books, period: Period, day: dt.date | None = None,
                user: str | None = None) -> vr.Declared:
    """Declare ``period`` (on ``day``, today by default): one OD entry per the return."""
    on = day or books.today()
    with _write(books) as conn:
        done = vr.declare(conn, period, on, books.who(user))
        d = done.declaration
        _audit(conn, books, "tva.declaration", period.label,
               f"le {on.isoformat()} : TVA due {d.due} centimes, crédit {d.credit} centimes, "
               f"écriture {d.entry or 'aucune (néant)'}", user)
        return done


def vat_reverse(books: Books, period: Period, reason: str, day: dt.date | None = None,
                user: str | None = None) -> vr.DeclarationView:
    """Cancel the declaration of ``period`` (the last one, unpaid), with a reason."""
    on = day or books.today()
    with _write(books) as conn:
        d = vr.reverse_declaration(conn, period, reason, on, books.who(user))
        _audit(conn, books, "tva.annulation", period.label,
               f"le {on.isoformat()}, contre-passation {d.reversal_entry or 'aucune'} ; "
               f"motif : {reason.strip()}", user)
        return d


def vat_pay(books: Books, period: Period, day: dt.date, method: str = "virement",
            penalty: int = 0, reference: str = "", user: str | None = None
            ) -> vr.DeclarationView:
    """Pay the VAT declared for ``period`` (4456 → 5141 per dimension; ``penalty`` centimes
    to 65831 on the ECP's dimension)."""
    with _write(books) as conn:
        d = vr.pay(conn, period, day, method, penalty, books.who(user), reference)
        _audit(conn, books, "tva.paiement", period.label,
               f"le {day.isoformat()} : {d.paid} centimes, pénalité {penalty} centimes, "
               f"écriture {d.payment_entry}", user)
        return d


def vat_declarations(books: Books, period: Period | None = None) -> list[vr.DeclarationView]:
    """Every declaration (cancelled ones included), in period order."""
    with _read(books) as conn:
        return vr.declarations(conn, period.label if period else None)


def vat_status(books: Books, at: dt.date | None = None) -> list[vr.PendingPeriod]:
    """Ended periods not declared yet, and declared periods not paid."""
    with _read(books) as conn:
        return vr.pending(conn, at or books.today())


def vat_return_pdf(books: Books, period: Period, out: Path, force: bool = False) -> Path:
    """The return of ``period`` as a PDF laid out like the DGI form (the declared figures
    when the period is declared, else the figures as they stand)."""
    from ecp.reports.vat_return_pdf import render_return

    check_output(books, out, force=force, make_parent=True)
    with _read(books) as conn:
        ret = vr.return_of(conn, period)
        declared = [d for d in vr.declarations(conn, period.label) if d.active]
        company = company_mod.company(conn)
    data = render_return(ret, declared[-1] if declared else None, company)
    private_dir(out.parent)
    replace_private(out, data)
    return out
