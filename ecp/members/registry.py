"""The member registry: one home for adding, changing, listing and finding members.

A member is a ledger dimension of kind ``member`` (its code is used in postings and never
changes); the ECP itself is the dimension ``ECP``. Errors carry the façade parameter they are
about (``code``, ``name``, ``status``, ``contribution_rate``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, select, update

from ecp.db.models import Dimension, MemberRoute
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.periods import check_date
from ecp.kernel.text import NAME, SHORT, check_optional
from ecp.kernel.units import Rate
from ecp.kernel.vocab import MEMBER_STATUSES
from ecp.ledger.entry import ECP_DIMENSION, day_int, day_iso, int_day

LANGUAGES = ("fr", "ar")  # of the documents a member or a customer receives


@dataclass(frozen=True)
class MemberView:
    code: str
    kind: str
    name: str
    name_ar: str | None
    activity: str | None
    joined_on: str | None
    status: str
    contribution_pct: str | None  # "7,5" (French), None when the ECP's default applies
    contribution_bp: Rate | None = None
    # the latest remuneration route (salarie | independant), from ``route_from`` (ISO date);
    # None: no route chosen yet (payouts other than advances are refused)
    route: str | None = None
    route_from: str | None = None
    cnss: str | None = None
    dependants: int | None = None
    language: str = "fr"  # of the member's documents (statement, voucher, payslip…): fr | ar


def _view(r: Any, route: Any = None) -> MemberView:
    bp = r.contribution_bp
    pct = None
    if bp is not None:
        whole, frac = divmod(bp, 100)
        pct = f"{whole},{frac:02d}".rstrip("0").rstrip(",")
    return MemberView(r.code, r.kind, r.name, r.name_ar, r.activity,
                      day_iso(r.joined_on) if r.joined_on else None, r.status, pct,
                      Rate(bp) if bp is not None else None,
                      route.route if route is not None else None,
                      day_iso(route.valid_from) if route is not None else None,
                      route.cnss if route is not None else None,
                      route.dependants if route is not None else None,
                      getattr(r, "language", None) or "fr")


def _latest_routes(conn: Connection, code: str | None = None) -> dict[str, Any]:
    """The latest-dated route row of each member (or of ``code``)."""
    q = select(MemberRoute.__table__).order_by(MemberRoute.member, MemberRoute.valid_from)
    if code is not None:
        q = q.where(MemberRoute.member == code)
    return {r.member: r for r in conn.execute(q)}


def check_code(code: str) -> str:
    c = code.strip().upper()
    if not c or not c.replace("-", "").replace("_", "").isalnum() or len(c) > 20:
        raise InputError(f"code membre : « {c} » (lettres, chiffres, - ou _, 20 au plus)",
                         field="code")
    if c == ECP_DIMENSION:
        raise InputError("code membre : ECP est réservé à l'entreprise elle-même", field="code",
                         code="code.reserved")
    return c


def _check_rate(rate: Rate | None) -> None:
    if rate is not None and not 0 <= rate <= 10_000:
        raise InputError("taux de contribution : entre 0 et 100 %", field="contribution_rate",
                         code="contribution_rate.range")


def _check_texts(name: str | None, name_ar: str | None, activity: str | None) -> None:
    """Lengths of the columns (dimensions: name, name_ar 200, activity 100), no control
    character."""
    check_optional(name, "nom", NAME, field="name")
    check_optional(name_ar, "nom en arabe", NAME, field="name_ar")
    check_optional(activity, "activité", SHORT, field="activity")


def check_language(language: str) -> str:
    """``fr`` or ``ar`` (the languages of the documents), else an error on ``language``."""
    lang = language.strip().lower()
    if lang not in LANGUAGES:
        raise InputError(f"langue : « {language} » (fr ou ar)", field="language",
                         code="language.unknown")
    return lang


def add(conn: Connection, code: str, name: str, *, name_ar: str | None = None,
        activity: str | None = None, contribution_rate: Rate | None = None,
        joined: dt.date, language: str = "fr") -> MemberView:
    c = check_code(code)
    lang = check_language(language)
    if not name.strip():
        raise InputError("nom : obligatoire", field="name", code="name.required")
    _check_texts(name.strip(), (name_ar or "").strip(), (activity or "").strip())
    check_date(joined, "date d'entrée", field="joined")
    _check_rate(contribution_rate)
    if conn.scalar(select(Dimension.code).where(Dimension.code == c)):
        raise InputError(f"code membre : {c} existe déjà", field="code", code="code.exists")
    conn.execute(insert(Dimension), [{
        "code": c, "kind": "member", "name": name.strip(),
        "name_ar": (name_ar or "").strip() or None, "activity": (activity or "").strip() or None,
        "joined_on": day_int(joined), "status": "actif", "contribution_bp": contribution_rate,
        "language": lang}])
    return get(conn, c)


def update_member(conn: Connection, code: str, *, name: str | None = None,
                  name_ar: str | None = None, activity: str | None = None,
                  status: str | None = None, contribution_rate: Rate | None = None,
                  clear_rate: bool = False, language: str | None = None) -> MemberView:
    """Change the non-accounting fields of a member (the code, used in postings, never).
    ``clear_rate`` puts the member back on the ECP's default rate."""
    values: dict[str, object] = {}
    if language is not None:
        values["language"] = check_language(language)
    _check_texts(name and name.strip(), name_ar and name_ar.strip(),
                 activity and activity.strip())
    if name is not None:
        if not name.strip():
            raise InputError("nom : obligatoire", field="name", code="name.required")
        values["name"] = name.strip()
    if name_ar is not None:
        values["name_ar"] = name_ar.strip() or None
    if activity is not None:
        values["activity"] = activity.strip() or None
    if status is not None:
        if status not in MEMBER_STATUSES:
            raise InputError(f"statut : « {status} » (actif, suspendu ou sorti)",
                             field="status")
        values["status"] = status
    if contribution_rate is not None:
        _check_rate(contribution_rate)
        values["contribution_bp"] = contribution_rate
    elif clear_rate:
        values["contribution_bp"] = None
    c = get(conn, code).code
    if values:
        conn.execute(update(Dimension).where(Dimension.code == c).values(**values))
    return get(conn, c)


