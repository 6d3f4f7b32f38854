"""Placeholder until the entry form is written (replaced in this same issue)."""

from textual.screen import ModalScreen


class EntryFormScreen(ModalScreen[str | None]):
    pass
