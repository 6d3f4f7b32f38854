"""The documents' languages: wording from gettext catalogs, figures from babel's locale data,
and the right-to-left layout of an Arabic document.

Wording. The member documents (statement, payout voucher, payslip, annual statement) and the
invoices are written in French in ``invoices/documents.toml`` and in the renderers' ``_()``
calls; their translations live in gettext catalogs, ``ecp/locale/<lang>/LC_MESSAGES/ecp.po``,
compiled to ``ecp.mo`` and shipped in the package. The message id is the French text itself.
:func:`_` looks one message up; :func:`localize` translates a whole ``documents.toml`` tree.
A message missing from a catalog prints in French (the catalog completeness test forbids it
for the shipped wording). The catalogs are managed with babel's tooling (README, « Traductions »):
``pybabel extract`` reads the ``_()`` calls and, through :func:`extract_toml`, the strings of
``documents.toml``.

Figures. Amounts arrive as integer centimes already rounded half-up by our code; they are
turned into a :class:`~decimal.Decimal` (never a float) and formatted with the number patterns
and symbols of ``fr_MA`` or ``ar_MA`` (babel rounds half-to-even: it never rounds here, the
pattern has exactly the two decimals of a centime). Dates and month names are babel's too.
French keeps the house style the documents always had: a plain space as group separator
(``1 234 567,50 DH``; ``fr_MA`` gives U+202F), « 1er » for the first of a month.

Direction. :func:`begin` is called once at the start of each rendering; for Arabic,
every :class:`Table` built afterwards is mirrored (columns reversed, style coordinates
mirrored) and :func:`rtl_styles` aligns right the left-aligned paragraph styles, so that a
renderer written left to right lays out right to left unchanged. The formatters called without
a language use the document's (:func:`current`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Table as _Table
from reportlab.platypus import TableStyle

from ecp.reports.bidi import visual

P = ParamSpec("P")
R = TypeVar("R")

LANGS = ("fr", "ar")
LOCALES = {"fr": "fr_MA", "ar": "ar_MA"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "ecp"
# Bidi control marks some locale data carries (ar_MA's percent sign): the PDF fonts draw no
# glyph for them and the shaping path (ecp.reports.bidi) orders the runs itself.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"), None)


def check_lang(lang: str) -> str:
    """``lang`` if it is a document language, else ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return lang


# --- wording -----------------------------------------------------------------------------

@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (``ecp/locale/<lang>/LC_MESSAGES/ecp.mo``)."""
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[check_lang(lang)],
                               fallback=True)


def _(lang: str, msgid: str) -> str:
    """``msgid`` (French) in ``lang``: the catalog's translation, else ``msgid`` itself."""
    if not msgid:
        return msgid
    return catalog(lang).gettext(msgid)


def localize(tree: Any, lang: str) -> Any:
    """A copy of a ``documents.toml`` tree with every string translated into ``lang``
    (lists and tables recursively; numbers and booleans as they are)."""
    if isinstance(tree, str):
        return _(lang, tree)
    if isinstance(tree, dict):
        return {k: localize(v, lang) for k, v in tree.items()}
    if isinstance(tree, list):
        return [localize(v, lang) for v in tree]
    return tree


def localize_templates(raw: dict[str, Any], lang: str) -> dict[str, Any]:
    """``documents.toml`` (``raw``) for a document in ``lang`` (:func:`localize`); in Arabic,
    the second title that a French document prints in Arabic (``title_ar``, ``titles_ar``…)
    becomes the French one: an Arabic document is titled in Arabic, then in French."""
    t: dict[str, Any] = localize(raw, lang)
    if lang == "fr":
        return t

    def swap(src: Any, dst: Any) -> None:
        if not isinstance(src, dict):
            return
        for k, v in src.items():
            if k.endswith("_ar") and k[:-3] in src:
                dst[k] = src[k[:-3]]
            else:
                swap(v, dst[k])

    swap(raw, t)
    return t


# Tables of documents.toml left out of the catalogs: layout options, the legal mentions of the
# footer (they stay French, the language of the registers they quote) and the Arabic titles.
SKIP_TABLES = ("layout", "footer", "titles_ar")


