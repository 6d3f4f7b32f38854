"""``ecp network report`` on PostgreSQL (issue 18): two ECPs on one server — the demo (Tanger)
and the demo made Tétouan's (``tests.reports.test_network.make_tetouan``) — each in its own
schema of the test database (CI gives one database: the URL's ``options=-csearch_path=…``
points each ECP's books at its schema, as a region would give each ECP its own database). The
network equals the sum of their own reports; no row of either changes; a server that does not
answer is named, or left out with ``--partial``. Runs when ``ECP_TEST_PG_URL`` is set."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ecp import api
from ecp.cli import main
from ecp.demo import load_demo
from ecp.reports.impact import Impact
from tests.pgbooks import require_pg
from tests.reports.test_network import SUMMED, make_tetouan

pytestmark = pytest.mark.xdist_group("postgresql")

SCHEMAS = ("ecp_net_tanger", "ecp_net_tetouan")
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
PERIOD = ["--from", "2026-01-01", "--to", "2026-12-31"]


def schema_url(base: str, schema: str) -> str:
    """The server's URL with the session's search_path set to ``schema`` (libpq options)."""
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _drop(base: str) -> None:
    eng = create_engine(base)
    with eng.begin() as c:
        for s in SCHEMAS:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{s}" CASCADE'))
    eng.dispose()


def _fingerprint(base: str, schema: str) -> dict[str, str]:
    """Every table of ``schema``: md5 of its rows, in order (any changed row shows)."""
    eng = create_engine(base)
    try:
        with eng.connect() as c:
            tables = c.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = :s "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"), {"s": schema}).scalars()
            return {t: c.execute(text(
                f'SELECT md5(coalesce(string_agg(x::text, \'|\' ORDER BY x::text), \'\')) '
                f'FROM "{schema}"."{t}" x')).scalar_one() for t in list(tables)}
    finally:
        eng.dispose()


@pytest.fixture
def urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    base = require_pg()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ECP_READ_ONLY", raising=False)
    monkeypatch.chdir(tmp_path)
    _drop(base)
    eng = create_engine(base)
    with eng.begin() as c:
        for s in SCHEMAS:
            c.execute(text(f'CREATE SCHEMA "{s}"'))
    eng.dispose()
    out = []
    for schema in SCHEMAS:
        url = schema_url(base, schema)
        b = api.open_books(url, create=True)
        b.archive = tmp_path / schema / "archives"
        try:
            api.init(b)
            load_demo(b)
            if schema == SCHEMAS[1]:
                make_tetouan(b)
        finally:
            b.engine.dispose()
        out.append(url)
    yield out[0], out[1]
    _drop(base)


def _own(url: str) -> Impact:
    b = api.open_books(url, read_only=True)
    try:
        return api.impact_report(b, START, END)
    finally:
        b.engine.dispose()


def test_network_on_two_postgresql_ecps(urls: tuple[str, str], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """As on SQLite (tests/reports/test_network.py): Tanger 6 beneficiaries and Tétouan 7,
    the network 13; every additive figure the sum of both; 900 min of meetings (405 + 495);
    HT 2 × 105 510,00 = 211 020,00 DH. Not a row of either schema changed."""
    tanger, tetouan = urls
    base = require_pg()
    before = {s: _fingerprint(base, s) for s in SCHEMAS}
    assert all(before[s] for s in SCHEMAS)
    a, b = _own(tanger), _own(tetouan)
    assert (len(a.members), len(b.members)) == (6, 7)
    code = main(["network", "report", "--db", tanger, "--db", tetouan, *PERIOD,
                 "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    assert [(s["colonne"], s["ecp"], s["etat"]) for s in doc["sources"]] == [
        ("ecp_1", "ECP Tanger Entreprendre", "lue"), ("ecp_2", "ECP Tétouan Solidaire", "lue")]
    assert "ecp_ci:***@" in doc["sources"][0]["base"] and "ecp_net_tanger" in \
        doc["sources"][0]["base"]
    rows = {r["indicateur"]: r for r in doc["synthese"]}
    assert (rows["beneficiaires"]["ecp_1"], rows["beneficiaires"]["ecp_2"],
            rows["beneficiaires"]["reseau"]) == (6, 7, 13)
    assert rows["chiffre_affaires_ht"]["reseau"] == "211020.00"
    assert rows["heures_accompagnement"]["reseau"] == "15.0"
    assert rows["membres_actifs"]["reseau"] == a.active + b.active == 10
    assert rows["entrees"]["reseau"] == a.entries + b.entries == 7
    assert rows["rendez_vous"]["reseau"] == a.meetings + b.meetings == 15
    sorties = {r["indicateur"]: r["reseau"] for r in doc["sorties"]}
    assert (sorties["sortie_emploi"], sorties["sortie_creation"]) == (2, 1)
    with api.open_network([tanger, tetouan]) as net:
        total = api.network_report(net, START, END).total
    for name in SUMMED:
        assert getattr(total, name) == getattr(a, name) + getattr(b, name), name
    assert {s: _fingerprint(base, s) for s in SCHEMAS} == before


def test_an_unreachable_server_is_named(urls: tuple[str, str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A server that does not answer (port 1): exit 2 naming ECP 2 and its URL without the
    password; with --partial the network is Tanger's alone, ECP 2 said missing."""
    tanger, _tetouan = urls
    dead = make_url(require_pg()).set(port=1, password="secret-pw").render_as_string(
        hide_password=False)
    code = main(["network", "report", "--db", tanger, "--db", dead, *PERIOD])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("ecp : --db : ECP 2 (postgresql+psycopg://"), err
    assert "connexion impossible" in err and "secret-pw" not in err and ":***@" in err
    code = main(["network", "report", "--db", tanger, "--db", dead, *PERIOD, "--partial",
                 "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    assert doc["manquantes"] == ["ecp_2"]
    rows = {r["indicateur"]: r for r in doc["synthese"]}
    assert rows["beneficiaires"]["reseau"] == rows["beneficiaires"]["ecp_1"] == 6
    assert "secret-pw" not in out.out + out.err
