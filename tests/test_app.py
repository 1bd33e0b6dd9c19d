"""The reader app, driven with the Pilot like a person at the keyboard (real engine, real index)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content
from textual.widgets import Input, Static

from index import Engine
from tests.pilot import (
    SIZE,
    choose_actor,
    open_first_result,
    position,
    reader,
    search,
    settle,
    shown_article,
    status,
)
from tui.app import AfreaderApp, make_app
from tui.messages import SearchFinished, SearchKey
from tui.screens.help import HelpScreen
from tui.screens.mentions import MentionsScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.article import ArticleView, Paragraph
from tui.widgets.search_bar import DEBOUNCE_SECONDS, FilterChip


async def test_start_lists_every_article_newest_first(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        engine = screen.engine
        assert engine is not None
        ids = [
            screen.results.get_option_at_index(i).id or ""
            for i in range(screen.results.option_count)
        ]
        expected = [h.article.article.id for h in engine.search("", limit=50).hits]
        assert ids == expected and len(ids) == 5
        assert ids[0].startswith("2025-12")
        assert status(screen).startswith("5 articles")
        assert app.focused is screen.search_bar.input


async def test_search_as_you_type_and_spelling_expansion(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Salih")
        assert screen.results.option_count == 1
        assert status(screen).startswith("1 article")
        prompt = str(screen.results.get_option_at_index(0).prompt)
        assert "matched:" in prompt and "Saleh" in prompt


async def test_typing_with_keys_searches_after_the_debounce(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"Noor")
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        screen = reader(app)
        assert screen.query_text == "Noor"
        assert screen.results.option_count == 4


async def test_the_debounce_counts_from_the_keystroke(app: AfreaderApp) -> None:
    """A keystroke whose message reached the search box late (the screen was drawing) waits
    only what is left of the debounce; one older than the whole debounce settles at once.
    (How soon results follow a keystroke is measured in bench/, not asserted here.)"""
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        bar = screen.search_bar
        with bar.input.prevent(Input.Changed):
            bar.input.value = "No"
        fresh = Input.Changed(bar.input, "No")
        bar.post_message(fresh)
        await pilot.pause()
        assert bar.pending and screen.query_text == ""  # a fresh keystroke waits
        with bar.input.prevent(Input.Changed):
            bar.input.value = "Noor"
        stale = Input.Changed(bar.input, "Noor")
        stale.time -= DEBOUNCE_SECONDS * 2  # it reached the box long after it was typed
        bar.post_message(stale)
        await pilot.pause()
        assert not bar.pending and screen.query_text == "Noor"  # settled without waiting
        await settle(app, pilot)
        assert status(screen).startswith("4 articles")


async def test_stale_results_are_dropped(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        assert screen.engine is not None
        screen.query_text = "Dostum"
        screen._search_now()
        screen.query_text = "Punjshir"  # a newer query arrives before the first returns
        screen._search_now()
        await settle(app, pilot)
        assert screen.results.option_count == 1
        assert screen.results.highlighted_id is not None
        assert screen.results.highlighted_id.startswith("2021-08")


async def test_a_newer_keystroke_stops_a_slow_search(app: AfreaderApp) -> None:
    import threading
    import time

    from index import SearchCancelled

    outcomes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        engine = screen.engine
        assert engine is not None
        real_search = engine.search
        slow_started = threading.Event()

        def search(text: str, **kwargs: object) -> object:
            cancelled = kwargs.get("cancelled")
            assert callable(cancelled), "the app's searches must be cancellable"
            if text == "Dostum":  # a slow query: it runs until the app says stop (or 10 s)
                slow_started.set()
                deadline = time.monotonic() + 10
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.005)
                try:
                    return real_search(text, **kwargs)  # type: ignore[arg-type]
                except SearchCancelled:
                    outcomes.append("stopped")
                    raise
            return real_search(text, **kwargs)  # type: ignore[arg-type]

        engine.search = search  # type: ignore[method-assign,assignment]
        started = time.monotonic()
        await pilot.press("D", "o", "s", "t", "u", "m")
        while not slow_started.is_set() and time.monotonic() - started < 10:
            await asyncio.sleep(0.01)
        assert slow_started.is_set()
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("backspace", *"Punjshir")
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        # The app handed the engine a callable that turned True: the engine raised, and the app
        # took it calmly (that a search stops part-way: tests/test_search.py).
        assert outcomes == ["stopped"]
        assert time.monotonic() - started < 8
        assert screen.results.option_count == 1
        assert status(screen).startswith("1 article")


async def test_bad_query_shows_a_message_not_a_crash(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, '"unclosed')
        assert "unclosed quote" in status(screen)
        assert screen.query_one("#search-status").has_class("-error")
        screen = await search(app, pilot, "published:yesterday")
        assert "not a date" in status(screen)


async def test_enter_opens_and_n_moves_between_hits(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Taliban")
        screen = await open_first_result(app, pilot)
        assert shown_article(screen) is not None
        total = len(screen.hits.marks)
        assert total > 1
        assert position(screen).startswith(f"hit 1 of {total}")
        await pilot.press("n")
        assert position(screen).startswith(f"hit 2 of {total}")
        await pilot.press("N")
        assert position(screen).startswith(f"hit 1 of {total}")
        assert app.focused is screen.article_view


async def test_submitting_the_query_moves_to_the_results(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"Dostum", "enter")
        await settle(app, pilot)
        screen = reader(app)
        assert app.focused is screen.results
        await pilot.press("j")
        assert screen.results.highlighted == 1
        await pilot.press("k")
        assert screen.results.highlighted == 0


async def test_tab_cycles_the_panes_and_slash_returns_to_search(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        order = []
        for _ in range(4):
            await pilot.press("tab")
            order.append(app.focused)
        assert order == [
            screen.results,
            screen.article_view,
            screen.sidebar,
            screen.search_bar.input,
        ]
        await pilot.press("shift+tab")
        assert app.focused is screen.sidebar
        await pilot.press("slash")
        assert app.focused is screen.search_bar.input


async def test_mentions_jump_within_and_across_articles_in_date_order(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        engine = screen.engine
        assert engine is not None
        refs = engine.mentions_of("abdul-rashid-dostum")
        first = refs[0]
        screen.open_at_mention(first)
        screen.article_view.focus()
        await settle(app, pilot)
        assert shown_article(screen) == first.article_id
        assert "Abdul Rashid Dostum: mention 1 of" in position(screen)
        visited = [(shown_article(screen), screen.mentions.current)]
        for _ in range(len(refs) - 1):
            await pilot.press("right_square_bracket")
            await settle(app, pilot)
            visited.append((shown_article(screen), screen.mentions.current))
        # Every mention, once each, in the engine's corpus order.
        assert [(a, m.start if m else None) for a, m in visited] == [
            (r.article_id, r.start) for r in refs
        ]
        articles = list(dict.fromkeys(r.article_id for r in refs))
        assert f"article {len(articles)} of {len(articles)}" in position(screen)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert shown_article(screen) == refs[-1].article_id  # no later mention: stays put
        for _ in range(len(refs) - 1):
            await pilot.press("left_square_bracket")
            await settle(app, pilot)
        assert shown_article(screen) == first.article_id
        assert screen.mentions.current is not None and screen.mentions.current.start == first.start


async def test_choosing_an_actor_in_the_sidebar_marks_its_mentions(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        assert "ahmad-massoud" in screen.sidebar.entity_ids
        screen = await choose_actor(app, pilot, "ahmad-massoud")
        assert screen.actor == "ahmad-massoud"
        assert "Ahmad Massoud: mention 1 of 3 in this article" in position(screen)
        shown = screen.article_view.article
        assert shown is not None
        texts = [shown.article.body[m.start : m.end] for m in screen.mentions.marks]
        assert texts == ["Ahmad Mesud", "Ahmed Masud", "Massoud"]


async def test_enter_on_arriving_in_the_sidebar_chooses_its_first_actor(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        assert app.focused is screen.article_view
        await pilot.press("tab")  # the group heading ("People") is not where the highlight is
        assert app.focused is screen.sidebar
        first = screen.sidebar.entity_ids[0]
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.actor == first
        assert "mention 1 of" in position(screen)


async def test_back_returns_to_where_you_were(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        start = shown_article(screen)
        await choose_actor(app, pilot, "abdul-rashid-dostum")
        for _ in range(4):
            await pilot.press("right_square_bracket")
            await settle(app, pilot)
        assert shown_article(screen) != start
        screen.article_view.focus()
        await pilot.press("backspace")
        await settle(app, pilot)
        assert shown_article(screen) == start
        await pilot.press("backspace")
        await settle(app, pilot)
        assert shown_article(screen) == start  # nothing further back


async def test_mentions_view_sorts_and_opens_the_article_at_the_mention(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        await choose_actor(app, pilot, "abdul-rashid-dostum")
        await pilot.press("m")
        await settle(app, pilot)
        view = app.screen
        assert isinstance(view, MentionsScreen)
        assert screen.engine is not None
        refs = screen.engine.mentions_of("abdul-rashid-dostum")
        assert view.table.row_count == len(refs)
        assert [line.ref for line in view.lines] == refs
        await pilot.press("s")
        spellings = [line.text.casefold() for line in view.lines]
        assert spellings == sorted(spellings)
        await pilot.press("s")
        await pilot.press("j", "j", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert shown_article(screen) == refs[2].article_id
        current = screen.mentions.current
        assert current is not None and current.start == refs[2].start
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_filter_by_actor_shows_a_chip_and_escape_removes_it(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_first_result(app, pilot)
        await choose_actor(app, pilot, "ahmad-massoud")
        await pilot.press("f")
        await settle(app, pilot)
        chip = screen.query_one(FilterChip)
        assert chip.has_class("-active") and "Ahmad Massoud" in str(chip.render())
        assert screen.results.option_count == 2
        await pilot.press("escape")
        await settle(app, pilot)
        assert not chip.has_class("-active")
        assert screen.results.option_count == 5
        await pilot.press("escape")
        assert app.focused is screen.search_bar.input


async def test_actor_field_in_the_query_filters_too(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, 'actor:"Yar Dostum"')
        assert screen.results.option_count == 1


async def test_sort_toggle_orders_results_by_date(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Taliban")
        screen.results.focus()
        await pilot.press("s")
        await settle(app, pilot)
        assert "by date" in status(screen)
        engine = screen.engine
        assert engine is not None
        ids = [
            screen.results.get_option_at_index(i).id or ""
            for i in range(screen.results.option_count)
        ]
        dates = [engine.article(i).article.published.sort_date for i in ids]  # type: ignore[union-attr]
        assert len(dates) == 4 and dates == sorted(dates, reverse=True)


async def test_help_lists_every_reader_key(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reader(app).results.focus()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {does for _, does, _ in app.screen.rows}
        for binding in ReaderScreen.BINDINGS:
            assert binding.tooltip in described  # type: ignore[union-attr]
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_palette_goes_to_an_actor(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Yar Dostum")
        await pilot.pause(0.6)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = reader(app)
        assert screen.actor == "yar-dostum"
        assert shown_article(screen) is not None and shown_article(screen).startswith("2021-08")  # type: ignore[union-attr]


async def test_palette_opens_an_article_by_title(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sons of the Resistance")
        await pilot.pause(0.8)
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown_article(reader(app)) == "2021-08-anti-taliban-alliance-sons-of-resistance"


async def test_narrow_terminal_collapses_the_sidebar_and_e_toggles_it(app: AfreaderApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        assert not screen.sidebar.display or screen.sidebar.has_class("-hidden")
        screen.results.focus()
        await pilot.press("e")
        await pilot.pause()
        assert not screen.sidebar.has_class("-hidden")
        assert screen.article_view.size.width >= 20
        await pilot.press("e")
        await pilot.pause()
        assert screen.sidebar.has_class("-hidden")


async def test_problems_view_and_quit(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reader(app).results.focus()
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_article_text_is_never_markup_or_control(tmp_path: Path) -> None:
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "---\ntitle: \"[bold red]Loud[/] title\"\npublished: '2020-01-02'\n---\n\n"
        "Taliban text with [link=file:///etc/passwd]a link[/link], [@click=app.quit]x[/] "
        "and \x1b[2J\x1b]52;c;ZXZpbA==\x07 and \u202eevil.\n",
        encoding="utf-8",
    )
    app = make_app(engine=Engine(corpus, tmp_path / "index"), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_first_result(app, pilot)
        view = screen.query_one(ArticleView)
        title = str(view.query_one("#article-title", Static).render())
        body = "".join(str(p.render()) for p in view.query(Paragraph))
        assert title == "[bold red]Loud[/] title"
        assert "[link=file:///etc/passwd]a link[/link]" in body
        assert "[@click=app.quit]x[/]" in body
        assert "\x1b" not in body and "␛[2J" in body and "\u202e" not in body
        prompt = str(screen.results.get_option_at_index(0).prompt)
        assert "[bold red]Loud[/] title" in prompt
    assert app.return_code in (None, 0)


async def test_input_keeps_typed_characters_that_are_also_keys(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"q n m f s e p ]")
        assert reader(app).search_bar.input.value == "q n m f s e p ]"
        assert isinstance(app.focused, Input)


async def test_corpus_changes_while_open_are_noticed_and_refreshed(tmp_path: Path) -> None:
    import shutil

    from corpus import BUNDLED_ARTICLES

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_ARTICLES, corpus)
    app = make_app(engine=Engine(corpus, tmp_path / "index"), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Punjshir")
        await open_first_result(app, pilot)
        opened = shown_article(screen)
        assert opened == "2021-08-anti-taliban-alliance-sons-of-resistance"
        (corpus / f"{opened}.md").unlink()
        (corpus / "new.md").write_text(
            "---\ntitle: A new report from Punjshir\npublished: '2022-05-01'\n---\n\nFighting in Punjshir.\n",
            encoding="utf-8",
        )
        screen.keeper._check_corpus()
        await settle(app, pilot)
        assert screen.keeper.change_noticed
        assert any("corpus changed" in (n.title or "") for n in app._notifications)
        await pilot.press("r")
        await settle(app, pilot)
        await settle(app, pilot)
        assert screen.results.option_count == 1
        assert screen.results.highlighted_id == "new"
        assert screen.article_view.article is None  # the open article vanished: said so
        meta = str(screen.article_view.query_one("#article-meta", Static).render())
        assert "no longer in the corpus" in meta


def test_build_progress_says_articles_rate_time_left_and_time_so_far() -> None:
    from tui.widgets.build_panel import describe_progress

    assert describe_progress(250, 57_110, 0.5) == (
        "Building the index: 250 of 57,110 articles · 0:00 so far"
    )
    assert describe_progress(12_000, 57_110, 10.0) == (
        "Building the index: 12,000 of 57,110 articles · 1,200 articles/s · about 40 s left"
        " · 0:10 so far"
    )
    assert describe_progress(5_000, None, 125.0) == (
        "Building the index: 5,000 articles read · 40 articles/s · 2:05 so far"
    )
    assert describe_progress(8_000, 8_000, 20.0).endswith("writing the last batch · 0:20 so far")
    assert "about 3 min left" in describe_progress(1_000, 20_000, 10.0)


def news_corpus(path: Path, count: int) -> Path:
    """A JSON Lines corpus of `count` short dated articles, every one about Kabul."""
    import json

    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            record = {
                "id": f"a{n}",
                "title": f"Report {n} from Kabul",
                "date": f"2020-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "source": "Test Wire",
                "body": f"The Taliban and the government met in Kabul, day {n}.",
            }
            out.write(json.dumps(record) + "\n")
    return path


async def test_first_launch_shows_the_build_then_the_articles(tmp_path: Path) -> None:
    from textual.widgets import ProgressBar

    from tui.widgets.build_panel import BuildPanel

    corpus = news_corpus(tmp_path / "news.jsonl", 600)
    app = make_app(corpus=corpus, index_dir=tmp_path / "index", show_timings=False)
    seen: set[str] = set()
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        panel = screen.query_one(BuildPanel)
        for _ in range(6000):
            if panel.display:
                seen.add(str(panel.label.render()))
            if screen.results.option_count:
                break
            await asyncio.sleep(0.005)
        await settle(app, pilot)
        # articles done (reported every 250) of all of them, while the build runs
        partial = {
            int(m[1]) for t in seen if (m := re.match(r"Building the index: (\d+) of 600 ", t))
        }
        assert partial and min(partial) < 600 and min(partial) % 250 == 0, seen
        assert all("so far" in text for text in seen)
        assert not panel.display and not panel.query(ProgressBar)
        assert status(screen).startswith("600 articles")


async def test_what_is_typed_before_the_index_is_open_is_searched_once_it_is(
    tmp_path: Path,
) -> None:
    corpus = news_corpus(tmp_path / "news.jsonl", 3000)  # a build of a few seconds
    app = make_app(corpus=corpus, index_dir=tmp_path / "index", show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press(*"1234")  # at once, while the index is being built
        assert screen.engine is None
        assert screen.search_bar.input.value == "1234"
        for _ in range(6000):
            if screen.engine is not None:
                break
            await asyncio.sleep(0.005)
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        assert status(screen).startswith("1 article")
        assert screen.results.highlighted_id == "a1234"


async def test_the_newest_articles_are_listed_while_the_index_is_brought_up_to_date(
    tmp_path: Path,
) -> None:
    from tui.widgets.build_panel import BuildPanel

    corpus = news_corpus(tmp_path / "news.jsonl", 600)
    Engine(corpus, tmp_path / "index").open()
    news_corpus(tmp_path / "news.jsonl", 3000)  # 2,400 more: an update of a few seconds
    app = make_app(corpus=corpus, index_dir=tmp_path / "index", show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        panel = screen.query_one(BuildPanel)
        listed_while_updating = False
        for _ in range(6000):
            if screen.engine is None and screen.results.option_count and panel.display:
                listed_while_updating = True
            if screen.engine is not None:
                break
            await asyncio.sleep(0.005)
        await settle(app, pilot)
        assert listed_while_updating  # from the store of the index as it was
        assert status(screen).startswith("3,000 articles")  # then the updated index


async def test_footer_is_rebuilt_only_when_its_keys_change(app: AfreaderApp) -> None:
    from textual.widgets._footer import FooterKey

    def keys() -> list[FooterKey]:
        return list(reader(app).query(FooterKey))

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("tab")  # from the search box (letters are typed) to the results
        await settle(app, pilot)
        shown = keys()
        assert [k.key_display for k in shown] == ["/", "n", "]", "m", "f", "q", "?", "^p"]
        await pilot.press("tab")  # the article: the same keys, the same footer
        await settle(app, pilot)
        assert app.focused is reader(app).article_view
        assert all(a is b for a, b in zip(keys(), shown, strict=True))
        app.set_keymap({"reader.mentions_view": "M"})
        await settle(app, pilot)
        assert "M" in [k.key_display for k in keys()]


async def test_results_load_page_after_page_as_the_highlight_moves(tmp_path: Path) -> None:
    engine = Engine(news_corpus(tmp_path / "news.jsonl", 250), tmp_path / "index")
    engine.open()
    expected = [hit.article.article.id for hit in engine.search("Kabul", limit=250).hits]
    app = make_app(engine=engine, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Kabul")
        assert screen.results.option_count == 20
        screen.results.focus()
        loaded = [20]
        while screen.results.option_count < 250 and len(loaded) < 10:
            await pilot.press("end")
            await settle(app, pilot)
            loaded.append(screen.results.option_count)
        assert loaded[:4] == [20, 120, 220, 250]
        ids = [
            screen.results.get_option_at_index(i).id or ""
            for i in range(screen.results.option_count)
        ]
        assert ids == expected
        assert status(screen).startswith("250 articles")


async def test_hard_wrapped_wire_text_is_reflowed_and_an_undated_article_says_so(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "wire"
    corpus.mkdir()
    body = (
        "Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought"
        " since early\nJanuary and improving prospects for the coming temporao.\n"
        "    The dry period means the temporao will be late this year.\n"
        "Shr 34 cts vs 1.19 dlrs\n    Net 807,000 vs 2,858,000\n"
    )
    (corpus / "cocoa.md").write_text(f"---\ntitle: BAHIA COCOA REVIEW\n---\n\n{body}", "utf-8")
    app = make_app(engine=Engine(corpus, tmp_path / "index"), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "drought")
        await open_first_result(app, pilot)
        view = screen.article_view
        assert str(view.query_one("#article-title", Static).render()) == "BAHIA COCOA REVIEW"
        assert str(view.query_one("#article-meta", Static).render()) == "source unknown · undated"
        (paragraph,) = view.query(Paragraph)
        shown = paragraph.render()
        assert isinstance(shown, Content)
        text = str(shown)
        assert len(text) == len(body.strip())  # one character for one: offsets stay valid
        assert (
            "the week in the Bahia cocoa zone, alleviating the drought since early January" in text
        )
        assert "temporao.\n    The dry period" in text  # an indented line starts a paragraph
        assert "Shr 34 cts vs 1.19 dlrs\n    Net 807,000" in text  # a table keeps its lines
        assert [text[span.start : span.end] for span in shown.spans] == ["drought"]
        await search(app, pilot, '"dry period"')
        prompt = screen.results.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        snippet = str(prompt).splitlines()[-1]
        assert snippet.startswith("…The dry period means") and "  " not in snippet
        marked = [str(prompt)[span.start : span.end] for span in prompt.spans]
        assert marked[-1] == "dry period"  # the hit, after the title and meta styles


async def test_each_result_is_a_few_rows_with_its_first_hit_on_screen(
    app: AfreaderApp,
) -> None:
    """Title; date and source; the spellings an actor query matched; the snippet: rows cut
    with an ellipsis, never wrapped, but for the spellings, all shown. The snippet starts a
    few words before its first hit, so the hit shows in a narrow list."""
    async with app.run_test(size=(90, 40)) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Punjshir OR Dostum")
        results = screen.results
        assert results.option_count == 5
        width = results.scrollable_content_region.width
        assert width < 40  # narrower than the snippets
        row = 0
        for index in range(results.option_count):
            prompt = results.get_option_at_index(index).prompt
            assert isinstance(prompt, Content)
            _title, meta, *matched, snippet = str(prompt).split("\n")
            assert re.match(r"\d{4}(-\d\d){0,2} · ", meta)  # the date first: it is never cut
            assert matched and matched[0].startswith("matched: ")
            assert all(len(line) <= width for line in matched), (width, matched)
            spellings = " ".join(line.strip() for line in matched).removeprefix("matched: ")
            assert all(name.strip() for name in spellings.split(", "))
            for offset, line in enumerate(matched, 2):
                assert results.render_line(row + offset).text.strip() == line.strip()
            row += 2 + len(matched)
            shown = results.render_line(row).text
            start = len(str(prompt)) - len(snippet)
            hits = [str(prompt)[s.start : s.end] for s in prompt.spans if s.start >= start]
            assert hits, snippet
            assert hits[0] in shown, (shown, hits[0])
            assert len(snippet) > width - 2 and shown.rstrip().endswith("…")
            row += 1
        assert results.virtual_size.height == row


@pytest.mark.parametrize(
    ("text", "spans", "want", "marked"),
    [
        ("short hit first", [(6, 9)], "short hit first", ["hit"]),
        ("no hit at all here", [], "no hit at all here", []),
        (
            "…a long run of words before the hit and after it",
            [(32, 35), (40, 45)],
            "…the hit and after it",
            ["hit", "after"],
        ),
        ("a" * 30 + " end", [(31, 34)], "…end", ["end"]),
        ("x" * 40, [(30, 35)], "…" + "x" * 10, ["xxxxx"]),  # no word to start at
    ],
)
def test_a_snippet_starts_a_few_words_before_its_first_hit(
    text: str, spans: list[tuple[int, int]], want: str, marked: list[str]
) -> None:
    from tui.widgets.results import LEAD, led

    got, moved = led(text, spans)
    assert got == want
    assert [got[s:e] for s, e in moved] == marked
    assert not moved or moved[0][0] <= LEAD + 1


async def test_what_start_up_made_is_kept_out_of_full_collections(app: AfreaderApp) -> None:
    import gc

    assert gc.get_freeze_count() == 0
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert gc.get_freeze_count() > 10_000  # modules, widgets, the open index
        before = gc.get_freeze_count()
        await search(app, pilot, "Dostum")
        assert gc.get_freeze_count() <= before  # frozen once, at start-up
    assert gc.get_freeze_count() == 0  # and let go when the app ends


# --- the keys a new user meets first (issue 12) --------------------------------------------


def notices(app: AfreaderApp) -> list[str]:
    """The notifications on screen."""
    return [n.message for n in app._notifications]


def box(screen: ReaderScreen) -> str:
    """What the search box holds."""
    return screen.search_bar.input.value


async def test_slash_opens_the_box_and_is_never_typed(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        await pilot.press("slash", *"Dostum")  # the box has the focus at launch
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        assert box(screen) == "Dostum" and status(screen).startswith("5 articles")
        screen.results.focus()
        await pilot.press("slash", *"Ata")  # from another pane: typing replaces the query
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        assert app.focused is screen.search_bar.input
        assert box(screen) == "Ata" and screen.query_text == "Ata"
        await pilot.press("slash", *"Noor")  # in the box itself: selects, never inserted
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        assert box(screen) == "Noor"


async def test_escape_in_the_box_clears_it_and_the_help_says_ctrl_u(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Punjshir")
        assert screen.results.option_count == 1
        await pilot.press("escape")
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        assert box(screen) == "" and screen.results.option_count == 5
        screen.results.focus()
        await pilot.press("escape")
        assert app.focused is screen.search_bar.input
        screen.results.focus()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert any("ctrl+u" in does for _, does, _ in app.screen.rows)


async def test_results_never_replace_a_query_still_being_typed(app: AfreaderApp) -> None:
    """Bug 2: the results of an older query (the index-ready page, the newest articles)
    arriving while newer keystrokes wait for their debounce did not belong to the box."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Panj*")
        engine = screen.engine
        assert engine is not None and screen.results.option_count == 1
        await pilot.press("ctrl+u")  # the box emptied, and searched: the five newest
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        assert screen.query_text == "" and screen.results.option_count == 5
        await pilot.press(*"Taleban")
        assert screen.query_text == ""  # the keystrokes wait for their debounce
        # A first page for the empty query arrives now (as the index-ready handler delivers
        # one): it is for the query the box held, not for the one it holds.
        # Handled at once (not posted): where it lands between keystrokes is the race.
        page = engine.search("", limit=2)
        screen._search_finished(SearchFinished(SearchKey("", screen.sort, None), page))
        assert screen.results.option_count == 5
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        assert box(screen) == "Taleban" and screen.query_text == "Taleban"
        assert status(screen).startswith(f"{engine.search('Taleban').total} article")