def extract_toml(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                 options: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    """babel extraction method for ``documents.toml`` (``babel.cfg``): every string value
    but those of :data:`SKIP_TABLES` and the ``*_ar`` keys, with its key path as comment."""
    raw = fileobj.read()
    lines = raw.decode("utf-8").splitlines()
    data = tomllib.loads(raw.decode("utf-8"))

    def line_of(text: str) -> int:
        quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for n, line in enumerate(lines, 1):
            if quoted in line:
                return n
        return 0

    def walk(node: Any, path: str) -> Iterator[tuple[int, str, str, list[str]]]:
        if isinstance(node, dict):
            for k, v in node.items():
                if (path == "" and k in SKIP_TABLES) or k.endswith("_ar"):
                    continue
                yield from walk(v, f"{path}.{k}" if path else k)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, path)
        elif isinstance(node, str) and node.strip():
            yield line_of(node), "", node, [path]

    yield from walk(data, "")


# --- figures -----------------------------------------------------------------------------

@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[check_lang(lang)])


@cache
def _pattern(text: str) -> NumberPattern:
    return parse_pattern(text)


def _number(value: Decimal, lang: str | None, pattern: str) -> str:
    lang = lang or current()
    text = str(_pattern(pattern).apply(value, _locale(lang))).translate(_MARKS)
    return text.replace("\u202f", " ") if lang == "fr" else text


def number(cents: int, lang: str | None = None) -> str:
    """Integer centimes (already rounded half-up) as the locale writes them, two decimals:
    fr ``1 234 567,50``, ar ``1.234.567,50``."""
    return _number(Decimal(cents).scaleb(-2), lang, "#,##0.00")


def money(cents: int, lang: str | None = None) -> str:
    """An amount with its unit: fr ``1 234,50 DH``, ar ``1.234,50 درهم``."""
    lang = lang or current()
    return f"{number(cents, lang)} {currency_sign(lang)}"


@cache
def currency_sign(lang: str) -> str:
    """The dirham's sign: ``DH`` in French (the house style), the locale's in Arabic (ar_MA:
    ``د.م.``)."""
    if lang == "fr":
        return "DH"
    return str(get_currency_symbol("MAD", LOCALES[check_lang(lang)])).translate(_MARKS)


def quantity(milli: int, lang: str | None = None) -> str:
    """Thousandths as a quantity, without useless decimals: 2500 → ``2,5``, 1000 → ``1``."""
    return _number(Decimal(milli).scaleb(-3), lang, "#,##0.###")


def rate(bp: int, lang: str | None = None, exempt: str | None = "Exonéré",
         fixed: bool = False) -> str:
    """Basis points as a rate: 2000 → ``20 %``, 550 → ``5,5 %`` (ar ``20%``); 0 → ``exempt``
    (unless None). ``fixed``: always two decimals (52 → ``0,52 %``, 2000 → ``20,00 %``)."""
    lang = lang or current()
    if bp == 0 and exempt is not None:
        return exempt
    text = _number(Decimal(bp).scaleb(-2), lang, "#,##0.00" if fixed else "#,##0.##")
    sign = str(_locale(lang).number_symbols["latn"]["percentSign"]).translate(_MARKS)
    return f"{text} {sign}" if lang == "fr" else f"{text}{sign}"


def date_numeric(d: dt.date, lang: str | None = None) -> str:
    """``05/03/2026``."""
    return format_date(d, "dd/MM/y", locale=_locale(lang or current()))


def date_long(d: dt.date, lang: str | None = None) -> str:
    """fr ``5 mars 2026`` (``1er mars 2026`` for the first), ar ``5 مارس 2026``."""
    lang = lang or current()
    text = format_date(d, "d MMMM y", locale=_locale(lang))
    if lang == "fr" and d.day == 1:
        return "1er" + text[1:]
    return text


def fmt_date(d: dt.date, style: str = "long", lang: str | None = None) -> str:
    """:func:`date_long`, or :func:`date_numeric` when ``style`` is ``numeric``."""
    lang = lang or current()
    return date_numeric(d, lang) if style == "numeric" else date_long(d, lang)


def month_year(d: dt.date, lang: str | None = None) -> str:
    """The month of ``d`` as a title: fr ``Novembre 2026``, ar ``نونبر 2026``."""
    text = format_date(d, "LLLL y", locale=_locale(lang or current()))
    return text[:1].upper() + text[1:]


def month_names(lang: str = "fr") -> tuple[str, ...]:
    """The twelve month names of the locale (fr ``janvier``…, ar ``يناير``…)."""
    names = _locale(lang).months["format"]["wide"]
    return tuple(str(names[m]) for m in range(1, 13))


def day_names(lang: str = "fr") -> tuple[str, ...]:
    """The seven day names, Monday first (fr ``lundi``…)."""
    names = _locale(lang).days["format"]["wide"]
    return tuple(str(names[d]) for d in range(7))


