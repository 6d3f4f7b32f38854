"""Amounts in Arabic words (تفقيط), for the sentence that closes an Arabic document.

The rules applied (Modern Standard Arabic as written on Moroccan invoices and vouchers; the
counted nouns « درهم » and « سنتيم » are masculine):

- units take the opposite gender of the masculine noun from 3 to 10 (ثلاثة … عشرة); 1 and 2
  are واحد and اثنان; 11 is أحد عشر, 12 اثنا عشر, 13–19 ثلاثة عشر … تسعة عشر;
- tens are عشرون … تسعون, written after the unit and joined by « و »: 21 واحد وعشرون;
- hundreds: مائة, مائتان, then ثلاثمائة … تسعمائة (one word);
- thousands and millions: ألف / مليون for one; the dual ألفان / مليونان for two; the plural
  آلاف / ملايين after 3–10; the accusative singular ألفا / مليونا after 11–99; the singular
  after a round hundred (مائة ألف); groups joined by « و », largest first;
- the noun after the number follows the same rule on the number's last two digits:
  1 درهم واحد (the noun first), 2 درهمان (the dual alone), 3–10 دراهم, 11–99 درهما, a round
  hundred or more (last two digits 00, 01 or 02 after a hundred) درهم;
- a group word directly followed by the noun is in the construct state: a dual loses its ن
  (200 مائتا درهم, 2 000 ألفا درهم, 2 200 ألفان ومائتا درهم, 2 000 000 مليونا درهم), the
  accusative ألفا its ا (11 000 أحد عشر ألف درهم);
- zero is صفر (« صفر درهم » when there are only centimes); centimes (سنتيم) follow the
  dirhams after « و »; a negative amount starts with « ناقص ».
"""

from __future__ import annotations

_UNITS = ("", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة",
          "عشرة")
_TEENS = {11: "أحد عشر", 12: "اثنا عشر"}
_TENS = ("", "", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون")
_HUNDREDS = ("", "مائة", "مائتان", "ثلاثمائة", "أربعمائة", "خمسمائة", "ستمائة", "سبعمائة",
             "ثمانمائة", "تسعمائة")
# (one, two, plural after 3–10, accusative after 11–99)
_THOUSAND = ("ألف", "ألفان", "آلاف", "ألفا")
_MILLION = ("مليون", "مليونان", "ملايين", "مليونا")
_MILLIARD = ("مليار", "ملياران", "مليارات", "مليارا")
_DIRHAM = ("درهم", "درهمان", "دراهم", "درهما")
_CENTIME = ("سنتيم", "سنتيمان", "سنتيمات", "سنتيما")
# A group word directly followed by the noun is in the construct state: the dual loses its ن
# (مائتا درهم, ألفا درهم), the accusative of 11–99 its ا (أحد عشر ألف درهم).
_CONSTRUCT = {"مائتان": "مائتا", "ألفان": "ألفا", "مليونان": "مليونا", "ملياران": "مليارا",
              "ألفا": "ألف", "مليونا": "مليون", "مليارا": "مليار"}


def _below_100(n: int) -> str:
    if n <= 10:
        return _UNITS[n]
    if n < 20:
        return _TEENS.get(n, f"{_UNITS[n - 10]} عشر")
    tens, unit = divmod(n, 10)
    return f"{_UNITS[unit]} و{_TENS[tens]}" if unit else _TENS[tens]


def _below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [p for p in (_HUNDREDS[hundreds], _below_100(rest) if rest else "") if p]
    return " و".join(parts)


def _counted(n: int, forms: tuple[str, str, str, str]) -> str:
    """``n`` (≥ 1) of a noun with its four forms, as a group: ألف, ألفان, ثلاثة آلاف…"""
    if n == 1:
        return forms[0]
    if n == 2:
        return forms[1]
    last = n % 100
    noun = forms[2] if 3 <= last <= 10 else forms[3] if last >= 11 else forms[0]
    return f"{_number(n)} {noun}"


def _number(n: int) -> str:
    """A positive integer in words, largest group first, groups joined by « و »."""
    parts: list[str] = []
    for size, forms in ((10**9, _MILLIARD), (10**6, _MILLION), (10**3, _THOUSAND)):
        count, n = divmod(n, size)
        if count:
            parts.append(_counted(count, forms))
    if n:
        parts.append(_below_1000(n))
    return " و".join(parts)


def number_in_words(n: int) -> str:
    """A non-negative integer in Arabic words: 21 → « واحد وعشرون »."""
    if n < 0:
        raise ValueError("negative number")
    return _number(n) if n else "صفر"


def _with_noun(n: int, forms: tuple[str, str, str, str]) -> str:
    """``n`` units of a currency noun (rules in the module's docstring)."""
    if n == 0:
        return f"صفر {forms[0]}"
    if n == 1:
        return f"{forms[0]} واحد"
    if n == 2:
        return forms[1]
    words = _number(n)
    last = n % 100
    if 3 <= last <= 10:
        return f"{words} {forms[2]}"
    if last >= 11:
        return f"{words} {forms[3]}"
    head, _, tail = words.rpartition(" ")
    wa = "و" if tail.startswith("و") and tail[1:] in _CONSTRUCT else ""
    word = tail[len(wa):]
    tail = wa + _CONSTRUCT.get(word, word)
    return f"{head} {tail} {forms[0]}" if head else f"{tail} {forms[0]}"


def amount_in_words(cents: int) -> str:
    """``100`` → « درهم واحد »; ``20000`` → « مائتا درهم »; ``50`` → « صفر درهم وخمسون
    سنتيما ». A negative amount starts with « ناقص »."""
    if cents < 0:
        return "ناقص " + amount_in_words(-cents)
    dirhams, centimes = divmod(cents, 100)
    text = _with_noun(dirhams, _DIRHAM)
    if centimes:
        text += " و" + _with_noun(centimes, _CENTIME)
    return text
