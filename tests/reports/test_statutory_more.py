"""The statutory statements beyond Bilan and CPC (issue 15): the CPC's four columns, the ESG
(formation des résultats, CAF, autofinancement), the tableau de financement, the ETIC tables
(immobilisations, amortissements, stocks, TVA), the model by turnover, PDFs and the liasse.

The worked books, DH, computed by hand (dimension in brackets; internal accounts 44881, 61468,
71248 cancel out over the entity and are left out):

2025
- E1 capital (ECP): 5141 D 150 000 / 1111 C 150 000;
- E2 equipment (ECP): 23321 D 60 000, 2340 D 30 000, 34551 D 18 000 / 5141 C 108 000;
- E3 sale (FZ): 34211 D 24 000 / 71241 C 20 000 / 4455 C 4 000;
- E4 purchase (FZ): 61211 D 5 000, 34552 D 1 000 / 44111 C 6 000;
- E5 stock (FZ): 31211 D 2 000 / 61241 C 2 000;
- E6 depreciation (ECP): 61933 D 6 000, 61934 D 3 000 / 28332 C 6 000, 2834 C 3 000.
CPC 2025: ventes de biens et services 20 000; achats consommés 5 000 − 2 000 = 3 000,
dotations 9 000; result 8 000. Bilan 2025: corporelles 90 000 − 9 000 = 81 000, stocks 2 000,
créances 24 000 + 18 000 + 1 000 = 43 000, trésorerie 150 000 − 108 000 = 42 000: 168 000 =
capital 150 000 + résultat 8 000 + dettes 4 000 + 6 000.

2026 (neither year closed)
- F1 collection (FZ): 5141 D 24 000 / 34211 C 24 000;
- F2 capital increase (ECP): 5141 D 20 000 / 1111 C 20 000;
- F3 sale (FZ): 34211 D 36 000 / 71241 C 30 000 / 4455 C 6 000;
- F4 a 2025 sale forgotten (FZ): 34211 D 1 800 / 7128 C 1 500 / 4455 C 300;
- F5 purchase (FZ): 61211 D 8 000, 34552 D 1 600 / 44111 C 9 600;
- F6 a 2025 purchase forgotten (FZ): 6128 D 400 / 5141 C 400;
- F7 rent (ECP) 61312 D 2 000; F8 salary (ECP) 61711 D 5 000; F9 tax (ECP) 61671 D 100;
  F11 interest (ECP) 63115 D 300, each / 5141 C; F10 subsidy (ECP): 5141 D 1 000 / 7161 C;
- F12 dividends (ECP): 1181 D 4 000 / 4465 C 4 000; F13 paid: 4465 D 4 000 / 5141 C 4 000;
- F14 vehicle depreciation to its disposal (ECP): 61934 D 3 000 / 2834 C 3 000;
- F15 disposal (ECP): 2834 D 6 000, 6513 D 24 000, 3481 D 26 000 / 2340 C 30 000,
  7513 C 26 000; F16 price collected: 5141 D 26 000 / 3481 C 26 000;
- F17 computer (ECP): 2355 D 8 000, 34551 D 1 600 / 5141 C 9 600;
- F18 depreciation (ECP): 61933 D 12 000, 61935 D 1 000 / 28332 C 12 000, 28355 C 1 000;
- F19 stock (FZ): 31211 D 1 000 / 61241 C 1 000;
- F20 provision on a customer (FZ): 6196 D 500 / 3942 C 500;
- F21 contribution, internal: FZ 61468 D 500 / 44881 C 500, ECP 44881 D 500 / 71248 C 500;
- F22 VAT declared in February for 2025 (FZ 4455 D 4 000 / 34552 C 1 000 / 4456 C 3 000;
  ECP 3456 D 18 000 / 34551 C 18 000).

CPC 2026: I produits d'exploitation = 712 (30 000 + 1 500 = 31 500, of which 1 500 on 7128,
earlier years) + 716 1 000 = 32 500; II charges d'exploitation = achats consommés (8 000 + 400
− 1 000 = 7 400, of which 400 on 6128) + 2 000 + 100 + 5 000 + dotations (3 000 + 12 000 +
1 000 + 500 = 16 500) = 31 000; III = 1 500; VI = −300; VII = 1 200; X = 26 000 − 24 000 =
2 000; XIII = 3 200. Column 2 (exercices précédents): I 1 500, II 400, III 1 100 … XIII 1 100;
column 1: I 31 000, II 30 600, III 400, XIII 2 100.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from ecp import api
from ecp.ledger.entry import LineSpec
from ecp.reports.statutory import cpc_table
from ecp.reports.tables import Money, Table

D = dt.date
K = 100  # centimes per dirham
Line = tuple[str, str, int]


def _post(books: api.Books, day: dt.date, label: str, *lines: Line) -> None:
    api.post_entry(books, "OD", day, label, [LineSpec(a, d, amt * K) for a, d, amt in lines])


def worked_books(books: api.Books) -> None:
    """The two years of the module's docstring."""
    # the circulating provision: a CGNC account the shipped chart does not list, opened as
    # the plan has it (the prior-year sub-accounts 7128 and 6128 are in the chart)
    with books.engine.begin() as c:
        for code, name, cls in (("6196", "D.E. aux provisions pour dépréciation de l'actif "
                                 "circulant", 6),):
            c.execute(text("INSERT INTO accounts (code, name, cls, parent, internal) "
                           "VALUES (:c, :n, :k, NULL, 0)"), {"c": code, "n": name, "k": cls})
    p = _post
    p(books, D(2025, 1, 5), "Capital", ("5141", "ECP", 150_000), ("1111", "ECP", -150_000))
    p(books, D(2025, 2, 1), "Matériel", ("23321", "ECP", 60_000), ("2340", "ECP", 30_000),
      ("34551", "ECP", 18_000), ("5141", "ECP", -108_000))
    p(books, D(2025, 3, 1), "Vente", ("34211", "FZ", 24_000), ("71241", "FZ", -20_000),
      ("4455", "FZ", -4_000))
    p(books, D(2025, 4, 1), "Achat", ("61211", "FZ", 5_000), ("34552", "FZ", 1_000),
      ("44111", "FZ", -6_000))
    p(books, D(2025, 12, 31), "Stock", ("31211", "FZ", 2_000), ("61241", "FZ", -2_000))
    p(books, D(2025, 12, 31), "Amortissements", ("61933", "ECP", 6_000),
      ("61934", "ECP", 3_000), ("28332", "ECP", -6_000), ("2834", "ECP", -3_000))

    p(books, D(2026, 1, 15), "Encaissement", ("5141", "FZ", 24_000), ("34211", "FZ", -24_000))
    p(books, D(2026, 2, 1), "Augmentation de capital", ("5141", "ECP", 20_000),
      ("1111", "ECP", -20_000))
    p(books, D(2026, 2, 20), "Déclaration de TVA", ("4455", "FZ", 4_000),
      ("34552", "FZ", -1_000), ("4456", "FZ", -3_000), ("3456", "ECP", 18_000),
      ("34551", "ECP", -18_000))
    p(books, D(2026, 3, 1), "Vente", ("34211", "FZ", 36_000), ("71241", "FZ", -30_000),
      ("4455", "FZ", -6_000))
    p(books, D(2026, 3, 15), "Vente 2025 oubliée", ("34211", "FZ", 1_800),
      ("7128", "FZ", -1_500), ("4455", "FZ", -300))
    p(books, D(2026, 4, 1), "Achat", ("61211", "FZ", 8_000), ("34552", "FZ", 1_600),
      ("44111", "FZ", -9_600))
    p(books, D(2026, 4, 15), "Achat 2025 oublié", ("6128", "FZ", 400), ("5141", "FZ", -400))
    p(books, D(2026, 5, 1), "Loyer", ("61312", "ECP", 2_000), ("5141", "ECP", -2_000))
    p(books, D(2026, 5, 1), "Contribution", ("61468", "FZ", 500), ("44881", "FZ", -500),
      ("44881", "ECP", 500), ("71248", "ECP", -500))
    p(books, D(2026, 5, 31), "Salaire", ("61711", "ECP", 5_000), ("5141", "ECP", -5_000))
    p(books, D(2026, 6, 1), "Taxe", ("61671", "ECP", 100), ("5141", "ECP", -100))
    p(books, D(2026, 6, 1), "Subvention", ("5141", "ECP", 1_000), ("7161", "ECP", -1_000))
    p(books, D(2026, 6, 10), "Intérêts", ("63115", "ECP", 300), ("5141", "ECP", -300))
    p(books, D(2026, 6, 15), "Dividendes", ("1181", "ECP", 4_000), ("4465", "ECP", -4_000))
    p(books, D(2026, 6, 20), "Dividendes payés", ("4465", "ECP", 4_000),
      ("5141", "ECP", -4_000))
    p(books, D(2026, 6, 30), "Dotation jusqu'à la cession", ("61934", "ECP", 3_000),
      ("2834", "ECP", -3_000))
    p(books, D(2026, 6, 30), "Cession du véhicule", ("2834", "ECP", 6_000),
      ("6513", "ECP", 24_000), ("3481", "ECP", 26_000), ("2340", "ECP", -30_000),
      ("7513", "ECP", -26_000))
    p(books, D(2026, 7, 10), "Prix encaissé", ("5141", "ECP", 26_000), ("3481", "ECP", -26_000))
    p(books, D(2026, 9, 1), "Ordinateur", ("2355", "ECP", 8_000), ("34551", "ECP", 1_600),
      ("5141", "ECP", -9_600))
    p(books, D(2026, 12, 31), "Amortissements", ("61933", "ECP", 12_000),
      ("61935", "ECP", 1_000), ("28332", "ECP", -12_000), ("28355", "ECP", -1_000))
    p(books, D(2026, 12, 31), "Stock", ("31211", "FZ", 1_000), ("61241", "FZ", -1_000))
    p(books, D(2026, 12, 31), "Provision client", ("6196", "FZ", 500), ("3942", "FZ", -500))


