"""The ledger: chart, entries, imports, the bookkeeper's browsing and the auditor's exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, select

from ecp.api.session import Books, _read, _write
from ecp.db.models import Dimension
from ecp.kernel.errors import InputError, NotFoundError
from ecp.ledger import browse, chart, queries
from ecp.ledger import periods as ledger_periods
from ecp.ledger.entry import JournalEntry, LineSpec, PostedEntry, day_int
from ecp.ledger.importer import ImportResult, import_postings
from ecp.ledger.posting import post, reverse
from ecp.reports import exports


def list_accounts(books: Books) -> list[chart.AccountView]:
    with _read(books) as conn:
        return chart.list_accounts(conn)


def add_account(books: Books, code: str, name: str) -> chart.AccountView:
    with _write(books) as conn:
        return chart.add_account(conn, code, name)


def post_entry(books: Books, journal: str, date: dt.date, label: str,
               lines: Sequence[LineSpec], reference: str = "",
               user: str | None = None) -> PostedEntry:
    entry = JournalEntry(journal.strip().upper(), date, label.strip(), tuple(lines),
                         reference=reference.strip())
    with _write(books) as conn:
        return post(conn, entry, books.who(user))


def reverse_entry(books: Books, ref: str, date: dt.date | None = None,
                  user: str | None = None) -> PostedEntry:
    with _write(books) as conn:
        return reverse(conn, ref, date or books.today(), books.who(user))


def import_file(books: Books, path: Path, user: str | None = None) -> ImportResult:
    with _write(books) as conn:
        return import_postings(conn, path, books.who(user))


def _check_dimension(conn: Connection, dimension: str | None) -> None:
    if dimension and conn.scalar(select(Dimension.code).where(Dimension.code == dimension)) \
            is None:
        raise NotFoundError(f"dimension : « {dimension} » inconnue")


def trial_balance(books: Books, date_from: dt.date | None = None,
                  date_to: dt.date | None = None,
                  dimension: str | None = None) -> queries.TrialBalance:
    with _read(books) as conn:
        _check_dimension(conn, dimension)
        return queries.trial_balance(conn, date_from, date_to, dimension)


def ledger_page(books: Books, account: str, **kw: object) -> queries.LedgerPage:
    with _read(books) as conn:
        _check_dimension(conn, kw.get("dimension"))  # type: ignore[arg-type]
        return queries.ledger_page(conn, account, **kw)  # type: ignore[arg-type]


@contextmanager
def postings(books: Books, **kw: object) -> Iterator[Iterator[queries.PostingRow]]:
    """Stream posting lines inside one read snapshot (journal, ledger, exports)."""
    with _read(books) as conn:
        _check_dimension(conn, kw.get("dimension"))  # type: ignore[arg-type]
        yield queries.iter_postings(conn, **kw)  # type: ignore[arg-type]


def entries_page(books: Books, flt: browse.EntryFilter, **kw: object) -> list[browse.EntryRow]:
    with _read(books) as conn:
        return browse.entries_page(conn, flt, **kw)  # type: ignore[arg-type]


def entry_detail(books: Books, entry_id: int) -> browse.EntryDetail:
    with _read(books) as conn:
        d = browse.entry_detail(conn, entry_id)
    if d is None:
        raise NotFoundError(f"écriture n° {entry_id} introuvable")
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
    screens export what they show); the manifest then names them."""
    if what not in exports.KINDS:
        raise InputError(f"export : « {what} » inconnu ({', '.join(exports.KINDS)} ou hledger)")
    if date_from and date_to and date_from > date_to:
        raise InputError(f"période : --from {date_from.isoformat()} est après "
                         f"--to {date_to.isoformat()}")
    exports.check_target(out, [books.path] if books.path else [])
    with _read(books) as conn:
        _check_dimension(conn, dimension)
        head = ledger_periods.chain_head(conn)
        if what == "trial-balance":
            tb = queries.trial_balance(conn, date_from, date_to, dimension)
            return exports.export_trial_balance(tb, out, excel, head)
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
        return exports.export_postings(rows, out, what, excel, head, date_from, date_to,
                                       dimension, openings, account=account, journal=journal)


def export_hledger(books: Books, out: Path) -> exports.ExportResult:
    """Every posted entry, in chain order, as an hledger / ledger-cli journal."""
    exports.check_target(out, [books.path] if books.path else [])
    with _read(books) as conn:
        head = ledger_periods.chain_head(conn)
        return exports.export_hledger(exports.iter_chain(conn), out, head)


def journal_page(books: Books, **kw: object) -> browse.JournalPage:
    """A keyset page of journal lines in date order (see ``browse.journal_page``)."""
    with _read(books) as conn:
        _check_dimension(conn, kw.get("dimension"))  # type: ignore[arg-type]
        return browse.journal_page(conn, **kw)  # type: ignore[arg-type]


def journal_totals(books: Books, **kw: object) -> browse.JournalTotals:
    with _read(books) as conn:
        return browse.journal_totals(conn, **kw)  # type: ignore[arg-type]


def entry_of_line(books: Books, line_id: int) -> int:
    with _read(books) as conn:
        eid = browse.entry_of_line(conn, line_id)
    if eid is None:
        raise NotFoundError(f"ligne n° {line_id} introuvable")
    return eid
