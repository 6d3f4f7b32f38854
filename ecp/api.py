"""The façade both the TUI and the CLI call: one function per user operation.

Each writing function is one ``unit_of_work``: it commits whole or not at all. Reading
functions return view-models, never ORM rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from ecp.config import current_user, default_db_path, resolve_db_url
from ecp.db.engine import make_engine, reading, sqlite_path, unit_of_work
from ecp.db.migrate import backup_sqlite, current_revision, head_revision, upgrade
from ecp.db.models import Dimension, Setting
from ecp.errors import EcpError, InputError, NotFoundError
from ecp.ledger import bank, browse, chart, integrity, queries
from ecp.ledger import periods as ledger_periods
from ecp.ledger.entry import ECP_DIMENSION, JournalEntry, LineSpec, PostedEntry, day_int
from ecp.ledger.importer import ImportResult, import_postings
from ecp.ledger.periods import ChainHead
from ecp.ledger.posting import post, reverse
from ecp.members import economy as member_economy
from ecp.members.views import PayoutVoucher, StatementView, Treasury
from ecp.money import fmt_fr
from ecp.production import service as production
from ecp.production.plan import Plan
from ecp.sales import bank_match
from ecp.sales import company as sales_company
from ecp.sales import documents as sales_docs
from ecp.sales import parties as sales_parties
from ecp.sales import payments as sales_payments
from ecp.sales.rules import parse_quantity
from ecp.sales.views import DocumentView, PartyView


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
        rep.findings.extend(_check_archive(books, conn))
    if record:
        outcome = {"at": dt.datetime.now().isoformat(timespec="seconds"), "ok": rep.ok,
                   "findings": len(rep.findings), "head": str(rep.head),
                   "first": rep.findings[0] if rep.findings else ""}
        set_setting(books, "verify.last", json.dumps(outcome, ensure_ascii=False))
    return rep


def _check_archive(books: Books, conn: Connection) -> list[str]:
    """Every issued document's PDF and every payout voucher is in the archive, unchanged
    since it was written."""
    import hashlib

    from ecp.db.models import Document, Payout
    out = []
    base = archive_dir(books)
    rows = [*conn.execute(select(Document.number, Document.pdf_name, Document.pdf_sha256)
                          .order_by(Document.id)),
            *conn.execute(select(Payout.number, Payout.pdf_name, Payout.pdf_sha256)
                          .order_by(Payout.id))]
    for num, name, sha in rows:
        if not name:
            continue
        f = base / name
        if not f.exists():
            out.append(f"archive : le PDF de {num} est absent ({f})")
        elif hashlib.sha256(f.read_bytes()).hexdigest() != sha:
            out.append(f"archive : le PDF de {num} a été modifié depuis son émission ({f})")
    return out


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


# --- sales (issue 4) -------------------------------------------------------------------------
# One function per user operation, each one unit of work. Issuing writes the PDF into the
# archive (data dir, next to the database) and records its SHA-256 with the document.

def settings_show(books: Books) -> dict[str, str]:
    with _read(books) as conn:
        return sales_company.settings(conn)


def settings_set(books: Books, key: str, value: str) -> str:
    v = sales_company.check_setting(key.strip(), value)
    set_setting(books, key.strip(), v)
    return v


def add_customer(books: Books, code: str, name: str, **kw: object) -> PartyView:
    with _write(books) as conn:
        return sales_parties.add_party(conn, "customer", code, name, **kw)  # type: ignore[arg-type]


def add_supplier(books: Books, code: str, name: str, **kw: object) -> PartyView:
    with _write(books) as conn:
        return sales_parties.add_party(conn, "supplier", code, name, **kw)  # type: ignore[arg-type]


def edit_party(books: Books, kind: str, code: str, **kw: object) -> PartyView:
    with _write(books) as conn:
        return sales_parties.edit_party(conn, kind, code, **kw)  # type: ignore[arg-type]


def list_parties(books: Books, kind: str) -> list[PartyView]:
    with _read(books) as conn:
        return sales_parties.list_parties(conn, kind)


def add_product(books: Books, code: str, member: str, name: str, unit: str, price: str,
                vat: str, account: str | None = None) -> sales_parties.ProductView:
    from ecp.money import parse
    from ecp.sales.rules import parse_rate
    cents = parse(price, f"produit {code.strip().upper()}, prix HT")
    bp = parse_rate(vat, f"produit {code.strip().upper()}")
    with _write(books) as conn:
        return sales_parties.add_product(conn, code, member, name, unit, cents, bp, account)


def list_products(books: Books, member: str | None = None) -> list[sales_parties.ProductView]:
    with _read(books) as conn:
        return sales_parties.list_products(conn, member)


def _doc_lines(conn: Connection, member: str, lines: Sequence[str],
               products: Sequence[str]) -> list[sales_docs.LineInput]:
    out = [sales_docs.parse_line(t, f"ligne {i}") for i, t in enumerate(lines, 1)]
    m = sales_parties.member_exists(conn, member)
    out += [sales_docs.product_line(conn, p, f"produit {i}", m)
            for i, p in enumerate(products, 1)]
    return out


def create_document(books: Books, kind: str, member: str, customer: str, day: dt.date,
                    lines: Sequence[str] = (), products: Sequence[str] = (),
                    due: dt.date | None = None, user: str | None = None) -> int:
    """A draft invoice (kind ``facture``) or quote (``devis``); returns the draft id."""
    with _write(books) as conn:
        parsed = _doc_lines(conn, member, lines, products)
        return sales_docs.create_draft(conn, kind, member, customer, day, parsed,
                                       user or current_user(), due)


def create_and_issue(books: Books, kind: str, member: str, customer: str, day: dt.date,
                     lines: Sequence[str] = (), products: Sequence[str] = (),
                     due: dt.date | None = None, user: str | None = None) -> sales_docs.Issued:
    """Create and issue at once, all or nothing: a refusal leaves no draft behind."""
    who = user or current_user()
    with _issuing(books) as (conn, archive):
        parsed = _doc_lines(conn, member, lines, products)
        draft_id = sales_docs.create_draft(conn, kind, member, customer, day, parsed, who, due)
        return _with_stock(conn, sales_docs.issue(conn, draft_id, who, None, archive), who)


def _with_stock(conn: Connection, issued: sales_docs.Issued, user: str) -> sales_docs.Issued:
    """Invoiced catalogue products leave the member's stock (a warning when short)."""
    import dataclasses
    warnings = production.take_out_sold(conn, issued.id, user)
    return dataclasses.replace(issued, warnings=tuple(warnings)) if warnings else issued