def cells(t: Table, column: str) -> dict[str, object]:
    """Row key → the cell of ``column``."""
    i = t.column(column)
    return {r.key: r.cells[i] for r in t.rows if r.key}


def dh(t: Table, column: str) -> dict[str, int]:
    """Row key → the amount of ``column``, in whole DH (centimes checked to be zero)."""
    out = {}
    for key, cell in cells(t, column).items():
        if isinstance(cell, Money):
            assert cell.cents % K == 0, (key, cell)
            out[key] = cell.cents // K
    return out


@pytest.fixture
def worked(books: api.Books) -> api.Books:
    worked_books(books)
    return books


def test_cpc_four_columns_put_the_accounts_ending_in_8_in_the_second(
        worked: api.Books) -> None:
    n, n1 = api.statutory_figures(worked, 2026)
    assert dict(n.cpc_prior) == {"ventes_biens_services": 1_500 * K,
                                 "achats_consommes": 400 * K}
    assert n.result == 3_200 * K and n1.result == 8_000 * K
    c = cpc_table(n, n1)
    own, prior, total, before = (dh(c, k) for k in ("propres", "anterieurs", "n", "n1"))
    assert (own["ventes_biens_services"], prior["ventes_biens_services"],
            total["ventes_biens_services"], before["ventes_biens_services"]) == (
        30_000, 1_500, 31_500, 20_000)
    assert (own["achats_consommes"], prior["achats_consommes"],
            total["achats_consommes"], before["achats_consommes"]) == (7_000, 400, 7_400, 3_000)
    assert (own["produits_exploitation"], prior["produits_exploitation"],
            total["produits_exploitation"]) == (31_000, 1_500, 32_500)
    assert (own["charges_exploitation"], prior["charges_exploitation"],
            total["charges_exploitation"], before["charges_exploitation"]) == (
        30_600, 400, 31_000, 12_000)
    assert (own["resultat_exploitation"], prior["resultat_exploitation"]) == (400, 1_100)
    assert (total["resultat_financier"], total["resultat_courant"]) == (-300, 1_200)
    assert (total["resultat_non_courant"], prior["resultat_non_courant"]) == (2_000, 0)
    assert (own["resultat_net"], prior["resultat_net"], total["resultat_net"],
            before["resultat_net"]) == (2_100, 1_100, 3_200, 8_000)
    # 71278 (autres ventes) and the internal 71248 / 61468 end in 8 at the fifth digit only
    from ecp.reports.statutory import is_prior, line_of
    for account, prior_year in (("7128", True), ("71281", True), ("71278", False),
                                ("61468", False), ("6588", False), ("7118", True)):
        m = line_of(account)
        assert m is not None and is_prior(m, account) is prior_year, account


