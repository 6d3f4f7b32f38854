"""The one text-shaping path of every PDF: Arabic and mixed French/Arabic text drawn right.

ReportLab draws a string glyph after glyph, left to right, and knows neither Arabic joining
nor the bidirectional algorithm. Every free-text value a PDF draws (names, addresses, line
designations, notes, labels…) goes through here:

- :func:`visual` turns a logical string into what is drawn, line by line: letters joined
  (arabic-reshaper), runs reordered (python-bidi, base direction from the first strong
  character), digits kept with the words they count;
- :func:`para` builds the Paragraph (a table cell too): shaped, then escaped for Paragraph
  markup, then wrapped in tags; aligned right when its base direction is right-to-left; a long
  Arabic text is wrapped on its *logical* words, measured with the font, and each line is
  shaped on its own (ReportLab wrapping the visual string would put the end of the text on the
  first line).

Text without an Arabic character is returned as it is, after one scan and no other work: the
statements bench draws thousands of such cells.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from xml.sax.saxutils import escape

import arabic_reshaper

# the reference implementation: it mirrors brackets in right-to-left runs (rule L4), which
# the faster ``bidi.get_display`` of python-bidi 0.6 does not do (« )ﻢﻫﺭﺩ( » for « (درهم) »)
from bidi.algorithm import get_display
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

# Arabic, Arabic Supplement, Arabic Extended-A, presentation forms A and B.
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Arabic as typed (not yet shaped: no presentation forms).
_TYPED = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# A number as written in a text: 12, 1 200,50, 05/03/2026, 10:30, 2-3.
_NUMBER = re.compile(r"\d+(?:[ .,:/\-\u00a0\u202f]\d+)*")
_LRM, _RLM = "\u200e", "\u200f"
_MARKS = str.maketrans("", "", _LRM + _RLM)


def has_arabic(text: str) -> bool:
    """True when ``text`` holds at least one Arabic letter (or presentation form)."""
    return _ARABIC.search(text) is not None


def _strong(c: str) -> str:
    """``L``, ``R`` (Hebrew and Arabic letters) or ``""`` for a weak or neutral character."""
    kind = unicodedata.bidirectional(c)
    if kind == "L":
        return "L"
    if kind in ("R", "AL"):
        return "R"
    return ""


def is_arabic_only(text: str) -> bool:
    """True when ``text`` has Arabic letters and no left-to-right letter (digits, spaces and
    punctuation allowed): « مطعم الريف », « شارع 12 محمد الخامس »."""
    return has_arabic(text) and not any(_strong(c) == "L" for c in text)


def base_direction(text: str) -> str:
    """``R`` when the first strong character of ``text`` is Arabic (or Hebrew), else ``L``."""
    for c in text:
        kind = _strong(c)
        if kind:
            return kind
    return "L"


def _next_strong(text: str, start: int) -> str:
    for c in text[start:]:
        kind = _strong(c)
        if kind:
            return kind
    return ""


def _prev_strong(text: str, end: int) -> str:
    for c in reversed(text[:end]):
        kind = _strong(c)
        if kind:
            return kind
    return ""


def _anchor_numbers(line: str, base: str) -> str:
    """Keep a number with the words it counts. The bidirectional algorithm sticks a number to
    the Arabic before it (« Caftan قفطان مطرز 2 pièces » would show « 2 » left of the Arabic,
    away from « pièces »): a number between a run of the other direction and a word of the
    base direction gets a mark of the base direction before it."""
    other = "R" if base == "L" else "L"
    mark = _LRM if base == "L" else _RLM
    out: list[str] = []
    last = 0
    for m in _NUMBER.finditer(line):
        if _prev_strong(line, m.start()) == other and _next_strong(line, m.end()) == base:
            out += [line[last:m.start()], mark]
            last = m.start()
    if not out:
        return line
    out.append(line[last:])
    return "".join(out)


def reorder(line: str, base: str | None = None) -> str:
    """One line in visual order, letters as they are (no reshaping): the bidirectional
    algorithm with ``base`` (``L`` or ``R``; default the line's first strong character) and
    numbers anchored to the words they count. Also undoes itself on what it produced for the
    texts this project draws: the tests read the extracted PDF text back with it."""
    base = base or base_direction(line)
    return str(get_display(_anchor_numbers(line, base), base_dir=base)).translate(_MARKS)


def visual(text: str, base: str | None = None) -> str:
    """What to draw for the logical ``text``: each line (split on ``\\n``) reshaped and reordered
    (see :func:`reorder`). Text without Arabic comes back unchanged, and so does text already
    shaped (joined forms only, as nobody types them): shaping twice is harmless."""
    if _TYPED.search(text) is None:
        return text
    return "\n".join(reorder(str(arabic_reshaper.reshape(line)), base)
                     for line in text.split("\n"))


def shape_arabic(text: str) -> str:
    """Former name of :func:`visual`, kept for the callers of ``invoice_pdf.shape_arabic``."""
    return visual(text)


def markup(text: str) -> str:
    """Paragraph markup of a logical text: shaped, then escaped, lines joined by ``<br/>``."""
    return "<br/>".join(escape(line) for line in visual(text).split("\n"))


def wrap_logical(text: str, font: str, size: float, width: float) -> list[str]:
    """The logical lines of ``text`` once wrapped to ``width`` points in ``font`` at ``size``:
    words (split on spaces, ``\\n`` forces a break) are measured in their joined (reshaped)
    form; a word wider than ``width`` on its own is cut between letters."""
    lines: list[str] = []
    space = stringWidth(" ", font, size)
    for para_line in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in para_line.split(" "):
            w = stringWidth(str(arabic_reshaper.reshape(word)), font, size)
            while w > width and len(word) > 1:
                if current:
                    lines.append(" ".join(current))
                    current, used = [], 0.0
                cut = len(word) - 1
                while cut > 1 and stringWidth(str(arabic_reshaper.reshape(word[:cut])),
                                              font, size) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
                w = stringWidth(str(arabic_reshaper.reshape(word)), font, size)
            if current and used + space + w > width:
                lines.append(" ".join(current))
                current, used = [], 0.0
            used = used + space + w if current else w
            current.append(word)
        lines.append(" ".join(current))
    return lines


_RTL_STYLES: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}


def rtl_style(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` aligned right (a left or justified style; a centred or right one stays)."""
    if style.alignment not in (TA_LEFT, TA_JUSTIFY):
        return style
    known = _RTL_STYLES.get(id(style))
    if known is None or known[0] is not style:
        known = (style, ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT))
        _RTL_STYLES[id(style)] = known
    return known[1]