def save_draft(books: Books, draft_id: int, customer: str, day: dt.date,
               lines: Sequence[sales_docs.LineInput], due: dt.date | None = None) -> None:
    with _write(books) as conn:
        sales_docs.replace_draft(conn, draft_id, customer, day, lines, due)


def delete_draft(books: Books, draft_id: int) -> None:
    with _write(books) as conn:
        sales_docs.delete_draft(conn, draft_id)


def list_drafts(books: Books, kind: str | None = None) -> list[sales_docs.DraftView]:
    with _read(books) as conn:
        return sales_docs.list_drafts(conn, kind)


def draft(books: Books, draft_id: int) -> sales_docs.DraftView:
    with _read(books) as conn:
        return sales_docs.draft_view(conn, draft_id)


def archive_dir(books: Books) -> Path:
    """Issued PDFs, kept ten years: next to the database file, in ``archives/``."""
    path = books.path
    if path is None:  # PostgreSQL: the user data dir
        return default_db_path().parent / "archives"
    return path.parent / "archives"


def _archiver(books: Books, written: list[Path]) -> Callable[[DocumentView], tuple[str, str]]:
    """Render a document's PDF once, at issue, into the archive; give its name and SHA-256.

    The file is written before the commit; ``written`` lets the caller remove it if the
    transaction fails."""
    def archive(view: DocumentView) -> tuple[str, str]:
        import hashlib

        from ecp.reports.invoice_pdf import render_document
        data = render_document(view)
        rel = f"{view.issue_date.year}/{view.number}.pdf"
        out = archive_dir(books) / rel
        if out.exists():
            raise InputError(f"archive : {out} existe déjà (base restaurée sans ses archives ?)")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        written.append(out)
        return rel, hashlib.sha256(data).hexdigest()
    return archive


