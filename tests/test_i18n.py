"""The documents' languages: catalog completeness (every message of the template translated in
fr and ar, placeholders kept, the compiled catalogs in step with the sources, the template in
step with the code), babel-based figures in fr_MA / ar_MA, and the Arabic amount in words."""

from __future__ import annotations

import datetime as dt
import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ecp.reports import i18n
from ecp.sales.words_ar import amount_in_words, number_in_words

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "ecp" / "locale"


def template_ids() -> set[str]:
    with open(LOCALE / "ecp.pot", "rb") as f:
        return {str(m.id) for m in read_po(f) if m.id}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_catalog_complete(lang: str) -> None:
    """Every msgid of the template has a non-empty, non-fuzzy translation that keeps the
    same {placeholders}; the compiled .mo gives the same text."""
    with open(LOCALE / lang / "LC_MESSAGES" / "ecp.po", "rb") as f:
        po = read_po(f, locale=lang)
    by_id = {m.id: m for m in po if m.id}
    with open(LOCALE / lang / "LC_MESSAGES" / "ecp.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    problems = []
    for msgid in sorted(template_ids()):
        m = by_id.get(msgid)
        if m is None or not m.string or m.fuzzy:
            problems.append(f"untranslated: {msgid!r}")
            continue
        if fields(msgid) != fields(str(m.string)):
            problems.append(f"placeholders differ: {msgid!r}")
        if mo.gettext(msgid) != m.string:
            problems.append(f"not compiled (pybabel compile): {msgid!r}")
    assert problems == []


def test_arabic_catalog_is_arabic() -> None:
    """A translation copied from French would pass the completeness test: each Arabic message
    with letters holds Arabic letters (the acronyms ICE, IF, RC, RIB excepted)."""
    with open(LOCALE / "ar" / "LC_MESSAGES" / "ecp.po", "rb") as f:
        po = read_po(f, locale="ar")
    latin_only = [m.id for m in po
                  if m.id and re.search("[A-Za-zÀ-ÿ]", re.sub(r"\{\w+\}", "", str(m.string)))
                  and not re.search("[\u0600-\u06ff]", str(m.string))]
    assert sorted(latin_only) == ["ICE", "IF", "RC", "RIB"]


def test_template_in_step_with_the_code() -> None:
    """The template holds exactly what ``pybabel extract -F babel.cfg -k _:2`` finds now (a
    wording added to documents.toml or a renderer without ``pybabel extract`` fails here)."""
    method_map = [("ecp/reports/**.py", "python"),
                  ("invoices/documents.toml", "ecp.reports.i18n:extract_toml")]
    found = {str(msg) for _f, _l, msg, _c, _ctx in extract_from_dir(
        ROOT, method_map, keywords={"_": (2,)}) if msg}
    assert found == template_ids()


def test_lookup_and_fallback() -> None:
    assert i18n._("ar", "RELEVÉ MENSUEL") == "الكشف الشهري"
    assert i18n._("fr", "RELEVÉ MENSUEL") == "RELEVÉ MENSUEL"
    assert i18n._("ar", "un texte sans traduction") == "un texte sans traduction"
    t = i18n.localize_templates({"statement": {"title": "RELEVÉ MENSUEL",
                                               "title_ar": "الكشف الشهري"}}, "ar")
    # an Arabic document is titled in Arabic, then in French
    assert t == {"statement": {"title": "الكشف الشهري", "title_ar": "RELEVÉ MENSUEL"}}


@pytest.mark.parametrize(("cents", "fr", "ar"), [
    (0, "0,00 DH", "0,00 د.م."),
    (5, "0,05 DH", "0,05 د.م."),
    (123450, "1 234,50 DH", "1.234,50 د.م."),
    (-123456789, "-1 234 567,89 DH", "-1.234.567,89 د.م."),
])
def test_money(cents: int, fr: str, ar: str) -> None:
    """Integer centimes to text through babel's fr_MA / ar_MA patterns (no float): fr keeps
    the house style (plain space between groups, « DH »), ar groups with « . », decimals after
    « , » and the locale's dirham sign « د.م. »."""
    assert i18n.money(cents, "fr") == fr
    assert i18n.money(cents, "ar") == ar


def test_rates_quantities_dates() -> None:
    assert [i18n.rate(bp, "fr") for bp in (2000, 550, 0)] == ["20 %", "5,5 %", "Exonéré"]
    assert i18n.rate(2000, "ar") == "20%"
    assert i18n.rate(52, "fr", exempt=None, fixed=True) == "0,52 %"
    assert [i18n.quantity(q, "fr") for q in (2500, 1000, 1234567)] == ["2,5", "1", "1 234,567"]
    assert i18n.quantity(1234567, "ar") == "1.234,567"
    assert i18n.date_long(dt.date(2026, 3, 1), "fr") == "1er mars 2026"
    assert i18n.date_long(dt.date(2026, 3, 5), "fr") == "5 mars 2026"
    assert i18n.date_long(dt.date(2026, 3, 5), "ar") == "5 مارس 2026"
    assert i18n.date_numeric(dt.date(2026, 3, 5), "ar") == "05/03/2026"
    # Moroccan month names (ar_MA): يوليوز, غشت, شتنبر, نونبر, دجنبر
    assert i18n.month_year(dt.date(2026, 11, 3), "fr") == "Novembre 2026"
    assert i18n.month_year(dt.date(2026, 11, 3), "ar") == "نونبر 2026"
    assert i18n.month_names("ar")[6:9] == ("يوليوز", "غشت", "شتنبر")
    assert i18n.month_names("fr")[7] == "août"
    assert i18n.day_names("fr")[0] == "lundi"


def test_current_language_drives_the_formatters() -> None:
    i18n.begin("ar")
    try:
        assert i18n.money(100) == "1,00 د.م." and i18n.is_rtl()
    finally:
        i18n.begin("fr")
    assert i18n.money(100) == "1,00 DH" and not i18n.is_rtl()
    with pytest.raises(ValueError):
        i18n.begin("en")


# The same hard cases as the French speller. Expected by hand from the rules of
# ecp/sales/words_ar.py: 1 takes the noun first (درهم واحد); 11–99 the accusative singular
# (درهما); 21 is unit then tens joined by و (واحد وعشرون); a round hundred or more the
# singular (درهم); the dual before the noun drops its ن (مائتا, ألفا); 1 000 is ألف, 1 000 000
# مليون; centimes only start with صفر درهم, then و and the centimes (50 → خمسون سنتيما,
# 1 → سنتيم واحد, 5 → خمسة سنتيمات with the feminine unit before a masculine plural).
ARABIC = [
    (100, "درهم واحد"),
    (1_100, "أحد عشر درهما"),
    (2_100, "واحد وعشرون درهما"),
    (10_000, "مائة درهم"),
    (20_000, "مائتا درهم"),
    (100_000, "ألف درهم"),
    (200_000, "ألفا درهم"),
    (100_000_000, "مليون درهم"),
    (50, "صفر درهم وخمسون سنتيما"),
    (1, "صفر درهم وسنتيم واحد"),
    (5, "صفر درهم وخمسة سنتيمات"),
    (200, "درهمان"),
    (300, "ثلاثة دراهم"),
    (220_000, "ألفان ومائتا درهم"),
    (1_100_000, "أحد عشر ألف درهم"),
    (300_000, "ثلاثة آلاف درهم"),
    (123_456_789, "مليون ومائتان وأربعة وثلاثون ألفا وخمسمائة وسبعة وستون درهما "
                  "وتسعة وثمانون سنتيما"),
    (-100, "ناقص درهم واحد"),
]


@pytest.mark.parametrize(("cents", "words"), ARABIC)
def test_arabic_amount_in_words(cents: int, words: str) -> None:
    assert amount_in_words(cents) == words


def test_arabic_numbers() -> None:
    assert [number_in_words(n) for n in (0, 12, 15, 99, 105)] == [
        "صفر", "اثنا عشر", "خمسة عشر", "تسعة وتسعون", "مائة وخمسة"]
