"""The widgets' looks and mouse: readable in every theme, rows that fit, Home/End, clicks.

The real app over a real index, driven with the Pilot; colours are read from what the
screen really draws (the compositor's segments), not from the stylesheet.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from rich.color import Color as RichColor
from textual.color import Color
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES

from index import Engine
from tests.pilot import choose_actor, open_first_result, reader, search, settle, shown_article
from tui.app import AfreaderApp, make_app
from tui.screens.mentions import MentionsScreen, title_width
from tui.screens.reader import ReaderScreen

# Text, and the panes' dividers (WCAG 2.1 asks 3:1 of the lines that tell parts apart).
TEXT_FLOOR = 3.0
DIVIDER_FLOOR = 3.0
# Textual's own glyphs for focus borders and scrollbars: not text.
BLOCKS = {chr(code) for code in range(0x2580, 0x25A0)}


@pytest.fixture(scope="module")
def widgets_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("widgets-index")
    Engine(None, root).open()
    return root


@pytest.fixture
def app(widgets_index: Path) -> AfreaderApp:
    return make_app(engine=Engine(None, widgets_index), show_timings=False)


def luminance(color: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    red, green, blue = color
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(color: RichColor) -> tuple[int, int, int]:
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def theme_floor(app: AfreaderApp) -> float:
    """TEXT_FLOOR, or the theme's own contrast where the theme itself offers less.

    A theme's body text and its list cursor (focused and not) are Textual's, drawn in the
    theme's colours: afreader's styles must do no worse than those.
    """
    variables = app.get_css_variables()
    background = Color.parse(variables["background"])

    def pair(fg: str, bg: str) -> float:
        # A colour with alpha is drawn over what is below: the lists' surface.
        back = background + Color.parse(variables["surface"]) + Color.parse(variables[bg])
        value = variables[fg]
        if value.startswith("auto"):  # "auto 87%": the contrasting colour, at that alpha
            alpha = float(value.split()[1].rstrip("%")) / 100 if " " in value else 1.0
            fore = back + back.get_contrast_text(alpha)
        else:
            fore = back + Color.parse(value)
        return contrast(fore.rgb, back.rgb)

    own = [
        pair("foreground", "surface"),
        pair("block-cursor-foreground", "block-cursor-background"),
        pair("block-cursor-blurred-foreground", "block-cursor-blurred-background"),
    ]
    return min([TEXT_FLOOR, *own]) - 0.05


def drawn(screen: Any, widgets: list[Any]) -> list[tuple[str, float, str]]:
    """(widget id, contrast, text) of every drawn piece of text inside `widgets`."""
    strips = screen._compositor.render_strips()
    found = []
    for y, strip in enumerate(strips):
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style
            owner = next((w for w in widgets if w.region.contains(x, y)), None)
            x += len(text)
            if owner is None or style is None or not (style.color and style.bgcolor):
                continue
            letters = "".join(c for c in text if not c.isspace() and c not in BLOCKS)
            if not letters:
                continue
            fore, back = rgb(style.color), rgb(style.bgcolor)
            if style.reverse:
                fore, back = back, fore
            found.append((owner.id, contrast(fore, back), letters))
    return found


READABLE_THEMES = sorted(name for name in BUILTIN_THEMES if not name.startswith("ansi-"))


async def test_every_builtin_theme_is_readable(app: AfreaderApp) -> None:
    """The ANSI themes are left out: their colours are the terminal's, not known here."""
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Dostum")
        await open_first_result(app, pilot)
        screen = await choose_actor(app, pilot, "abdul-rashid-dostum")
        mine = [screen.results, screen.sidebar, screen.position]
        unreadable: dict[str, list[tuple[str, float, str]]] = {}
        # Switched in one run, so that rows drawn under one theme are drawn again in the next.
        for name in READABLE_THEMES:
            app.theme = name
            await pilot.pause(0.1)
            floor = theme_floor(app)
            bad = [
                piece
                for piece in drawn(screen, mine)
                if piece[1] < (DIVIDER_FLOOR if piece[2].strip("│") == "" else floor)
            ]
            if bad:
                unreadable[name] = sorted(bad, key=lambda piece: piece[1])[:3]
        assert not unreadable


