"""``ecp import postings FILE``: a good file imports whole; a bad file is refused whole, with
every error and its line number, and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ecp import api, cli
from ecp.db.migrate import backup_sqlite
from ecp.kernel.periods import Month
from ecp.ledger.entry import LineSpec
from ecp.ledger.queries import PostingRow
from tests.fixture_types import RowsOf, SaleOf

HEADER = "entry_ref,date,journal,label,account,dimension,debit,credit\n"

GOOD = HEADER + """\
F1,2026-01-05,VT,Vente robe FZ,342111,FZ,1200.00,
F1,2026-01-05,VT,Vente robe FZ,7111,FZ,,1000.00
F1,2026-01-05,VT,Vente robe FZ,4455,FZ,,200.00
F2,2026-01-06,BQ,Encaissement F1,5141,FZ,1200,
F2,2026-01-06,BQ,Encaissement F1,342111,FZ,,1200
F3,2026-01-31,OD,"Contribution janvier, FZ",61365,FZ,60.5,
F3,2026-01-31,OD,"Contribution janvier, FZ",44881,FZ,,60.5
F3,2026-01-31,OD,"Contribution janvier, FZ",44881,ECP,60.50,
F3,2026-01-31,OD,"Contribution janvier, FZ",7180,ECP,,60.50