def find(conn: Connection, code: str) -> MemberView | None:
    """The member (or the ECP's own dimension) of that code, None when there is none."""
    r = conn.execute(select(Dimension.__table__).where(
        Dimension.code == code.strip().upper())).first()
    return _view(r, _latest_routes(conn, r.code).get(r.code)) if r is not None else None


def get(conn: Connection, code: str, field: str = "code") -> MemberView:
    """The member of that code; NotFoundError about ``field`` when there is none."""
    m = find(conn, code)
    if m is None or m.kind != "member":
        raise NotFoundError(f"membre « {code} » inconnu", field=field, code=f"{field}.unknown")
    return m


def exists(conn: Connection, code: str) -> bool:
    m = find(conn, code)
    return m is not None and m.kind == "member"


def list_members(conn: Connection, include_ecp: bool = False) -> list[MemberView]:
    q = select(Dimension.__table__).order_by(Dimension.kind != "ecp", Dimension.code)
    if not include_ecp:
        q = q.where(Dimension.kind == "member")
    routes = _latest_routes(conn)
    return [_view(d, routes.get(d.code)) for d in conn.execute(q)]


def active_codes(conn: Connection) -> list[str]:
    return list(conn.scalars(select(Dimension.code).where(
        Dimension.kind == "member", Dimension.status == "actif").order_by(Dimension.code)))


# --- remuneration routes (issue 14) ----------------------------------------------------------

ROUTES = ("salarie", "independant")
ROUTE_LABELS = {"salarie": "salarié", "independant": "indépendant"}
MAX_DEPENDANTS = 30  # a sanity bound; the IR family deduction counts at most 6 (payroll rules)


class Route(NamedTuple):
    """How a member is paid on a day: (route, CNSS number, dependants)."""

    route: str  # salarie | independant
    cnss: str | None
    dependants: int


def check_route(route: str) -> str:
    r = route.strip().lower().replace("é", "e")
    if r not in ROUTES:
        raise InputError(f"statut de rémunération : « {route} » (salarié ou indépendant)",
                         field="route", code="route.unknown")
    return r


def _check_cnss(cnss: str) -> str | None:
    c = cnss.strip().replace(" ", "")
    if not c:
        return None
    if not c.isdigit() or len(c) > 20:
        raise InputError(f"numéro CNSS : « {cnss} » (chiffres seulement, 20 au plus)",
                         field="cnss", code="cnss.format")
    return c


def set_route(conn: Connection, member: str, route: str, day: dt.date,
              cnss: str | None = None, dependants: int | None = None, *,
              user: str = "", at: str = "") -> Route:
    """The member is paid by ``route`` from ``day`` on (a new dated row, insert-only: an
    earlier route stays for the payouts made under it). ``cnss`` and ``dependants`` left None
    keep the member's current ones (none and 0 for a first route); an empty ``cnss`` clears
    the number."""
    code = get(conn, member, "member").code
    r = check_route(route)
    check_date(day, "date d'effet du statut", field="day")
    current = route_on(conn, code, day)
    number = _check_cnss(cnss) if cnss is not None else (current.cnss if current else None)
    n = dependants if dependants is not None else (current.dependants if current else 0)
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_DEPENDANTS:
        raise InputError(f"personnes à charge : {n} (entier de 0 à {MAX_DEPENDANTS})",
                         field="dependants", code="dependants.range")
    d = day_int(day)
    if conn.scalar(select(MemberRoute.member).where(MemberRoute.member == code,
                                                    MemberRoute.valid_from == d)):
        raise InputError(f"statut de rémunération de {code} : déjà fixé au {day.isoformat()} "
                         "(un changement prend une autre date d'effet)", field="day",
                         code="day.route_exists")
    conn.execute(insert(MemberRoute).values(member=code, valid_from=d, route=r, cnss=number,
                                            dependants=n, at=at, by=user))
    return Route(r, number, n)


def route_on(conn: Connection, member: str, day: dt.date) -> Route | None:
    """The member's route on ``day`` (the latest row dated on or before it), None before any."""
    r = conn.execute(select(MemberRoute.route, MemberRoute.cnss, MemberRoute.dependants)
                     .where(MemberRoute.member == member.strip().upper(),
                            MemberRoute.valid_from <= day_int(day))
                     .order_by(MemberRoute.valid_from.desc()).limit(1)).first()
    return Route(r.route, r.cnss, int(r.dependants)) if r is not None else None


def route_history(conn: Connection, member: str) -> list[tuple[dt.date, Route]]:
    """Every route of the member with its date of effect, oldest first."""
    return [(int_day(r.valid_from), Route(r.route, r.cnss, int(r.dependants)))
            for r in conn.execute(select(MemberRoute.__table__).where(
                MemberRoute.member == member.strip().upper()).order_by(MemberRoute.valid_from))]
