"""Customers and suppliers of the members, and the members' catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, insert, select, update

from ecp.db.models import Account, Dimension, Party, Product
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.ids import check_ice
from ecp.kernel.money import check_amount
from ecp.kernel.text import check_text
from ecp.kernel.units import fmt_rate
from ecp.sales.views import PartyView

PartyKind = Literal["customer", "supplier"]
PARTY_KINDS: tuple[PartyKind, ...] = ("customer", "supplier")
KIND_FR = {"customer": "client", "supplier": "fournisseur"}
REVENUE_ACCOUNTS = ("7111", "71211", "71243")
# A foreign supplier has neither Moroccan IF nor ICE; the relevé des déductions takes the
# customs identifier 20727020 in their place (one public implementation, [?] in
# ../shared/reference/morocco-rules.md). Stored as the supplier's IF, with no ICE, so that a
# later export writes it unchanged; see docs/suppliers-and-delays.md.
FOREIGN_SUPPLIER_ID = "20727020"


def _code(code: str, what: str) -> str:
    c = code.strip().upper()
    if not c or len(c) > 20 or not c.replace("-", "").replace("_", "").isalnum():
        raise InputError(f"code {what} : « {code} » (lettres, chiffres, - ou _, 20 au plus)",
                         field="code")
    return c


# A party's texts: French word and column size (ecp/db/models.py, Party).
_PARTY_TEXTS = {"name": ("nom", 200), "name_ar": ("nom en arabe", 200),
                "address": ("adresse", 300), "city": ("ville", 100),
                "if_number": ("identifiant fiscal", 20), "rc": ("registre du commerce", 30)}


def _language(language: str) -> str:
    """``fr`` or ``ar``: the language of the documents a customer receives."""
    lang = language.strip().lower()
    if lang not in ("fr", "ar"):
        raise InputError(f"langue : « {language} » (fr ou ar)", field="language",
                         code="language.unknown")
    return lang


def _check_party_texts(who: str, values: dict[str, object]) -> None:
    for k, v in values.items():
        if k in _PARTY_TEXTS and isinstance(v, str):
            what, limit = _PARTY_TEXTS[k]
            check_text(v, f"{who}, {what}", limit, field=k)


def add_party(conn: Connection, kind: str, code: str, name: str, *, name_ar: str | None = None,
              address: str = "", city: str = "", ice: str | None = None,
              if_number: str | None = None, rc: str | None = None,
              consumer: bool = False, foreign: bool = False,
              language: str = "fr") -> PartyView:
    what = KIND_FR[kind]
    c = _code(code, what)
    lang = _language(language)
    if not name.strip():
        raise InputError(f"{what} {c}, nom : obligatoire", field="name")
    ice_ok = check_ice(ice, f"{what} {c}, ICE") if ice and ice.strip() else None
    if kind == "customer" and not consumer and ice_ok is None:
        raise InputError(f"client {c}, ICE : obligatoire pour un client professionnel "
                         "(ou client particulier)", field="ice", code="ice.required")
    _check_party_texts(f"{what} {c}", {"name": name.strip(), "name_ar": name_ar or "",
                                       "address": address.strip(), "city": city.strip(),
                                       "if_number": (if_number or "").strip(),
                                       "rc": (rc or "").strip()})
    if kind == "supplier":
        if_number = _supplier_ids(c, ice_ok, if_number, foreign)
    if conn.scalar(select(Party.id).where(Party.kind == kind, Party.code == c)):
        raise InputError(f"{what} {c} existe déjà", field="code", code="code.exists")
    conn.execute(insert(Party), [{
        "kind": kind, "code": c, "name": name.strip(), "name_ar": (name_ar or "").strip() or None,
        "address": address.strip(), "city": city.strip(), "ice": ice_ok,
        "if_number": (if_number or "").strip() or None, "rc": (rc or "").strip() or None,
        "consumer": int(consumer), "language": lang}])
    return get_party(conn, kind, c)


def _supplier_ids(code: str, ice: str | None, if_number: str | None, foreign: bool) -> str:
    """A professional Moroccan supplier has an IF and an ICE (the relevé des déductions needs
    both); a foreign one has no ICE and takes FOREIGN_SUPPLIER_ID as IF. Returns the IF."""
    if foreign:
        if ice:
            raise InputError(f"fournisseur {code}, ICE : un fournisseur étranger n'a pas d'ICE",
                             field="ice", code="ice.foreign")
        if if_number and if_number.strip() and if_number.strip() != FOREIGN_SUPPLIER_ID:
            raise InputError(f"fournisseur {code}, identifiant fiscal : un fournisseur étranger "
                             f"prend l'identifiant {FOREIGN_SUPPLIER_ID}", field="if_number",
                             code="if.foreign")
        return FOREIGN_SUPPLIER_ID
    if ice is None:
        raise InputError(f"fournisseur {code}, ICE : obligatoire pour un fournisseur marocain "
                         "(ou fournisseur étranger)", field="ice", code="ice.required")
    ident = (if_number or "").strip()
    if not ident:
        raise InputError(f"fournisseur {code}, identifiant fiscal : obligatoire pour un "
                         "fournisseur marocain", field="if_number", code="if.required")
    if not ident.isdigit():
        raise InputError(f"fournisseur {code}, identifiant fiscal : « {ident} » doit compter "
                         "des chiffres seulement", field="if_number", code="if.digits")
    return ident


def edit_party(conn: Connection, kind: str, code: str, **fields: str | bool | None) -> PartyView:
    """Change a party's details; documents already issued keep the details of their day."""
    p = get_party(conn, kind, code)
    values: dict[str, object] = {}
    for k, v in fields.items():
        if v is None:
            continue
        if k == "ice":
            values[k] = check_ice(str(v), f"{KIND_FR[kind]} {p.code}, ICE") if v else None
        elif k == "consumer":
            values[k] = int(bool(v))
        elif k == "language":
            values[k] = _language(str(v))
        elif k == "name" and not str(v).strip():
            raise InputError(f"{KIND_FR[kind]} {p.code}, nom : obligatoire", field="name")
        else:
            values[k] = str(v).strip() or None if k in ("name_ar", "if_number", "rc") \
                else str(v).strip()
    _check_party_texts(f"{KIND_FR[kind]} {p.code}", values)
    consumer = bool(values.get("consumer", p.consumer))
    ice = values.get("ice", p.ice)
    if kind == "customer" and not consumer and not ice:
        raise InputError(f"client {p.code}, ICE : obligatoire pour un client professionnel",
                         field="ice", code="ice.required")
    if kind == "supplier" and ("ice" in values or "if_number" in values):
        foreign = p.if_number == FOREIGN_SUPPLIER_ID and not p.ice
        new_ice = values.get("ice", p.ice)
        new_if = values.get("if_number", p.if_number)
        values["if_number"] = _supplier_ids(p.code, str(new_ice) if new_ice else None,
                                            str(new_if) if new_if else None, foreign)
    if values:
        conn.execute(update(Party).where(Party.kind == kind, Party.code == p.code)
                     .values(**values))
    return get_party(conn, kind, p.code)


