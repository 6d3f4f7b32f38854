"""Bank statements: CSV import through profiles, deduplicated; reconciliation with the ledger.

Matching to invoices, bills and payouts is sales' business (``ecp.sales.bank_match``); this
module only reads files, stores statement lines and compares balances, so the ledger stays
free of documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from ecp.db.models import Account, BankLine, BankProfile, Entry, Line
from ecp.kernel.errors import InputError, NotFoundError, ValidationError
from ecp.kernel.money import amount_problem
from ecp.kernel.periods import date_problem
from ecp.kernel.text import LABEL, SHORT, check_text, has_control
from ecp.ledger.entry import day_int, entry_ref, int_day
from ecp.ledger.posting import now_iso
from ecp.ledger.year_close import year_end_entries

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")
PROFILE_NAME = 50  # bank_profiles.name
MAX_ERRORS = 50


@dataclass(frozen=True)
class Profile:
    """Columns are numbered from 1, as a bookkeeper counts them in a spreadsheet."""

    name: str
    date_col: int
    label_col: int
    amount_col: int | None = None  # one signed column …
    debit_col: int | None = None  # … or two: money out,
    credit_col: int | None = None  # money in
    date_format: str = "%d/%m/%Y"
    decimal: str = ","
    sep: str = ";"
    encoding: str = "cp1252"
    skip: int = 1  # header lines

    def check(self) -> Profile:
        # First the texts, which the other messages repeat: within their column (the name is
        # the key of bank_profiles), without control characters.
        check_text(self.name, "profil, nom", PROFILE_NAME, field="name")
        check_text(self.date_format, "profil, format de date", SHORT, field="date_format")
        if (self.amount_col is None) == (self.debit_col is None or self.credit_col is None):
            raise InputError(f"profil {self.name} : une colonne montant (signée), ou une "
                             "colonne débit et une colonne crédit", field="amount_col",
                             code="profile.columns")
        if not self.name.strip():
            raise InputError("profil : nom obligatoire", field="name")
        if self.decimal not in (",", "."):
            raise InputError(f"profil {self.name}, décimale : « , » ou « . »", field="decimal")
        if self.encoding.lower() not in ENCODINGS:
            raise InputError(f"profil {self.name}, encodage : {', '.join(ENCODINGS)}",
                             field="encoding")
        if len(self.sep) != 1:
            raise InputError(f"profil {self.name}, séparateur : un caractère (; , ou \\t)",
                             field="sep")
        for col in ("date_col", "label_col", "amount_col", "debit_col", "credit_col"):
            c = getattr(self, col)
            if c is not None and c < 1:
                raise InputError(f"profil {self.name} : les colonnes se comptent à partir de 1",
                                 field=col)
        if self.skip < 0:
            raise InputError(f"profil {self.name}, lignes d'en-tête : 0 ou plus", field="skip")
        try:
            dt.datetime.strptime(dt.date(2026, 1, 31).strftime(self.date_format),  # noqa: DTZ007
                                 self.date_format)  # a calendar date, no time of day
        except ValueError:
            raise InputError(f"profil {self.name}, format de date : « {self.date_format} » "
                             "(ex. %d/%m/%Y)", field="date_format") from None
        return self

    @property
    def width(self) -> int:
        return max(c for c in (self.date_col, self.label_col, self.amount_col, self.debit_col,
                               self.credit_col) if c is not None)


# A typical Moroccan bank export: « Date opération;Libellé;Débit;Crédit », cp1252, 1 234,50.
READY = {
    "maroc": Profile("maroc", date_col=1, label_col=2, debit_col=3, credit_col=4),
}


def save_profile(conn: Connection, p: Profile) -> None:
    p.check()
    if p.name in READY:
        raise InputError(f"profil {p.name} : nom réservé au profil fourni", field="name")
    data = json.dumps(asdict(p), ensure_ascii=False)
    if conn.scalar(select(BankProfile.name).where(BankProfile.name == p.name)):
        from sqlalchemy import update
        conn.execute(update(BankProfile).where(BankProfile.name == p.name)
                     .values(spec_json=data))
    else:
        conn.execute(insert(BankProfile).values(name=p.name, spec_json=data))


def profile(conn: Connection, name: str) -> Profile:
    if name in READY:
        return READY[name]
    check_text(name, "profil", PROFILE_NAME, field="profile")
    raw = conn.scalar(select(BankProfile.spec_json).where(BankProfile.name == name))
    if raw is None:
        known = ", ".join([*READY, *conn.scalars(select(BankProfile.name))])
        raise NotFoundError(f"profil « {name} » inconnu (profils : {known})", field="profile")
    return Profile(**json.loads(raw))


_AMOUNT = re.compile(r"^[+-]?\d+(\d{3})*$")


def parse_amount(text: str, p: Profile) -> int | None:
    """``1 234,50`` / ``1.234,50`` / ``-1234.5`` → centimes, by the profile's decimal mark;
    None for an empty cell; ValueError otherwise."""
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not s:
        return None
    neg = s.startswith("-") or (s.startswith("(") and s.endswith(")"))
    s = s.strip("+-() ")
    thousands = "." if p.decimal == "," else ","
    whole, _, frac = s.rpartition(p.decimal) if p.decimal in s else (s, "", "")
    whole = whole.replace(" ", "").replace(thousands, "")
    if not (whole.isascii() and whole.isdigit()) or len(whole) > 40 \
            or (frac and (not (frac.isascii() and frac.isdigit()) or len(frac) > 2)):
        raise ValueError(text)
    cents = int(whole) * 100 + int(frac.ljust(2, "0") or 0)
    return -cents if neg else cents


@dataclass(frozen=True)
class ParsedLine:
    line_no: int
    day: dt.date
    amount: int
    label: str


def _rows(reader: Iterator[list[str]], path: Path) -> Iterator[list[str]]:
    """The rows of ``reader``; a CSV error (a cell over ``csv.field_size_limit()``, 128 Kio)
    is an ``InputError`` naming the file and the line."""
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = (f"une cellule dépasse {csv.field_size_limit() // 1024} Kio"
                      if "field larger than field limit" in str(exc) else str(exc))
            raise InputError(f"{path.name}, ligne {n + 1} : fichier CSV illisible ({reason})",
                             field="path", code="path.csv") from None
        n += 1
        yield row


def read_statement(path: Path, p: Profile) -> list[ParsedLine]:
    """Every line of the file, or ValidationError naming each bad line; nothing half-read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} : lecture impossible ({exc.strerror})", field="path") from None
    enc = p.encoding.lower()
    if raw.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} : le fichier n'est pas en {p.encoding} (octet "
                         f"{exc.start}) — profil {p.name}", field="path",
                         code="path.encoding") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=p.sep)
    out: list[ParsedLine] = []
    errors: list[str] = []
    for n, row in enumerate(_rows(reader, path), 1):
        if n <= p.skip:
            continue
        if not row or all(not c.strip() for c in row):
            continue
        if len(errors) >= MAX_ERRORS:
            break
        if len(row) < p.width:
            errors.append(f"ligne {n} : {len(row)} colonne(s), le profil {p.name} en attend "
                          f"{p.width} (séparateur « {p.sep} » ?)")
            continue
        cell = row[p.date_col - 1].strip()
        try:
            # a calendar date: no time of day, no zone
            day = dt.datetime.strptime(cell, p.date_format).date()  # noqa: DTZ007
        except ValueError:
            shown = repr(cell[:40])[1:-1] + ("…" if len(cell) > 40 else "")
            errors.append(f"ligne {n}, date : « {shown} » n'est pas une date {p.date_format} "
                          "qui existe")
            continue
        try:
            if p.amount_col is not None:
                amount = parse_amount(row[p.amount_col - 1], p)
            else:
                assert p.debit_col is not None and p.credit_col is not None
                deb = parse_amount(row[p.debit_col - 1], p)
                cre = parse_amount(row[p.credit_col - 1], p)
                if (deb is None) == (cre is None):
                    if not deb and not cre:
                        errors.append(f"ligne {n} : ni débit ni crédit")
                    else:
                        errors.append(f"ligne {n} : débit et crédit à la fois")
                    continue
                amount = -abs(deb) if deb is not None else abs(cre or 0)
        except ValueError as exc:
            shown = exc.args[0].strip()
            shown = repr(shown[:40])[1:-1] + ("…" if len(shown) > 40 else "")
            errors.append(f"ligne {n}, montant : « {shown} » illisible avec la "
                          f"virgule décimale « {p.decimal} »")
            continue
        if not amount:
            errors.append(f"ligne {n}, montant : vide ou nul")
            continue
        problem = date_problem(day) or amount_problem(amount)
        if problem is not None:
            errors.append(f"ligne {n} : {problem}")
            continue
        label = " ".join(row[p.label_col - 1].split())
        if has_control(label):
            errors.append(f"ligne {n}, libellé : caractère de contrôle interdit")
            continue
        # A bank's label longer than the column is cut, as the bank's own statements do.
        out.append(ParsedLine(n, day, amount, label[:LABEL]))
    if errors:
        problems = [f"{path.name}, {e}" for e in errors]  # each names its line of the file
        raise ValidationError(problems, [InputError(msg, field="path") for msg in problems])
    if not out:
        raise InputError(f"{path.name} : aucune ligne de relevé (profil {p.name})",
                         field="path", code="path.empty")
    return out


