"""A network of ECPs (issue 18, « Un réseau d'ECP »): each ECP's own indicators
(:class:`~ecp.reports.impact.Impact`, computed by ``ecp.api.impact_report`` on its own books,
read-only) side by side, one column per ECP, and the network's total in a « Réseau » column.

Pure: ``ecp.api.network`` opens the books and computes each ECP's ``Impact``; this module only
adds them up (``combine``) and presents them (``network_tables``, ``render_network``). Nothing
is recomputed differently: every count and amount of the network is the sum of the ECPs' own
figures (the full-time equivalents too: each ECP's hundredths, already rounded, added up). The
two averages (months to the first invoice, to autonomy) are the average over the network's
members of each member's own figure, half-up, as each ECP computes its own.

Only aggregates leave an ECP: no member's name, code, birth date or commune is in the network
report (the anonymised indicators and the headline figures).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ecp.kernel.money import fmt_fr, fmt_plain
from ecp.kernel.units import half_up_div
from ecp.reports.impact import (
    ANONYMISED_COLUMNS,
    BAND_LABELS,
    BANDS,
    EXIT_LABELS,
    STAGE_LABELS,
    UNKNOWN,
    UNKNOWN_KEY,
    ActivityLine,
    Impact,
    anonymised_rows,
    summary_rows,
)
from ecp.reports.tables import Cell, Column, Money, Row, Table, Term

NETWORK = "Réseau"
NETWORK_KEY = "reseau"
NOTICE = ("données agrégées par ECP : aucun nom, aucun code de membre, aucune date de "
          "naissance, aucune commune")
SEX_LABELS = {"F": "femmes", "M": "hommes", UNKNOWN_KEY: "sexe non renseigné"}


@dataclass(frozen=True)
class Source:
    """One ECP of the network: its place in the ``--db`` list (1, 2…), where it was read (the
    URL without its password), its column's name, and its indicators — or, when it could not
    be opened or read, why (``error``)."""

    n: int
    where: str
    label: str
    impact: Impact | None = None
    error: str | None = None

    @property
    def key(self) -> str:
        return f"ecp_{self.n}"


@dataclass(frozen=True)
class Network:
    start: dt.date
    end: dt.date
    sources: tuple[Source, ...]
    total: Impact  # the read ECPs' indicators added up (``combine``)

    @property
    def present(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.impact is not None)

    @property
    def missing(self) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.impact is None)


def _sum_pairs(parts: Sequence[tuple[tuple[str, int], ...]]) -> tuple[tuple[str, int], ...]:
    keys: list[str] = []
    total: dict[str, int] = {}
    for part in parts:
        for k, n in part:
            if k not in total:
                keys.append(k)
                total[k] = 0
            total[k] += n
    return tuple((k, total[k]) for k in keys)


def _sum_grid(parts: Sequence[tuple[tuple[str, int, int, int], ...]]
              ) -> tuple[tuple[str, int, int, int], ...]:
    keys: list[str] = []
    total: dict[str, list[int]] = {}
    for part in parts:
        for band, f, m, nr in part:
            if band not in total:
                keys.append(band)
                total[band] = [0, 0, 0]
            line = total[band]
            line[0] += f
            line[1] += m
            line[2] += nr
    return tuple((b, total[b][0], total[b][1], total[b][2]) for b in keys)


def _average(values: Sequence[int]) -> int | None:
    return half_up_div(sum(values), len(values)) if values else None


def combine(impacts: Sequence[Impact], start: dt.date, end: dt.date) -> Impact:
    """The network's indicators: each count and amount the sum of the ECPs' own; the
    activities merged by name; the averages over every member of the network (each member's
    own months, as each ECP computed them). ``threshold``: the ECPs' common autonomy threshold,
    0 when they differ (each counted its autonomous members at its own)."""
    thresholds = {i.threshold for i in impacts}
    acts: dict[str, list[int]] = {}
    for imp in impacts:
        for a in imp.activities:
            line = acts.setdefault(a.activity, [0, 0, 0])
            line[0] += a.members
            line[1] += a.turnover
            line[2] += a.contribution
    activities = tuple(ActivityLine(a, v[0], v[1], v[2])
                       for a, v in sorted(acts.items(), key=lambda kv: (-kv[1][1], kv[0])))
    members = tuple(p for imp in impacts for p in imp.members)
    with_entry = [p for p in members if p.entry is not None]
    inv = [p.months_to_invoice for p in with_entry if p.months_to_invoice is not None]
    aut = [p.months_to_autonomy for p in with_entry if p.months_to_autonomy is not None]

    def total(f: Callable[[Impact], int]) -> int:
        return sum(f(i) for i in impacts)

    period_months = impacts[0].period_months if impacts else (
        (end.year - start.year) * 12 + end.month - start.month + 1)
    return Impact(
        NETWORK, start, end, thresholds.pop() if len(thresholds) == 1 else 0, members,
        _sum_pairs([i.by_stage for i in impacts]), _sum_grid([i.by_sex_age for i in impacts]),
        total(lambda i: i.entries), _sum_pairs([i.exits for i in impacts]),
        total(lambda i: i.active), total(lambda i: i.salaried),
        total(lambda i: i.fte_hundredths), total(lambda i: i.pay_months), period_months,
        activities, total(lambda i: i.turnover), total(lambda i: i.contribution),
        total(lambda i: i.first6_total), total(lambda i: i.last6_total),
        _average(inv), total(lambda i: i.invoiced), _average(aut),
        total(lambda i: i.autonomous), total(lambda i: i.with_entry),
        total(lambda i: i.meetings), total(lambda i: i.meeting_minutes),
        total(lambda i: i.members_met), total(lambda i: i.sessions),
        total(lambda i: i.attendances), total(lambda i: i.attendees),
        total(lambda i: i.member_minutes))


def build(start: dt.date, end: dt.date, sources: Sequence[Source]) -> Network:
    present = [s.impact for s in sources if s.impact is not None]
    return Network(start, end, tuple(sources), combine(present, start, end))


# --- presentation ------------------------------------------------------------------------------

def period_text(start: dt.date, end: dt.date) -> str:
    return f"du {start.strftime('%d/%m/%Y')} au {end.strftime('%d/%m/%Y')}"


def _columns(net: Network, first: str) -> tuple[Column, ...]:
    return (Column("indicateur", first, width=40),
            *(Column(s.key, s.label, "right") for s in net.present),
            Column(NETWORK_KEY, NETWORK, "right"))


Getter = Callable[[Impact], Cell]


def _table(net: Network, title: str, first: str,
           lines: Sequence[tuple[str, str, Getter]]) -> Table:
    impacts = [s.impact for s in net.present if s.impact is not None]
    return Table(title, _columns(net, first), tuple(
        Row((Term(label, key), *(get(i) for i in impacts), get(net.total)), key=key)
        for key, label, get in lines))


def _pair(pairs: tuple[tuple[str, int], ...], key: str) -> int:
    return next((n for k, n in pairs if k == key), 0)


def _grid(grid: tuple[tuple[str, int, int, int], ...], band: str, sex: int) -> int:
    """``sex``: 0 women, 1 men, 2 not filled in."""
    return next(((f, m, nr)[sex] for b, f, m, nr in grid if b == band), 0)


def _activity(acts: tuple[ActivityLine, ...], name: str, what: str) -> Cell:
    line = next((a for a in acts if a.activity == name), None)
    if what == "membres":
        return line.members if line is not None else 0
    return Money(getattr(line, what) if line is not None else 0)


def _summary_getter(n: int) -> Getter:
    return lambda imp: summary_rows(imp)[n][2]


def _stage_getter(stage: str) -> Getter:
    return lambda imp: _pair(imp.by_stage, stage)


def _grid_getter(band: str, sex: int) -> Getter:
    return lambda imp: _grid(imp.by_sex_age, band, sex)


def _exit_getter(kind: str) -> Getter:
    return lambda imp: _pair(imp.exits, kind)


def _activity_getter(name: str, what: str) -> Getter:
    return lambda imp: _activity(imp.activities, name, what)


def network_tables(net: Network) -> list[tuple[str, Table]]:
    """The report's sections (key, table), one column per ECP read and the network's."""
    when = period_text(net.start, net.end)
    head = summary_rows(net.total)
    lines: list[tuple[str, str, Getter]] = []
    for n, (key, label, _value) in enumerate(head):
        if key == "mois_autonomie" and net.total.threshold == 0 and net.present:
            label = "Mois moyens de l'entrée à l'autonomie (au seuil de chaque ECP)"
        lines.append((key, label, _summary_getter(n)))
    out: list[tuple[str, Table]] = [("synthese", _table(
        net, f"Réseau de {len(net.present)} ECP {when}", "Indicateur", lines))]
    out.append(("etapes", _table(
        net, "Bénéficiaires par étape du parcours à la fin de la période", "Étape",
        [(s, STAGE_LABELS.get(s, UNKNOWN), _stage_getter(s)) for s, _n in net.total.by_stage])))
    grid: list[tuple[str, str, Getter]] = []
    for band in (*BANDS, UNKNOWN_KEY):
        for col, sex in enumerate(("F", "M", UNKNOWN_KEY)):
            grid.append((f"{sex}_{band}", f"{SEX_LABELS[sex]}, {BAND_LABELS.get(band, UNKNOWN)}"
                         if band != UNKNOWN_KEY else f"{SEX_LABELS[sex]}, âge non renseigné",
                         _grid_getter(band, col)))
    out.append(("sexe_age", _table(
        net, "Bénéficiaires par sexe et tranche d'âge (âge à la fin de la période)",
        "Sexe et tranche d'âge", grid)))
    moves: list[tuple[str, str, Getter]] = [
        ("entree", "entrées (membre actif)", lambda i: i.entries)]
    moves += [(f"sortie_{t}", f"sortie : {EXIT_LABELS.get(t, UNKNOWN)}",
               _exit_getter(t)) for t, _n in net.total.exits]
    out.append(("sorties", _table(net, f"Entrées et sorties {when}", "Mouvement", moves)))
    names = [a.activity for a in net.total.activities]
    out.append(("activites_ca", _table(
        net, f"Chiffre d'affaires HT par activité {when}", "Activité",
        [(a, a, _activity_getter(a, "turnover")) for a in names])))
    out.append(("activites_membres", _table(
        net, f"Membres ayant une activité par activité {when}", "Activité",
        [(a, a, _activity_getter(a, "membres")) for a in names])))
    out.append(("sources", sources_table(net)))
    return out


def sources_table(net: Network) -> Table:
    """Which ECP is which column, where it was read, and what it contributed (or why not)."""
    rows = []
    for s in net.sources:
        if s.impact is not None:
            state: Cell = Term("lue", "lue")
            why = ""
            people: Cell = len(s.impact.members)
            turnover: Cell = Money(s.impact.turnover)
        else:
            state, why, people, turnover = Term("manquante", "manquante"), s.error or "", "", ""
        rows.append(Row((s.key, s.label, s.where, state, people, turnover, why), key=s.key))
    return Table(
        "ECP du réseau : ce que chacune apporte",
        (Column("colonne", "Colonne"), Column("ecp", "ECP", width=24),
         Column("base", "Base", width=30), Column("etat", "État"),
         Column("beneficiaires", "Bénéficiaires", "right"),
         Column("chiffre_affaires_ht", "CA HT", "right"), Column("erreur", "Erreur", width=30)),
        tuple(rows),
        (Row((Term("Réseau", NETWORK_KEY), f"{len(net.present)} ECP lue(s)",
              f"{len(net.missing)} manquante(s)", "", len(net.total.members),
              Money(net.total.turnover), ""), "total"),))


def warnings(net: Network) -> list[str]:
    """What the reader must know before reading the figures: the ECPs left out."""
    return [f"ECP {s.n} ({s.where}) manquante : {s.error} — le réseau est incomplet"
            for s in net.missing]


def machine_csv(net: Network) -> str:
    """Every cell of every section in one long CSV (section, ligne, colonne, valeur), like
    ``ecp report impact --format csv``: the columns are ``ecp_1``, ``ecp_2``… and ``reseau``;
    the ``sources`` section says which ECP each ``ecp_N`` is."""
    import csv
    import io

    from ecp.reports.cells import csv_cell
    from ecp.reports.render import cell_text

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "ligne", "colonne", "valeur"])
    for key, t in network_tables(net):
        for r in t.rows:
            line = r.key or str(cell_text(r.cells[0], True) or "")
            for c, cell in zip(t.columns[1:], r.cells[1:], strict=True):
                w.writerow([key, csv_cell(line), c.key, csv_cell(cell_text(cell, True))])
    return buf.getvalue().rstrip("\n")


def machine_json(net: Network) -> str:
    from ecp.reports.render import render_table

    doc: dict[str, Any] = {
        "du": net.start.isoformat(), "au": net.end.isoformat(),
        "seuil_autonomie": fmt_plain(net.total.threshold) if net.total.threshold else None,
        "manquantes": [s.key for s in net.missing]}
    for key, t in network_tables(net):
        doc[key] = json.loads(render_table(t, "json"))
    return json.dumps(doc, ensure_ascii=False, indent=1)


def render_network(net: Network, fmt: str) -> str:
    if fmt == "csv":
        return machine_csv(net)
    if fmt == "json":
        return machine_json(net)
    from ecp.reports.render import render_table

    parts = [f"ATTENTION : {w}" for w in warnings(net)]
    if net.total.threshold:
        parts.append(f"Seuil d'autonomie commun : {fmt_fr(net.total.threshold)} DH HT par mois")
    parts += [render_table(t, "table") for _k, t in network_tables(net)]
    parts.append(NOTICE)
    return "\n\n".join(parts)


def network_anonymised_csv(net: Network) -> str:
    """The observatory's file for the whole network: each ECP's anonymised rows (no name, no
    code, an age band, the province — ``ecp.reports.impact.anonymised_rows``), the ECP's name
    first (an institution, not a person). The opaque ids are those of each ECP's own file."""
    import csv
    import io

    from ecp.reports.cells import csv_cell

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("ecp", *ANONYMISED_COLUMNS))
    for src in net.present:
        assert src.impact is not None
        w.writerows([[csv_cell(src.label), *(csv_cell(c) for c in row)]
                     for row in anonymised_rows(src.impact)])
    return buf.getvalue()
