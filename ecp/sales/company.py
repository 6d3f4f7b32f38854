"""The ECP's identity (raison sociale, IF, TP, ICE, RC, …), kept in the settings table and
required, whole, before the first invoice."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ecp.db.models import Setting
from ecp.kernel.errors import InputError
from ecp.sales.rules import check_ice
from ecp.sales.views import Company

# key: (label shown in messages, required)
COMPANY_KEYS = {
    "company.name": ("raison sociale", True),
    "company.legal_form": ("forme juridique", True),
    "company.capital": ("capital", True),
    "company.address": ("adresse", True),
    "company.city": ("ville", True),
    "company.if": ("identifiant fiscal (IF)", True),
    "company.tp": ("taxe professionnelle (TP)", True),
    "company.ice": ("ICE", True),
    "company.rc": ("registre de commerce (RC)", True),
    "company.court": ("tribunal du RC", True),
    "company.cnss": ("numéro CNSS", True),
    "company.bank": ("banque", True),
    "company.rib": ("RIB", True),
    "company.logo": ("logo (chemin d'une image)", False),
}
OTHER_KEYS = {
    "vat.regime": "régime de TVA : encaissement (défaut) ou debits",
    "sales.due_days": "délai de paiement par défaut, en jours (60)",
}


def check_setting(key: str, value: str) -> str:
    """The value to store, or InputError naming the key and the reason."""
    v = value.strip()
    if key == "company.ice":
        return check_ice(v, "company.ice")
    if key == "company.rib":
        digits = v.replace(" ", "")
        if not digits.isdigit() or len(digits) != 24:
            raise InputError("company.rib : un RIB marocain compte 24 chiffres")
        return digits
    if key == "vat.regime":
        if v not in ("encaissement", "debits"):
            raise InputError("vat.regime : « encaissement » ou « debits »")
        return v
    if key == "sales.due_days":
        if not v.isdigit() or not 0 < int(v) <= 120:
            raise InputError("sales.due_days : un nombre de jours entre 1 et 120")
        return v
    if key not in COMPANY_KEYS:
        known = ", ".join([*COMPANY_KEYS, *OTHER_KEYS])
        raise InputError(f"paramètre « {key} » inconnu (connus : {known})")
    return v


def settings(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(Setting.key, Setting.value)).all())


def company(conn: Connection) -> Company:
    """The seller of record; InputError listing every missing mention."""
    s = settings(conn)
    missing = [f"{key} ({label})" for key, (label, required) in COMPANY_KEYS.items()
               if required and not s.get(key, "").strip()]
    if missing:
        raise InputError("identité de l'ECP incomplète, à renseigner avant la première facture "
                         "(ecp settings set CLÉ VALEUR) : " + ", ".join(missing))
    return Company(
        name=s["company.name"], legal_form=s["company.legal_form"],
        capital=s["company.capital"], address=s["company.address"], city=s["company.city"],
        if_number=s["company.if"], tp=s["company.tp"], ice=s["company.ice"],
        rc=s["company.rc"], court=s["company.court"], cnss=s["company.cnss"],
        bank=s["company.bank"], rib=s["company.rib"], logo=s.get("company.logo") or None)


def vat_on_payment(conn: Connection) -> bool:
    return settings(conn).get("vat.regime", "encaissement") != "debits"


def due_days(conn: Connection) -> int:
    from ecp.sales.rules import DEFAULT_DUE_DAYS
    return int(settings(conn).get("sales.due_days", DEFAULT_DUE_DAYS))
