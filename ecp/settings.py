"""Every setting of the books, declared once: key, French label, description, kind, default and
validation. The CLI (``ecp settings show | set``), the TUI settings screen and the domain code
that reads a setting all go through this module, so a value one accepts the other accepts.

Values are stored as text in the ``settings`` table; ``check`` gives the text to store (or an
``InputError`` about ``key`` or ``value``), the typed readers below give what the domain uses.
``reserve.<MEMBRE>`` is a family of keys: one per member, same rule as ``reserve.default``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ecp.kernel.errors import InputError
from ecp.kernel.units import Rate, parse_percent

Kind = Literal["text", "ice", "rib", "choice", "days", "percent", "amount_or_percent",
               "digits", "amount"]


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str  # French, what the user reads
    description: str
    kind: Kind = "text"
    default: str = ""  # what applies while the key is not set ("" = nothing)
    required: bool = False  # the ECP's identity: required before the first document
    choices: tuple[str, ...] = ()
    digits: tuple[int, int] = (0, 0)  # kind "digits": fewest and most digits


def _company(key: str, label: str, required: bool = True, kind: Kind = "text",
             description: str = "", digits: tuple[int, int] = (0, 0)) -> SettingSpec:
    return SettingSpec(f"company.{key}", label,
                       description or f"{label} de l'ECP, imprimé sur chaque document",
                       kind, required=required, digits=digits)


# Digits of the ECP's identifiers [?]: the IF has 7 or 8 digits in every public example
# found (older ones 7), the employer's CNSS affiliation 7 to 10, the RC number up to 10; no
# primary source fixes them (docs/invoicing.md). The ICE is checked by its key (stdnum.ma.ice).
IF_DIGITS = (7, 8)
CNSS_DIGITS = (7, 10)
RC_DIGITS = (1, 10)
# Late-payment mention printed on invoices when sales.penalty_rate is not set: the fine of
# loi 69-21 as the DGI's communiqués state it [S] (policy rate of Bank Al-Maghrib for the first
# month, 0,85 % per extra month). The rate changes with the policy rate: set yours.
PENALTY_LAW = ("Tout retard de paiement est passible de l'amende de la loi 69-21 : taux "
               "directeur de Bank Al-Maghrib le premier mois de retard, puis 0,85 % par mois "
               "ou fraction de mois supplémentaire.")
PENALTY_BASIS = "par mois de retard, sur le montant TTC restant dû"


SETTINGS: dict[str, SettingSpec] = {s.key: s for s in (
    _company("name", "raison sociale"),
    _company("legal_form", "forme juridique"),
    _company("capital", "capital", kind="amount",
             description="capital social en DH (ex. 150 000), imprimé « 150 000 DH »"),
    _company("address", "adresse"),
    _company("city", "ville"),
    _company("if", "identifiant fiscal (IF)", kind="digits", digits=IF_DIGITS),
    _company("tp", "taxe professionnelle (TP)"),
    _company("ice", "ICE", kind="ice", description="identifiant commun de l'entreprise, "
             "15 chiffres dont la clé de contrôle"),
    _company("rc", "registre de commerce (RC)", kind="digits", digits=RC_DIGITS,
             description="numéro au registre de commerce (chiffres ; le tribunal à part)"),
    _company("court", "tribunal du RC"),
    _company("cnss", "numéro CNSS", kind="digits", digits=CNSS_DIGITS),
    _company("bank", "banque"),
    _company("rib", "RIB", kind="rib", description="relevé d'identité bancaire, 24 chiffres"),
    _company("logo", "logo (chemin d'une image)", required=False,
             description="image imprimée en tête des documents (facultatif)"),
    SettingSpec("vat.regime", "régime de TVA",
                "encaissement (défaut : TVA due au règlement) ou debits (due à la facture) ; "
                "s'applique au 1er janvier d'un exercice (vat.regime.AAAA par année)",
                "choice", "encaissement", choices=("encaissement", "debits")),
    SettingSpec("vat.filing", "périodicité de la déclaration de TVA",
                "mensuel (défaut) ou trimestriel (CGI art. 108 : mensuel dès 1 000 000 DH de "
                "chiffre d'affaires taxable l'année précédente)",
                "choice", "mensuel", choices=("mensuel", "trimestriel")),
    SettingSpec("sales.due_days", "délai de paiement",
                "délai de paiement par défaut, en jours (60 au plus, loi 69-21 ; au-delà, un "
                "délai convenu par écrit se saisit sur la facture)", "days", "60"),
    SettingSpec("sales.penalty_rate", "taux des pénalités de retard",
                "taux imprimé sur les factures (ex. 2,25 %) ; vide : la mention de l'amende de "
                "la loi 69-21 (taux directeur de Bank Al-Maghrib, puis 0,85 % par mois)",
                "percent"),
    SettingSpec("sales.penalty_basis", "base des pénalités de retard",
                "ce à quoi s'applique le taux des pénalités", "text", PENALTY_BASIS),
    SettingSpec("sales.reminder_gap_days", "délai avant la mise en demeure",
                "jours entre la première relance d'une facture échue et la mise en demeure "
                "(défaut 15)", "days", "15"),
    SettingSpec("documents.max_future_days", "dates futures admises",
                "jours au plus après aujourd'hui pour la date d'une facture, d'un avoir, d'un "
                "devis ou d'un versement (défaut 30 : au-delà, c'est presque toujours l'année "
                "mal tapée ; 0 : jamais dans le futur)", "days", "30"),
    SettingSpec("contribution.default_rate", "taux de contribution par défaut",
                "taux de contribution aux services partagés des membres sans taux propre "
                "(ex. 10 ou 7,5 %)", "percent", "10"),
    SettingSpec("contribution.basis", "base de la contribution",
                "encaissement (défaut : HT encaissé du mois) ou facturation (HT facturé)",
                "choice", "encaissement", choices=("encaissement", "facturation")),
    SettingSpec("reserve.default", "réserve par défaut",
                "réserve gardée sur la trésorerie de chaque membre : un montant en DH ou un % "
                "(reserve.CODE pour un membre)", "amount_or_percent"),
    SettingSpec("impact.autonomy_threshold", "seuil d'autonomie d'un membre",
                "chiffre d'affaires HT mensuel en DH à partir duquel un membre est compté "
                "autonome dans les indicateurs d'impact (défaut 3 000)", "amount", "3000"),
)}
INTERNAL = ("verify.last",)  # written by the application, not by the user
RESERVE_PREFIX = "reserve."
REGIME_PREFIX = "vat.regime."  # vat.regime.AAAA: the regime of fiscal year AAAA

# Dated data (CGI art. 108): the previous year's taxable turnover, in centimes, from which
# the VAT return is monthly. (valid_from, valid_to exclusive or None, centimes), by year.
MONTHLY_FILING_THRESHOLDS: tuple[tuple[int, int | None, int], ...] = (
    (2000, None, 100_000_000),
)


def spec(key: str) -> SettingSpec:
    """The declaration of ``key`` (``reserve.CODE`` shares ``reserve.default``'s);
    InputError about ``key`` when the key is unknown."""
    k = key.strip()
    if k in SETTINGS:
        return SETTINGS[k]
    if k.startswith(RESERVE_PREFIX) and len(k) > len(RESERVE_PREFIX):
        code = k[len(RESERVE_PREFIX):]
        if code.replace("-", "").replace("_", "").isalnum():
            return SettingSpec(k, f"réserve de {code}", f"réserve gardée sur la trésorerie de "
                               f"{code} : un montant en DH ou un %", "amount_or_percent")
    if k.startswith(REGIME_PREFIX):
        year = k[len(REGIME_PREFIX):]
        if year.isdigit() and len(year) == 4:
            base = SETTINGS["vat.regime"]
            return SettingSpec(k, f"régime de TVA {year}", f"régime de TVA de l'exercice {year}",
                               "choice", base.default, choices=base.choices)
    known = ", ".join(SETTINGS)
    raise InputError(f"paramètre « {k} » inconnu (connus : {known}, reserve.CODE, "
                     "vat.regime.AAAA)", field="key",
                     code="key.unknown")


def check(key: str, value: str) -> str:
    """The text to store for ``key``; InputError about ``value`` naming the key and the rule.

    An empty value clears an optional key (its default applies again)."""
    s = spec(key)
    v = value.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in v):
        raise InputError(f"{s.key} : caractère de contrôle interdit", field="value")
    if not v:
        if s.required:
            raise InputError(f"{s.key} : obligatoire ({s.label})", field="value",
                             code="value.required")
        return ""
    if s.kind == "ice":
        from ecp.kernel.ids import check_ice
        try:
            return check_ice(v, s.key)
        except InputError as exc:
            raise InputError(str(exc), field="value", code=exc.code) from None
    if s.kind == "rib":
        digits = v.replace(" ", "")
        if not digits.isdigit() or len(digits) != 24:
            raise InputError(f"{s.key} : un RIB marocain compte 24 chiffres", field="value")
        return digits
    if s.kind == "choice":
        if v not in s.choices:
            raise InputError(f"{s.key} : « {' » ou « '.join(s.choices)} »", field="value")
        return v
    if s.kind == "days":
        # dates in the future: 0 (never) to a year; terms and gaps: 1 to 60 days
        low, high = (0, 366) if s.key == "documents.max_future_days" else (1, 60)
        if not v.isdigit() or not low <= int(v) <= high:
            why = (" (loi 69-21, code de commerce art. 78-2 : au-delà de 60 jours, un délai "
                   "convenu par écrit, facture par facture)" if s.key == "sales.due_days"
                   else "")
            raise InputError(f"{s.key} : un nombre de jours entre {low} et {high}{why}",
                             field="value", code="value.days")
        return str(int(v))
    if s.kind == "digits":
        digits = v.replace(" ", "")
        low, high = s.digits
        size = f"{low} à {high}" if low != high else str(low)
        if not digits.isdigit() or not low <= len(digits) <= high:
            raise InputError(f"{s.key} ({s.label}) : « {v} » doit compter {size} chiffres",
                             field="value", code=f"{s.key}.digits")
        return digits
    if s.kind == "amount":
        from ecp.kernel.money import fmt_plain, parse
        text = v.removesuffix("DH").removesuffix("dirhams").strip()
        cents = parse(text, f"{s.key} ({s.label})", field="value")
        if cents <= 0:
            raise InputError(f"{s.key} ({s.label}) : un montant positif en DH", field="value",
                             code=f"{s.key}.amount")
        return fmt_plain(cents).removesuffix(".00")
    if s.kind == "percent":
        parse_percent(v, s.key, field="value")
        return v
    if s.kind == "amount_or_percent":
        _reserve(v, s.key, "value")
        return v
    return v


def _reserve(text: str, key: str, field: str) -> tuple[Rate | None, int]:
    """(rate, 0) for ``10 %``, (None, centimes) for an amount."""
    if text.rstrip().endswith("%"):
        return parse_percent(text, key, field=field), 0
    from ecp.kernel.money import parse
    cents = parse(text, key, field=field)
    if cents < 0:
        raise InputError(f"{key} : ne peut être négative", field=field)
    return None, cents


@dataclass(frozen=True)
class SettingView:
    key: str
    label: str
    description: str
    value: str  # as stored, "" when not set
    default: str
    required: bool

    @property
    def missing(self) -> bool:
        return self.required and not self.value.strip()


def views(stored: Mapping[str, str]) -> list[SettingView]:
    """Every declared key, then each member's ``reserve.CODE`` that is set, with its value."""
    specs = list(SETTINGS.values())
    specs += [spec(k) for k in sorted(stored) if k.startswith((RESERVE_PREFIX, REGIME_PREFIX))
              and k not in SETTINGS]
    return [SettingView(s.key, s.label, s.description, stored.get(s.key, ""), s.default,
                        s.required) for s in specs]


# --- typed readers (what the domain uses) ----------------------------------------------------

def value(stored: Mapping[str, str], key: str) -> str:
    """The stored text, or the declared default when unset or empty."""
    return (stored.get(key) or "").strip() or spec(key).default


def contribution_default_rate(stored: Mapping[str, str]) -> Rate:
    return parse_percent(value(stored, "contribution.default_rate"),
                         "contribution.default_rate", field="contribution.default_rate")


def contribution_on_invoicing(stored: Mapping[str, str]) -> bool:
    return value(stored, "contribution.basis") == "facturation"


def vat_regime(stored: Mapping[str, str], year: int) -> str:
    """The VAT regime of fiscal year ``year``: the latest ``vat.regime.AAAA`` with AAAA ≤ year,
    else ``vat.regime`` (the regime of the years before any dated choice), else the default."""
    dated = [(int(k[len(REGIME_PREFIX):]), v.strip()) for k, v in stored.items()
             if k.startswith(REGIME_PREFIX) and k[len(REGIME_PREFIX):].isdigit() and v.strip()]
    past = [(y, v) for y, v in dated if y <= year]
    return max(past)[1] if past else value(stored, "vat.regime")


def vat_on_payment(stored: Mapping[str, str], year: int) -> bool:
    return vat_regime(stored, year) != "debits"


def regime_key(key: str, this_year: int, posted_years: set[int]) -> str:
    """The key that records a choice of regime made in ``this_year``: ``vat.regime`` itself
    while the books hold no entry, else the current year while nothing is posted in it, else
    the next one; ``vat.regime.AAAA`` names
    its year. A year in which anything is posted keeps its regime: InputError about ``value``."""
    k = key.strip()
    if k == "vat.regime" and not posted_years:
        return k  # books without entries: the regime of every year without a dated choice
    if k == "vat.regime":
        year = this_year + 1 if this_year in posted_years else this_year
    else:
        year = int(k[len(REGIME_PREFIX):])
    if year in posted_years:
        raise InputError(f"{k} : des écritures sont déjà passées en {year} ; le régime de TVA "
                         f"ne change qu'au 1er janvier d'un exercice sans écriture "
                         f"(vat.regime.{max(posted_years) + 1})", field="value",
                         code="value.regime_year")
    return f"{REGIME_PREFIX}{year}"


def monthly_filing_threshold(year: int) -> int:
    """The turnover (centimes) of year ``year - 1`` from which year ``year`` files monthly."""
    for start, end, cents in MONTHLY_FILING_THRESHOLDS:
        if start <= year and (end is None or year < end):
            return cents
    raise InputError(f"vat.filing : aucun seuil connu pour {year}", field="value")


def filing_warning(stored: Mapping[str, str], year: int, previous_turnover: int) -> str | None:
    """The warning owed when the filing is quarterly although last year's taxable turnover
    reached the monthly threshold (CGI art. 108), else None."""
    from ecp.kernel.money import fmt_fr
    limit = monthly_filing_threshold(year)
    if value(stored, "vat.filing") == "trimestriel" and previous_turnover >= limit:
        return (f"attention : chiffre d'affaires taxable {year - 1} de "
                f"{fmt_fr(previous_turnover)} DH ≥ {fmt_fr(limit)} DH, la déclaration de TVA "
                f"{year} doit être mensuelle (CGI art. 108)")
    return None


def due_days(stored: Mapping[str, str]) -> int:
    return min(int(value(stored, "sales.due_days")), 60)


def max_future_days(stored: Mapping[str, str]) -> int:
    """How many days after today a document may be dated."""
    return int(value(stored, "documents.max_future_days"))


def impact_autonomy_threshold(stored: Mapping[str, str]) -> int:
    """The monthly HT turnover (centimes) from which a member counts as autonomous."""
    from ecp.kernel.money import parse
    return parse(value(stored, "impact.autonomy_threshold"), "impact.autonomy_threshold",
                 field="impact.autonomy_threshold")


def reminder_gap_days(stored: Mapping[str, str]) -> int:
    """Days from a first reminder (relance) to the mise en demeure it allows."""
    return int(value(stored, "sales.reminder_gap_days"))


def capital_text(stored: str) -> str:
    """The capital as printed: « 150 000 DH » from the stored amount; a value stored before
    the amount rule (« 100 000 DH ») prints as it was typed."""
    from ecp.kernel.money import fmt_fr, parse
    try:
        cents = parse(stored.removesuffix("DH").strip(), "capital")
    except InputError:
        return stored
    return fmt_fr(cents, "DH").replace(",00 DH", " DH")


def penalty_mention(stored: Mapping[str, str]) -> str:
    """The late-payment mention of an invoice: « Pénalités de retard : 2,25 % par mois de
    retard, sur le montant TTC restant dû. » from the settings, else the loi 69-21 fine."""
    rate = (stored.get("sales.penalty_rate") or "").strip()
    if not rate:
        return PENALTY_LAW
    from ecp.kernel.units import fmt_rate
    bp = parse_percent(rate, "sales.penalty_rate", field="sales.penalty_rate")
    return f"Pénalités de retard : {fmt_rate(bp)} {value(stored, 'sales.penalty_basis')}."


def reserve_rule(stored: Mapping[str, str], member: str) -> tuple[Rate | None, int] | None:
    """The reserve kept for ``member``: (rate, 0) for a % of the treasury, (None, centimes)
    for an amount, None when no rule applies."""
    key = f"{RESERVE_PREFIX}{member}"
    text = (stored.get(key) or "").strip()
    if not text:
        key = "reserve.default"
        text = (stored.get(key) or "").strip()
    if not text:
        return None
    return _reserve(text, key, key)