@contextmanager
def _issuing(books: Books) -> Iterator[tuple[Connection, Callable[[DocumentView],
                                                                   tuple[str, str]]]]:
    written: list[Path] = []
    try:
        with _write(books) as conn:
            yield conn, _archiver(books, written)
    except BaseException:
        for f in written:
            f.unlink(missing_ok=True)
        raise


def issue_document(books: Books, draft_id: int, day: dt.date | None = None,
                   user: str | None = None) -> sales_docs.Issued:
    with _issuing(books) as (conn, archive):
        who = user or current_user()
        return _with_stock(conn, sales_docs.issue(conn, draft_id, who, day, archive), who)


def accept_quote(books: Books, number: str, day: dt.date | None = None,
                 user: str | None = None) -> None:
    with _write(books) as conn:
        sales_docs.accept_quote(conn, number, day or dt.date.today(), user or current_user())


def invoice_quote(books: Books, number: str, day: dt.date | None = None,
                  user: str | None = None) -> sales_docs.Issued:
    with _issuing(books) as (conn, archive):
        who = user or current_user()
        return _with_stock(conn, sales_docs.invoice_quote(conn, number, day or dt.date.today(),
                                                          who, archive), who)


def credit_note(books: Books, invoice: str, lines: Sequence[str] = (),
                day: dt.date | None = None, user: str | None = None) -> sales_docs.Issued:
    with _issuing(books) as (conn, archive):
        parsed = [sales_docs.parse_line(t, f"ligne {i}") for i, t in enumerate(lines, 1)]
        return sales_docs.credit_note(conn, invoice, user or current_user(),
                                      day or dt.date.today(), parsed or None, archive)


def list_documents(books: Books, kind: str = "facture", **kw: object
                   ) -> list[sales_docs.DocumentRow]:
    with _read(books) as conn:
        return sales_docs.list_documents(conn, kind, **kw)  # type: ignore[arg-type]


def document_view(books: Books, number: str) -> DocumentView:
    with _read(books) as conn:
        return sales_docs.document_view(conn, number)


def _archived(books: Books, row: Any, what: str, out: Path | None) -> Path:
    """An archived PDF, checked against the SHA-256 recorded when it was written; or a copy
    of it at ``out``."""
    import hashlib
    import shutil
    if not row.pdf_name:
        raise NotFoundError(f"{row.number} : pas de {what} archivé")
    src = archive_dir(books) / row.pdf_name
    if not src.exists():
        raise EcpError(f"{row.number} : {what} absent de l'archive ({src})")
    if hashlib.sha256(src.read_bytes()).hexdigest() != row.pdf_sha256:
        raise EcpError(f"{row.number} : le {what} archivé {src} a été modifié (empreinte)")
    if out is None:
        return src
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, out)
    return out


def document_pdf(books: Books, number: str, out: Path | None = None) -> Path:
    with _read(books) as conn:
        row = sales_docs.document_row(conn, number)
    return _archived(books, row, "PDF", out)


def add_payment(books: Books, invoices: Sequence[str], amount: str, day: dt.date,
                method: str, reference: str = "", user: str | None = None
                ) -> sales_payments.PaymentResult:
    from ecp.money import parse
    cents = parse(amount, "montant")
    with _write(books) as conn:
        return sales_payments.add_payment(conn, list(invoices), cents, day, method,
                                          user or current_user(), reference)


