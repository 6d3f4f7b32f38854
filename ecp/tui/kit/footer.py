"""The footer of every screen: Textual's, with its keys updated in place."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """Textual's footer, with its keys updated in place.

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
