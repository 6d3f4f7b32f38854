"""The ledger: chart, entries, imports, the bookkeeper's browsing and the auditor's exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection

from ecp.api.balance import check_dimension
from ecp.api.balance import trial_balance as trial_balance  # its home: ecp.api.balance
from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.errors import InputError, NotFoundError
from ecp.ledger import audit, browse, chart, queries
from ecp.ledger import periods as ledger_periods
from ecp.ledger.entry import JournalEntry, LineSpec, PostedEntry, day_int
from ecp.ledger.importer import ImportResult, check_postings, write_postings
from ecp.ledger.posting import post, reverse
from ecp.reports import exports


def list_accounts(books: Books) -> list[chart.AccountView]:
    with _read(books) as conn:
        return chart.list_accounts(conn)


def add_account(books: Books, code: str, name: str) -> chart.AccountView:
    with _write(books) as conn:
        view = chart.add_account(conn, code, name)
        _audit(conn, books, "compte", code, name)
        return view


def post_entry(books: Books, journal: str, date: dt.date, label: str,
               lines: Sequence[LineSpec], reference: str = "",
               user: str | None = None) -> PostedEntry:
    entry = JournalEntry(journal.strip().upper(), date, label.strip(), tuple(lines),
                         reference=reference.strip())
    with _write(books) as conn:
        posted = post(conn, entry, books.who(user), strict=True)
        _audit(conn, books, "ecriture", posted.ref, entry.label, user)
        return posted


def reverse_entry(books: Books, ref: str, date: dt.date | None = None,
                  user: str | None = None) -> PostedEntry:
    with _write(books) as conn:
        posted = reverse(conn, ref, date or books.today(), books.who(user))
        _audit(conn, books, "extourne", posted.ref, f"extourne de {ref}", user)
        return posted


def import_file(books: Books, path: Path, user: str | None = None) -> ImportResult:
    """Import a CSV of postings, all or nothing. The file is read and checked whole in a
    read transaction (other writers go on meanwhile); the writer lock is taken only to
    re-check what may have changed since (a month closed…) and write."""
    books.refuse_writes()  # read-only books: refused before the file is even read
    with _read(books) as conn:
        checked = check_postings(conn, path)
    try:
        with _write(books) as conn:
            result = write_postings(conn, checked, books.who(user))
            _audit(conn, books, "import", path.name,
                   f"{result.entries} écritures, {result.lines} lignes ({result.first} à "
                   f"{result.last})", user)
            return result
    finally:
        checked.close()


def _check_dimension(conn: Connection, dimension: str | None) -> None:
    check_dimension(conn, dimension)


def ledger_page(books: Books, account: str, *, dimension: str | None = None,
                date_from: dt.date | None = None, date_to: dt.date | None = None,
                after: tuple[int, int] | None = None, before: tuple[int, int] | None = None,
                last: bool = False, limit: int = 50) -> queries.LedgerPage:
    """One keyset page of the general ledger of ``account``: ``after``/``before`` the
    (day, line id) of a row shown, or the ``last`` page."""
    with _read(books) as conn:
        _check_dimension(conn, dimension)
        return queries.ledger_page(conn, account, dimension, date_from, date_to, after, before,
                                   last, limit)


PostingOrder = Literal["journal", "ledger", "date"]


@contextmanager
def postings(books: Books, date_from: dt.date | None = None, date_to: dt.date | None = None,
             *, journal: str | None = None, dimension: str | None = None,
             account: str | None = None, order: PostingOrder = "journal"
             ) -> Iterator[Iterator[queries.PostingRow]]:
    """Stream posting lines inside one read snapshot (journal, ledger, exports)."""
    with _read(books) as conn:
        _check_dimension(conn, dimension)
        yield queries.iter_postings(conn, date_from, date_to, journal=journal,
                                    dimension=dimension, account=account, order=order)


def entries_page(books: Books, flt: browse.EntryFilter, *,
                 before: tuple[int, int] | None = None, after: tuple[int, int] | None = None,
                 limit: int = 100) -> list[browse.EntryRow]:
    """Entries newest first: ``before``/``after`` the (day, id) of a row shown."""
    with _read(books) as conn:
        return browse.entries_page(conn, flt, before=before, after=after, limit=limit)


def entry_detail(books: Books, entry_id: int) -> browse.EntryDetail:
    with _read(books) as conn:
        d = browse.entry_detail(conn, entry_id)
    if d is None:
        raise NotFoundError(f"écriture n° {entry_id} introuvable", field="entry_id")
    return d


def dashboard(books: Books, today: dt.date | None = None) -> browse.Dashboard:
    with _read(books) as conn:
        return browse.dashboard(conn, today or books.today())


def search_accounts(books: Books, text: str, limit: int = 30) -> list[tuple[str, str]]:
    with _read(books) as conn:
        return browse.search_accounts(conn, text, limit)


def export(books: Books, what: str, out: Path, date_from: dt.date | None,
           date_to: dt.date | None, dimension: str | None, excel: bool, *,
           account: str | None = None, journal: str | None = None
           ) -> exports.ExportResult:
    """Auditor CSV (journal, ledger or trial-balance) and its manifest, from one snapshot.

    ``account`` keeps one account of the ledger, ``journal`` one journal of the journal (the
    screens export what they show); the manifest then names them. The whole journal (no
    ``journal``) carries the audit trail of the period beside it (``exports.trail_path``)."""
    if what not in exports.KINDS:
        raise InputError(f"export : « {what} » inconnu ({', '.join(exports.KINDS)} ou hledger)",
                         field="what")
    if date_from and date_to and date_from > date_to:
        raise InputError(f"période : le début {date_from.isoformat()} est après la fin "
                         f"{date_to.isoformat()}", field="date_from")
    from ecp.api.outputs import check_output  # the books, the archive, links: refused
    check_output(books, out, manifest=True)
    with _read(books) as conn:
        _check_dimension(conn, dimension)
        head = ledger_periods.chain_head(conn)
        if what == "trial-balance":
            tb = queries.trial_balance(conn, date_from, date_to, dimension)
            return exports.export_trial_balance(tb, out, excel, head, created=books.now())
        account = account if what == "ledger" else None
        journal = journal if what == "journal" else None
        openings: dict[str, int] | None = None
        if what == "ledger":
            openings = {}
            if date_from and account:
                openings = {account: queries.balance_before(conn, account, dimension,
                                                            day_int(date_from), 0)}
            elif date_from:
                tb = queries.trial_balance(conn, date_from, date_to, dimension)
                openings = {r.account: r.opening_debit - r.opening_credit for r in tb.rows}
        rows = queries.iter_postings(conn, date_from, date_to, dimension=dimension,
                                     journal=journal, account=account,
                                     order="journal" if what == "journal" else "ledger")
        trail = audit.iter_events(conn, date_from, date_to) \
            if what == "journal" and journal is None else None
        return exports.export_postings(rows, out, what, excel, head, date_from, date_to,
                                       dimension, openings, account=account, journal=journal,
                                       created=books.now(), trail=trail,
                                       trail_head=audit.head(conn) if trail else None)


def export_hledger(books: Books, out: Path) -> exports.ExportResult:
    """Every posted entry, in chain order, as an hledger / ledger-cli journal."""
    from ecp.api.outputs import check_output  # the books, the archive, links: refused
    check_output(books, out, manifest=True)
    with _read(books) as conn:
        head = ledger_periods.chain_head(conn)
        return exports.export_hledger(queries.iter_chain(conn), out, head,
                                      created=books.now())


def journal_page(books: Books, *, journal: str | None = None,
                 date_from: dt.date | None = None, date_to: dt.date | None = None,
                 dimension: str | None = None, after: tuple[int, int, int] | None = None,
                 before: tuple[int, int, int] | None = None, last: bool = False,
                 limit: int = 100) -> browse.JournalPage:
    """A keyset page of journal lines in date order: ``after``/``before`` the
    (day, entry id, line id) of a row shown (see ``browse.journal_page``)."""
    with _read(books) as conn:
        _check_dimension(conn, dimension)
        return browse.journal_page(conn, journal, date_from, date_to, dimension, after, before,
                                   last, limit)


def journal_totals(books: Books, *, journal: str | None = None,
                   date_from: dt.date | None = None, date_to: dt.date | None = None,
                   dimension: str | None = None) -> browse.JournalTotals:
    with _read(books) as conn:
        return browse.journal_totals(conn, journal, date_from, date_to, dimension)


def entry_of_line(books: Books, line_id: int) -> int:
    with _read(books) as conn:
        eid = browse.entry_of_line(conn, line_id)
    if eid is None:
        raise NotFoundError(f"ligne n° {line_id} introuvable", field="line_id")
    return eid