def fingerprint(day: dt.date, amount: int, label: str, occurrence: int) -> str:
    """Same day, amount and label: the same bank operation — the n-th of its kind that day,
    so two identical operations stay two."""
    key = f"{day.isoformat()}|{amount}|{label.casefold()}|{occurrence}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ImportResult:
    read: int
    added: int
    duplicates: int


def import_statement(conn: Connection, path: Path, account: str, p: Profile) -> ImportResult:
    check_text(account, "compte", 12, field="account")  # accounts.code
    if conn.scalar(select(Account.code).where(Account.code == account)) is None \
            or not account.startswith("51"):
        raise InputError(f"compte : « {account} » n'est pas un compte de banque (514x)",
                         field="account")
    lines = read_statement(path, p)
    seen: Counter[tuple[dt.date, int, str]] = Counter()
    have = set(conn.scalars(select(BankLine.fingerprint).where(BankLine.account == account)))
    new = []
    for ln in lines:
        key = (ln.day, ln.amount, ln.label.casefold())
        fp = fingerprint(ln.day, ln.amount, ln.label, seen[key])
        seen[key] += 1
        if fp in have:
            continue
        have.add(fp)
        new.append({"account": account, "day": day_int(ln.day), "amount": ln.amount,
                    "label": ln.label[:300], "fingerprint": fp,
                    "source": f"{path.name}:{ln.line_no}"[:300], "status": "open",
                    "match": "", "imported_at": now_iso()})
    if new:
        conn.execute(insert(BankLine), new)
    return ImportResult(len(lines), len(new), len(lines) - len(new))