def test_esg_formation_des_resultats_and_caf_to_the_centime(worked: api.Books) -> None:
    """ESG 2026 (DH): production 31 500 (3: 31 500); consommation 7 400 + 2 000 = 9 400;
    valeur ajoutée 0 + 31 500 − 9 400 = 22 100; EBE 22 100 + 1 000 − 100 − 5 000 = 18 000;
    résultat d'exploitation 18 000 − 16 500 = 1 500 (the CPC's III); financier −300; courant
    1 200; non courant 26 000 − 24 000 = 2 000; net 3 200.
    CAF = 3 200 + dotations d'exploitation without 6196 (16 500 − 500 = 16 000) − produits des
    cessions 26 000 + VNC des immobilisations cédées 24 000 = 17 200; distributions (credit of
    4465) 4 000; autofinancement 13 200.
    2025: production 20 000, consommation 3 000, VA = EBE = 17 000, dotations 9 000,
    résultat 8 000, CAF 8 000 + 9 000 = 17 000 = autofinancement."""
    from ecp.reports.statutory import esg_table

    n, n1 = api.statutory_figures(worked, 2026)
    t = esg_table(n, n1, "normal")
    assert "modèle normal" in t.title
    got, before = dh(t, "n"), dh(t, "n1")
    expected = {"ventes_marchandises": 0, "achats_revendus": 0, "marge_brute": 0,
                "production": 31_500, "ventes_biens_services": 31_500,
                "consommation": 9_400, "achats_consommes": 7_400,
                "autres_charges_externes": 2_000, "valeur_ajoutee": 22_100,
                "subventions_exploitation": 1_000, "impots_taxes": 100,
                "charges_personnel": 5_000, "ebe": 18_000, "dotations_exploitation": 16_500,
                "resultat_exploitation": 1_500, "resultat_financier": -300,
                "resultat_courant": 1_200, "resultat_non_courant": 2_000,
                "resultat_net": 3_200, "caf_resultat_net": 3_200,
                "caf_dotations_exploitation": 16_000, "caf_reprises_exploitation": 0,
                "caf_produits_cessions": 26_000, "caf_vnc_cessions": 24_000, "caf": 17_200,
                "distributions": 4_000, "autofinancement": 13_200}
    assert {k: got[k] for k in expected} == expected
    assert {k: before[k] for k in ("production", "consommation", "valeur_ajoutee", "ebe",
                                   "resultat_exploitation", "resultat_net", "caf",
                                   "autofinancement")} == {
        "production": 20_000, "consommation": 3_000, "valeur_ajoutee": 17_000,
        "ebe": 17_000, "resultat_exploitation": 8_000, "resultat_net": 8_000,
        "caf": 17_000, "autofinancement": 17_000}
    assert got["resultat_net"] * K == n.result