class BidiParagraph(Paragraph):  # type: ignore[misc]  # reportlab ships no type stubs
    """A Paragraph of a logical text holding Arabic: at layout, wrapped on the logical words
    to the width it is given, then each line shaped (see :func:`wrap_logical`)."""

    def __init__(self, text: str | None, style: ParagraphStyle, tail: str = "",
                 base: str | None = None, **kw: Any) -> None:
        # ``text`` is None for the parts of a split paragraph: lines already laid out
        self._logical = text
        self._tail = tail
        self._base = base or base_direction(text or "")
        self._laid_for: float | None = None
        shaped = None if text is None else "<br/>".join(
            escape(line) for line in visual(text, self._base).split("\n")) + tail
        super().__init__(shaped, style, **kw)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._logical is not None and self._laid_for != availWidth:
            self._laid_for = availWidth
            st = self.style
            width = availWidth - st.leftIndent - st.rightIndent - max(st.firstLineIndent, 0)
            lines = wrap_logical(self._logical, st.fontName, st.fontSize, width)
            if len(lines) > 1 and self._base == "R":  # a right-to-left paragraph's lines
                st = rtl_style(st)                   # start on the right, the last one too
            text = "<br/>".join(escape(visual(line, self._base)) for line in lines) + self._tail
            self._setup(text, st, self.bulletText, None, cleanBlockQuotedText)
        width, height = super().wrap(availWidth, availHeight)
        return float(width), float(height)


def para(text: str, style: ParagraphStyle, tail: str = "", *, rtl_right: bool = True,
         base: str | None = None, **kw: Any) -> Paragraph:
    """The Paragraph (or table cell) of a free text: plain Latin text as a plain Paragraph
    (escaped), Arabic or mixed text shaped (:class:`BidiParagraph`), aligned right when its
    first strong character is Arabic (unless ``rtl_right`` is False: a value in a stack of
    French lines aligned left, as long as it holds on one line). ``tail`` is markup added
    after the text as it is (already shaped and escaped: e.g. ``<br/><font size=7>…</font>``).
    ``base`` (``L`` | ``R``) sets
    the direction of a text composed by a template around a value (« − {label} »): the
    document's, rather than the value's."""
    if _TYPED.search(text) is None:  # Latin, or already shaped
        return Paragraph(escape(text) + tail, style, **kw)
    if rtl_right and (base or base_direction(text)) == "R":
        style = rtl_style(style)
    return BidiParagraph(text, style, tail, base, **kw)