# --- reconciliation --------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    side: str  # "relevé" (on the statement, not in the ledger) | "grand livre"
    day: dt.date
    label: str
    amount: int
    ref: str


@dataclass(frozen=True)
class Reconciliation:
    account: str
    at: dt.date
    statement: int  # opening (ledger before the first line) + the statement's lines to ``at``
    ledger: int  # the account's balance in the ledger at ``at``
    differences: tuple[Difference, ...]

    @property
    def gap(self) -> int:
        return self.statement - self.ledger

    @property
    def explained(self) -> int:
        return sum(d.amount if d.side == "relevé" else -d.amount for d in self.differences)


def reconcile(conn: Connection, account: str, at: dt.date) -> Reconciliation:
    """The statement beside the ledger: unmatched statement lines, and ledger movements on the
    account that no statement line was matched to, explain the difference."""
    d = day_int(at)
    # The statement starts where the first imported line does: the ledger's balance before
    # it (less entries a statement line points to, which the statement itself carries) is
    # its opening balance, and only movements from then on are compared.
    first = conn.scalar(select(func.min(BankLine.day)).where(BankLine.account == account))
    if first is None:
        raise InputError(f"compte {account} : aucun relevé importé", field="account",
                         code="bank.no_statement")
    matched = select(BankLine.entry_id).where(BankLine.entry_id.is_not(None))
    closes = year_end_entries()  # the year closes' entries only carry balances
    opening = int(conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
        Line.account == account, Line.day < first, Line.entry_id.not_in(matched),
        Line.entry_id.not_in(closes))) or 0)
    stmt = opening + int(conn.scalar(select(func.coalesce(func.sum(BankLine.amount), 0)).where(
        BankLine.account == account, BankLine.day <= d)) or 0)
    ledger = int(conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
        Line.account == account, Line.day <= d,
        Line.entry_id.not_in(closes))) or 0)
    diffs = [Difference("relevé", int_day(r.day), r.label, r.amount, r.source)
             for r in conn.execute(select(BankLine.__table__).where(
                 BankLine.account == account, BankLine.day <= d,
                 BankLine.status == "open").order_by(BankLine.day, BankLine.id))]
    q = (select(Entry.journal, Entry.fiscal_year, Entry.number, Entry.day, Entry.label,
                func.sum(Line.amount))
         .join(Line, Line.entry_id == Entry.id)
         .where(Line.account == account, Line.day <= d, Line.day >= first,
                Entry.id.not_in(matched), Entry.id.not_in(closes))
         .group_by(Entry.id).order_by(Entry.day, Entry.id))
    for j, y, n, day, label, amount in conn.execute(q):
        if amount:
            diffs.append(Difference("grand livre", int_day(day), label, int(amount),
                                    entry_ref(j, y, n)))
    return Reconciliation(account, at, stmt, ledger, tuple(diffs))
