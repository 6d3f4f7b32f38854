"""The footer of every job screen: the screen's keys (Textual's footer, updated in place) over
a strip of the twelve F-keys, which always fits the width (issue 17: F10–F12 were cut)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from ecp.tui.kit.palette import FOOTER_FR, FOOTER_TIGHT, SCREENS


class KeysFooter(TextualFooter):
    """The keys of the screen (the F-keys are on the strip below): Textual's footer, with its
    keys updated in place.

    Textual's own rebuilds all its keys (a score of widgets to mount and style) each time the
    bindings are refreshed, e.g. twice when the focus moves from a field to a table. Here a
    refresh changes nothing when the keys shown are the same, and mounts or removes only the
    keys that appear or disappear (a field hides the letter keys of its screen): a rebuild cost
    about 75 ms when the Grand livre opens an account."""

    _shown: tuple[Any, ...] | None = None
    _update_pending = False

    def _keys(self, screen: Screen[Any]) -> tuple[Any, ...]:
        """What ``compose`` shows for the bindings of ``screen``."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return (self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE,
                self.combine_groups,
                *((key, b.binding, b.enabled, b.tooltip)
                  for key, b in screen.active_bindings.items()
                  if b.binding.show or key == palette))

    def compose(self) -> ComposeResult:
        self._shown = self._keys(self.screen) if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._update_pending:
            self._update_pending = True
            self.call_later(self._update_keys)

    @staticmethod
    def _spec(w: Widget) -> tuple[Any, ...]:
        if isinstance(w, FooterKey):
            return (FooterKey, w.key, w.key_display, w.description, w.action, w._disabled,
                    w.tooltip, tuple(sorted(w.classes - {"-compact"})))  # set on mount
        return (type(w), id(w))  # groups and labels: never matched, so a rebuild

    async def _update_keys(self) -> None:
        self._update_pending = False
        if not self.is_attached or self._pruning:
            return
        shown = self._keys(self.screen)
        if shown == self._shown:
            return
        old = list(self.query_children("*").exclude(".-textual-system"))
        new = list(super().compose())
        self._shown = shown
        old_specs = [self._spec(w) for w in old]
        new_specs = [self._spec(w) for w in new]
        # Keep the keys common to both, in order; anything else than keys appearing or
        # disappearing (a group, a key changing place): rebuild as Textual does.
        kept: list[tuple[int, int]] = []
        j = 0
        for i, spec in enumerate(new_specs):
            k = old_specs.index(spec, j) if spec in old_specs[j:] else -1
            if k >= 0:
                kept.append((k, i))
                j = k + 1
        if not kept or any(spec[0] is not FooterKey for spec in old_specs + new_specs):
            await self.recompose()
            return
        old_kept = {k for k, _ in kept}
        new_kept = {i: old[k] for k, i in kept}
        async with self.batch():
            gone = [w for k, w in enumerate(old) if k not in old_kept]
            if gone:
                await self.remove_children(gone)
            anchor: Widget | None = None
            for i, w in enumerate(new):
                if i in new_kept:
                    anchor = new_kept[i]
                elif anchor is None:
                    await self.mount(w, before=0)
                    anchor = w
                else:
                    await self.mount(w, after=anchor)
                    anchor = w


class FKey(FooterKey):
    """One F-key of the strip: its key, then its screen's name, with or without a space."""

    gap = " "

    def render(self) -> Text:
        text = Text.assemble(
            (self.key_display, self.get_component_rich_style("footer-key--key")),
            (self.gap + self.description,
             self.get_component_rich_style("footer-key--description")))
        text.stylize_before(self.rich_style)
        return text


# The forms of the strip, widest first: (space between key and name, names of the F-keys).
# Twelve names in full need 135 columns; without the space, 123; « Prod. », 118.
_NAMES = {mode: FOOTER_FR.get(mode, title) for mode, title, _ in SCREENS}
STRIP_FORMS: tuple[tuple[str, dict[str, str]], ...] = (
    (" ", _NAMES),
    ("", _NAMES),
    ("", {**_NAMES, **FOOTER_TIGHT}),
)


def strip_width(gap: str, names: dict[str, str]) -> int:
    """Columns the strip takes in one form: each key, its name, one column between keys."""
    return sum(len(key) + len(gap) + len(names[mode]) + 1 for mode, _, key in SCREENS) - 1


class FKeyStrip(Horizontal):
    """F1 to F12 with the names of their screens, on one row, in the widest form that fits
    (Midnight Commander's key bar when narrow: the key in colour, the name glued to it)."""

    DEFAULT_CSS = """
    FKeyStrip {
        height: 1;
        width: 1fr;
        background: $footer-background;
        FKey { margin-right: 1; }
        FKey.-compact .footer-key--key { padding: 0; }
        FKey.-compact .footer-key--description { padding: 0; }
    }
    """

    def compose(self) -> ComposeResult:
        for mode, title, key in SCREENS:
            yield FKey(key, key.upper(), _NAMES[mode], f"app.go('{mode}')", tooltip=title)

    def on_resize(self, event: Resize) -> None:
        self.fit(event.size.width)

    def fit(self, width: int) -> None:
        gap, names = next((f for f in STRIP_FORMS if strip_width(*f) <= width), STRIP_FORMS[-1])
        for (mode, _, _), k in zip(SCREENS, self.query(FKey), strict=True):
            if (k.gap, k.description) != (gap, names[mode]):
                k.gap, k.description = gap, names[mode]
                k.refresh(layout=True)


class Footer(Vertical):
    """The screen's keys, then the F-key strip, docked at the bottom (its type name is
    Textual's footer's, whose CSS it gets too: hence the layout said again)."""

    DEFAULT_CSS = """
    Footer {
        layout: vertical;
        dock: bottom;
        height: 2;
        KeysFooter { dock: none; width: 1fr; height: 1; layout: horizontal; }
    }
    """

    def compose(self) -> ComposeResult:
        # ctrl+p is one of the keys (show=True): not a second time docked at the right
        yield KeysFooter(show_command_palette=False)
        yield FKeyStrip()