def add_expense(books: Books, member: str, supplier: str, day: dt.date, account: str,
                amount_ht: str, vat: str, reference: str = "", paid_on: dt.date | None = None,
                method: str | None = None, user: str | None = None,
                material: str | None = None) -> int:
    """A supplier bill; with ``material`` (``CODE:QTY``) its line also brings that material
    into the member's stock, at the bill's HT per unit."""
    from ecp.money import parse
    from ecp.sales.rules import parse_rate
    cents = parse(amount_ht, "montant HT")
    bp = parse_rate(vat, "dépense")
    who = user or current_user()
    with _write(books) as conn:
        eid = sales_payments.add_expense(conn, member, supplier, day, account, cents, bp, who,
                                         reference)
        if material:
            code, sep, qty_text = material.partition(":")
            if not sep:
                raise InputError(f"--material : « {material} » attendu CODE:QTÉ")
            qty = parse_quantity(qty_text, "--material, quantité")
            mat = production.material(conn, code)
            if mat.member != member.strip().upper():
                raise InputError(f"--material : {mat.code} est au stock de {mat.member}")
            production.receive(conn, mat.code, qty, day, who,
                               cost=(cents * 1000 * 2 + qty) // (2 * qty))
        if paid_on is not None:
            sales_payments.pay_expense(conn, eid, paid_on, method or "virement", who)
        return eid


def pay_expense(books: Books, expense_id: int, day: dt.date, method: str,
                amount: str | None = None, user: str | None = None) -> str:
    from ecp.money import parse
    cents = parse(amount, "montant") if amount else None
    with _write(books) as conn:
        return sales_payments.pay_expense(conn, expense_id, day, method,
                                          user or current_user(), cents)


def list_expenses(books: Books, member: str | None = None) -> list[sales_payments.ExpenseRow]:
    with _read(books) as conn:
        return sales_payments.list_expenses(conn, member)


# --- sales reports: VAT return, aged receivables ---------------------------------------------

def vat_report(books: Books, period: str) -> sales_vat_report.VatReport:
    """The VAT return of ``YYYY-MM`` or ``YYYY-Qn`` (half-open period, end exclusive)."""
    from ecp.periods import parse_month_or_quarter
    start, end, label = parse_month_or_quarter(period)
    with _read(books) as conn:
        return sales_vat_report.vat_report(conn, start, end, label)


def aged_receivables(books: Books, at: dt.date | None = None, member: str | None = None
                     ) -> list[sales_receivables.AgedRow]:
    """Open invoices at ``at`` (today by default) by member and customer, aged since issue."""
    with _read(books) as conn:
        return sales_receivables.aged_receivables(conn, at or dt.date.today(), member)


from ecp.sales import receivables as sales_receivables  # noqa: E402
from ecp.sales import vat_report as sales_vat_report  # noqa: E402

# --- the member's economy (issue 5) ----------------------------------------------------------

def _month(text: str) -> int:
    from ecp.periods import parse_month
    return parse_month(text)


def contribution_run(books: Books, month: str, user: str | None = None
                     ) -> list[member_economy.ContributionLine]:
    with _write(books) as conn:
        return member_economy.run_contribution(conn, _month(month), user or current_user())


def member_treasury(books: Books, member: str, at: dt.date | None = None) -> Treasury:
    with _read(books) as conn:
        info = member_economy.member_info(conn, member)
        return member_economy.treasury(conn, info.code, at or dt.date.today())


def member_balances(books: Books, at: dt.date | None = None
                    ) -> list[member_economy.MemberBalance]:
    with _read(books) as conn:
        return member_economy.member_balances(conn, at or dt.date.today())


def add_payout(books: Books, member: str, amount: str, day: dt.date, method: str = "virement",
               advance: bool = False, reason: str = "", user: str | None = None
               ) -> member_economy.PayoutResult:
    """A payout (or a solidarity advance), its voucher PDF archived at once."""
    from ecp.money import parse
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
                                             user or current_user(), advance, reason, archive)
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


def statements_dir(books: Books, month: str) -> Path:
    return archive_dir(books).parent / "releves" / month


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


@dataclass(frozen=True)
class CloseStep:
    name: str
    ok: bool
    detail: str


