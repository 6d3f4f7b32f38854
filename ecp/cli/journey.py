"""``ecp member stage|exit|journey``, the social file's options of ``ecp member edit``,
``ecp meeting`` and ``ecp workshop``: the member's journey (issue 18)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from ecp import api
from ecp.cli._common import add_out, date_arg, out_path
from ecp.kernel.money import fmt_fr, parse


def birth_date_arg(text: str) -> dt.date:
    """``type=`` for a birth date: AAAA-MM-JJ or JJ/MM/AAAA, any year (the books' own dates
    stay within 2000–2099)."""
    t = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(t, fmt).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"« {text[:40]} » n'est pas une date (JJ/MM/AAAA ou "
                                     "AAAA-MM-JJ)")


PROFILE_FLAGS = ("sex", "birth_date", "zone", "province", "education", "entry_situation",
                 "prescriber", "target")


def add_profile_options(s: Any) -> None:
    """The social file's options, on ``ecp member edit``."""
    s.add_argument("--sex", choices=["F", "M"], help="sexe (fiche sociale)")
    s.add_argument("--birth-date", dest="birth_date", type=birth_date_arg, metavar="D",
                   help="date de naissance")
    s.add_argument("--zone", metavar="TEXTE", help="commune ou quartier")
    s.add_argument("--province", metavar="TEXTE", help="province (ce qui sort anonymisé)")
    s.add_argument("--education", metavar="TEXTE", help="niveau d'études")
    s.add_argument("--entry-situation", dest="entry_situation", metavar="TEXTE",
                   help="situation à l'entrée (demandeur d'emploi inscrit, sans activité…)")
    s.add_argument("--prescriber", metavar="TEXTE", help="prescripteur (comment il est venu)")
    s.add_argument("--target", metavar="DH", help="objectif de chiffre d'affaires HT par mois")


def edit_profile(books: api.Books, code: str, a: argparse.Namespace) -> bool:
    """Apply the social file's options given to ``ecp member edit``; False when none was."""
    if all(getattr(a, f, None) is None for f in PROFILE_FLAGS):
        return False
    p = api.update_profile(books, code, sex=a.sex, birth_date=a.birth_date, zone=a.zone,
                           province=a.province, education=a.education,
                           entry_situation=a.entry_situation, prescriber=a.prescriber,
                           turnover_target=parse(a.target, "objectif", field="turnover_target")
                           if a.target is not None else None)
    print(f"Fiche sociale de {p.member} enregistrée (données personnelles : elles restent dans "
          "ces livres ; ce qui en sort est anonymisé)")
    return True


