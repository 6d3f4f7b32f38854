"""Settings stored in the books (identity of the ECP, VAT regime, contribution, reserve)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from ecp import settings as settings_mod
from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.db.models import Setting
from ecp.sales import company as sales_company


def get_setting(books: Books, key: str) -> str | None:
    with _read(books) as conn:
        return conn.scalar(select(Setting.value).where(Setting.key == key))


def set_setting(books: Books, key: str, value: str) -> None:
    with _write(books) as conn:
        _store(conn, books, key, value)


def _store(conn: Connection, books: Books, key: str, value: str) -> None:
    if conn.scalar(select(Setting.key).where(Setting.key == key)) is None:
        conn.execute(insert(Setting), [{"key": key, "value": value}])
    else:
        conn.execute(update(Setting).where(Setting.key == key).values(value=value))
    if not key.startswith("verify."):  # the outcome of the last verify is no change
        _audit(conn, books, "parametre", key, value)


def settings_show(books: Books) -> dict[str, str]:
    with _read(books) as conn:
        return sales_company.settings(conn)


def settings_list(books: Books) -> list[settings_mod.SettingView]:
    """Every setting the user may set (``ecp.settings``), with its label and stored value."""
    return settings_mod.views(settings_show(books))


@dataclass(frozen=True)
class SettingSet:
    """What ``settings_apply`` stored: under ``key`` (``vat.regime`` is recorded under
    ``vat.regime.AAAA``, the fiscal year it applies from), and the warnings owed."""
    key: str
    value: str
    warnings: tuple[str, ...] = ()


def settings_apply(books: Books, key: str, value: str) -> SettingSet:
    """Check ``value`` by the key's rule (``ecp.settings``) and store it, in one unit of work.
    The VAT regime takes effect on 1 January: set while anything is posted in the current
    year, it is recorded for the next one; a year with entries keeps its regime (refused,
    field ``value``). A quarterly filing while last year's taxable turnover reached the
    monthly threshold is stored with a warning (CGI art. 108)."""
    s = settings_mod.spec(key)
    v = settings_mod.check(key, value)
    year = books.today().year
    with _write(books) as conn:
        stored_key = s.key
        if s.key == "vat.regime" or s.key.startswith(settings_mod.REGIME_PREFIX):
            stored_key = settings_mod.regime_key(s.key, year, sales_company.posted_years(conn))
        _store(conn, books, stored_key, v)
        warnings: list[str] = []
        if s.key == "vat.filing":
            w = settings_mod.filing_warning(sales_company.settings(conn), year,
                                            sales_company.taxable_turnover(conn, year - 1))
            if w:
                warnings.append(w)
    return SettingSet(stored_key, v, tuple(warnings))


def settings_set(books: Books, key: str, value: str) -> str:
    """``settings_apply``, the stored text only. An empty value clears an optional key."""
    return settings_apply(books, key, value).value


def settings_warnings(books: Books) -> tuple[str, ...]:
    """The warnings the current settings deserve (the filing frequency against last year's
    turnover)."""
    year = books.today().year
    with _read(books) as conn:
        w = settings_mod.filing_warning(sales_company.settings(conn), year,
                                        sales_company.taxable_turnover(conn, year - 1))
    return (w,) if w else ()
