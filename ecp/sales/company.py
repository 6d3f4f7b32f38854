"""The ECP's identity (raison sociale, IF, TP, ICE, RC, …), kept in the settings table and
required, whole, before the first invoice."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from ecp import settings as settings_mod
from ecp.db.models import Document, Entry, Setting
from ecp.kernel.errors import InputError
from ecp.sales.views import Company

# key: (label shown in messages, required) — declared in ecp.settings
COMPANY_KEYS = {k: (s.label, s.required) for k, s in settings_mod.SETTINGS.items()
                if k.startswith("company.")}


def check_setting(key: str, value: str) -> str:
    """The value to store, or InputError naming the key and the reason (``ecp.settings``)."""
    return settings_mod.check(key, value)


def settings(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(Setting.key, Setting.value)).all())


def company(conn: Connection) -> Company:
    """The seller of record; InputError listing every missing mention."""
    s = settings(conn)
    missing = [f"{key} ({label})" for key, (label, required) in COMPANY_KEYS.items()
               if required and not s.get(key, "").strip()]
    if missing:
        raise InputError("identité de l'ECP incomplète, à renseigner avant la première facture "
                         "(paramètres de l'ECP) : " + ", ".join(missing))
    return Company(
        name=s["company.name"], legal_form=s["company.legal_form"],
        capital=settings_mod.capital_text(s["company.capital"]), address=s["company.address"],
        city=s["company.city"],
        if_number=s["company.if"], tp=s["company.tp"], ice=s["company.ice"],
        rc=s["company.rc"], court=s["company.court"], cnss=s["company.cnss"],
        bank=s["company.bank"], rib=s["company.rib"], logo=s.get("company.logo") or None)


def vat_on_payment(conn: Connection, day: int) -> bool:
    """Whether the VAT of a document dated ``day`` (YYYYMMDD) is due on payment: the regime
    of its fiscal year (``ecp.settings.vat_regime``)."""
    return settings_mod.vat_on_payment(settings(conn), day // 10000)


def posted_years(conn: Connection) -> set[int]:
    """The years in which at least one entry is posted."""
    return {int(y) for y in conn.scalars(select(Entry.fiscal_year).distinct())}


def taxable_turnover(conn: Connection, year: int) -> int:
    """Taxable turnover HT of ``year`` (centimes): invoices issued with VAT less the credit
    notes on them, every member together (the ECP is one taxable person)."""
    rows = conn.execute(select(Document.kind, func.sum(Document.total_ht))
                        .where(Document.day >= year * 10000, Document.day < (year + 1) * 10000,
                               Document.total_vat != 0, Document.kind.in_(("facture", "avoir")))
                        .group_by(Document.kind)).all()
    by_kind = {k: int(v or 0) for k, v in rows}
    return by_kind.get("facture", 0) - abs(by_kind.get("avoir", 0))


def due_days(conn: Connection) -> int:
    return settings_mod.due_days(settings(conn))


def penalty_mention(conn: Connection) -> str:
    return settings_mod.penalty_mention(settings(conn))
