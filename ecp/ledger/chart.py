"""The CGNC chart of accounts, journals and VAT rates: seeding and additions."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import Connection, func, insert, select

from ecp.db.models import Account, Balance, Journal, VatRate
from ecp.kernel.errors import InputError
from ecp.kernel.text import NAME, check_text

CLASSES = {
    1: "Comptes de financement permanent",
    2: "Comptes d'actif immobilisé",
    3: "Comptes d'actif circulant (hors trésorerie)",
    4: "Comptes de passif circulant (hors trésorerie)",
    5: "Comptes de trésorerie",
    6: "Comptes de charges",
    7: "Comptes de produits",
    8: "Comptes de résultats",
}

# Accounts the ECP needs beyond the reference list. The liaison account carries the flows
# between dimensions (contribution, member-to-member sales, shared purchases): it nets to zero
# over the ECP and is left out of the legal statements.
EXTRA_ACCOUNTS = [
    ("5161", "Caisses", 5, False),
    ("3121", "Matières premières", 3, False),  # stock of materials, valued at standard cost
    ("44881", "Liaison interne ECP - membres", 4, True),
    ("8100", "Résultat d'exploitation", 8, False),
    ("8800", "Résultat après impôts", 8, False),
    # payroll (issue 14): the taxe de formation professionnelle, a tax on salaries
    ("61678", "Autres impôts, taxes et droits assimilés (taxe de formation professionnelle)",
     6, False),
    # the members' contribution to the shared services: internal to the legal entity, so its
    # CPC and its turnover leave it out (both sides cancel out over the dimensions)
    ("61468", "Contribution aux services partagés de l'ECP (interne)", 6, True),
    ("71248", "Contributions des membres aux services partagés (interne)", 7, True),
    # year end (issue 15): disposals of fixed assets, depreciation of vehicles
    ("3481", "Créances sur cessions d'immobilisations", 3, False),
    ("6513", "Valeurs nettes d'amortissements des immobilisations corporelles cédées", 6, False),
    ("7513", "Produits des cessions des immobilisations corporelles", 7, False),
    ("61934", "Dotations d'exploitation aux amortissements du matériel de transport", 6, False),
    # operations concerning earlier years (the CPC's second column): CGNC sub-accounts in 8
    ("6118", "Achats de marchandises des exercices antérieurs", 6, False),
    ("6128", "Achats consommés de matières et fournitures des exercices antérieurs", 6, False),
    ("6168", "Impôts et taxes des exercices antérieurs", 6, False),
    ("6178", "Charges de personnel des exercices antérieurs", 6, False),
    ("6188", "Autres charges d'exploitation des exercices antérieurs", 6, False),
    ("6318", "Charges d'intérêts des exercices antérieurs", 6, False),
    ("6388", "Autres charges financières des exercices antérieurs", 6, False),
    ("7118", "Ventes de marchandises des exercices antérieurs", 7, False),
    ("7128", "Ventes de biens et services produits des exercices antérieurs", 7, False),
    ("7188", "Autres produits d'exploitation des exercices antérieurs", 7, False),
    ("7388", "Autres produits financiers des exercices antérieurs", 7, False),
]

JOURNALS = {
    "VT": "Ventes",
    "AC": "Achats",
    "BQ": "Banque",
    "CA": "Caisse",
    "OD": "Opérations diverses",
    "AN": "À-nouveaux",
    "CL": "Clôture",
    # entries dated before the last entry of their own journal: each journal is kept day by day,
    # what comes late is recorded here, in the order it is recorded (ecp.ledger.posting)
    "RG": "Régularisations",
}
# What a bookkeeper posts into: CL is written by the year close only (ecp year close)
POSTABLE_JOURNALS = {c: n for c, n in JOURNALS.items() if c != "CL"}

# (code, basis points, valid from YYYYMMDD, valid to exclusive or None, label). The reduced rates
# of 7 % and 14 % stop at the end of 2025 (loi de finances 2024); documents dated before keep them.
VAT_RATES = [
    ("TVA20", 2000, 20000101, None, "TVA 20 %"),
    ("TVA14", 1400, 20000101, 20260101, "TVA 14 %"),
    ("TVA10", 1000, 20000101, None, "TVA 10 %"),
    ("TVA7", 700, 20000101, 20260101, "TVA 7 %"),
    ("EXO", 0, 20000101, None, "Exonéré"),
]


@dataclass(frozen=True)
class AccountView:
    code: str
    name: str
    cls: int
    parent: str | None
    internal: bool
    used: bool


def reference_accounts() -> list[tuple[str, str, int]]:
    text = resources.files("ecp.ledger").joinpath("data/cgnc-accounts.csv").read_text("utf-8")
    return [(r["code"], r["name_fr"], int(r["class"])) for r in csv.DictReader(io.StringIO(text))]


def seed(conn: Connection) -> None:
    """Insert what is missing of the chart, journals and VAT rates (idempotent)."""
    have = set(conn.scalars(select(Account.code)))
    rows = [(str(c), n, c, False) for c, n in CLASSES.items()]
    rows += [(c, n, k, False) for c, n, k in reference_accounts()]
    rows += EXTRA_ACCOUNTS
    new = []
    for code, name, cls, internal in rows:
        if code not in have:
            have.add(code)
            new.append({"code": code, "name": name, "cls": cls, "parent": None,
                        "internal": int(internal)})
    if new:
        conn.execute(insert(Account), new)
    jhave = set(conn.scalars(select(Journal.code)))
    jnew = [{"code": c, "name": n} for c, n in JOURNALS.items() if c not in jhave]
    if jnew:
        conn.execute(insert(Journal), jnew)
    if not conn.scalar(select(func.count()).select_from(VatRate)):
        conn.execute(insert(VatRate), [
            {"code": c, "rate_bp": r, "valid_from": f, "valid_to": t, "label": lab}
            for c, r, f, t, lab in VAT_RATES
        ])


def add_account(conn: Connection, code: str, name: str) -> AccountView:
    """Open a sub-account under the longest existing account whose code prefixes it."""
    code = code.strip()
    name = name.strip()
    if not code.isdigit() or not 2 <= len(code) <= 12:
        raise InputError(f"compte : « {code} » doit être fait de 2 à 12 chiffres",
                         field="code")
    if not name:
        raise InputError("nom du compte : obligatoire", field="name", code="name.required")
    check_text(name, "nom du compte", NAME, field="name")
    if conn.scalar(select(Account.code).where(Account.code == code)):
        raise InputError(f"compte : {code} existe déjà", field="code", code="code.exists")
    prefixes = [code[:i] for i in range(len(code) - 1, 0, -1)]
    parent = conn.execute(
        select(Account.code, Account.cls, Account.internal)
        .where(Account.code.in_(prefixes)).order_by(func.length(Account.code).desc()).limit(1)
    ).first()
    if parent is None or len(parent.code) < 2:
        raise InputError(
            f"compte : {code} n'est le sous-compte d'aucun compte existant "
            "(il doit commencer par le code d'un compte du plan, ex. 34211 → 342111)",
            field="code", code="code.no_parent")
    conn.execute(insert(Account), [{
        "code": code, "name": name, "cls": parent.cls, "parent": parent.code,
        "internal": parent.internal}])
    return AccountView(code, name, parent.cls, parent.code, bool(parent.internal), False)


def list_accounts(conn: Connection) -> list[AccountView]:
    # The balances table has a row for every account ever posted to: no scan of the lines.
    used = set(conn.scalars(select(Balance.account).where(Balance.dimension == "*").distinct()))
    return [
        AccountView(r.code, r.name, r.cls, r.parent, bool(r.internal), r.code in used)
        for r in conn.execute(select(Account.__table__).order_by(Account.code))
    ]
