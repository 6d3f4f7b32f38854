"""The façade both the TUI and the CLI call: one function per user operation.

Each writing function is one ``unit_of_work``: it commits whole or not at all. Reading
functions return view-models, never ORM rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, update

from ecp.config import current_user, resolve_db_url
from ecp.db.engine import make_engine, reading, sqlite_path, unit_of_work
from ecp.db.migrate import backup_sqlite, current_revision, head_revision, upgrade
from ecp.db.models import Dimension, Setting
from ecp.errors import EcpError, InputError, NotFoundError
from ecp.ledger import browse, chart, integrity, queries
from ecp.ledger import periods as ledger_periods
from ecp.ledger.entry import ECP_DIMENSION, JournalEntry, LineSpec, PostedEntry, day_int
from ecp.ledger.importer import ImportResult, import_postings
from ecp.ledger.periods import ChainHead
from ecp.ledger.posting import post, reverse


@dataclass
class Books:
    """An open set of books: the engine and where it lives."""

    engine: Engine
    url: str
    backup: str | None = None

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)


def open_books(db: str | None = None, create: bool = False) -> Books:
    """Open (and migrate) the books. Without ``create``, a missing SQLite file is an error."""
    url = resolve_db_url(db)
    path = sqlite_path(url)
    if path is not None and not path.exists() and not create:
        raise InputError(f"base {path} absente : lancer « ecp init » (ou « ecp init --demo »)")
    engine = make_engine(url)
    backup = upgrade(engine)
    return Books(engine, url, backup)


def is_initialised(books: Books) -> bool:
    with books.engine.connect() as conn:
        return conn.scalar(select(Dimension.code).where(Dimension.code == ECP_DIMENSION)) \
            is not None


def init(books: Books, ecp_name: str = "ECP") -> bool:
    """Seed chart, journals, VAT rates and the ECP's own dimension. True when newly created."""
    with unit_of_work(books.engine) as s:
        conn = s.connection()
        chart.seed(conn)
        if conn.scalar(select(Dimension.code).where(Dimension.code == ECP_DIMENSION)):
            return False
        conn.execute(insert(Dimension), [{
            "code": ECP_DIMENSION, "kind": "ecp", "name": ecp_name, "status": "actif"}])
        return True


def schema_status(books: Books) -> tuple[str | None, str | None]:
    return current_revision(books.engine), head_revision()


@contextmanager
def _write(books: Books) -> Iterator[Connection]:
    with unit_of_work(books.engine) as s:
        yield s.connection()


@contextmanager
def _read(books: Books) -> Iterator[Connection]:
    with reading(books.engine) as s:
        yield s.connection()


# --- members ---------------------------------------------------------------------------------

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
            "joined_on": day_int(joined or dt.date.today()), "status": "actif",
            "contribution_bp": bp}])
    return next(m for m in list_members(books) if m.code == code)


MEMBER_STATUSES = ("actif", "suspendu", "sorti")


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


# --- chart -----------------------------------------------------------------------------------

def list_accounts(books: Books) -> list[chart.AccountView]:
    with _read(books) as conn:
        return chart.list_accounts(conn)


def add_account(books: Books, code: str, name: str) -> chart.AccountView:
    with _write(books) as conn:
        return chart.add_account(conn, code, name)


# --- entries ---------------------------------------------------------------------------------

def post_entry(books: Books, journal: str, date: dt.date, label: str,
               lines: Sequence[LineSpec], reference: str = "",
               user: str | None = None) -> PostedEntry:
    entry = JournalEntry(journal.strip().upper(), date, label.strip(), tuple(lines),
                         reference=reference.strip())
    with _write(books) as conn:
        return post(conn, entry, user or current_user())


def reverse_entry(books: Books, ref: str, date: dt.date | None = None,
                  user: str | None = None) -> PostedEntry:
    with _write(books) as conn:
        return reverse(conn, ref, date or dt.date.today(), user or current_user())


def import_file(books: Books, path: Path, user: str | None = None) -> ImportResult:
    with _write(books) as conn:
        return import_postings(conn, path, user or current_user())


# --- periods ---------------------------------------------------------------------------------

def close_period(books: Books, month: int, user: str | None = None) -> ChainHead:
    with _write(books) as conn:
        return ledger_periods.close_month(conn, month, user or current_user())


def reopen_period(books: Books, month: int, reason: str, user: str | None = None) -> ChainHead:
    with _write(books) as conn:
        return ledger_periods.reopen_month(conn, month, reason, user or current_user())


def period_events(books: Books) -> list[ledger_periods.PeriodEventView]:
    with _read(books) as conn:
        return ledger_periods.period_events(conn)


def chain_head(books: Books) -> ChainHead:
    with _read(books) as conn:
        return ledger_periods.chain_head(conn)


# --- reports ---------------------------------------------------------------------------------

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


def verify(books: Books, expect: ChainHead | None = None,
           record: bool = True) -> integrity.Report:
    """Check the books; the outcome is recorded (``verify.last``) for the dashboard and the
    month close."""
    with _read(books) as conn:
        rep = integrity.verify(conn, expect)
    if record:
        outcome = {"at": dt.datetime.now().isoformat(timespec="seconds"), "ok": rep.ok,
                   "findings": len(rep.findings), "head": str(rep.head),
                   "first": rep.findings[0] if rep.findings else ""}
        set_setting(books, "verify.last", json.dumps(outcome, ensure_ascii=False))
    return rep


@dataclass(frozen=True)
class VerifyOutcome:
    at: str
    ok: bool
    findings: int
    head: str
    first: str


def last_verify(books: Books) -> VerifyOutcome | None:
    raw = get_setting(books, "verify.last")
    if not raw:
        return None
    d = json.loads(raw)
    return VerifyOutcome(d["at"], bool(d["ok"]), int(d["findings"]), d["head"],
                         d.get("first", ""))


def get_setting(books: Books, key: str) -> str | None:
    with _read(books) as conn:
        return conn.scalar(select(Setting.value).where(Setting.key == key))


def set_setting(books: Books, key: str, value: str) -> None:
    with _write(books) as conn:
        if conn.scalar(select(Setting.key).where(Setting.key == key)) is None:
            conn.execute(insert(Setting), [{"key": key, "value": value}])
        else:
            conn.execute(update(Setting).where(Setting.key == key).values(value=value))


# --- browsing (the bookkeeper's screens) -----------------------------------------------------

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
        return browse.dashboard(conn, today or dt.date.today())


def search_accounts(books: Books, text: str, limit: int = 30) -> list[tuple[str, str]]:
    with _read(books) as conn:
        return browse.search_accounts(conn, text, limit)


def month_is_closed(books: Books, month: int) -> bool:
    with _read(books) as conn:
        return ledger_periods.is_closed(conn, month)


def backup(books: Books, dest: Path) -> Path:
    """A consistent copy of the books, even while another process writes."""
    path = books.path
    if path is None:
        raise EcpError("sauvegarde : seule une base SQLite se copie ainsi (PostgreSQL : pg_dump)")
    if dest.exists():
        raise InputError(f"sauvegarde : {dest} existe déjà, choisir un autre nom")
    backup_sqlite(path, dest)
    return dest


# --- exports ---------------------------------------------------------------------------------
# Placed last so the section stays self-contained; exports imports nothing from api.
from ecp.reports import exports  # noqa: E402


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


# --- report screens (Balance, Grand livre, Journaux) -----------------------------------------

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
