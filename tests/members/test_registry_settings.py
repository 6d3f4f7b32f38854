"""The member registry, payouts and entry posting say which parameter an error is about
(``field``, ``line``); ``ecp.settings`` declares every key once."""

from __future__ import annotations

import datetime as dt

import pytest

from ecp import api
from ecp import settings as settings_mod
from ecp.kernel.errors import InputError, NotFoundError, ValidationError
from ecp.kernel.periods import Month
from ecp.kernel.units import Rate
from ecp.ledger.entry import LineSpec

D = dt.date


@pytest.mark.parametrize(("kw", "field"), [
    ({"code": "M 1", "name": "X"}, "code"),
    ({"code": "ECP", "name": "X"}, "code"),
    ({"code": "FZ", "name": "X"}, "code"),  # exists already
    ({"code": "M9", "name": "  "}, "name"),
    ({"code": "M9", "name": "X", "contribution_rate": Rate(10_001)}, "contribution_rate"),
])
def test_add_member_errors_carry_their_field(books: api.Books, kw: dict[str, object],
                                             field: str) -> None:
    with pytest.raises(InputError) as err:
        api.add_member(books, **kw)  # type: ignore[arg-type]
    assert err.value.field == field
    assert "--" not in str(err.value)


def test_member_registry_add_edit_get(books: api.Books) -> None:
    m = api.add_member(books, "m9", "Meryem", contribution_rate=Rate(750), joined=D(2026, 1, 5))
    assert (m.code, m.contribution_pct, m.contribution_bp, m.joined_on, m.status) == (
        "M9", "7,5", 750, "2026-01-05", "actif")
    m = api.update_member(books, "M9", status="suspendu", default_rate=True)
    assert (m.status, m.contribution_bp, m.contribution_pct) == ("suspendu", None, None)
    assert api.get_member(books, "m9").name == "Meryem"
    with pytest.raises(InputError) as err:
        api.update_member(books, "M9", status="parti")
    assert err.value.field == "status"
    with pytest.raises(NotFoundError) as nf:
        api.update_member(books, "ZZ", name="X")
    assert nf.value.field == "code"
    assert [x.code for x in api.list_members(books)] == ["FZ", "KH", "M9", "YS"]
    assert api.list_members(books, include_ecp=True)[0].code == "ECP"


def test_payout_errors_carry_their_field(books: api.Books) -> None:
    cases = [({"amount": 0}, "amount"), ({"amount": 500, "advance": True}, "reason"),
             ({"amount": 500}, "amount"), ({"amount": 500, "method": "cheque"}, "method")]
    for kw, field in cases:
        with pytest.raises(InputError) as err:
            api.add_payout(books, "FZ", day=D(2026, 3, 31), **kw)  # type: ignore[arg-type]
        assert err.value.field == field, kw
        assert "--" not in str(err.value)
    with pytest.raises(NotFoundError) as nf:
        api.add_payout(books, "ZZ", 500, D(2026, 3, 31))
    assert nf.value.field == "member"


def test_entry_post_errors_carry_field_and_line(books: api.Books) -> None:
    with pytest.raises(ValidationError) as err:
        api.post_entry(books, "OD", D(2026, 3, 2), "Essai",
                       [LineSpec("6111", "FZ", 1000), LineSpec("9999", "FZ", -1000),
                        LineSpec("5141", "QQ", 0)])
    got = [(e.field, e.line) for e in err.value.errors]
    assert got == [("lines.account", 2), ("lines.dimension", 3), ("lines.amount", 3)]
    assert (err.value.field, err.value.line) == ("lines.account", 2)
    api.close_period(books, Month(2026, 2))
    with pytest.raises(ValidationError) as closed:
        api.post_entry(books, "OD", D(2026, 2, 2), "",
                       [LineSpec("6111", "FZ", 1000), LineSpec("5141", "FZ", -1000)])
    assert [e.field for e in closed.value.errors] == ["label", "date"]
    with pytest.raises(InputError) as again:
        api.close_period(books, Month(2026, 2))
    assert again.value.field == "month"
    with pytest.raises(InputError) as why:
        api.reopen_period(books, Month(2026, 2), " ")
    assert why.value.field == "reason"


def test_settings_declared_once() -> None:
    assert settings_mod.check("contribution.default_rate", "12") == "12"
    assert settings_mod.check("sales.due_days", "045") == "45"
    assert settings_mod.check("reserve.FZ", "10 %") == "10 %"
    assert settings_mod.check("reserve.default", "") == ""
    for key, value, field in [("contribution.default_rate", "120", "value"),
                              ("reserve.FZ", "beaucoup", "value"),
                              ("company.name", "", "value"),
                              ("nimporte.quoi", "1", "key")]:
        with pytest.raises(InputError) as err:
            settings_mod.check(key, value)
        assert err.value.field == field, key
    stored = {"contribution.default_rate": "7,5 %", "reserve.default": "100",
              "reserve.FZ": "10%"}
    assert settings_mod.contribution_default_rate(stored) == 750
    assert settings_mod.contribution_default_rate({}) == 1000
    assert settings_mod.reserve_rule(stored, "FZ") == (1000, 0)
    assert settings_mod.reserve_rule(stored, "KH") == (None, 10000)
    assert settings_mod.reserve_rule({}, "KH") is None
    assert not settings_mod.contribution_on_invoicing({})
    assert settings_mod.due_days({}) == 60


def test_settings_list_shows_every_key(books: api.Books) -> None:
    api.settings_set(books, "contribution.default_rate", "12")
    api.settings_set(books, "reserve.FZ", "5 %")
    rows = {v.key: v for v in api.settings_list(books)}
    assert set(settings_mod.SETTINGS) < set(rows)
    assert rows["contribution.default_rate"].value == "12"
    assert rows["reserve.FZ"].value == "5 %"
    assert rows["company.ice"].missing