# --- the document being drawn -------------------------------------------------------------

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("ecp_document_lang", default="fr")


def begin(lang: str) -> bool:
    """Start drawing a document in ``lang``: the formatters called without a language use it,
    and an Arabic document lays out right to left (:class:`Table`, :func:`rtl_styles`).
    Returns whether it does."""
    _LANG.set(check_lang(lang))
    return lang == "ar"


@contextlib.contextmanager
def drawing(lang: str) -> Iterator[bool]:
    """:func:`begin` for the time of one drawing, the language before it restored afterwards:
    a document drawn in Arabic leaves no right-to-left layout nor ar_MA figures to the next
    renderer of the same thread that does not call :func:`begin` itself. Yields whether the
    document lays out right to left."""
    token = _LANG.set(check_lang(lang))
    try:
        yield lang == "ar"
    finally:
        _LANG.reset(token)


def keeps_language(fn: Callable[P, R]) -> Callable[P, R]:
    """A renderer that calls :func:`begin` leaves the language as it found it: an Arabic
    document drawn in a process (a batch, a test run) leaves no right-to-left layout nor ar_MA
    figures to the next renderer, whatever way it returns."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _LANG.set(_LANG.get())
        try:
            return fn(*args, **kwargs)
        finally:
            _LANG.reset(token)
    return wrapper


def current() -> str:
    """The language of the document being drawn (:func:`begin`; ``fr`` by default)."""
    return _LANG.get()


def is_rtl() -> bool:
    return _LANG.get() == "ar"


def rtl_styles(styles: object) -> None:
    """Align right every left-aligned :class:`ParagraphStyle` attribute of ``styles`` (a
    :class:`~ecp.reports.invoice_pdf.Styles`), in place: in an Arabic document every text
    starts on the right; amounts stay right-aligned, their decimals one above the other (the
    unit, after the number in logical order, is drawn on its left)."""
    for style in vars(styles).values():
        if isinstance(style, ParagraphStyle) and style.alignment in (TA_LEFT, TA_JUSTIFY):
            style.alignment = TA_RIGHT


def _mirror_cmd(cmd: tuple[Any, ...]) -> tuple[Any, ...]:
    """A table style command with its columns mirrored: column c becomes -1 - c (0 ↔ -1,
    1 ↔ -2…), the range's ends swapped so that it still runs from left to right; a left
    alignment becomes a right one."""
    if len(cmd) < 3 or not isinstance(cmd[1], tuple) or not isinstance(cmd[2], tuple):
        return cmd
    (c0, r0), (c1, r1) = cmd[1], cmd[2]
    rest = list(cmd[3:])
    if cmd[0] in ("ALIGN", "ALIGNMENT") and rest and str(rest[0]).upper() == "LEFT":
        rest[0] = "RIGHT"
    return (cmd[0], (-1 - c1, r0), (-1 - c0, r1), *rest)


class Table(_Table):  # type: ignore[misc]  # reportlab ships no type stubs
    """ReportLab's table, mirrored in an Arabic document (:func:`begin`): the cells of each
    row and the column widths reversed, plain cells aligned right, and every style command's
    columns mirrored. Paragraph cells keep their style (see :func:`rtl_styles`)."""

    def __init__(self, data: Any, colWidths: Any = None, *args: Any, **kw: Any) -> None:
        self._rtl = is_rtl()
        if self._rtl:  # plain text cells shaped (Arabic wording, the dirham's sign)
            data = [[visual(c) if isinstance(c, str) else c for c in reversed(row)]
                    for row in data]
            if colWidths is not None:
                colWidths = list(reversed(colWidths))
        super().__init__(data, colWidths, *args, **kw)
        if self._rtl:
            super().setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT")]))

    def setStyle(self, tblstyle: Any) -> None:
        if not self._rtl:
            super().setStyle(tblstyle)
            return
        cmds = tblstyle.getCommands() if isinstance(tblstyle, TableStyle) else tblstyle
        mirrored = [_mirror_cmd(tuple(c)) for c in cmds]
        ncols = len(self._argW)
        for cmd in mirrored:
            if cmd[0] != "SPAN":
                continue
            # a spanned range draws its first (left) cell: the text, once on the left of
            # the range, is now on its right
            (c0, r0), (c1, r1) = cmd[1], cmd[2]
            a, b = c0 % ncols, c1 % ncols
            for r in range(r0 % self._nrows, r1 % self._nrows + 1):
                row = self._cellvalues[r]
                row[a], row[b] = row[b], row[a]
        super().setStyle(TableStyle(mirrored))
