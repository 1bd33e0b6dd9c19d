"""The workbench in the real app: history written as you search and read, the history
picker, back and forward, resuming after a restart, saved searches with new counts,
bookmarks, a passage selected with the keyboard and clipped, and the workbench screen."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from index import Engine
from tests.test_app import SIZE, open_first_result, reader, search, settle, shown_article
from tui.app import AfreaderApp, make_app
from tui.screens.pickers import ListPicker, Prompt
from tui.screens.workbench import WorkbenchScreen
from tui.widgets.search_bar import DEBOUNCE_SECONDS
from userdata.workbench import open_workbench


def new_app(app_index: Path) -> AfreaderApp:
    return make_app(engine=Engine(None, app_index), show_timings=False)


async def replayed(app: AfreaderApp, pilot: Pilot[None]) -> None:
    """A search put in the box runs at once; its results show once the box's debounce ends."""
    await settle(app, pilot)
    await pilot.pause(DEBOUNCE_SECONDS + 0.1)
    await settle(app, pilot)


async def opened(app: AfreaderApp, pilot: Pilot[None]) -> None:
    await settle(app, pilot)
    for _ in range(100):
        if reader(app).workbench is not None:
            return
        await pilot.pause(0.02)
    raise AssertionError("the user database never opened")


async def test_searches_and_articles_are_kept_and_resumed_after_a_restart(
    app_index: Path,
) -> None:
    app = new_app(app_index)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        first = shown_article(screen)
        assert first is not None
        await settle(app, pilot)
        screen.article_view.scroll_to(y=3, animate=False)
        await pilot.pause()
        await pilot.press("q")  # quitting remembers how far the article was read
    history = open_workbench(None).history.entries()
    kinds = [(e.kind, e.query, e.article_id) for e in history]
    assert kinds[0] == ("article", "Punjshir", first)
    assert history[0].scroll_y == 3
    assert ("search", "Punjshir", None) in kinds
    again = new_app(app_index)
    async with again.run_test(size=SIZE) as pilot:
        await opened(again, pilot)
        screen = reader(again)
        await pilot.press("ctrl+o")
        await replayed(again, pilot)
        assert screen.query_text == "Punjshir"
        assert shown_article(screen) == first
        # The picker lists both; Enter on the search runs it again.
        await search(again, pilot, "Taleban")
        screen.results.focus()
        await pilot.press("ctrl+r")
        await settle(again, pilot)
        picker = again.screen
        assert isinstance(picker, ListPicker)
        await pilot.press(*"punjshir")
        texts = [
            str(picker.options.get_option_at_index(i).prompt)
            for i in range(picker.options.option_count)
        ]
        assert any("search 'Punjshir'" in t for t in texts)
        index = next(i for i, t in enumerate(texts) if "search 'Punjshir'" in t)
        picker.options.highlighted = index
        await pilot.press("enter")
        await settle(again, pilot)
        assert screen.query_text == "Punjshir"
        # The search is kept once its results are drawn, which waits for the box's debounce
        # (a timer, not a worker): wait for the trail to hold it.
        for _ in range(100):
            if screen.trail and screen.trail[-1].query == "Punjshir":
                break
            await pilot.pause(0.05)
        assert [(e.kind, e.query) for e in screen.trail][-2:] == [
            ("search", "Taleban"),
            ("search", "Punjshir"),
        ]
        # alt+left walks back along the trail: the Taleban search.
        screen.results.focus()
        await pilot.press("alt+left")
        await replayed(again, pilot)
        assert screen.query_text == "Taleban"
        await pilot.press("alt+right")
        await replayed(again, pilot)
        assert screen.query_text == "Punjshir"


async def test_a_saved_search_counts_new_articles_and_opening_marks_them(
    app_index: Path,
) -> None:
    app = new_app(app_index)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        screen = await search(app, pilot, "Dostum")
        total = screen.results.option_count
        screen.results.focus()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, Prompt)
        await pilot.press("ctrl+u", *"north", "enter")
        await settle(app, pilot)
        saved = open_workbench(None).saved.get("north")
        assert saved is not None and saved.query == "Dostum"
        await pilot.press("o")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, ListPicker)
        line = str(picker.options.get_option_at_index(0).prompt)
        assert f"{total} new of {total}" in line
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        line = str(app.screen.options.get_option_at_index(0).prompt)  # type: ignore[attr-defined]
        assert f"0 new of {total}" in line


async def test_bookmark_and_clip_a_selected_passage_then_open_it_from_the_workbench(
    app_index: Path,
) -> None:
    app = new_app(app_index)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        article = screen.article_view.article
        assert article is not None
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("v", "shift+right", "shift+right")
        chosen = screen.article_view.selection
        assert chosen is not None and not chosen.empty
        passage = chosen.passage(screen.article_view.field_text(chosen.field))
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, Prompt)
        await pilot.press(*"key quote", "enter", *"#evidence", "enter")
        await settle(app, pilot)
        notes = open_workbench(None).notes
        assert [b.article_id for b in notes.bookmarks()] == [article.article.id]
        [clip] = notes.clips(tag="evidence")
        assert (clip.text, clip.note, clip.query) == (passage, "key quote", "Punjshir")
        assert (clip.start, clip.end) == (chosen.start, chosen.end)
        # Elsewhere, then back to the passage from the workbench.
        await search(app, pilot, "Taleban")
        await open_first_result(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        bench = app.screen
        assert isinstance(bench, WorkbenchScreen)
        await pilot.press(*"evidence")
        assert bench.options.option_count == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown_article(screen) == article.article.id
        shown = screen.article_view.selection
        assert shown is not None and (shown.start, shown.end) == (clip.start, clip.end)


async def test_a_mouse_drag_across_paragraphs_is_clipped_by_its_offsets(app_index: Path) -> None:
    from textual.geometry import Offset
    from textual.selection import Selection as Dragged

    from tui.widgets.article import Paragraph

    app = new_app(app_index)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        article = screen.article_view.article
        assert article is not None
        first, second = list(screen.query(Paragraph))[:2]
        # What a drag from the 5th character of the first paragraph into the second leaves.
        screen.selections = {
            first: Dragged(Offset(4, 0), None),
            second: Dragged(None, Offset(7, 0)),
        }
        await pilot.pause()
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, Prompt)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        [clip] = open_workbench(None).notes.clips()
        body = article.article.body
        assert (clip.start, clip.end) == (first.start + 4, second.start + 7)
        assert clip.text == body[first.start + 4 : second.start + 7]


async def test_the_results_and_the_mentions_view_export_to_markdown(app_index: Path) -> None:
    from tui.screens.mentions import MentionsScreen
    from userdata.paths import data_dir

    app = new_app(app_index)
    async with app.run_test(size=SIZE) as pilot:
        await opened(app, pilot)
        screen = await search(app, pilot, "Dostum")
        total = screen.results.option_count
        screen.results.focus()
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        [results] = (data_dir() / "exports").glob("results-*.md")
        text = results.read_text("utf-8")
        assert text.startswith("# Results for 'Dostum'")
        assert text.count("\n## ") == total and text.count("Source: ") == total
        screen.choose_actor("abdul-rashid-dostum")
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, MentionsScreen)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        [mentions] = (data_dir() / "exports").glob("mentions-*.md")
        mentioned = mentions.read_text("utf-8")
        assert mentioned.startswith("# Mentions of Abdul Rashid Dostum")
        assert "Actor: Abdul Rashid Dostum" in mentioned and "body characters" in mentioned