def test_tableau_de_financement_masses_and_flows_to_the_centime(worked: api.Books) -> None:
    """Masses (DH), N = 2026 / N-1 = 2025:
    financement permanent: capital 170 000 + résultats en instance (2025's 8 000 − 4 000
    distributed) 4 000 + résultat 3 200 = 177 200 / 150 000 + 8 000 = 158 000 (+19 200:
    ressource); actif immobilisé net: 60 000 + 8 000 − 18 000 − 1 000 = 49 000 / 81 000
    (−32 000: ressource); fonds de roulement 128 200 / 77 000 (+51 200: ressource); actif
    circulant: stocks 3 000 + créances (37 800 + 1 600 + 1 600 + 18 000 − 500 = 58 500) =
    61 500 / 45 000 (+16 500: emploi); passif circulant: 4455 6 300 + 44111 15 600 + 4456
    3 000 = 24 900 / 10 000 (+14 900: ressource); BFG 36 600 / 35 000 (+1 600: emploi);
    trésorerie nette 91 600 / 42 000 (+49 600: emploi) = FR − BFG.
    Flows 2026: autofinancement 17 200 − 4 000 = 13 200, cessions d'immobilisations
    corporelles 26 000, augmentation de capital 20 000: ressources stables 59 200;
    acquisitions d'immobilisations corporelles 8 000: emplois stables 8 000;
    59 200 − 8 000 = 51 200 = the FR's variation (nothing unexplained); III BFG +1 600 and IV
    trésorerie +49 600 as emplois; total général 59 200 both sides.
    2025 (N-1 column, N-2 empty): ressources 17 000 + 150 000 = 167 000; emplois 90 000 +
    BFG 35 000 + trésorerie 42 000 = 167 000."""
    from ecp.reports.statutory import masses, tf_table, tf_year

    n, n1 = api.statutory_figures(worked, 2026)
    n2 = api.statutory_year(worked, 2024)
    assert {k: v // K for k, v in masses(n).items()} == {
        "financement_permanent": 177_200, "actif_immobilise": 49_000,
        "fonds_roulement": 128_200, "actif_circulant": 61_500, "passif_circulant": 24_900,
        "bfg": 36_600, "tresorerie_nette": 91_600}
    assert {k: v // K for k, v in masses(n1).items()} == {
        "financement_permanent": 158_000, "actif_immobilise": 81_000,
        "fonds_roulement": 77_000, "actif_circulant": 45_000, "passif_circulant": 10_000,
        "bfg": 35_000, "tresorerie_nette": 42_000}
    y = tf_year(n, n1)
    assert (y.bfg, y.tresorerie, y.unexplained) == (1_600 * K, 49_600 * K, 0)
    t = tf_table(n, n1, n2)
    a, b, use, res = dh(t, "n"), dh(t, "n1"), dh(t, "emplois"), dh(t, "ressources")
    assert (a["masse.fonds_roulement"], b["masse.fonds_roulement"],
            res["masse.fonds_roulement"]) == (128_200, 77_000, 51_200)
    assert res["masse.financement_permanent"] == 19_200
    assert res["masse.actif_immobilise"] == 32_000
    assert use["masse.actif_circulant"] == 16_500 and res["masse.passif_circulant"] == 14_900
    assert use["masse.bfg"] == 1_600 and use["masse.tresorerie_nette"] == 49_600
    assert {k: res[k] for k in ("autofinancement", "tf_caf", "tf_distributions", "cessions",
                                "tf_cessions_corporelles", "capitaux_propres",
                                "tf_augmentation_capital", "dettes_financement",
                                "total_ressources")} == {
        "autofinancement": 13_200, "tf_caf": 17_200, "tf_distributions": 4_000,
        "cessions": 26_000, "tf_cessions_corporelles": 26_000, "capitaux_propres": 20_000,
        "tf_augmentation_capital": 20_000, "dettes_financement": 0,
        "total_ressources": 59_200}
    assert {k: use[k] for k in ("acquisitions", "tf_acquisitions_corporelles",
                                "remboursement_capitaux_propres", "total_emplois")} == {
        "acquisitions": 8_000, "tf_acquisitions_corporelles": 8_000,
        "remboursement_capitaux_propres": 0, "total_emplois": 8_000}
    assert use["variation_bfg"] == 1_600 and use["variation_tresorerie"] == 49_600
    assert "ecart" not in cells(t, "poste")
    assert (use["total_general"], res["total_general"]) == (59_200, 59_200)
    use1, res1 = dh(t, "emplois_n1"), dh(t, "ressources_n1")
    assert (res1["autofinancement"], res1["tf_augmentation_capital"],
            res1["total_ressources"]) == (17_000, 150_000, 167_000)
    assert (use1["tf_acquisitions_corporelles"], use1["variation_bfg"],
            use1["variation_tresorerie"]) == (90_000, 35_000, 42_000)
    assert (use1["total_general"], res1["total_general"]) == (167_000, 167_000)


