"""The member registry and the member's economy: contribution, treasury, payouts, statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecp.api.archive import _archived, archiving, statements_dir
from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.files import private_dir
from ecp.kernel.periods import Month
from ecp.kernel.units import Rate
from ecp.kernel.vocab import MEMBER_STATUSES as MEMBER_STATUSES  # re-exported by ecp.api
from ecp.members import economy as member_economy
from ecp.members import registry
from ecp.members.views import PayoutVoucher, StatementView, Treasury

if TYPE_CHECKING:
    from sqlalchemy import Connection

MemberView = registry.MemberView


def add_member(books: Books, code: str, name: str, name_ar: str | None = None,
               activity: str | None = None, contribution_rate: Rate | None = None,
               joined: dt.date | None = None, language: str = "fr") -> MemberView:
    """A new member (a ledger dimension); ``contribution_rate`` in basis points, None for the
    ECP's default rate; ``joined`` defaults to today; ``language`` (fr | ar) of the member's
    documents."""
    with _write(books) as conn:
        view = registry.add(conn, code, name, name_ar=name_ar, activity=activity,
                            contribution_rate=contribution_rate,
                            joined=joined or books.today(), language=language)
        _audit(conn, books, "membre.ajout", view.code, view.name)
        return view


def update_member(books: Books, code: str, *, name: str | None = None,
                  name_ar: str | None = None, activity: str | None = None,
                  status: str | None = None, contribution_rate: Rate | None = None,
                  default_rate: bool = False, language: str | None = None) -> MemberView:
    """Change the non-accounting fields of a member (the code, used in postings, never);
    ``default_rate`` puts the member back on the ECP's default contribution rate; ``language``
    (fr | ar) of the member's documents."""
    with _write(books) as conn:
        view = registry.update_member(conn, code, name=name, name_ar=name_ar,
                                      activity=activity, status=status,
                                      contribution_rate=contribution_rate,
                                      clear_rate=default_rate, language=language)
        changed = {"nom": name, "nom arabe": name_ar, "activité": activity, "statut": status,
                   "taux (pb)": contribution_rate, "langue": language}
        _audit(conn, books, "membre.modif", view.code,
               "; ".join([f"{k} = {v}" for k, v in changed.items() if v is not None]
                         + (["taux par défaut"] if default_rate else [])))
        return view


def get_member(books: Books, code: str) -> MemberView:
    with _read(books) as conn:
        return registry.get(conn, code)


def list_members(books: Books, include_ecp: bool = False) -> list[MemberView]:
    with _read(books) as conn:
        return registry.list_members(conn, include_ecp)


def contribution_run(books: Books, month: Month, user: str | None = None
                     ) -> list[member_economy.ContributionLine]:
    with _write(books) as conn:
        return _contribution_run(conn, books, month, user)


def _contribution_run(conn: Connection, books: Books, month: Month, user: str | None
                      ) -> list[member_economy.ContributionLine]:
    """The contribution run in the open unit of work ``conn`` (the month close reads the
    chain head in the same one)."""
    lines = member_economy.run_contribution(conn, month.key, books.who(user))
    if any(c.posted_now for c in lines):  # a run that posts nothing changes nothing
        _audit(conn, books, "contributions", str(month),
               ", ".join(f"{c.member} {c.posted_now}" for c in lines if c.posted_now)
               + " (centimes passés)", user)
    return lines


def member_treasury(books: Books, member: str, at: dt.date | None = None) -> Treasury:
    with _read(books) as conn:
        info = member_economy.member_info(conn, member)
        return member_economy.treasury(conn, info.code, at or books.today())


def member_balances(books: Books, at: dt.date | None = None
                    ) -> list[member_economy.MemberBalance]:
    with _read(books) as conn:
        return member_economy.member_balances(conn, at or books.today())


def add_payout(books: Books, member: str, amount: int | None = None,
               day: dt.date | None = None, method: str = "virement", advance: bool = False,
               reason: str = "", user: str | None = None, *, gross: int | None = None,
               invoice_ref: str = "", repay_monthly: int | None = None
               ) -> member_economy.PayoutResult:
    """Pay a member by their remuneration route (``member_economy.add_payout``): a salarié's
    net ``amount`` (or ``gross``) with a payslip, an indépendant's invoice ``invoice_ref`` of
    ``amount`` TTC, or a solidarity advance (``advance``, with ``reason`` and
    ``repay_monthly``); amounts in centimes, ``day`` defaults to today. Its document is
    archived at once: the bulletin de paie of a salary, else the voucher."""
    on = day or books.today()
    with archiving(books) as (conn, store):
        def archive(voucher: PayoutVoucher,
                    doc: member_economy.PayslipDoc | None) -> tuple[str, str]:
            if doc is not None:
                from ecp.reports.payslip_pdf import render_payslip
                return store(f"{voucher.day.year}/{voucher.number}-bulletin.pdf",
                             render_payslip(doc))
            from ecp.reports.payout_pdf import render_payout
            return store(f"{voucher.day.year}/{voucher.number}.pdf", render_payout(voucher))

        result = member_economy.add_payout(conn, member, amount, on, method,
                                           books.who(user), advance, reason, archive,
                                           gross=gross, invoice_ref=invoice_ref,
                                           repay_monthly=repay_monthly)
        slip = result.payslip
        detail = (f"membre {member}, {result.kind}, {result.voucher.amount} centimes versés "
                  f"le {on.isoformat()} ({method}), écriture {result.entry}")
        if slip is not None:
            detail += (f", paie {result.other_entry} : brut {slip.gross}, net {slip.net}, "
                       f"coût {slip.cost}")
        if invoice_ref:
            detail += f", facture {invoice_ref} ({result.other_entry})"
        if result.withheld:
            detail += f", avance remboursée {result.withheld}"
        if advance:
            detail += f", avance de solidarité : {reason}"
        _audit(conn, books, "versement", result.number, detail, user)
        return result