F4,2026-02-02,VT,Vente tajine KH,342111,KH,300,
F4,2026-02-02,VT,Vente tajine KH,71211,KH,,300
"""


def _write(tmp_path: Path, text: str, name: str = "ecritures.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _run(books: api.Books, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--db", str(books.path), "import", "postings", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_good_file_imports(
        books: api.Books, sale_of: SaleOf, tmp_path: Path, capsys: pytest.CaptureFixture[str]
        ) -> None:
    sale_of(books, dt.date(2026, 1, 2), 100)  # VT-2026-000001 exists already
    code, out, err = _run(books, _write(tmp_path, GOOD), capsys)
    assert (code, err) == (0, "")
    assert out.strip() == "4 écritures, 11 lignes importées (VT-2026-000002 … VT-2026-000003)"
    with api.postings(books) as rows:
        refs = {(r.entry, r.reference) for r in rows}
    assert refs >= {("VT-2026-000002", "F1"), ("BQ-2026-000001", "F2"),
                    ("OD-2026-000001", "F3"), ("VT-2026-000003", "F4")}
    tb = {r.account: r for r in api.trial_balance(books).rows}
    assert tb["342111"].closing_debit == 100 + 30000
    assert tb["7111"].closing_credit == 100 + 100000
    assert tb["4455"].closing_credit == 20000
    assert tb["5141"].closing_debit == 120000
    assert tb["44881"].closing_debit == tb["44881"].closing_credit == 0
    assert tb["7180"].closing_credit == 6050
    fz = api.trial_balance(books, dimension="FZ")
    assert fz.total("debit") == fz.total("credit") == 100 + 120000 + 120000 + 6050
    rep = api.verify(books)
    assert rep.ok, rep.findings
    assert rep.entries == 5


def test_import_accepts_bom_and_crlf(
        books: api.Books, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "excel.csv"
    p.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    code, _out, err = _run(books, p, capsys)
    assert code == 0, err
    assert api.chain_head(books).count == 4


BAD_LINES = {
    "unbalanced": ("B1,2026-01-05,VT,Vente,342111,FZ,100.00,\n"
                   "B1,2026-01-05,VT,Vente,7111,FZ,,99.99\n",
                   "lignes {n}-{n1} (écriture « {ref} ») : écriture déséquilibrée"),
    "unbalanced per dimension": ("B1,2026-01-05,VT,Vente,342111,FZ,100.00,\n"
                                 "B1,2026-01-05,VT,Vente,7111,KH,,100.00\n",
                                 "écriture déséquilibrée pour la dimension FZ"),
    "unknown account": ("B1,2026-01-05,VT,Vente,342111,FZ,100.00,\n"
                        "B1,2026-01-05,VT,Vente,7999,FZ,,100.00\n",
                        "ligne {n1} : compte « 7999 » inconnu"),
    "unknown dimension": ("B1,2026-01-05,VT,Vente,342111,ZZ,100.00,\n"
                          "B1,2026-01-05,VT,Vente,7111,ZZ,,100.00\n",
                          "ligne {n} : dimension « ZZ » inconnue"),
    "bad date": ("B1,2026-02-30,VT,Vente,342111,FZ,100.00,\n"
                 "B1,2026-02-30,VT,Vente,7111,FZ,,100.00\n",
                 "ligne {n}, date : « 2026-02-30 » n'est pas une date"),
    "locked month": ("B1,2025-12-15,VT,Vente,342111,FZ,100.00,\n"
                     "B1,2025-12-15,VT,Vente,7111,FZ,,100.00\n",
                     "le mois 2025-12 est clôturé"),
    "three decimals": ("B1,2026-01-05,VT,Vente,342111,FZ,100.005,\n"
                       "B1,2026-01-05,VT,Vente,7111,FZ,,100.005\n",
                       "ligne {n}, debit : « 100.005 » n'est pas un montant"),
    "negative debit": ("B1,2026-01-05,VT,Vente,342111,FZ,-100.00,\n"
                       "B1,2026-01-05,VT,Vente,7111,FZ,100.00,\n",
                       "ligne {n}, debit : montant négatif ou nul"),
    "wrong column count": ("B1,2026-01-05,VT,Vente,342111,FZ,100.00\n"
                           "B1,2026-01-05,VT,Vente,7111,FZ,,100.00\n",
                           "ligne {n} : 7 colonnes au lieu de 8"),
    "debit and credit": ("B1,2026-01-05,VT,Vente,342111,FZ,100.00,100.00\n"
                         "B1,2026-01-05,VT,Vente,7111,FZ,,100.00\n",
                         "ligne {n} : renseigner soit debit soit credit"),
    "unknown journal": ("B1,2026-01-05,ZZ,Vente,342111,FZ,100.00,\n"
                        "B1,2026-01-05,ZZ,Vente,7111,FZ,,100.00\n",
                        "journal « ZZ » inconnu"),
}


@pytest.fixture
def locked(books: api.Books) -> api.Books:
    api.close_period(books, Month(2025, 12))
    return books


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_bad_file_is_refused_whole(
        locked: api.Books, tmp_path: Path, capsys: pytest.CaptureFixture[str], rows_of: RowsOf,
        case: str) -> None:
    books = locked
    bad, expected = BAD_LINES[case]
    # Good entries first: they are checked and buffered, and still must not be written.
    good_lines = GOOD.count("\n")  # header + 11 lines + 1 blank line
    text = GOOD + bad
    n = good_lines + 1
    before = rows_of(books.path)
    code, out, err = _run(books, _write(tmp_path, text), capsys)
    assert code == 2
    assert out == ""
    assert expected.format(n=n, n1=n + 1, ref="B1") in err, err
    assert rows_of(books.path) == before
    assert api.chain_head(books).count == 0


def test_every_error_listed_with_its_line(
        locked: api.Books, tmp_path: Path, capsys: pytest.CaptureFixture[str], rows_of: RowsOf
        ) -> None:
    books = locked
    text = HEADER + "".join(BAD_LINES[c][0].replace("B1", f"E{i}")
                            for i, c in enumerate(sorted(BAD_LINES)))
    before = rows_of(books.path)
    code, out, err = _run(books, _write(tmp_path, text), capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == f"ecp : {len(lines) - 1} erreurs, rien n'a été enregistré :"
    assert len(lines) - 1 >= len(BAD_LINES)
    for i, c in enumerate(sorted(BAD_LINES)):
        n = 2 + 2 * i  # line 1 is the header; each case has two lines
        expected = BAD_LINES[c][1].format(n=n, n1=n + 1, ref=f"E{i}")
        assert any(expected in ln for ln in lines), (c, expected, err)
    assert rows_of(books.path) == before


def test_file_level_problems(
        books: api.Books, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(books, _write(tmp_path, ""), capsys)
    assert code == 2 and "fichier vide" in err
    code, _, err = _run(books, _write(tmp_path, "ref;date\n1;2\n"), capsys)
    assert code == 2 and "ligne 1 : en-tête attendu" in err
    p = tmp_path / "latin1.csv"
    p.write_bytes((HEADER + "B1,2026-01-05,VT,Réglé,342111,FZ,1,\n").encode("latin-1"))
    code, _, err = _run(books, p, capsys)
    assert code == 2 and "n'est pas en UTF-8" in err
    code, _, err = _run(books, tmp_path / "absent.csv", capsys)
    assert code == 2 and "lecture impossible" in err
    assert api.chain_head(books).count == 0


def test_import_matches_posting_one_by_one(
        books: api.Books, tmp_path: Path, template_db: Path, capsys: pytest.CaptureFixture[str]
        ) -> None:
    """The bulk path and the single-entry path give the same books (same trial balances)."""
    code, _, err = _run(books, _write(tmp_path, GOOD), capsys)
    assert code == 0, err
    backup_sqlite(template_db, tmp_path / "autre.sqlite3")
    other = api.open_books(str(tmp_path / "autre.sqlite3"))
    try:
        with api.postings(books) as rows:
            by_entry: dict[str, list[PostingRow]] = {}
            meta: dict[str, tuple[str, str, str, str]] = {}
            for r in rows:
                by_entry.setdefault(r.entry, []).append(r)
                meta[r.entry] = (r.journal, r.day, r.label, r.reference)
        for ref in sorted(by_entry, key=lambda k: int(by_entry[k][0].entry_id)):
            j, day, label, reference = meta[ref]
            p = api.post_entry(other, j, dt.date.fromisoformat(day), label,
                               [LineSpec(r.account, r.dimension, r.amount)
                                for r in by_entry[ref]], reference)
            assert p.ref == ref
        for dim in (None, "FZ", "KH", "ECP"):
            assert api.trial_balance(books, dimension=dim).rows == \
                api.trial_balance(other, dimension=dim).rows
    finally:
        other.engine.dispose()


def test_bad_cells_are_named_once_with_their_own_column(tmp_path: Path) -> None:
    """A signed bad debit is reported as the debit, as typed; a short row does not also make
    its entry « incomplete »."""
    import pytest

    from ecp import api
    from ecp.kernel.errors import ValidationError

    books = api.open_books(str(tmp_path / "i.db"), create=True)
    api.init(books)
    f = tmp_path / "bad.csv"
    f.write_text(
        "entry_ref,date,journal,label,account,dimension,debit,credit\n"
        "A,2026-01-05,OD,x,5141,ECP,-12.345,\n"
        "A,2026-01-05,OD,x,1111,ECP,,12.34\n"
        "B,2026-01-05,OD,y,5141,ECP,10.00\n"
        "B,2026-01-05,OD,y,1111,ECP,,10.00\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        api.import_file(books, f)
    assert err.value.problems == [
        "ligne 2, debit : « -12.345 » n'est pas un montant à deux décimales au plus",
        "ligne 4 : 7 colonnes au lieu de 8",
    ]
    assert api.chain_head(books).count == 0
