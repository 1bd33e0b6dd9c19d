"""Curating from the reader, with the Pilot on the real app, index and store: the change shows
at once (marks, sidebar, `]`), survives a restart, and `u` undoes it exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from index import Engine
from tests.election import write_election
from tests.pilot import SIZE, choose_actor, reader, settle
from tui.app import AfreaderApp, make_app
from tui.screens.actor_picker import ActorPicker
from tui.screens.curation_prompt import CurationPrompt
from tui.screens.reader_curation import CurationProgressed
from userdata.overlays import load_for


@pytest.fixture
def election(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus, gazetteer = write_election(tmp_path)
    root = tmp_path / "indexes"
    engine = Engine(corpus, root, gazetteer=load_for(corpus, [gazetteer])[0])
    engine.open()
    engine.close()
    return corpus, gazetteer, root


def app_over(corpus: Path, gazetteer: Path, root: Path) -> AfreaderApp:
    engine = Engine(corpus, root, gazetteer=load_for(corpus, [gazetteer])[0])
    return make_app(engine=engine, show_timings=False)


async def open_article(app: AfreaderApp, pilot: object, article_id: str) -> None:
    screen = reader(app)
    screen.open_article(article_id)
    await settle(app, pilot)  # type: ignore[arg-type]


def texts_of(app: AfreaderApp, actor: str) -> list[str]:
    return [m.text for m in reader(app).nav.article_mentions if m.entity_id == actor]


async def test_an_alias_added_from_the_app_finds_its_mentions_at_once_and_after_a_restart(
    election: tuple[Path, Path, Path],
) -> None:
    corpus, gazetteer, root = election
    app = app_over(corpus, gazetteer, root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_article(app, pilot, "2031-03-30-results")
        await choose_actor(app, pilot, "tomas-redfield")
        assert texts_of(app, "tomas-redfield") == ["Tomas Redfield", "Redfield"]
        reader(app).article_view.focus()
        await pilot.press("right_square_bracket")  # the pointer on "Redfield" of Tom Redfield
        await pilot.press("a")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, CurationPrompt)
        box = prompt.query_one(Input)
        assert box.value == "Redfield"  # prefilled from the mention at the pointer
        box.value = "Tom Redfield"
        await pilot.press("enter")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ActorPicker)
        picker.query_one(Input).value = "Tomas Redf"
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert texts_of(app, "tomas-redfield") == ["Tomas Redfield", "Tom Redfield"]
        marks = [m for m in reader(app).mentions.marks]
        assert len(marks) == 2 and marks[1].end - marks[1].start == len("Tom Redfield")
    again = Engine(corpus, root, gazetteer=load_for(corpus, [gazetteer])[0])
    assert again.is_fresh()
    app = make_app(engine=again, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_article(app, pilot, "2031-03-30-results")
        assert texts_of(app, "tomas-redfield") == ["Tomas Redfield", "Tom Redfield"]


async def test_reject_then_undo_in_the_app_restores_the_counts(
    election: tuple[Path, Path, Path],
) -> None:
    corpus, gazetteer, root = election
    app = app_over(corpus, gazetteer, root)
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(app, pilot)
        await open_article(app, pilot, "2031-03-09-debate")
        screen = await choose_actor(app, pilot, "tomas-redfield")
        engine = screen.engine
        assert engine is not None
        before = engine.store.entity_counts()
        in_article = texts_of(app, "tomas-redfield")
        screen.article_view.focus()
        await pilot.press("x")  # the pointer is on the first mention (choosing put it there)
        await settle(app, pilot)
        assert len(texts_of(app, "tomas-redfield")) == len(in_article) - 1
        assert engine.store.entity_counts() != before
        # The articles matched again were counted on the progress panel, then it went away.
        shown = [m.progress for m in seen if isinstance(m, CurationProgressed)]
        assert shown and shown[-1].total and shown[-1].done == shown[-1].total
        assert not screen.build_panel.has_class("-shown")
        await pilot.press("u")
        await settle(app, pilot)
        assert texts_of(app, "tomas-redfield") == in_article
        assert engine.store.entity_counts() == before
        await pilot.press("x")  # no pointer now (the article was read again): said, not done
        await settle(app, pilot)
        assert engine.store.entity_counts() == before


async def test_jumps_between_mentions_work_on_a_corpus_on_another_topic(
    election: tuple[Path, Path, Path],
) -> None:
    corpus, gazetteer, root = election
    app = app_over(corpus, gazetteer, root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_article(app, pilot, "2031-03-01-campaign-opens")
        screen = await choose_actor(app, pilot, "mara-lindqvist")
        screen.article_view.focus()
        seen = []
        for _ in range(5):
            await pilot.press("right_square_bracket")
            await settle(app, pilot)
            article = screen.article_view.article
            assert article is not None
            seen.append(article.article.id)
        # One mention in the first article, then on into the next articles naming her.
        assert seen[0] == "2031-03-09-debate" and len(set(seen)) >= 3
        assert "Mara Lindqvist" in str(screen.position.render())


async def test_suggestions_in_the_app_add_an_actor_with_enter(
    election: tuple[Path, Path, Path],
) -> None:
    from tui.screens.suggest import SuggestScreen

    corpus, gazetteer, root = election
    app = app_over(corpus, gazetteer, root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = reader(app)
        screen.results.focus()  # letters typed in the search box are the query's
        await pilot.press("g")
        await settle(app, pilot)
        suggestions = app.screen
        assert isinstance(suggestions, SuggestScreen)
        assert [s.name for s in suggestions.found] == ["Elias Varga", "Ines Quarry"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CurationPrompt)
        assert app.screen.query_one(Input).value == "Elias Varga"
        await pilot.press("enter")  # a person, the first type offered
        await settle(app, pilot)
        engine = screen.engine
        assert engine is not None
        assert engine.count_mentions("elias-varga") == (5, 5)
        assert engine.entity("elias-varga") is not None


async def test_a_passage_selected_in_the_article_prefills_add_alias(
    election: tuple[Path, Path, Path],
) -> None:
    from tui.selection import Selection

    corpus, gazetteer, root = election
    app = app_over(corpus, gazetteer, root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_article(app, pilot, "2031-03-30-results")
        screen = reader(app)
        body = screen.article_view.field_text("body")
        start = body.index("Tom Redfield")
        screen.article_view.selection = Selection("body", start, start + len("Tom Redfield"))
        screen.article_view.focus()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CurationPrompt)
        assert app.screen.query_one(Input).value == "Tom Redfield"