def month_close(books: Books, month: str, user: str | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                on_step: Callable[[CloseStep], None] | None = None) -> list[CloseStep]:
    """The month-end checklist, in order, stopping at the first failure: contributions,
    VAT pending, verify, statements, lock."""
    steps: list[CloseStep] = []
    m = _month(month)
    label = f"{m // 100}-{m % 100:02d}"

    def step(name: str, ok: bool, detail: str) -> bool:
        s = CloseStep(name, ok, detail)
        steps.append(s)
        if on_step is not None:
            on_step(s)
        return ok

    try:
        lines = contribution_run(books, label, user)
    except EcpError as exc:
        step("contributions", False, str(exc))
        return steps
    posted = sum(c.posted_now for c in lines)
    if not step("contributions", True,
                f"{len(lines)} membres, {fmt_fr(sum(c.due for c in lines))} DH dus pour le mois"
                + (f", {fmt_fr(posted)} DH passés maintenant" if posted else
                   ", rien de nouveau à passer")):
        return steps
    start, end = member_economy.month_bounds(m)
    tb = trial_balance(books, start, end)
    rows = {r.account: r for r in tb.rows}
    pending = rows["44551"].closing_credit - rows["44551"].closing_debit if "44551" in rows else 0
    due = (rows["4455"].credit - rows["4455"].debit) if "4455" in rows else 0
    if not step("TVA", True, f"TVA exigible du mois {fmt_fr(due)} DH ; TVA en attente "
                f"d'encaissement {fmt_fr(pending)} DH (passe en exigible au règlement)"):
        return steps
    rep = verify(books)
    if not step("vérification", rep.ok, "chaîne intacte, soldes exacts" if rep.ok else
                f"{len(rep.findings)} anomalie(s), la première : {rep.findings[0]}"):
        return steps
    try:
        paths = write_statements(books, label, progress=progress)
    except (EcpError, OSError) as exc:
        step("relevés", False, str(exc))
        return steps
    folder = paths[0].parent if paths else statements_dir(books, label)
    if not step("relevés", True, f"{len(paths)} relevés dans {folder}"):
        return steps
    try:
        head = close_period(books, m, user)
    except EcpError as exc:
        step("clôture", False, str(exc))
        return steps
    step("clôture", True, f"mois {label} verrouillé, tête de chaîne {head}")
    return steps


# --- production (issue 6) --------------------------------------------------------------------

def add_material(books: Books, code: str, member: str, name: str, unit: str,
                 cost: str | None = None) -> str:
    from ecp.money import parse
    cents = parse(cost, "coût") if cost else 0
    with _write(books) as conn:
        return production.add_material(conn, code, member, name, unit, cents)


def stock_receive(books: Books, material: str, qty: str, day: dt.date,
                  cost: str | None = None, user: str | None = None) -> None:
    from ecp.money import parse
    with _write(books) as conn:
        production.receive(conn, material, parse_quantity(qty, "quantité"), day,
                           user or current_user(), parse(cost, "coût") if cost else None)


def stock_adjust(books: Books, material: str, qty: str, day: dt.date, reason: str,
                 user: str | None = None) -> None:
    neg = qty.strip().startswith("-")
    q = parse_quantity(qty.strip().lstrip("+-"), "quantité")
    with _write(books) as conn:
        production.adjust(conn, material, -q if neg else q, day, reason, user or current_user())


def stock_report(books: Books, member: str | None = None, at: dt.date | None = None
                 ) -> list[production.StockRow]:
    with _read(books) as conn:
        return production.stock_report(conn, member, at or dt.date.today())


def set_bom(books: Books, product: str, materials: Sequence[str], hours: str | None = None,
            resources: Sequence[str] = ()) -> None:
    def pairs(specs: Sequence[str], what: str) -> list[tuple[str, int]]:
        out = []
        for s in specs:
            code, sep, q = s.partition(":")
            if not sep:
                raise InputError(f"{what} : « {s} » attendu CODE:QTÉ")
            out.append((code.strip().upper(), parse_quantity(q, f"{what} {code}")))
        return out
    h = parse_quantity(hours, "heures") if hours else None
    with _write(books) as conn:
        production.set_bom(conn, product, pairs(materials, "--material"), h,
                           pairs(resources, "--resource"))


def add_resource(books: Books, code: str, name: str, hours: str) -> str:
    with _write(books) as conn:
        return production.add_resource(conn, code, name, parse_quantity(hours, "heures"))


def set_capacity(books: Books, member: str, hours: str, off: Sequence[str] = ()) -> None:
    from ecp.periods import parse_date
    spans = []
    for o in off:
        a, sep, b = o.partition(":")
        if not sep:
            raise InputError(f"--off : « {o} » attendu AAAA-MM-JJ:AAAA-MM-JJ")
        spans.append((parse_date(a, "--off"), parse_date(b, "--off")))
    with _write(books) as conn:
        production.set_capacity(conn, member, parse_quantity(hours, "heures"), spans)


