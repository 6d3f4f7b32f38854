"""Amounts in French words (traditional spelling) and the closing sentence of a document."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecp.sales.words import amount_in_words, invoice_sentence, number_in_words


@pytest.mark.parametrize(("cents", "words"), [
    (1, "zéro dirham et un centime"),
    (0, "zéro dirham"),
    (100, "un dirham"),
    (150, "un dirham et cinquante centimes"),
    (2100, "vingt et un dirhams"),
    (7100, "soixante et onze dirhams"),
    (7200, "soixante-douze dirhams"),
    (7700, "soixante-dix-sept dirhams"),
    (8000, "quatre-vingts dirhams"),
    (8100, "quatre-vingt-un dirhams"),
    (9100, "quatre-vingt-onze dirhams"),
    (9900, "quatre-vingt-dix-neuf dirhams"),
    (10000, "cent dirhams"),
    (10100, "cent un dirhams"),
    (20000, "deux cents dirhams"),
    (20100, "deux cent un dirhams"),
    (100000, "mille dirhams"),
    (120000, "mille deux cents dirhams"),
    (8000000, "quatre-vingt mille dirhams"),
    (20000000, "deux cent mille dirhams"),
    (100000000, "un million de dirhams"),
    (200000000, "deux millions de dirhams"),
    (8000000000, "quatre-vingts millions de dirhams"),
    (100000100, "un million un dirhams"),
    (123456789,
     "un million deux cent trente-quatre mille cinq cent soixante-sept dirhams"
     " et quatre-vingt-neuf centimes"),
    (100000000000, "un milliard de dirhams"),
    (300000000000, "trois milliards de dirhams"),
    (200100000000, "deux milliards un million de dirhams"),
    (100000000000000, "mille milliards de dirhams"),
    (-2100, "moins vingt et un dirhams"),
    (10100000, "cent un mille dirhams"),
    (200100000, "deux millions mille dirhams"),
])
def test_amount_in_words(cents: int, words: str) -> None:
    assert amount_in_words(cents) == words


def test_number_in_words_teens_and_tens() -> None:
    assert [number_in_words(n) for n in (11, 16, 17, 20, 31, 41, 51, 61, 90)] == [
        "onze", "seize", "dix-sept", "vingt", "trente et un", "quarante et un",
        "cinquante et un", "soixante et un", "quatre-vingt-dix"]


def test_sentences() -> None:
    assert invoice_sentence("facture", 123450) == (
        "Arrêtée la présente facture à la somme de mille deux cent trente-quatre dirhams"
        " et cinquante centimes.")
    assert invoice_sentence("avoir", 100000000) == (
        "Arrêté le présent avoir à la somme d'un million de dirhams.")
    assert invoice_sentence("devis", 8000) == (
        "Arrêté le présent devis à la somme de quatre-vingts dirhams.")
    assert invoice_sentence("facture", 100, "Total : {montant} TTC") == "Total : un dirham TTC"


_NUMERALS = ("un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze"
             "|quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|mille")


@given(st.integers(min_value=0, max_value=10**15))
def test_words_shape(cents: int) -> None:
    words = amount_in_words(cents)
    assert "  " not in words and words == words.strip()
    dirhams, centimes = divmod(cents, 100)
    head = words.split(" et ", 1)[0] if centimes and " dirham" in words else words
    if centimes:
        assert words.endswith("centimes" if centimes > 1 else "centime")
        assert " et " in words
    assert (" dirhams" in words) == (dirhams >= 2)
    if centimes == 0:
        assert words.endswith("dirhams" if dirhams >= 2 else "dirham")
    # plural "cents"/"vingts" only when nothing but a noun follows
    assert re.search(rf"(cents|vingts)[ -]({_NUMERALS})\b", words) is None
    # and the plural is not forgotten where the number ends
    assert re.search(r"(deux|trois|quatre|cinq|six|sept|huit|neuf) cent "
                     r"(dirhams|centimes|millions|milliards|de)\b", words) is None
    assert re.search(r"quatre-vingt (dirhams|centimes|millions|milliards|de)\b", words) is None
    # "de" only after a round million or milliard
    assert re.search(r" de dirhams$", head) is None or re.search(
        r"(millions?|milliards?) de dirhams", head)
    # "mille", never "un mille" (but "vingt et un mille", "cent un mille")
    assert re.search(r"(^|millions?|milliards?) un mille\b", words) is None
