"""The line editor's parts: the scrolling list of lines of a multi-line form."""

from __future__ import annotations

from textual.containers import VerticalScroll


class LinesScroll(VerticalScroll, can_focus=False):
    """The lines scroll with the cursor; the container itself never takes the focus (Tab goes
    from the label straight to the first account)."""