async def test_a_slow_search_says_it_is_running_and_the_count_is_its_own(
    app: AfreaderApp,
) -> None:
    import threading

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        engine = screen.engine
        assert engine is not None
        assert status(screen).startswith("5 articles")
        real_search = engine.search
        release = threading.Event()

        def search_held(text: str, **kwargs: Any) -> Any:
            if text == "goverment~2":  # slow: it runs until the test lets it finish
                release.wait(20)
            return real_search(text, **kwargs)

        engine.search = search_held  # type: ignore[method-assign]
        screen.search_bar.input.value = "goverment~2"
        await pilot.pause(DEBOUNCE_SECONDS + 0.4)
        assert "searching" in status(screen) and "goverment~2" in status(screen)
        assert "5 articles" not in status(screen)
        release.set()
        await settle(app, pilot)
        assert status(screen).startswith(f"{real_search('goverment~2').total} article")


async def test_no_result_says_so_and_closes_the_article(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Taliban")
        screen = await open_first_result(app, pilot)
        assert shown_article(screen) is not None
        await search(app, pilot, "zzqqxx")
        assert status(screen) == "no articles match 'zzqqxx'"
        assert shown_article(screen) is None
        meta = str(screen.article_view.query_one("#article-meta", Static).render())
        assert "no articles match 'zzqqxx'" in meta
        assert not screen.hits.marks and "hit" not in position(screen)


async def test_an_empty_corpus_says_what_afreader_reads(tmp_path: Path) -> None:
    corpus = tmp_path / "empty"
    corpus.mkdir()
    app = make_app(engine=Engine(corpus, tmp_path / "index"), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        said = f"no articles found in {corpus}: afreader reads .md, .txt, .jsonl, .jsonl.gz"
        assert status(screen) == said
        assert str(screen.article_view.query_one("#article-meta", Static).render()) == said


async def test_articles_that_could_not_be_read_are_said_once_with_the_key(
    tmp_path: Path,
) -> None:
    import shutil

    from corpus import BUNDLED_ARTICLES

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_ARTICLES, corpus)
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n", "utf-8")
    app = make_app(engine=Engine(corpus, tmp_path / "index"), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for _ in range(100):  # the count is said once the first results are on screen
            await pilot.pause(0.1)
            await settle(app, pilot)
            if any("could not be read" in n for n in notices(app)):
                break
        said = [n for n in notices(app) if "could not be read" in n]
        assert said == ["1 article(s) could not be read: press p to see which and why."]
        screen = reader(app)
        screen.results.focus()
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)


async def test_a_repeated_notice_is_shown_once(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Punjshir")
        screen = await open_first_result(app, pilot)
        for _ in range(len(screen.hits.marks) + 3):
            await pilot.press("n")
        await pilot.pause()
        assert notices(app).count("That was the last hit in this article.") == 1


async def test_one_letter_is_not_an_error(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "D")
        assert status(screen) == ""
        assert not screen.query_one("#search-status").has_class("-error")


async def test_a_query_error_and_a_path_keep_their_brackets(tmp_path: Path) -> None:
    app = make_app(engine=Engine(None, tmp_path / "index"), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "published:[bold]")
        assert "published:[bold]" in status(screen)
    missing = tmp_path / "[link=file:x]y[/link]"
    app = make_app(corpus=missing, index_dir=tmp_path / "other", show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        panel = reader(app).build_panel
        assert "[link=file:x]y[/link]" in str(panel.label.render())
    assert app.return_code in (None, 0)


async def test_zero_width_characters_are_shown_one_for_one(tmp_path: Path) -> None:
    shown = "\u25cc"  # the stand-in tui/text.py documents
    corpus = tmp_path / "zw"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "---\ntitle: Dos\u200btum\npublished: '2020-01-02'\n---\n\n"
        "Taliban\u200d and \ufeffKabul\u2060 met.\n",
        encoding="utf-8",
    )
    app = make_app(engine=Engine(corpus, tmp_path / "index"), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Taliban")
        screen = await open_first_result(app, pilot)
        view = screen.article_view
        title = str(view.query_one("#article-title", Static).render())
        body = "".join(str(p.render()) for p in view.query(Paragraph))
        assert title == f"Dos{shown}tum"
        assert body == f"Taliban{shown} and {shown}Kabul{shown} met."
        # One character for one: the hit still covers the word it marks.
        hit = next(m for m in screen.hits.marks if m.field == "body")
        assert body[hit.start : hit.end] == "Taliban"


async def test_with_no_actor_the_mention_keys_offer_the_articles_actors(app: AfreaderApp) -> None:
    from tui.screens.actor_picker import ActorPicker

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "alliance")  # no actor's name: none is chosen
        screen = await open_first_result(app, pilot)
        assert screen.actor is None
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, ActorPicker)
        offered = {entity_id for entity_id, _ in picker.actors}
        assert offered == {m.entity_id for m in screen.nav.article_mentions}
        first = picker.options.get_option_at_index(0).id
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert screen.actor == first
        assert position(screen).count("mention 1 of") == 1
        await pilot.press("m")  # an actor is chosen now: straight to the mentions view
        await settle(app, pilot)
        assert isinstance(app.screen, MentionsScreen)


async def test_the_picker_filters_as_you_type(app: AfreaderApp) -> None:
    from tui.screens.actor_picker import ActorPicker

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "government")
        screen = await open_first_result(app, pilot)
        assert screen.actor is None
        await pilot.press("f")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, ActorPicker)
        wanted_id, wanted_name = picker.actors[-1]
        typed = wanted_name[:4].lower()
        await pilot.press(*typed)
        await pilot.pause()
        shown = [picker.options.get_option_at_index(i) for i in range(picker.options.option_count)]
        assert wanted_id in [o.id for o in shown]
        assert len(shown) <= len(picker.actors)
        for option in shown:  # each holds the letters typed, in order
            rest = iter(str(option.prompt).lower())
            assert all(letter in rest for letter in typed), option.prompt
        top = shown[0].id
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert screen.actor_filter == top and screen.actor == top
        screen.results.focus()
        await pilot.press("escape")  # removes the filter
        await settle(app, pilot)
        assert screen.actor_filter is None
        screen.actor = None
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, ActorPicker)
        await pilot.press("escape")  # Escape closes the picker without choosing
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen) and screen.actor_filter is None


