"""Textual's own commands in the palette, trimmed to those that mean something in afreader.

Textual offers "Keys" (its key panel, which the help screen `?` replaces) and "Screenshot"
(an SVG in the Downloads folder) beside afreader's commands; neither is for a reader. Every
theme can be found by its name from the palette's first screen ("Theme: nord"), and the
current theme says that it is the current one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from textual.app import App, SystemCommand

__all__ = ["DROPPED", "system_commands"]

DROPPED = frozenset({"Keys", "Screenshot"})


def system_commands(app: App[Any], commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's system commands without DROPPED, and one searchable command per theme."""
    for command in commands:
        if command.title not in DROPPED:
            yield command
    for name in sorted(app.available_themes):

        def use(name: str = name) -> None:
            app.theme = name

        current = name == app.theme
        yield SystemCommand(
            f"Theme: {name}",
            "The current theme" if current else f"Switch to the {name} theme",
            use,
            discover=False,  # found by typing its name, not listed on the palette's first screen
        )