def test_tableau_de_financement_shows_what_the_flows_leave_unexplained(
        worked: api.Books) -> None:
    """A reserve credited from the bank by hand (1152 C 700 / 5141 D 700: no flow of the lines
    A to H) raises the FR by 700 that the flows do not explain: a row « non ventilées » of 700
    in ressources keeps the total général balanced (59 200 + 700 = 59 900 = 8 000 + 1 600 +
    50 300)."""
    from ecp.reports.statutory import tf_table

    _post(worked, D(2026, 12, 31), "Réserve", ("5141", "ECP", 700), ("1152", "ECP", -700))
    n, n1 = api.statutory_figures(worked, 2026)
    t = tf_table(n, n1, api.statutory_year(worked, 2024))
    use, res = dh(t, "emplois"), dh(t, "ressources")
    assert res["ecart"] == 700 and use["variation_tresorerie"] == 50_300
    assert (use["total_general"], res["total_general"]) == (59_900, 59_900)


def test_etic_immobilisations_amortissements_stocks_to_the_centime(worked: api.Books) -> None:
    """2026 (DH). Immobilisations: 233 (23321) 60 000 at the start, nothing moved, 60 000 at
    the end; 234 (2340) 30 000, disposed: cessions 30 000, 0 at the end; 235 (2355) bought
    8 000; corporelles 90 000 + 8 000 − 30 000 = 68 000.
    Amortissements: 233 (28332) 6 000 + dotations 12 000 = 18 000; 234 (2834) 3 000 + 3 000
    − 6 000 sur immobilisations sorties = 0; 235 (28355) 1 000; corporelles 9 000 + 16 000 −
    6 000 = 19 000; 68 000 − 19 000 = 49 000 = the Bilan's actif immobilisé net.
    Stocks: matières (31211) 3 000 (N-1 2 000, variation 1 000)."""
    from ecp.reports.statutory import amortissements_table, immobilisations_table, stocks_table

    n, n1 = api.statutory_figures(worked, 2026)
    t = immobilisations_table(n, "simplifie")
    cols = ("brut_debut", "acquisitions", "cessions", "brut_fin")
    got = {k: tuple(dh(t, c)[k] for c in cols)
           for k in ("installations", "materiel_transport", "mobilier", "corporelles",
                     "incorporelles", "total")}
    assert got == {"installations": (60_000, 0, 0, 60_000),
                   "materiel_transport": (30_000, 0, 30_000, 0),
                   "mobilier": (0, 8_000, 0, 8_000),
                   "corporelles": (90_000, 8_000, 30_000, 68_000),
                   "incorporelles": (0, 0, 0, 0), "total": (90_000, 8_000, 30_000, 68_000)}
    t = amortissements_table(n)
    cols = ("cumul_debut", "dotations", "sorties", "cumul_fin")
    got = {k: tuple(dh(t, c)[k] for c in cols)
           for k in ("installations", "materiel_transport", "mobilier", "corporelles",
                     "total")}
    assert got == {"installations": (6_000, 12_000, 0, 18_000),
                   "materiel_transport": (3_000, 3_000, 6_000, 0),
                   "mobilier": (0, 1_000, 0, 1_000),
                   "corporelles": (9_000, 16_000, 6_000, 19_000),
                   "total": (9_000, 16_000, 6_000, 19_000)}
    t = stocks_table(n, n1)
    stock_cols = ("brut", "provisions", "net", "net_n1", "variation")
    assert tuple(dh(t, c)["matieres"] for c in stock_cols) == (3_000, 0, 3_000, 2_000, 1_000)
    assert tuple(dh(t, c)["total"] for c in stock_cols) == (3_000, 0, 3_000, 2_000, 1_000)