def _view(r: Any) -> PartyView:
    return PartyView(code=r.code, name=r.name, name_ar=r.name_ar, address=r.address,
                     city=r.city, ice=r.ice, if_number=r.if_number, rc=r.rc,
                     consumer=bool(r.consumer), language=getattr(r, "language", None) or "fr")


def party_row(conn: Connection, kind: str, code: str) -> Any:
    """The party's row (id and columns), or NotFoundError."""
    c = code.strip().upper()
    r = conn.execute(select(Party.__table__).where(Party.kind == kind, Party.code == c)).first()
    if r is None:
        raise NotFoundError(f"{KIND_FR[kind]} « {code} » inconnu", field=kind)
    return r


def get_party(conn: Connection, kind: str, code: str) -> PartyView:
    return _view(party_row(conn, kind, code))


def party_by_id(conn: Connection, pid: int) -> PartyView:
    r = conn.execute(select(Party.__table__).where(Party.id == pid)).first()
    if r is None:
        raise NotFoundError(f"tiers n° {pid} inconnu")
    return _view(r)


def list_parties(conn: Connection, kind: str) -> list[PartyView]:
    rows = conn.execute(select(Party.__table__).where(Party.kind == kind).order_by(Party.code))
    return [_view(r) for r in rows]


# --- catalogue -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ProductView:
    code: str
    member: str
    name: str
    unit: str
    price_ht: int
    vat_bp: int
    account: str

    @property
    def rate(self) -> str:
        return fmt_rate(self.vat_bp)


def member_exists(conn: Connection, member: str) -> str:
    m = member.strip().upper()
    row = conn.execute(select(Dimension.kind, Dimension.status).where(Dimension.code == m)).first()
    if row is None or row.kind != "member":
        raise NotFoundError(f"membre « {member} » inconnu", field="member")
    return m


def add_product(conn: Connection, code: str, member: str, name: str, unit: str,
                price_ht: int, vat_bp: int, account: str | None) -> ProductView:
    """A product or service in the member's catalogue (price HT in centimes, rate in basis
    points)."""
    c = _code(code, "produit")
    m = member_exists(conn, member)
    if not name.strip():
        raise InputError(f"produit {c}, nom : obligatoire", field="name")
    if not unit.strip():
        raise InputError(f"produit {c}, unité : obligatoire (ex. pièce, kg, heure)",
                         field="unit")
    check_text(name.strip(), f"produit {c}, nom", 200, field="name")
    check_text(unit.strip(), f"produit {c}, unité", 20, field="unit")
    if price_ht < 0:
        raise InputError(f"produit {c}, prix HT : ne peut être négatif", field="price",
                         code="price.negative")
    check_amount(price_ht, f"produit {c}, prix HT", field="price")
    acc = (account or "71243").strip()
    if not acc.startswith("7") or conn.scalar(select(Account.code).where(Account.code == acc)) \
            is None:
        raise InputError(f"produit {c}, compte : « {acc} » n'est pas un compte de produits "
                         f"du plan (ex. {', '.join(REVENUE_ACCOUNTS)})", field="account")
    if conn.scalar(select(Product.code).where(Product.code == c)):
        raise InputError(f"produit {c} existe déjà", field="code", code="code.exists")
    conn.execute(insert(Product), [{"code": c, "member": m, "name": name.strip(),
                                    "unit": unit.strip(), "price_ht": price_ht,
                                    "vat_bp": vat_bp, "account": acc}])
    return get_product(conn, c)


def get_product(conn: Connection, code: str) -> ProductView:
    r = conn.execute(select(Product.__table__).where(Product.code == code.strip().upper())).first()
    if r is None:
        raise NotFoundError(f"produit « {code} » inconnu", field="product")
    return ProductView(r.code, r.member, r.name, r.unit, r.price_ht, r.vat_bp, r.account)


def list_products(conn: Connection, member: str | None = None) -> list[ProductView]:
    q = select(Product.__table__).order_by(Product.member, Product.code)
    if member:
        q = q.where(Product.member == member.strip().upper())
    return [ProductView(r.code, r.member, r.name, r.unit, r.price_ht, r.vat_bp, r.account)
            for r in conn.execute(q)]
