"""Settings stored in the books (identity of the ECP, VAT regime, contribution, reserve)."""

from __future__ import annotations

from sqlalchemy import insert, select, update

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


def settings_set(books: Books, key: str, value: str) -> str:
    """Check ``value`` by the key's rule (``ecp.settings.check``) and store it; the stored
    text is returned. An empty value clears an optional key."""
    v = settings_mod.check(key, value)
    set_setting(books, settings_mod.spec(key).key, v)
    return v
