"""The statutory statements (issue 15): Bilan and CPC of a fiscal year from the trial balance,
N and N-1, internal accounts left out, actif = passif.

The worked year 2026 (DH), computed by hand:

- capital paid in the bank (ECP): 5141 D 100 000 / 1111 C 100 000;
- a sale of services (FZ): 34211 D 12 000 / 71241 C 10 000 / 44551 C 2 000 (VAT 20 %);
- a purchase of materials (FZ): 61211 D 4 000 / 34552 D 800 / 44111 C 4 800;
- the rent paid (ECP): 61312 D 1 000 / 5141 C 1 000;
- the contribution, internal: FZ 61468 D 500 / 44881 C 500, ECP 44881 D 500 / 71248 C 500.

Without the internal accounts (61468 and 71248 cancel out, 44881 nets to zero):
CPC: ventes de biens et services 10 000 = I; achats consommés 4 000 + autres charges externes
1 000 = II 5 000; III = VII = XI = XIII = 10 000 − 5 000 = 5 000 (classes 7 − 6 non internal).
Bilan actif: créances 12 000 + 800 = 12 800; trésorerie 100 000 − 1 000 = 99 000;
total 111 800. Passif: capital 100 000 + résultat 5 000 = capitaux propres 105 000; dettes du
passif circulant 2 000 + 4 800 = 6 800; total 111 800 = actif. N-1 (2025): nothing.
2027 (not closed, nothing posted): N = the same balances, the 2026 result not closed yet in
« résultats nets en instance d'affectation » 5 000, the 2027 result 0; N-1 = 2026's N.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ecp import api
from ecp.cli import main
from ecp.ledger.entry import LineSpec
from ecp.reports.statutory import bilan_table, cpc_table, line_of, mapping
from ecp.reports.tables import Money, Table

D = dt.date
K = 100  # centimes per dirham


def _year(books: api.Books) -> None:
    def post(day: dt.date, label: str, *lines: tuple[str, str, int]) -> None:
        api.post_entry(books, "OD", day, label,
                       [LineSpec(a, d, amt * K) for a, d, amt in lines])

    post(D(2026, 1, 10), "Capital", ("5141", "ECP", 100_000), ("1111", "ECP", -100_000))
    post(D(2026, 2, 1), "Vente", ("34211", "FZ", 12_000), ("71241", "FZ", -10_000),
         ("44551", "FZ", -2_000))
    post(D(2026, 3, 1), "Achat", ("61211", "FZ", 4_000), ("34552", "FZ", 800),
         ("44111", "FZ", -4_800))
    post(D(2026, 4, 1), "Loyer", ("61312", "ECP", 1_000), ("5141", "ECP", -1_000))
    post(D(2026, 5, 1), "Contribution", ("61468", "FZ", 500), ("44881", "FZ", -500),
         ("44881", "ECP", 500), ("71248", "ECP", -500))


def _by_key(t: Table, col: int) -> dict[str, object]:
    return {r.key: r.cells[col] for r in t.rows if r.key}


def test_every_chart_account_of_classes_1_to_7_has_a_line(books: api.Books) -> None:
    assert mapping()[0].line == "non_valeurs"
    missing = [a.code for a in api.list_accounts(books)
               if len(a.code) > 2 and a.code[0] in "1234567" and line_of(a.code) is None]
    assert missing == []
    assert line_of("28332") is not None and line_of("28332").column == "amort"  # type: ignore[union-attr]
    assert line_of("1119").line == "capital"  # type: ignore[union-attr]


def test_worked_year_bilan_and_cpc_to_the_centime(books: api.Books) -> None:
    _year(books)
    n, n1 = api.statutory_figures(books, 2026)
    assert (n.start, n.end, n1.year) == (D(2026, 1, 1), D(2026, 12, 31), 2025)
    assert dict(n.actif) == {"creances": (12_800 * K, 0), "tresorerie_actif": (99_000 * K, 0)}
    assert dict(n.passif) == {"capital": 100_000 * K, "resultat_net": 5_000 * K,
                              "dettes_circulant": 6_800 * K}
    assert dict(n.cpc) == {"ventes_biens_services": 10_000 * K,
                           "achats_consommes": 4_000 * K, "autres_charges_externes": 1_000 * K}
    assert n.result == 5_000 * K
    assert n.actif_total() == (111_800 * K, 0) and n.passif_total() == 111_800 * K
    assert (dict(n1.actif), dict(n1.passif), dict(n1.cpc), n1.result) == ({}, {}, {}, 0)

    b = bilan_table(n, n1)
    net, net1 = _by_key(b, 3), _by_key(b, 4)
    assert net["actif.creances"] == Money(12_800 * K, True)
    assert net["actif.tresorerie_actif"] == Money(99_000 * K, True)
    assert net["actif.stocks"] == Money(0, True)
    assert net["actif.total_actif_immobilise"] == Money(0)
    assert net["actif.total_actif_circulant"] == Money(12_800 * K)
    assert net["actif.total_tresorerie_actif"] == Money(99_000 * K)
    assert net["actif.total"] == Money(111_800 * K)
    assert net["passif.capital"] == Money(100_000 * K, True)
    assert net["passif.resultat_net"] == Money(5_000 * K, True)
    assert net["passif.total_capitaux_propres"] == Money(105_000 * K)
    assert net["passif.total_financement_permanent"] == Money(105_000 * K)
    assert net["passif.dettes_circulant"] == Money(6_800 * K, True)
    assert net["passif.total_passif_circulant"] == Money(6_800 * K)
    assert net["passif.total_tresorerie_passif"] == Money(0)
    assert net["passif.total"] == Money(111_800 * K) == net["actif.total"]
    assert net1["actif.total"] == Money(0) == net1["passif.total"]

    c = cpc_table(n, n1)
    cn, cn1 = _by_key(c, c.column("n")), _by_key(c, c.column("n1"))
    expected = {"ventes_biens_services": 10_000, "produits_exploitation": 10_000,
                "achats_consommes": 4_000, "autres_charges_externes": 1_000,
                "charges_exploitation": 5_000, "resultat_exploitation": 5_000,
                "produits_financiers": 0, "charges_financieres": 0, "resultat_financier": 0,
                "resultat_courant": 5_000, "produits_non_courants": 0,
                "charges_non_courantes": 0, "resultat_non_courant": 0,
                "resultat_avant_impots": 5_000, "impots_resultats": 0, "resultat_net": 5_000}
    for key, dh in expected.items():
        assert cn[key] in (Money(dh * K), Money(dh * K, True)), key
        assert cn1[key] in (Money(0), Money(0, True)), key
    # the internal contribution is no turnover of the entity
    assert all("71248" not in str(r.key) for r in c.rows)


def test_next_year_not_closed_carries_the_result_awaiting_allocation(
        books: api.Books) -> None:
    _year(books)
    n, n1 = api.statutory_figures(books, 2027)
    assert n1.result == 5_000 * K and n.result == 0
    assert dict(n.passif) == {"capital": 100_000 * K, "resultats_instance": 5_000 * K,
                              "dettes_circulant": 6_800 * K}
    assert n.cpc == {}
    b = bilan_table(n, n1)
    assert _by_key(b, 4)["actif.total"] == Money(111_800 * K)
    assert _by_key(b, 4)["passif.resultat_net"] == Money(5_000 * K, True)
    assert _by_key(b, 3)["passif.resultats_instance"] == Money(5_000 * K, True)
    assert _by_key(cpc_table(n, n1), 4)["resultat_net"] == Money(5_000 * K)


def test_cli_bilan_and_cpc_json_and_out(books: api.Books, db_path: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    _year(books)
    books.engine.dispose()
    assert main(["--db", str(db_path), "report", "bilan", "--year", "2026",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    total = [r for r in rows if r["poste"] in ("total_actif", "total_passif")]
    assert [(r["net"], r["net_n1"]) for r in total] == [("111800.00", "0.00")] * 2
    out = tmp_path / "cpc.csv"
    assert main(["--db", str(db_path), "report", "cpc", "--year", "2026", "--format", "csv",
                 "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "resultat_net,5000.00,0.00,5000.00,0.00" in text.replace("\r", "")
    assert main(["--db", str(db_path), "report", "cpc", "--year", "2026"]) == 0
    shown = capsys.readouterr().out
    assert "XIII. Résultat net (XI - XII)" in shown and "5 000,00" in shown
    with pytest.raises(SystemExit) as bad:
        main(["--db", str(db_path), "report", "bilan", "--year", "26"])
    assert bad.value.code == 2
    assert "--year : « 26 » n'est pas une année (AAAA)" in capsys.readouterr().err