def test_etic_tva_start_operations_declarations_end(worked: api.Books) -> None:
    """The February declaration (F22) settled 4455 4 000, 34552 1 000 and 34551 18 000.
    TVA facturée (4455): start 4 000, end 4 000 + 6 000 + 300 − 4 000 = 6 300, operations
    6 300 − 4 000 + 4 000 = 6 300 (F3 6 000 + F4 300). Récupérable sur charges (34552): 1 000,
    ops 1 600, declared 1 000, end 1 600; sur immobilisations (34551): 18 000, ops 1 600,
    declared 18 000, end 1 600; B = 19 000, 3 200, 19 000, 3 200. C = A − B: −15 000, 3 100,
    −15 000, 3 100."""
    from ecp.reports.statutory import VatDeclared, tva_table

    n, _n1 = api.statutory_figures(worked, 2026)
    assert api.vat_declared(worked, 2026) == VatDeclared()  # posted by hand, not declared
    t = tva_table(n, VatDeclared(4_000 * K, 1_000 * K, 18_000 * K))
    cols = ("solde_debut", "operations", "declarations", "solde_fin")
    got = {k: tuple(dh(t, c)[k] for c in cols)
           for k in ("facturee", "recuperable", "recuperable_charges",
                     "recuperable_immobilisations", "tva_due_ou_credit")}
    assert got == {"facturee": (4_000, 6_300, 4_000, 6_300),
                   "recuperable": (19_000, 3_200, 19_000, 3_200),
                   "recuperable_charges": (1_000, 1_600, 1_000, 1_600),
                   "recuperable_immobilisations": (18_000, 1_600, 18_000, 1_600),
                   "tva_due_ou_credit": (-15_000, 3_100, -15_000, 3_100)}


