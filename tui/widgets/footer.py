"""The footer: Textual's, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["KeysFooter"]

_Shown = tuple[tuple[str, str, str, bool, str], ...]


class KeysFooter(Footer):
    """A footer that is recomposed only when the keys it would show have changed.

    Textual's footer recomposes (removes and mounts every key) on each change of bindings:
    each focus change, each screen pushed or popped. At launch that happened three times with
    the same keys, on the UI thread while the index opens; moving between panes mostly keeps
    the same keys too.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: _Shown | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = self._keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    @staticmethod
    def _keys(screen: Screen) -> _Shown:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
