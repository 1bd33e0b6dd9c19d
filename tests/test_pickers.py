"""The history picker over a long history in a real user database: it opens on the newest
page, reads the rest behind it, filters over every entry, reaches every entry by moving down,
and Enter answers with the entry chosen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from tui.screens.pickers import PAGE, ListPicker, history_picker
from userdata.history import History
from userdata.workbench import open_workbench

ENTRIES = 1_000


def _history(folder: Path) -> History:
    history = open_workbench(None, folder).history
    history.opened("a0", "h", "The oldest dispatch")
    for n in range(1, ENTRIES):
        if n % 2:
            # One search in seven is about Kabul: the filter's test.
            history.searched(f"kabul {n}" if n % 7 == 1 else f"query {n}", None, "relevance", n)
        else:
            history.opened(f"a{n}", "h", f"Title {n}")
    return history


async def _opened(pilot: Pilot[None], picker: ListPicker) -> None:
    for _ in range(400):
        if picker.complete and picker.is_mounted:
            break
        await pilot.pause(0.01)
    await pilot.pause()


def _texts(picker: ListPicker) -> list[str]:
    options = picker.options
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def _note(picker: ListPicker) -> str:
    return str(picker.query_one("#picker-more").render())


async def test_a_long_history_opens_on_its_newest_page_and_filters_over_all(
    tmp_path: Path,
) -> None:
    history = _history(tmp_path / "data")
    answers: list[str | None] = []
    async with App[None]().run_test(size=(140, 40)) as pilot:
        picker = history_picker(history)
        assert not picker.complete  # the first page only, so far
        await pilot.app.push_screen(picker, answers.append)
        await _opened(pilot, picker)
        assert picker.complete
        assert f"History ({ENTRIES:,})" in picker.title_text
        texts = _texts(picker)
        assert len(texts) == PAGE
        assert "search 'query 999'" in texts[0]  # newest first
        assert "article Title 998" in texts[1]
        assert len(picker.found) == ENTRIES
        assert f"{PAGE:,} of {ENTRIES:,} shown" in _note(picker)
        # The oldest entry, read behind the first page, is found by the filter.
        await pilot.press(*"oldest")
        assert len(_texts(picker)) == 1
        assert _texts(picker)[0].endswith("article The oldest dispatch")
        await pilot.press("enter")
        await pilot.pause()
    oldest = history.entries()[-1]
    assert answers == [str(oldest.id)]
    assert history.entry(oldest.id) == oldest


async def test_moving_down_reaches_every_entry_a_page_at_a_time(tmp_path: Path) -> None:
    history = _history(tmp_path / "data")
    async with App[None]().run_test(size=(140, 40)) as pilot:
        picker = history_picker(history)
        await pilot.app.push_screen(picker)
        await _opened(pilot, picker)
        assert picker.options.option_count == PAGE
        picker.options.focus()
        await pilot.press(*["down"] * PAGE)
        assert picker.options.option_count >= 2 * PAGE  # the next page, before the end
        for _ in range(ENTRIES):
            if picker.options.option_count == ENTRIES:
                break
            await pilot.press("end")
        assert picker.options.option_count == ENTRIES
        assert _texts(picker)[-1].endswith("article The oldest dispatch")
        assert f"{ENTRIES:,} shown" in _note(picker)


async def test_a_filter_typed_before_the_rest_is_read_is_applied_to_all_of_it(
    tmp_path: Path,
) -> None:
    history = _history(tmp_path / "data")
    async with App[None]().run_test(size=(140, 40)) as pilot:
        picker = history_picker(history)
        await pilot.app.push_screen(picker)
        # Typed at once, before the rest is read: the first page holds a few Kabul searches;
        # once the rest is read, every one of them is listed, newest first.
        picker.query_one("#picker-filter").value = "Kabul"  # type: ignore[attr-defined]
        await _opened(pilot, picker)
        expected = [str(e.id) for e in history.entries() if "kabul" in e.query]
        assert len(expected) > PAGE
        assert picker.found == expected
        assert _texts(picker)[0].endswith("search 'kabul 995' · 995 result(s) · by relevance")
