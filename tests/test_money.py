"""Money: integer centimes, parsed as a Moroccan bookkeeper types them, never through a float."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecp.kernel.errors import InputError
from ecp.kernel.money import (
    fmt_excel,
    fmt_fr,
    fmt_plain,
    from_decimal,
    parse,
    parse_csv_amount,
    to_decimal,
)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,50", 123450),
        ("1\u00a0234,50", 123450),       # no-break space
        ("1\u202f234,50", 123450),       # narrow no-break space (babel fr_MA)
        ("1234.50", 123450),
        ("1234,5", 123450),
        ("-12", -1200),
        ("+7,05", 705),
        ("1.234,50", 123450),
        ("1.234.567,89", 123456789),
        ("1.234.567", 123456700),
        ("1 234 567", 123456700),
        ("0,01", 1),
        ("  42  ", 4200),
    ],
)
def test_parse_accepts_what_a_bookkeeper_types(text: str, cents: int) -> None:
    assert parse(text) == cents
    assert isinstance(parse(text), int)


@pytest.mark.parametrize("text", ["1,234", "12.345", "1 234.567", "1 234,567", "0,001", "-3.999"])
def test_parse_refuses_three_decimals_in_french(text: str) -> None:
    with pytest.raises(InputError) as exc:
        parse(text, "montant")
    assert "plus de deux décimales" in str(exc.value)
    assert text in str(exc.value)
    assert exc.value.exit_code == 2


@pytest.mark.parametrize("text", ["", "abc", "12a", "1 23,50", "--5", "1,2,3", "12 DH", "1e3",
                                  "nan"])
def test_parse_refuses_garbage_in_french(text: str) -> None:
    with pytest.raises(InputError) as exc:
        parse(text, "prix")
    msg = str(exc.value)
    assert msg.startswith("prix : ")
    assert "n'est pas un montant" in msg or "décimales" in msg


def test_fmt_fr_and_fmt_plain() -> None:
    assert fmt_fr(123456750) == "1 234 567,50"
    assert fmt_fr(123456750, "DH") == "1 234 567,50 DH"
    assert fmt_fr(-5) == "-0,05"
    assert fmt_fr(0) == "0,00"
    assert fmt_fr(100000) == "1 000,00"
    assert fmt_plain(-123450) == "-1234.50"
    assert fmt_plain(7) == "0.07"
    assert fmt_plain(0) == "0.00"
    assert fmt_excel(-123450) == "-1234,50"


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=-10**15, max_value=10**15))
def test_formats_round_trip_through_parse(cents: int) -> None:
    """Every amount up to the maximum (issue 12, item 3) reads back; beyond, it is refused."""
    from ecp.kernel.money import MAX_AMOUNT

    if abs(cents) > MAX_AMOUNT:
        for text in (fmt_fr(cents), fmt_plain(cents), fmt_excel(cents)):
            with pytest.raises(InputError, match="maximum"):
                parse(text)
        with pytest.raises(ValueError, match="too_large"):
            parse_csv_amount(fmt_plain(cents))
        return
    assert parse(fmt_fr(cents)) == cents
    assert parse(fmt_plain(cents)) == cents
    assert parse(fmt_excel(cents)) == cents
    assert parse_csv_amount(fmt_plain(cents)) == cents
    assert from_decimal(to_decimal(cents)) == cents


def test_parse_csv_amount() -> None:
    assert parse_csv_amount("") is None
    assert parse_csv_amount("1234.5") == 123450
    assert parse_csv_amount("-0,01") == -1
    for bad in ("1.234", "1 234", "x", "1.2.3", "."):
        with pytest.raises(ValueError):
            parse_csv_amount(bad)


def test_from_decimal_rounds_half_up() -> None:
    assert from_decimal(Decimal("0.005")) == 1
    assert from_decimal(Decimal("0.015")) == 2  # half-even would give 2 as well
    assert from_decimal(Decimal("0.025")) == 3  # half-even would give 2
    assert from_decimal(Decimal("-0.025")) == -3
    assert to_decimal(123450) == Decimal("1234.50")


def test_float_operation_is_trapped() -> None:
    """conftest traps FloatOperation: a float mixed with a Decimal fails loudly."""
    assert decimal.getcontext().traps[decimal.FloatOperation]
    with pytest.raises(decimal.FloatOperation):
        Decimal("1.10") + Decimal(1.1)  # noqa: RUF032 - the float is the point
    with pytest.raises(decimal.FloatOperation):
        _ = Decimal("1.10") < 1.1
    with pytest.raises(decimal.FloatOperation):
        from_decimal(Decimal(1.005))  # noqa: RUF032 - the float is the point