def test_vat_declared_sums_the_declarations_of_the_year(demo_path: Path) -> None:
    """The demo declares August to November 2026 (dated October to December 2026): the ETIC's
    declarations column is the sum of their stored positions, and nothing for 2025."""
    from ecp.reports.statutory import VatDeclared

    books = api.open_books(str(demo_path))
    try:
        decls = [d for d in api.vat_declarations(books) if d.active]
        assert [d.period for d in decls] == ["2026-08", "2026-09", "2026-10", "2026-11"]

        def total(key: str) -> int:
            return sum(int(p[key]) for d in decls for p in d.figures["positions"])

        assert api.vat_declared(books, 2026) == VatDeclared(
            total("tva_facturee"), total("deductible_charges"),
            total("deductible_immobilisations"))
        assert api.vat_declared(books, 2026).facturee > 0
        assert api.vat_declared(books, 2025) == VatDeclared()
    finally:
        books.engine.dispose()


def test_model_follows_the_turnover_and_the_simplified_one_has_no_esg(
        worked: api.Books, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Turnover 2026 = ventes de biens et services 31 500 DH (the internal 71248 left out)
    ≤ 10 000 000 DH: modèle simplifié, which has no ESG; ``--model normal`` forces it."""
    from ecp.cli import main
    from ecp.kernel.errors import InputError
    from ecp.reports.statutory import choose_model, require_esg, threshold_for

    assert threshold_for(2026) == (10_000_000 * 100, ("ventes_marchandises",
                                                       "ventes_biens_services"))
    n, _n1 = api.statutory_figures(worked, 2026)
    choice = choose_model(n)
    assert (choice.model, choice.turnover, choice.forced) == ("simplifie", 31_500 * K, False)
    assert choice.note() == ("modèle simplifié (chiffre d'affaires 31 500,00 DH ≤ "
                             "10 000 000,00 DH)")
    with pytest.raises(InputError) as refused:
        require_esg(choice)
    assert refused.value.field == "model"
    assert choose_model(n, "normal").model == "normal"
    worked.engine.dispose()
    assert main(["--db", str(db_path), "report", "esg", "--year", "2026"]) == 2
    err = capsys.readouterr().err
    assert err == ("ecp : --model : l'état des soldes de gestion (ESG) ne fait pas partie du "
                   "modèle simplifié (chiffre d'affaires 31 500,00 DH ≤ 10 000 000,00 DH) ; "
                   "--model normal pour l'établir quand même\n")
    assert main(["--db", str(db_path), "report", "esg", "--year", "2026", "--model", "normal",
                 "--format", "csv"]) == 0
    assert "II,autofinancement,13200.00,17000.00" in capsys.readouterr().out
    assert main(["--db", str(db_path), "report", "cpc", "--year", "2026"]) == 0
    assert "modèle simplifié" in capsys.readouterr().out.splitlines()[0]


def _identity(books: api.Books) -> None:
    from ecp.demo import COMPANY

    for key, value in COMPANY.items():
        api.set_setting(books, key, value)


def test_pdfs_laid_out_like_the_models(worked: api.Books, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The Bilan's PDF: actif then passif, each page with the ECP's identity (name, IF, ICE,
    RC), the exercice and the model; totals of the worked year: actif brut 68 000 + 3 000 +
    59 000 + 91 600 = 221 600, amortissements et provisions 19 000 + 500 = 19 500, net
    202 100 (N-1 168 000) = passif. The tableau de financement's total général 59 200."""
    from pypdf import PdfReader

    from ecp.cli import main

    _identity(worked)
    db = worked.path
    worked.engine.dispose()
    out = tmp_path / "bilan.pdf"
    assert main(["--db", str(db), "report", "bilan", "--year", "2026", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"État écrit : {out}\n"
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert len(pages) == 2
    for page in pages:
        for fact in ("ECP Tanger Entreprendre", "45218736", "002587413000025", "112233",
                     "du 01/01/2026 au 31/12/2026", "modèle simplifié"):
            assert fact in page, fact
    assert "BILAN (ACTIF)" in pages[0] and "BILAN (PASSIF)" in pages[1]
    flat = [" ".join(p.replace("\u00a0", " ").split()) for p in pages]
    assert "Total général - actif 221 600,00 19 500,00 202 100,00 168 000,00" in flat[0]
    assert "Total général - passif 202 100,00 168 000,00" in flat[1]
    out = tmp_path / "tf.pdf"
    assert main(["--db", str(db), "report", "tf", "--year", "2026", "--out", str(out)]) == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages)
                    .replace("\u00a0", " ").split())
    assert "TABLEAU DE FINANCEMENT DE L'EXERCICE" in text
    assert "Total général 59 200,00 59 200,00 167 000,00 167 000,00" in text
    out = tmp_path / "etic.pdf"
    assert main(["--db", str(db), "report", "etic", "--year", "2026", "--out", str(out)]) == 0
    reader = PdfReader(out)
    text = " ".join(p.extract_text() for p in reader.pages)
    for title in ("TABLEAU DES IMMOBILISATIONS", "TABLEAU DES AMORTISSEMENTS",
                  "ÉTAT DES STOCKS", "DÉTAIL DE LA TAXE SUR LA VALEUR AJOUTÉE"):
        assert title in text, title
    assert main(["--db", str(db), "report", "cpc", "--year", "2026", "--format", "csv",
                 "--out", str(tmp_path / "cpc.pdf")]) == 2
    assert "--format : ne s'applique pas à un PDF" in capsys.readouterr().err


def test_liasse_one_csv_per_table_in_order(worked: api.Books, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """``ecp export liasse``: the Bilan actif's total row (221 600, 19 500, 202 100, N-1
    168 000), no ESG in the modèle simplifié, the ESG with --model normal; the README says
    why no SIMPL-IS XML; nothing replaced without --force."""
    from ecp.cli import main

    db = worked.path
    worked.engine.dispose()
    folder = tmp_path / "liasse"
    assert main(["--db", str(db), "export", "liasse", "--year", "2026", "--out",
                 str(folder)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"Liasse 2026 écrite : {folder} (8 tableaux CSV et LISEZMOI.txt)")
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-bilan-actif.csv", "02-bilan-passif.csv", "03-cpc.csv",
        "05-tableau-de-financement.csv", "06-etic-immobilisations.csv",
        "07-etic-amortissements.csv", "08-etic-stocks.csv", "09-etic-tva.csv", "LISEZMOI.txt"]
    actif = (folder / "01-bilan-actif.csv").read_text("utf-8").replace("\r", "")
    assert "\ntotal_actif,221600.00,19500.00,202100.00,168000.00" in actif
    assert "\ntotal_passif,202100.00,168000.00" in (
        (folder / "02-bilan-passif.csv").read_text("utf-8").replace("\r", ""))
    readme = (folder / "LISEZMOI.txt").read_text("utf-8")
    assert "codeEdi" in readme and "n'invente pas ces codes" in readme
    assert "04-esg.csv) ne fait pas partie du modèle" in readme
    assert main(["--db", str(db), "export", "liasse", "--year", "2026", "--out",
                 str(folder)]) == 2
    assert "existe déjà" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "liasse", "--year", "2026", "--model", "normal",
                 "--out", str(folder), "--force"]) == 0
    esg = (folder / "04-esg.csv").read_text("utf-8").replace("\r", "")
    assert "\nII,autofinancement,13200.00,17000.00\n" in esg
    assert main(["--db", str(db), "export", "liasse", "--year", "2026", "--out", str(folder),
                 "--force"]) == 0
    assert not (folder / "04-esg.csv").exists()  # not left over from the normal model's run
    capsys.readouterr()
    assert main(["--db", str(db), "export", "liasse", "--out", str(folder)]) == 2
    assert "--year : obligatoire pour liasse" in capsys.readouterr().err