def cmd_stage(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    s = api.member_stage(books, a.code.upper(), a.stage, a.date)
    print(f"{s.member} : {s.label} le {s.day.strftime('%d/%m/%Y')}")
    return 0


def cmd_exit(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    s = api.member_exit(books, a.code.upper(), a.type, a.date, a.reason or "")
    print(f"{s.member} : {s.label} le {s.day.strftime('%d/%m/%Y')}"
          + (f" ({s.reason})" if s.reason else "") + " — statut : sorti")
    return 0


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def cmd_journey(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    j = api.member_journey(books, a.code.upper())
    p = j.profile
    print(f"Parcours de {p.member}")
    print("Fiche sociale :")
    for label, value in (
            ("sexe", p.sex), ("date de naissance",
                              p.birth_date.strftime("%d/%m/%Y") if p.birth_date else None),
            ("commune / zone", p.zone), ("province", p.province),
            ("niveau d'études", p.education), ("situation à l'entrée", p.entry_situation),
            ("prescripteur", p.prescriber),
            ("objectif de CA HT / mois",
             f"{fmt_fr(p.turnover_target)} DH" if p.turnover_target else None)):
        print(f"  {label} : {value or 'non renseigné'}")
    print("Étapes :" if j.stages else "Étapes : aucune")
    for s in j.stages:
        print(f"  {s.day.strftime('%d/%m/%Y')}  {s.label}" + (f" — {s.reason}" if s.reason
                                                             else ""))
    total = sum(m.minutes for m in j.meetings)
    print(f"Rendez-vous : {len(j.meetings)} ({_hours(total)})" if j.meetings
          else "Rendez-vous : aucun")
    for m in j.meetings:
        print(f"  {m.day.strftime('%d/%m/%Y')}  {_hours(m.minutes):>7}  {m.subject}"
              + (f" ({m.advisor})" if m.advisor else ""))
    print(f"Ateliers : {len(j.workshops)}" if j.workshops else "Ateliers : aucun")
    for w in j.workshops:
        print(f"  {w.day.strftime('%d/%m/%Y')}  {w.code}  {w.title} ({_hours(w.minutes)})")
    return 0


def cmd_meeting_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    m = api.add_meeting(books, a.member.upper(), a.date, a.minutes, a.subject,
                        a.advisor or "", a.notes or "")
    print(f"Rendez-vous n° {m.id} de {m.member} le {m.day.strftime('%d/%m/%Y')} "
          f"({_hours(m.minutes)}) : {m.subject}")
    return 0


def cmd_meeting_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = api.meetings(books, a.member.upper() if a.member else None)
    for m in rows:
        print(f"{m.id:>5}  {m.day.strftime('%d/%m/%Y')}  {m.member:<8} {_hours(m.minutes):>7}  "
              f"{m.subject}" + (f" ({m.advisor})" if m.advisor else ""))
    print(f"{len(rows)} rendez-vous, {_hours(sum(m.minutes for m in rows))}")
    return 0


def cmd_workshop_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    w = api.add_workshop(books, a.code, a.title, a.date, a.minutes)
    print(f"Atelier {w.code} : {w.title}, le {w.day.strftime('%d/%m/%Y')} ({_hours(w.minutes)})")
    return 0


def cmd_workshop_attend(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    w = api.workshop_attend(books, a.code, a.member.upper())
    print(f"Atelier {w.code} : {a.member.upper()} présent ({len(w.attendees)} présent(s))")
    return 0


def cmd_workshop_sheet(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    out = out_path(books, a)
    assert out is not None  # --out is required
    path = api.workshop_sheet(books, a.code, out)
    w = api.workshop(books, a.code)
    print(f"Feuille d'émargement de {w.code} ({len(w.attendees)} inscrit(s)) : {path}")
    return 0


def cmd_workshop_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    for w in api.workshops(books):
        print(f"{w.code:<12} {w.day.strftime('%d/%m/%Y')}  {_hours(w.minutes):>7}  "
              f"{len(w.attendees):>3} présent(s)  {w.title}")
    return 0


def _minutes(text: str) -> int:
    t = text.strip()
    if not t.isascii() or not t.isdigit() or len(t) > 4:
        raise argparse.ArgumentTypeError(f"« {text} » : une durée en minutes (ex. 90)")
    return int(t)


def register_member(m: Any) -> None:
    """``ecp member stage|exit|journey`` (``m``: the member group's sub-parsers)."""
    from ecp.kernel.vocab import EXIT_TYPES
    s = m.add_parser("stage", help="étape du parcours : candidat, convention, actif")
    s.add_argument("code", metavar="CODE")
    s.add_argument("stage", choices=["candidat", "convention", "actif"])
    s.add_argument("--date", type=date_arg, metavar="D", help="date de l'étape (aujourd'hui)")
    s.set_defaults(func=cmd_stage)
    s = m.add_parser("exit", help="sortie du membre, avec son type")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--date", type=date_arg, metavar="D", help="date de sortie (aujourd'hui)")
    s.add_argument("--type", required=True, choices=list(EXIT_TYPES),
                   help="emploi salarié, création de sa propre entreprise, formation, "
                        "abandon, autre")
    s.add_argument("--reason", metavar="TEXTE", help="motif")
    s.set_defaults(func=cmd_exit)
    s = m.add_parser("journey", help="le parcours : fiche sociale, étapes, rendez-vous, "
                                     "ateliers")
    s.add_argument("code", metavar="CODE")
    s.set_defaults(func=cmd_journey)


def register(sub: Any) -> None:
    """``ecp meeting`` and ``ecp workshop``."""
    g = sub.add_parser("meeting", help="rendez-vous d'accompagnement").add_subparsers(
        dest="sub", required=True)
    s = g.add_parser("add", help="noter un rendez-vous")
    s.add_argument("--member", required=True, metavar="CODE")
    s.add_argument("--date", required=True, type=date_arg, metavar="D")
    s.add_argument("--minutes", required=True, type=_minutes, metavar="N")
    s.add_argument("--subject", required=True, metavar="TEXTE")
    s.add_argument("--advisor", metavar="NOM", help="conseiller")
    s.add_argument("--notes", metavar="TEXTE")
    s.set_defaults(func=cmd_meeting_add)
    s = g.add_parser("list", help="les rendez-vous")
    s.add_argument("--member", metavar="CODE")
    s.set_defaults(func=cmd_meeting_list)
    g = sub.add_parser("workshop", help="ateliers collectifs d'accompagnement").add_subparsers(
        dest="sub", required=True)
    s = g.add_parser("add", help="créer un atelier")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--title", required=True, metavar="TITRE")
    s.add_argument("--date", required=True, type=date_arg, metavar="D")
    s.add_argument("--minutes", required=True, type=_minutes, metavar="N")
    s.set_defaults(func=cmd_workshop_add)
    s = g.add_parser("attend", help="noter un membre présent")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--member", required=True, metavar="CODE")
    s.set_defaults(func=cmd_workshop_attend)
    s = g.add_parser("list", help="les ateliers")
    s.set_defaults(func=cmd_workshop_list)
    s = g.add_parser("sheet", help="feuille d'émargement à imprimer (PDF)")
    s.add_argument("code", metavar="CODE")
    add_out(s, "FICHIER.pdf", required=True)
    s.set_defaults(func=cmd_workshop_sheet)