def add_order(books: Books, member: str, product: str, qty: str, due: dt.date,
              customer: str | None = None, quote: str | None = None,
              user: str | None = None) -> str:
    with _write(books) as conn:
        return production.add_order(conn, member, product, parse_quantity(qty, "quantité"), due,
                                    user or current_user(), customer, quote)


def start_order(books: Books, number: str, day: dt.date | None = None) -> None:
    with _write(books) as conn:
        production.start_order(conn, number, day or dt.date.today())


def cancel_order(books: Books, number: str) -> None:
    with _write(books) as conn:
        production.cancel_order(conn, number)


def complete_order(books: Books, number: str, day: dt.date | None = None,
                   qty: str | None = None, user: str | None = None) -> str | None:
    with _write(books) as conn:
        return production.complete_order(conn, number, day or dt.date.today(),
                                         user or current_user(),
                                         parse_quantity(qty, "quantité") if qty else None)


def list_orders(books: Books, member: str | None = None) -> list[production.OrderRow]:
    with _read(books) as conn:
        return production.list_orders(conn, member)


def production_plan(books: Books, start: dt.date | None = None, weeks: int = 12,
                    member: str | None = None) -> Plan:
    with _read(books) as conn:
        return production.build_plan(conn, start or dt.date.today(), weeks, member)


def order_resources(books: Books) -> dict[str, set[str]]:
    """Which shared resources each open order uses (``""`` is the member's own hours)."""
    with _read(books) as conn:
        return {o.number: {r for r, h in o.work.items() if h > 0}
                for o in production.open_orders(conn)}


def material_needs(books: Books, until: dt.date, member: str | None = None
                   ) -> list[production.NeedRow]:
    with _read(books) as conn:
        return production.needs(conn, until, member)


def earliest_date(books: Books, member: str, product: str, qty: str,
                  start: dt.date | None = None) -> dt.date | None:
    with _read(books) as conn:
        return production.earliest_date(conn, member, product,
                                        parse_quantity(qty, "quantité"),
                                        start or dt.date.today())


# --- bank statements (issue 7) ---------------------------------------------------------------

def bank_profile_add(books: Books, profile: bank.Profile) -> None:
    with _write(books) as conn:
        bank.save_profile(conn, profile)


def bank_profiles(books: Books) -> list[bank.Profile]:
    from ecp.db.models import BankProfile
    with _read(books) as conn:
        return [*bank.READY.values(), *(bank.profile(conn, n) for n in conn.scalars(
            select(BankProfile.name).order_by(BankProfile.name)))]


def bank_import(books: Books, path: Path, account: str = "5141", profile: str = "maroc"
                ) -> bank.ImportResult:
    with _write(books) as conn:
        return bank.import_statement(conn, path, account, bank.profile(conn, profile))


def bank_lines(books: Books, unmatched: bool = False) -> list[bank_match.LineView]:
    with _read(books) as conn:
        return bank_match.lines(conn, unmatched)


def bank_suggestions(books: Books, line_id: int) -> list[bank_match.Suggestion]:
    with _read(books) as conn:
        return bank_match.suggestions(conn, line_id)


def bank_accept(books: Books, line_id: int, kind: str, ref: str,
                user: str | None = None) -> str:
    with _write(books) as conn:
        return bank_match.accept(conn, line_id, kind, ref, user or current_user())


def bank_auto(books: Books, user: str | None = None) -> bank_match.AutoResult:
    with _write(books) as conn:
        return bank_match.auto(conn, user or current_user())


def bank_rule_add(books: Books, pattern: str, account: str, dimension: str | None = None,
                  label: str = "") -> int:
    with _write(books) as conn:
        return bank_match.add_rule(conn, pattern, account, dimension, label)


def bank_reconciliation(books: Books, account: str = "5141", at: dt.date | None = None
                        ) -> bank.Reconciliation:
    with _read(books) as conn:
        return bank.reconcile(conn, account, at or dt.date.today())