def set_route(books: Books, member: str, route: str, day: dt.date | None = None,
              cnss: str | None = None, dependants: int | None = None,
              user: str | None = None) -> registry.Route:
    """The member's remuneration route (``salarie`` | ``independant``) from ``day`` on
    (default today): a new dated row; ``cnss``/``dependants`` None keep the current ones."""
    on = day or books.today()
    with _write(books) as conn:
        r = registry.set_route(conn, member, route, on, cnss, dependants,
                               user=books.who(user), at=books.now().isoformat())
        code = registry.get(conn, member, "member").code
        _audit(conn, books, "membre.statut", code,
               f"{registry.ROUTE_LABELS[r.route]} au {on.isoformat()}, CNSS "
               f"{r.cnss or '—'}, {r.dependants} personne(s) à charge", user)
        return r


def member_route(books: Books, member: str, day: dt.date | None = None
                 ) -> registry.Route | None:
    """The member's route on ``day`` (default today); None when none is chosen yet."""
    with _read(books) as conn:
        code = registry.get(conn, member, "member").code
        return registry.route_on(conn, code, day or books.today())


def repay_advance(books: Books, member: str, amount: int, day: dt.date | None = None,
                  method: str = "virement", user: str | None = None) -> str:
    """The member repays ``amount`` centimes of their solidarity advances (5141 D / 3431 C);
    returns the entry's reference."""
    on = day or books.today()
    with _write(books) as conn:
        ref = member_economy.repay_advance(conn, member, amount, on, method, books.who(user))
        _audit(conn, books, "avance.remboursement", member.strip().upper(),
               f"{amount} centimes le {on.isoformat()} ({method}), écriture {ref}", user)
        return ref


def advance_outstanding(books: Books, member: str, at: dt.date | None = None) -> int:
    """What the member still owes back of their advances (3431), in centimes."""
    with _read(books) as conn:
        code = registry.get(conn, member, "member").code
        return member_economy.advance_outstanding(conn, code, at or books.today())


def payout_payslip(books: Books, number: str) -> member_economy.PayslipDoc:
    """The bulletin de paie of a salaried payout (its figures, as recorded)."""
    with _read(books) as conn:
        return member_economy.payslip_of(conn, number)


def payout_pdf(books: Books, number: str, out: Path | None = None) -> Path:
    """The payout's archived document: a salary's bulletin de paie, else its voucher."""
    with _read(books) as conn:
        row: Any = member_economy.payout_row(conn, number)
    return _archived(books, row, "bulletin de paie" if row.kind == "salaire"
                     else "bon de versement", out)


def member_statement(books: Books, member: str, month: Month) -> StatementView:
    with _read(books) as conn:
        return member_economy.statement(conn, member, month.key)


STATEMENT_ARCHIVED = "releve.archive"  # the audit event recording an archived statement


def _statement_name(folder: Path, stem: str, taken: set[str]) -> Path:
    """``STEM.pdf`` (``releve-AAAA-MM-CODE``), then ``-v2``, ``-v3``… : a re-run never replaces
    an archived statement (nor reuses the name of one recorded and since removed)."""
    n = 1
    while True:
        name = stem + (f"-v{n}" if n > 1 else "") + ".pdf"
        path = folder / name
        if not path.exists() and not path.is_symlink() and name not in taken:
            return path
        n += 1


def archived_statements(conn: Connection) -> list[tuple[str, str, str]]:
    """(member and month, archived name under the statements' folder, SHA-256) of every
    statement written, from the audit trail (insert-only, chained), in order."""
    from sqlalchemy import select

    from ecp.db.models import AuditEvent
    out = []
    for subject, detail in conn.execute(select(AuditEvent.subject, AuditEvent.detail).where(
            AuditEvent.action == STATEMENT_ARCHIVED).order_by(AuditEvent.id)):
        name, _, sha = str(detail).rpartition(" sha256 ")
        out.append((str(subject), name, sha))
    return out


