"""The member registry and the member's economy: contribution, treasury, payouts, statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from ecp.api.archive import _archived, archive_dir, statements_dir
from ecp.api.session import Books, _read, _write
from ecp.db.models import Dimension
from ecp.kernel.errors import InputError, NotFoundError
from ecp.ledger import queries
from ecp.ledger.entry import ECP_DIMENSION, day_int
from ecp.members import economy as member_economy
from ecp.members.views import PayoutVoucher, StatementView, Treasury

MEMBER_STATUSES = ("actif", "suspendu", "sorti")


def _parse_pct(pct: str | None) -> int | None:
    if pct is None or pct == "":
        return None
    s = pct.strip().rstrip("%").strip().replace(",", ".")
    try:
        whole, _, frac = s.partition(".")
        if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 2:
            raise ValueError
        bp = int(whole) * 100 + int(frac.ljust(2, "0") or 0)
    except ValueError:
        raise InputError(f"taux de contribution : « {pct} » n'est pas un pourcentage") from None
    if bp > 10000:
        raise InputError(f"taux de contribution : {pct} dépasse 100 %")
    return bp


def add_member(books: Books, code: str, name: str, name_ar: str | None = None,
               activity: str | None = None, contribution_rate: str | None = None,
               joined: dt.date | None = None) -> queries.MemberView:
    code = code.strip().upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 20:
        raise InputError(f"code membre : « {code} » (lettres, chiffres, - ou _, 20 au plus)")
    if code == ECP_DIMENSION:
        raise InputError("code membre : ECP est réservé à l'entreprise elle-même")
    if not name.strip():
        raise InputError("nom : obligatoire")
    bp = _parse_pct(contribution_rate)
    with _write(books) as conn:
        if conn.scalar(select(Dimension.code).where(Dimension.code == code)):
            raise InputError(f"code membre : {code} existe déjà")
        conn.execute(insert(Dimension), [{
            "code": code, "kind": "member", "name": name.strip(),
            "name_ar": (name_ar or "").strip() or None, "activity": activity,
            "joined_on": day_int(joined or books.today()), "status": "actif",
            "contribution_bp": bp}])
    return next(m for m in list_members(books) if m.code == code)


def update_member(books: Books, code: str, *, name: str | None = None,
                  name_ar: str | None = None, activity: str | None = None,
                  status: str | None = None, contribution_rate: str | None = None
                  ) -> queries.MemberView:
    """Change the non-accounting fields of a member (the code, used in postings, never)."""
    values: dict[str, object] = {}
    if name is not None:
        if not name.strip():
            raise InputError("nom : obligatoire")
        values["name"] = name.strip()
    if name_ar is not None:
        values["name_ar"] = name_ar.strip() or None
    if activity is not None:
        values["activity"] = activity.strip() or None
    if status is not None:
        if status not in MEMBER_STATUSES:
            raise InputError(f"statut : « {status} » (actif, suspendu ou sorti)")
        values["status"] = status
    if contribution_rate is not None:
        values["contribution_bp"] = _parse_pct(contribution_rate)
    with _write(books) as conn:
        kind = conn.scalar(select(Dimension.kind).where(Dimension.code == code))
        if kind != "member":
            raise NotFoundError(f"membre {code} introuvable")
        if values:
            conn.execute(update(Dimension).where(Dimension.code == code)
                         .values(**values))
    return next(m for m in list_members(books) if m.code == code)


def list_members(books: Books, include_ecp: bool = False) -> list[queries.MemberView]:
    with _read(books) as conn:
        return queries.list_dimensions(conn, members_only=not include_ecp)


def _month(text: str) -> int:
    from ecp.kernel.periods import parse_month
    return parse_month(text)


def contribution_run(books: Books, month: str, user: str | None = None
                     ) -> list[member_economy.ContributionLine]:
    with _write(books) as conn:
        return member_economy.run_contribution(conn, _month(month), books.who(user))


def member_treasury(books: Books, member: str, at: dt.date | None = None) -> Treasury:
    with _read(books) as conn:
        info = member_economy.member_info(conn, member)
        return member_economy.treasury(conn, info.code, at or books.today())


def member_balances(books: Books, at: dt.date | None = None
                    ) -> list[member_economy.MemberBalance]:
    with _read(books) as conn:
        return member_economy.member_balances(conn, at or books.today())


def add_payout(books: Books, member: str, amount: str, day: dt.date, method: str = "virement",
               advance: bool = False, reason: str = "", user: str | None = None
               ) -> member_economy.PayoutResult:
    """A payout (or a solidarity advance), its voucher PDF archived at once."""
    from ecp.kernel.money import parse
    cents = parse(amount, "montant")
    written: list[Path] = []

    def archive(voucher: PayoutVoucher) -> tuple[str, str]:
        import hashlib

        from ecp.reports.payout_pdf import render_payout
        data = render_payout(voucher)
        rel = f"{voucher.day.year}/{voucher.number}.pdf"
        out = archive_dir(books) / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        written.append(out)
        return rel, hashlib.sha256(data).hexdigest()

    try:
        with _write(books) as conn:
            return member_economy.add_payout(conn, member, cents, day, method,
                                             books.who(user), advance, reason, archive)
    except BaseException:
        for f in written:
            f.unlink(missing_ok=True)
        raise


def payout_pdf(books: Books, number: str, out: Path | None = None) -> Path:
    with _read(books) as conn:
        row: Any = member_economy.payout_row(conn, number)
    return _archived(books, row, "bon de versement", out)


def member_statement(books: Books, member: str, month: str) -> StatementView:
    with _read(books) as conn:
        return member_economy.statement(conn, member, _month(month))


def write_statements(books: Books, month: str, out_dir: Path | None = None,
                     members: Sequence[str] | None = None,
                     progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """The statement PDF of each active member (or of ``members``) for the month, one file
    each, ``progress(done, total, member)`` after each.

    The figures are read here, in one snapshot; drawing the PDFs (most of the time) is shared
    between worker processes, one per core, when there are many members."""
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ecp.reports.statement_pdf import render_statement
    m = _month(month)
    label = f"{m // 100}-{m % 100:02d}"
    folder = out_dir or statements_dir(books, label)
    folder.mkdir(parents=True, exist_ok=True)
    with _read(books) as conn:
        codes = [member_economy.member_info(conn, c).code for c in members] if members \
            else member_economy.active_members(conn)
        jobs = [(member_economy.statement(conn, code, m),
                 folder / f"releve-{label}-{code}.pdf") for code in codes]
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < 8 or workers < 2:
        for i, (view, path) in enumerate(jobs, 1):
            render_statement(view, path)
            if progress is not None:
                progress(i, len(jobs), view.member.code)
        return [p for _v, p in jobs]
    import multiprocessing
    import threading
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1 else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        futures = {pool.submit(render_statement, view, path): view.member.code
                   for view, path in jobs}
        for i, fut in enumerate(as_completed(futures), 1):
            fut.result()
            if progress is not None:
                progress(i, len(jobs), futures[fut])
    return [p for _v, p in jobs]
