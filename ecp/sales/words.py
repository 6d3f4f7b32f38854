"""Amounts in French words, for the sentence that closes an invoice.

Spelling is the traditional one (before the 1990 reform), used consistently:

- hyphens only between tens and units below one hundred: « vingt-deux », « quatre-vingt-dix-neuf »,
  but « deux cent trois », « mille deux cents »;
- « et un » for 21, 31, 41, 51 and 61, « et onze » for 71; no « et » in 81 and 91
  (« quatre-vingt-un », « quatre-vingt-onze »);
- « vingt » and « cent » take an s when multiplied and last of the number, also before
  « million(s) »/« milliard(s) », which are nouns: « quatre-vingts », « deux cents »,
  « deux cents millions »; not before another numeral nor before « mille », which is
  invariable: « quatre-vingt-un », « deux cent un », « quatre-vingt mille »;
- « mille », never « un mille »; « un million », « deux millions », « un milliard »;
- « de » before the currency after a round million or milliard: « un million de dirhams »;
- singular for one: « un dirham », « un centime »; « zéro dirham » when there are only centimes
  (« zéro dirham et un centime »); centimes are joined with « et ».
"""

from __future__ import annotations

from typing import Literal

_UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize",
)
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int, final: bool) -> str:
    """0 < n < 100. ``final``: nothing but a noun (dirhams, millions…) follows."""
    if n <= 16:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = n - (60 if tens == 7 else 80)  # 10..19
        if rest == 11 and tens == 7:
            return "soixante et onze"
        return f"{base}-{_below_100(rest, final)}"
    if tens == 8:
        if unit == 0:
            return "quatre-vingts" if final else "quatre-vingt"
        return "quatre-vingt-" + _UNITS[unit]
    word = _TENS[tens]
    if unit == 0:
        return word
    if unit == 1:
        return f"{word} et un"
    return f"{word}-{_UNITS[unit]}"


def _below_1000(n: int, final: bool) -> str:
    """0 < n < 1000."""
    hundreds, rest = divmod(n, 100)
    parts: list[str] = []
    if hundreds:
        if hundreds == 1:
            parts.append("cent")
        elif rest == 0 and final:
            parts.append(f"{_UNITS[hundreds]} cents")
        else:
            parts.append(f"{_UNITS[hundreds]} cent")
    if rest:
        parts.append(_below_100(rest, final))
    return " ".join(parts)


def number_in_words(n: int) -> str:
    """A non-negative integer in French words (traditional spelling, see the module)."""
    return _number(n)[0]


def _number(n: int) -> tuple[str, bool]:
    """Words for n >= 0, and whether they end on « million(s) »/« milliard(s) »."""
    if n < 0:
        raise ValueError("negative number")
    if n == 0:
        return "zéro", False
    parts: list[str] = []
    round_big = False
    milliards, n = divmod(n, 10**9)
    millions, n = divmod(n, 10**6)
    thousands, units = divmod(n, 1000)
    for count, noun in ((milliards, "milliard"), (millions, "million")):
        if count:
            # the count may itself be large (mille milliards); a noun follows: final form
            words = _number(count)[0] if count >= 1000 else _below_1000(count, final=True)
            parts.append(f"{words} {noun}{'s' if count > 1 else ''}")
            round_big = True
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, final=False)} mille")
        round_big = False
    if units:
        parts.append(_below_1000(units, final=True))
        round_big = False
    return " ".join(parts), round_big


def amount_in_words(cents: int) -> str:
    """``123456789`` → « un million deux cent trente-quatre mille cinq cent soixante-sept dirhams
    et quatre-vingt-neuf centimes ». A negative amount starts with « moins »."""
    if cents < 0:
        return "moins " + amount_in_words(-cents)
    dirhams, centimes = divmod(cents, 100)
    words, round_big = _number(dirhams)
    unit = "dirham" if dirhams <= 1 else "dirhams"
    text = f"{words} {'de ' if round_big else ''}{unit}"
    if centimes:
        text += f" et {number_in_words(centimes)} centime{'s' if centimes > 1 else ''}"
    return text


SENTENCES: dict[str, str] = {
    "facture": "Arrêtée la présente facture à la somme de {montant}.",
    "avoir": "Arrêté le présent avoir à la somme de {montant}.",
    "devis": "Arrêté le présent devis à la somme de {montant}.",
}


def invoice_sentence(kind: Literal["facture", "avoir", "devis"], cents: int,
                     template: str | None = None) -> str:
    """« Arrêtée la présente facture à la somme de … » for ``kind``.

    ``template`` (from ``invoices/documents.toml``) replaces the built-in wording; ``{montant}``
    receives the amount in words. « de un » is elided to « d'un ».
    """
    text = (template or SENTENCES[kind]).format(montant=amount_in_words(cents))
    return text.replace(" de un ", " d'un ")