def check_statements(books: Books, conn: Connection) -> list[str]:
    """Every archived statement is where it was written, unchanged since (its SHA-256 as
    recorded in the audit trail): what ``verify`` reports, in French, one line each."""
    from ecp.api.archive import sha256_of
    root = statements_dir(books, Month(2000, 1)).parent
    out = []
    for subject, name, sha in archived_statements(conn):
        f = root / name
        if not f.is_file():
            out.append(f"archive : le relevé {subject} est absent ({f})")
        elif sha256_of(f) != sha:
            out.append(f"archive : le relevé {subject} a été modifié depuis son émission ({f})")
    return out


def write_statements(books: Books, month: Month, out_dir: Path | None = None,
                     members: Sequence[str] | None = None,
                     progress: Callable[[int, int, str], None] | None = None, *,
                     lang: str | None = None) -> list[Path]:
    """The statement PDF of each active member (or of ``members``) for the month, one file
    each (0600, in a 0700 folder), ``progress(done, total, member)`` after each; in ``lang``
    (``fr`` | ``ar``) when given, else in each member's language.

    Each statement is archived like an invoice: in the month's statements folder
    (``releves/AAAA-MM``), its SHA-256 recorded in the audit trail (``releve.archive``) and
    checked by ``verify``; a re-run writes a new version (``-v2``, ``-v3``…) and the archive
    keeps both. With ``out_dir`` elsewhere, a copy of each goes there too (its plain name,
    ``releve-AAAA-MM-CODE.pdf``), and those copies are returned; else the archived files.
    Read-only books archive nothing: the PDFs go to ``out_dir`` (or the folder) only.

    The figures are read here, in one snapshot; drawing the PDFs (most of the time) is shared
    between worker processes, one per core, when there are many members."""
    from functools import partial

    from ecp.reports.i18n import check_lang
    from ecp.reports.statement_pdf import render_statement
    m = month.key
    with _read(books) as conn:
        codes = [registry.get(conn, c, "members").code for c in members] if members \
            else member_economy.active_members(conn)
        views = [(code, member_economy.statement(conn, code, m)) for code in codes]
    render = partial(render_statement, lang=check_lang(lang)) if lang else render_statement
    return archive_statements(books, statements_dir(books, month), f"releve-{month}",
                              str(month), views, render, out_dir, progress)


def archive_statements(books: Books, archive: Path, stem: str, label: str,
                       views: Sequence[tuple[str, Any]], render: Callable[[Any, Path], object],
                       out_dir: Path | None = None,
                       progress: Callable[[int, int, str], None] | None = None) -> list[Path]:
    """Draw ``render(view, path)`` for each ``(member code, view)`` into ``archive`` as
    ``STEM-CODE.pdf`` (versions ``-v2``… on a re-run), record each file's SHA-256 in the audit
    trail (``releve.archive``, subject « CODE LABEL »: ``verify`` checks it), and copy them to
    ``out_dir`` when it is elsewhere (those copies returned); see ``write_statements``. Shared
    by the monthly statements and the annual attestations (``ecp.api.annual``)."""
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ecp.api.archive import sha256_of
    from ecp.kernel.files import replace_private
    archiving_now = not books.read_only
    folder = private_dir(archive if archiving_now else (out_dir or archive))
    root = statements_dir(books, Month(2000, 1)).parent
    taken: set[str] = set()
    if archiving_now:
        with _read(books) as conn:
            taken = {Path(name).name for _s, name, _h in archived_statements(conn)}
    jobs: list[tuple[str, Any, Path]] = []
    for code, view in views:
        path = _statement_name(folder, f"{stem}-{code}", taken) if archiving_now \
            else folder / f"{stem}-{code}.pdf"
        taken.add(path.name)
        jobs.append((code, view, path))
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < 8 or workers < 2:
        for i, (code, view, path) in enumerate(jobs, 1):
            render(view, path)
            if progress is not None:
                progress(i, len(jobs), code)
    else:
        import multiprocessing
        import threading
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() \
            and threading.active_count() == 1 else "spawn"
        with ProcessPoolExecutor(workers,
                                 mp_context=multiprocessing.get_context(method)) as pool:
            futures = {pool.submit(render, view, path): code for code, view, path in jobs}
            for i, fut in enumerate(as_completed(futures), 1):
                fut.result()
                if progress is not None:
                    progress(i, len(jobs), futures[fut])
    paths = [p for _c, _v, p in jobs]
    if not archiving_now:
        return paths
    with _write(books) as conn:
        for code, _view, path in jobs:
            _audit(conn, books, STATEMENT_ARCHIVED, f"{code} {label}",
                   f"{path.relative_to(root).as_posix()} sha256 {sha256_of(path)}")
    if out_dir is None or private_dir(out_dir).resolve() == archive.resolve():
        return paths
    copies = []
    for code, _view, path in jobs:
        copy = Path(out_dir) / f"{stem}-{code}.pdf"
        replace_private(copy, path.read_bytes())
        copies.append(copy)
    return copies
