"""Dates and months. A period is half-open: [start, end)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ecp.kernel.errors import InputError

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)
"""The dates ECP accepts (entries, documents, payments, bank lines, due dates, periods). The
books of an ECP founded this century hold nothing before 2000; a year beyond 2099 is a typing
error, and keeping every date far from ``date.max`` means « the next month » or « the day
after » of any accepted date exists (9999-12-31 would crash month arithmetic)."""


def date_problem(d: dt.date) -> str | None:
    """Why ``d`` is outside the dates ECP accepts, or None."""
    if MIN_DATE <= d <= MAX_DATE:
        return None
    return f"{d.isoformat()} hors des dates acceptées ({MIN_DATE.isoformat()} à " \
        f"{MAX_DATE.isoformat()})"


def check_date(d: dt.date, label: str = "date", *, field: str = "day",
               line: int | None = None) -> dt.date:
    """``d`` unchanged when between ``MIN_DATE`` and ``MAX_DATE``, else an ``InputError``."""
    problem = date_problem(d)
    if problem is None:
        return d
    where = f"ligne {line} : " if line is not None else ""
    raise InputError(f"{where}{label} : {problem}", field=field, line=line,
                     code=f"{field}.out_of_range")


def _check_year(year: int, text: str, label: str, field: str) -> None:
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise InputError(f"{label} : « {text.strip()} » hors des dates acceptées "
                         f"({MIN_DATE.isoformat()} à {MAX_DATE.isoformat()})", field=field,
                         code=f"{field}.out_of_range")


def parse_date(text: str, label: str = "date", *, field: str = "day") -> dt.date:
    """French ``JJ/MM/AAAA`` (what the screens show) or ISO ``YYYY-MM-DD`` (what the command
    line shows); a date that does not exist is refused, naming ``label`` (the field)."""
    s = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s, re.ASCII):
            return check_date(dt.date.fromisoformat(s), label, field=field)
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s, re.ASCII)
        if m:
            return check_date(dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))),
                              label, field=field)
    except ValueError:
        raise InputError(f"{label} : « {text} » n'est pas une date qui existe",
                         field=field) from None
    raise InputError(f"{label} : « {text} » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)",
                     field=field)


def parse_month(text: str, label: str = "mois", *, field: str = "month") -> int:
    """``YYYY-MM`` (or the French ``MM/AAAA``) to the integer month key ``YYYYMM``."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip(), re.ASCII)
    fr = re.fullmatch(r"(\d{1,2})/(\d{4})", text.strip(), re.ASCII)
    if fr:
        m = re.fullmatch(r"(\d{4})-(\d{2})", f"{fr.group(2)}-{int(fr.group(1)):02d}", re.ASCII)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError(f"{label} : « {text} » n'est pas un mois (AAAA-MM)", field=field)
    _check_year(int(m.group(1)), text, label, field)
    return int(m.group(1)) * 100 + int(m.group(2))


def month_key(d: dt.date) -> int:
    return d.year * 100 + d.month


def month_label(key: int) -> str:
    return f"{key // 100:04d}-{key % 100:02d}"


def month_start(key: int) -> dt.date:
    return dt.date(key // 100, key % 100, 1)


def next_month(key: int) -> int:
    y, m = divmod(key, 100)
    return (y + 1) * 100 + 1 if m == 12 else key + 1


def month_end_exclusive(key: int) -> dt.date:
    return month_start(next_month(key))


def parse_month_or_quarter(text: str, label: str = "période", *, field: str = "period"
                           ) -> tuple[dt.date, dt.date, str]:
    """``YYYY-MM`` or ``YYYY-Qn`` (also ``YYYY-Tn``, trimestre) to the half-open period
    ``[start, end)`` and its normalised label (``2026-03``, ``2026-Q1``)."""
    s = text.strip().upper()
    q = re.fullmatch(r"(\d{4})-[QT]([1-4])", s, re.ASCII)
    if q:
        year, n = int(q.group(1)), int(q.group(2))
        _check_year(year, text, label, field)
        start = dt.date(year, 3 * n - 2, 1)
        end = dt.date(year + 1, 1, 1) if n == 4 else dt.date(year, 3 * n + 1, 1)
        return start, end, f"{year}-Q{n}"
    if re.fullmatch(r"\d{4}-\d{2}", s, re.ASCII):
        key = parse_month(s, label, field=field)
        return month_start(key), month_end_exclusive(key), month_label(key)
    raise InputError(f"{label} : « {text} » n'est ni un mois (AAAA-MM) ni un trimestre "
                     "(AAAA-Qn, n de 1 à 4)", field=field)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ``key`` is the integer ``YYYYMM`` the storage uses."""

    year: int
    month: int

    @classmethod
    def of(cls, d: dt.date) -> Month:
        return cls(d.year, d.month)

    @classmethod
    def from_key(cls, key: int) -> Month:
        return cls(key // 100, key % 100)

    @classmethod
    def parse(cls, text: str, label: str = "mois", *, field: str = "month") -> Month:
        return cls.from_key(parse_month(text, label, field=field))

    @property
    def key(self) -> int:
        return self.year * 100 + self.month

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        """The first day of the next month (periods are half-open)."""
        return month_end_exclusive(self.key)

    def __str__(self) -> str:
        return month_label(self.key)


@dataclass(frozen=True)
class Period:
    """A half-open period ``[start, end)`` with the label users know it by."""

    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def parse(cls, text: str, label: str = "période", *, field: str = "period") -> Period:
        """``YYYY-MM`` or ``YYYY-Qn``."""
        return cls(*parse_month_or_quarter(text, label, field=field))

    @classmethod
    def of_month(cls, m: Month) -> Period:
        return cls(m.start, m.end, str(m))

    def __str__(self) -> str:
        return self.label
