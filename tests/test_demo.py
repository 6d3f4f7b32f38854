"""The demo ECP: loads, verifies, and is there only once."""

from ecp import api


def test_demo_books_verify_and_load_once(tmp_path):
    from ecp.demo import load_demo

    books = api.open_books(str(tmp_path / "demo.db"), create=True)
    api.init(books)
    summary = load_demo(books)
    assert "5 membres" in summary
    members = api.list_members(books)
    assert {m.activity for m in members} == {"couture", "cuisine", "artisanat", "services"}
    assert any(m.name_ar and "\u0600" <= m.name_ar[0] <= "\u06ff" for m in members)
    rep = api.verify(books)
    assert rep.ok, rep.findings
    assert rep.entries > 100
    tb = api.trial_balance(books)
    assert tb.total("closing_debit") == tb.total("closing_credit") > 0
    # Every member's own books balance: the ledger filtered on a dimension is complete.
    for m in members:
        t = api.trial_balance(books, dimension=m.code)
        assert t.total("debit") == t.total("credit") > 0
    head = api.chain_head(books)
    assert load_demo(books).startswith("Démo déjà chargée")
    assert api.chain_head(books) == head
    closed = [e.month for e in api.period_events(books) if e.action == "close"]
    assert closed == ["2026-08", "2026-09"]