async def test_the_query_s_own_actor_is_chosen(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "actor:dostum")
        assert screen.actor == "abdul-rashid-dostum"
        screen.results.focus()
        await pilot.press("right_square_bracket")  # no article open yet: its first mention
        await settle(app, pilot)
        assert shown_article(screen) is not None
        assert "Abdul Rashid Dostum: mention 1 of" in position(screen)
        screen = await search(app, pilot, "Jamiat-e-Islami")
        engine = screen.engine
        assert engine is not None
        assert [e.id for e in engine.resolve_entity("Jamiat-e-Islami")] == [screen.actor]
        before = screen.actor
        screen = await search(app, pilot, "Salih")  # two actors are spelt so: none chosen
        assert screen.actor == before


async def test_a_search_typed_during_the_build_says_it_will_run(tmp_path: Path) -> None:
    corpus = news_corpus(tmp_path / "news.jsonl", 3000)  # a build of a few seconds
    app = make_app(corpus=corpus, index_dir=tmp_path / "index", show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press(*"Kabul")
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        for _ in range(100):  # the debounce's timer may fire late on a loaded machine
            if status(screen) or screen.engine is not None:
                break
            await pilot.pause(0.05)
        assert screen.engine is None
        assert "searched when it is ready" in status(screen) and "Kabul" in status(screen)
        for _ in range(24000):  # up to 2 minutes on a loaded machine
            if screen.engine is not None:
                break
            await asyncio.sleep(0.005)
        await settle(app, pilot)
        assert status(screen).startswith("3,000 articles"), status(screen)


async def test_the_layout_stays_usable_down_to_60_by_15(app: AfreaderApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Dostum")
        screen = await open_first_result(app, pilot)
        await pilot.press("e")  # the sidebar pinned open at 80 columns
        await pilot.pause()
        assert not screen.sidebar.has_class("-hidden")
        for width, height in ((60, 15), (70, 20), (61, 15)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            await pilot.pause()
            assert screen.article_view.size.width >= 20, (width, height)
            assert screen.article_view.size.height >= 3, (width, height)
            assert screen.results.size.width >= 20, (width, height)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not screen.sidebar.has_class("-hidden")  # still pinned where it fits


def keys_table(rows: list[tuple[str, str, str]]) -> str:
    """The help screen's rows as the README's Markdown table."""
    lines = ["| key | does | where |", "|---|---|---|"]
    lines += [f"| `{key}` | {does} | {where} |" for key, does, where in rows]
    return "\n".join(lines)


def test_the_readme_keys_table_is_the_help_screen() -> None:
    from tui.app import help_rows

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme.split("### Keys\n", 1)[1].split("\n###", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    assert table == keys_table(help_rows(make_app()))


async def test_keys_arriving_together_act_in_the_order_they_were_typed(
    app: AfreaderApp,
) -> None:
    """Bug 2: `Panj*`, ctrl+u and `Taleban` sent in one go left an empty box: ctrl+u, a
    binding, acted after the letters typed behind it. Posted as the terminal driver posts
    them, all before the app handles any."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        keys = [*"Panj*", "ctrl+u", *"Taleban", "left", "left", "backspace", "ctrl+e", *"s"]
        for key in keys:
            character = key if len(key) == 1 else None
            app.post_message(events.Key(key, character))
        await pilot.pause(DEBOUNCE_SECONDS + 0.1)
        await settle(app, pilot)
        assert box(screen) == "Taleans" and screen.query_text == "Taleans"


async def test_notices_are_never_markup_even_the_app_s_own(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reader(app).results.focus()
        await pilot.press("ctrl+c")  # Textual's "how to quit" notice
        await pilot.pause()
        assert "Press q to quit the app" in notices(app)
        app.notify("[b]loud[/b] \x1b[2J")
        await pilot.pause()
        assert "[b]loud[/b] ␛[2J" in notices(app)


async def test_a_search_that_breaks_says_so_in_the_status(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        engine = screen.engine
        assert engine is not None
        real_search = engine.search

        def search_breaking(text: str, **kwargs: Any) -> Any:
            if text == "Taliban":  # the store went away under the search, say
                raise OSError("disk I/O error")
            return real_search(text, **kwargs)

        engine.search = search_breaking  # type: ignore[method-assign]
        await search(app, pilot, "Taliban")
        await pilot.pause(0.3)
        assert status(screen) == "the search failed: disk I/O error"
        assert screen.query_one("#search-status").has_class("-error")


async def test_what_a_search_bounded_is_said(
    app: AfreaderApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.expansion

    # The bundled corpus is small: a smaller bound makes `*e*` stand for too many words.
    monkeypatch.setattr(index.expansion, "MAX_EXPANDED_WORDS", 0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "*e*")
        said = [n for n in notices(app) if n.startswith("*e* matches more words")]
        assert len(said) == 1


async def test_a_sidebar_hidden_with_e_stays_hidden_through_resizes(app: AfreaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        assert not screen.sidebar.has_class("-hidden")  # wide: shown by itself
        screen.results.focus()
        await pilot.press("e")
        await pilot.pause()
        assert screen.sidebar.has_class("-hidden")
        for size in ((150, 40), (90, 30), (160, 45)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert screen.sidebar.has_class("-hidden"), size
        await pilot.press("e")
        await pilot.pause()
        assert not screen.sidebar.has_class("-hidden")


async def test_the_settings_sort_and_sidebar_are_the_reader_s(
    app_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text('sort = "date"\nsidebar = false\n', encoding="utf-8")
    monkeypatch.setenv("AFREADER_CONFIG_DIR", str(config))
    app = make_app(engine=Engine(None, app_index), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "Taliban")
        assert screen.sort == "date" and "by date" in status(screen)
        assert screen.sidebar.has_class("-hidden")  # wide enough, but the settings hid it
        screen.results.focus()
        await pilot.press("e")
        await pilot.pause()
        assert not screen.sidebar.has_class("-hidden")


async def test_a_shared_spelling_offers_each_of_its_actors_first(app: AfreaderApp) -> None:
    """`Dostum` is the father's and a son's: the picker offers both first, in the order the
    gazetteer resolves the spelling, before the other actors of the article."""
    from tui.screens.actor_picker import ActorPicker

    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "Dostum")
        screen = await open_first_result(app, pilot)
        assert screen.actor is None  # the spelling names two actors: none is guessed
        named = [e.id for e in screen.engine.resolve_entity("Dostum")] if screen.engine else []
        assert len(named) > 1
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, ActorPicker)
        assert [entity_id for entity_id, _ in picker.actors][: len(named)] == named
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.actor == named[0]
