"""The overview in the reader, driven with the Pilot (real engine, real index): the date
histogram and narrowing to dates, the facets, co-mentions, keyness and matrix views."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.pilot import SIZE, reader, search, settle, shown_article
from tui.app import AfreaderApp
from tui.screens.facets import FacetsScreen
from tui.screens.reader import ReaderScreen
from tui.screens.table_view import TableScreen
from tui.widgets.histogram import DateHistogram, bars

DOSTUM, NOOR = "abdul-rashid-dostum", "atta-mohammad-noor"


def histogram(screen: ReaderScreen) -> DateHistogram:
    return screen.query_one("#histogram", DateHistogram)


def drawn(screen: ReaderScreen) -> str:
    return str(histogram(screen).render())


def table_screen(app: AfreaderApp) -> TableScreen[Any]:
    screen = app.screen
    assert isinstance(screen, TableScreen), screen
    return screen


def cells(view: TableScreen[Any], row: int) -> list[str]:
    table: DataTable[Any] = view.table
    return [str(c) for c in table.get_row_at(row)]


def title(view: TableScreen[Any]) -> str:
    return str(view.query_one("#table-title", Static).render())


async def open_view(app: AfreaderApp, pilot: Pilot[None], key: str) -> TableScreen[Any]:
    reader(app).results.focus()
    await pilot.press(key)
    await settle(app, pilot)
    view = table_screen(app)
    assert view.loaded
    return view


def test_bars_scale_to_the_largest_and_never_hide_a_count() -> None:
    assert bars([0, 1, 8, 100]) == " ▁▁█"
    assert bars([3, 0, 1]) == "█ ▃"
    assert bars([]) == ""


async def test_the_histogram_counts_the_results_by_year(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        shown = histogram(screen).histogram
        assert shown is not None
        assert shown.periods[0] == "2015" and shown.periods[-1] == "2025"
        assert shown.total == 5
        text = drawn(screen)
        assert "2015 to 2025 by year · 5 dated · 0 undated" in text
        assert "█" in text
        screen = await search(app, pilot, "Iran")
        shown = histogram(screen).histogram
        assert shown is not None and shown.by == "month" and shown.counts == [1]
        assert "2025-12 to 2025-12 by month · 1 dated" in drawn(screen)


async def test_selecting_dates_narrows_the_query_and_t_removes_it(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        screen.results.focus()
        await pilot.press("greater_than_sign")  # the first bar: 2015
        assert histogram(screen).selected == ("2015", "2015")
        await pilot.press("right_curly_bracket")
        assert histogram(screen).selected == ("2015", "2016")
        assert "selected 2015 to 2016: 3" in drawn(screen)
        await pilot.press("t")
        await pilot.pause(0.4)
        await settle(app, pilot)
        assert screen.search_bar.input.value == "published:[2015 to 2016]"
        assert screen.results.total == 3
        assert "dates: 2015 to 2016 ✕" in drawn(screen)
        screen.results.focus()
        await pilot.press("t")
        await pilot.pause(0.4)
        await settle(app, pilot)
        assert screen.search_bar.input.value == ""
        assert screen.results.total == 5
        assert "dates:" not in drawn(screen)


async def test_a_newer_query_replaces_the_histogram_of_an_older_one(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        screen.search_bar.input.value = "alliance"
        await pilot.pause(0.05)
        screen = await search(app, pilot, "Iran")
        shown = histogram(screen).histogram
        assert shown is not None and shown.total == 1
        assert screen.result_set is not None and screen.result_set.text == "Iran"


async def test_facets_keep_values_and_write_them_into_the_query(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "alliance")
        view = await open_view(app, pilot, "F")
        assert isinstance(view, FacetsScreen)
        rows = [cells(view, i) for i in range(view.table.row_count)]
        assert ["", "year", "2015", "3"] in rows
        noor = next(i for i, r in enumerate(rows) if NOOR in r[2])
        view.table.move_cursor(row=noor)
        await pilot.press("enter")
        assert cells(view, noor)[0] == "+"
        kabul = next(i for i, r in enumerate(rows) if "(kabul)" in r[2])
        view.table.move_cursor(row=kabul)
        await pilot.press("x")
        assert cells(view, kabul)[0] == "−"
        await pilot.press("a")
        await pilot.pause(0.4)
        await settle(app, pilot)
        screen = reader(app)
        assert screen.search_bar.input.value == f"alliance actor:{NOOR} -actor:kabul"
        engine = screen.engine
        assert engine is not None
        assert screen.results.total == engine.count(f"alliance actor:{NOOR} -actor:kabul")
        # Opened again, the facets show the query's choices, to remove them.
        view = await open_view(app, pilot, "F")
        marks = [cells(view, i)[0] for i in range(view.table.row_count)]
        assert "+" in marks and "−" in marks


async def test_comentions_then_the_sentences_then_the_article(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        screen.actor = DOSTUM
        view = await open_view(app, pilot, "C")
        assert cells(view, 0)[:3] == ["Atta Mohammad Noor", "22", "4"]
        assert "2015:22/3" in cells(view, 0)[3]
        await pilot.press("enter")
        await settle(app, pilot)
        pairs = table_screen(app)
        assert pairs.loaded and pairs.table.row_count == 22
        assert "Sentences naming Abdul Rashid Dostum and Atta Mohammad Noor: 22" in title(pairs)
        pairs.table.move_cursor(row=1)
        first = pairs.current
        assert first is not None
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert shown_article(screen) == first.article_id
        assert screen.actor == DOSTUM


async def test_keyness_adds_a_term_to_the_query(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "alliance")
        view = await open_view(app, pilot, "K")
        assert view.table.row_count > 0
        assert "What sets these 4 results apart (of 5)" in title(view)
        first = view.current
        assert first is not None
        await pilot.press("enter")
        await pilot.pause(0.4)
        await settle(app, pilot)
        added = f"actor:{first.value}" if first.kind == "actor" else first.value
        assert reader(app).search_bar.input.value == f"alliance {added}"


async def test_the_matrix_of_the_current_results(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "alliance")
        view = await open_view(app, pilot, "M")
        size = view.table.row_count
        assert 0 < size <= 30 and len(view.table.columns) == size + 1
        first = cells(view, 0)
        assert first[1] == "4"  # the most mentioned actor, in all 4 results
        await pilot.press("enter")
        await settle(app, pilot)
        assert reader(app).actor == view.values[0]


async def test_the_mentions_view_shows_the_timeline_and_narrows_to_a_period(
    app: AfreaderApp,
) -> None:
    from tui.screens.mentions import MentionsScreen

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        screen.actor = DOSTUM
        screen.results.focus()
        await pilot.press("m")
        await settle(app, pilot)
        view = app.screen
        assert isinstance(view, MentionsScreen)
        bars = view.timeline.histogram
        assert bars is not None and bars.by == "year"
        assert (bars.periods[0], bars.counts[0], bars.periods[-1], bars.counts[-1]) == (
            "2015",
            23,
            "2025",
            2,
        )
        title = str(view.query_one("#mentions-title", Static).render())
        assert "28 in 5 articles · first 2015, last 2025-12-10" in title
        await pilot.press("less_than_sign")  # the last bar: 2025
        await pilot.press("left_curly_bracket")
        assert view.timeline.selected == ("2024", "2025")
        await pilot.press("t")
        await settle(app, pilot)
        assert view.table.row_count == 2
        assert "Mentions of Abdul Rashid Dostum in 2024 to 2025: 2 in 1 articles" in str(
            view.query_one("#mentions-title", Static).render()
        )
        assert all(line.ref.sort_key.startswith("2025") for line in view.lines)
        await pilot.press("t")  # again: every mention
        await settle(app, pilot)
        assert view.table.row_count == 28
