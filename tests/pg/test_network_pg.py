"""``ecp network report`` on PostgreSQL (issue 18): two ECPs on one server — the demo (Tanger)
and the demo made Tétouan's (``tests.reports.test_network.make_tetouan``) — each in its own
database, as docs/network.md has a region run them (``.ci/run`` creates ``ecp_ci_net1`` and
``ecp_ci_net2`` owned by the test role); on a server without them, each in its own schema of
the test database (the URL's ``options=-csearch_path=…``). The network equals the sum of their
own reports; no row of either changes; a server that does not answer is named, or left out with
``--partial``. Runs when ``ECP_TEST_PG_URL`` is set."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ecp import api
from ecp.cli import main
from ecp.demo import load_demo
from ecp.reports.impact import Impact
from tests.pgbooks import require_pg
from tests.reports.test_network import SUMMED, make_tetouan

pytestmark = pytest.mark.xdist_group("postgresql")

SCHEMAS = ("ecp_net_tanger", "ecp_net_tetouan")
NET_DATABASES = ("ecp_ci_net1", "ecp_ci_net2")  # one database per ECP (.ci/run makes them)
# where an ECP's books are: (their URL, the URL its tables are read from, its schema)
Place = tuple[str, str, str]
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
PERIOD = ["--from", "2026-01-01", "--to", "2026-12-31"]


def schema_url(base: str, schema: str) -> str:
    """The server's URL with the session's search_path set to ``schema`` (libpq options)."""
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def places(base: str) -> list[Place]:
    """Two databases of the server when they exist, else two schemas of the test database."""
    out: list[Place] = []
    for db in NET_DATABASES:
        url = make_url(base).set(database=db).render_as_string(hide_password=False)
        eng = create_engine(url)
        try:
            with eng.connect() as c:
                c.execute(text("SELECT 1"))
        except OperationalError:
            return [(schema_url(base, s), base, s) for s in SCHEMAS]
        finally:
            eng.dispose()
        out.append((url, url, "public"))
    return out


def _reset(where: list[Place], again: bool = True) -> None:
    """Each place emptied: its schema dropped (and made again, empty, when ``again``)."""
    for _url, read, schema in where:
        eng = create_engine(read)
        with eng.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if again or schema == "public":
                c.execute(text(f'CREATE SCHEMA "{schema}"'))
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
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Place]]:
    base = require_pg()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ECP_READ_ONLY", raising=False)
    monkeypatch.chdir(tmp_path)
    found = places(base)
    _reset(found)
    for n, (url, _read, _schema) in enumerate(found):
        b = api.open_books(url, create=True)
        b.archive = tmp_path / f"ecp{n}" / "archives"
        try:
            api.init(b)
            load_demo(b)
            if n == 1:
                make_tetouan(b)
        finally:
            b.engine.dispose()
    yield found
    _reset(found, again=False)


@pytest.fixture
def urls(where: list[Place]) -> tuple[str, str]:
    return where[0][0], where[1][0]


def _own(url: str) -> Impact:
    b = api.open_books(url, read_only=True)
    try:
        return api.impact_report(b, START, END)
    finally:
        b.engine.dispose()


def test_network_on_two_postgresql_ecps(where: list[Place], urls: tuple[str, str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """As on SQLite (tests/reports/test_network.py): Tanger 6 beneficiaries and Tétouan 7,
    the network 13; every additive figure the sum of both; 900 min of meetings (405 + 495);
    HT 2 × 105 510,00 = 211 020,00 DH. Not a row of either schema changed."""
    tanger, tetouan = urls
    before = [_fingerprint(read, schema) for _url, read, schema in where]
    assert all(before)
    a, b = _own(tanger), _own(tetouan)
    assert (len(a.members), len(b.members)) == (6, 7)
    code = main(["network", "report", "--db", tanger, "--db", tetouan, *PERIOD,
                 "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    assert [(s["colonne"], s["ecp"], s["etat"]) for s in doc["sources"]] == [
        ("ecp_1", "ECP Tanger Entreprendre", "lue"), ("ecp_2", "ECP Tétouan Solidaire", "lue")]
    first = NET_DATABASES[0] if where[0][2] == "public" else SCHEMAS[0]
    assert "ecp_ci:***@" in doc["sources"][0]["base"] and first in doc["sources"][0]["base"]
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
    assert [_fingerprint(read, schema) for _url, read, schema in where] == before


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