async def test_matched_lines_follow_the_width_after_a_resize(app: AfreaderApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Dostum")

        def matched_rows() -> dict[str, list[str]]:
            rows = {}
            for index in range(screen.results.option_count):
                option = screen.results.get_option_at_index(index)
                lines = str(option.prompt).split("\n")
                rows[str(option.id)] = [line for line in lines[2:-1]]
            return rows

        narrow = matched_rows()
        assert any(len(rows) > 1 for rows in narrow.values())  # wrapped at 80 columns
        await pilot.resize_terminal(220, 50)
        await pilot.pause(0.2)
        wide = matched_rows()
        width = screen.results._row_width()
        for article_id, rows in wide.items():
            joined = " ".join(row.strip() for row in rows)
            assert rows == textwrap.wrap(
                joined, width, subsequent_indent="  ", break_on_hyphens=False
            ), article_id
        assert sum(map(len, wide.values())) < sum(map(len, narrow.values()))


def sidebar_rows(screen: ReaderScreen) -> list[str]:
    strips = screen._compositor.render_strips()
    region = screen.sidebar.content_region
    return [
        "".join(segment.text for segment in strips[y]).__getitem__(slice(region.x, region.right))
        for y in range(region.y, region.bottom)
    ]


@pytest.mark.parametrize("size", [(110, 14), (160, 45)])
async def test_sidebar_counts_stay_on_their_row_and_the_list_fills_its_pane(
    app: AfreaderApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "tolonews")
        screen = await open_first_result(app, pilot)
        sidebar = screen.sidebar
        assert sidebar.region.height == screen.query_one("#main").region.height
        if size[1] < 20:
            assert sidebar.virtual_size.height > sidebar.scrollable_content_region.height
        for y in range(sidebar.option_count):
            sidebar.scroll_to(y=y, animate=False)
            await pilot.pause()
            for row in sidebar_rows(screen):
                text = "".join(c for c in row if c not in BLOCKS).strip()  # no scrollbar
                if not text or text.endswith(")"):
                    continue  # a heading, "People (7)", or an empty row
                assert text.split()[-1].isdigit() and any(c.isalpha() for c in text), row
        bottom = sidebar.option_count - 1
        sidebar.highlighted = bottom
        await pilot.pause()
        assert any("Mazar-e-Sharif" in row for row in sidebar_rows(screen))


async def open_mentions(app: AfreaderApp, pilot: Pilot[None]) -> MentionsScreen:
    await search(app, pilot, "Dostum")
    await open_first_result(app, pilot)
    await choose_actor(app, pilot, "abdul-rashid-dostum")
    await pilot.press("m")
    await settle(app, pilot)
    view = app.screen
    assert isinstance(view, MentionsScreen)
    return view


async def test_mentions_view_home_and_end_move_between_mentions(app: AfreaderApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        view = await open_mentions(app, pilot)
        table = view.table
        await pilot.press("end")
        await settle(app, pilot)
        assert table.cursor_row == len(view.lines) - 1 == view.total - 1
        assert table.scroll_x == 0  # the Date and Left columns stay in view
        await pilot.press("home")
        await pilot.pause()
        assert (table.cursor_row, table.scroll_x) == (0, 0)
        # Every column fits: the table never needs to scroll sideways, and a title that does
        # not fit ends in an ellipsis.
        assert table.virtual_size.width <= table.scrollable_content_region.width
        width = title_width(app.size.width, view.context)
        for line, row in zip(view.lines, range(table.row_count), strict=False):
            shown = str(table.get_row_at(row)[4])
            title = line.article.article.title
            assert shown == title if len(title) <= width else shown == title[: width - 1] + "…"
        assert any(str(table.get_row_at(r)[4]).endswith("…") for r in range(table.row_count))


async def test_clicking_a_result_an_actor_or_a_mention_does_what_enter_does(
    app: AfreaderApp,
) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Dostum")
        results = screen.results
        second = results.get_option_at_index(1).id
        # The second result's first row: below the first result's rows.
        first_rows = len(str(results.get_option_at_index(0).prompt).split("\n"))
        await pilot.click(results, offset=(3, first_rows))
        await settle(app, pilot)
        assert shown_article(screen) == second

        entity = screen.sidebar.entity_ids[0]
        await pilot.click(screen.sidebar, offset=(4, 1))  # row 0 is the "People" heading
        await settle(app, pilot)
        assert screen.sidebar.chosen == entity

        await pilot.press("m")
        await settle(app, pilot)
        view = app.screen
        assert isinstance(view, MentionsScreen)
        target = view.lines[2].ref
        await pilot.click(view.table, offset=(30, 3))  # the header row, then three lines
        await settle(app, pilot)
        assert app.screen is reader(app)
        assert shown_article(screen) == target.article_id
        current = screen.mentions.current
        assert current is not None and current.start == target.start
