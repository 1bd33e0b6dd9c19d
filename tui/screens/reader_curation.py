"""Curating actors from the reader: each action a key (`tui/bindings.py` via `ReaderBase`).

On the current mention (the `]`/`[` pointer): reject it, reassign it to another actor, or say
its spelling never means that actor; split its spelling off into a new actor; merge the
chosen actor into another. Add an alias or a new actor from the text at hand: `curation_text`
gives the passage selected in the article pane, else the mention (or hit) at the pointer,
prefilled in a small prompt to edit (`selection_source` lets another source of text feed it).
`u` undoes the last change.

Each change runs in a thread worker (`userdata.curation`, applied to the index in place) and
posts `Curated` back; the handler says what was done, then the article's marks, the sidebar,
the position line and the results are read again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.message import Message

from tui.messages import Target
from tui.screens.reader_workbench import WorkbenchReader

if TYPE_CHECKING:
    from index import BuildProgress, Engine
    from userdata.curation import Curator, Done

__all__ = ["Curated", "CuratingReader", "CurationProgressed"]

Operation = Callable[["Curator"], "Done"]


class Curated(Message):
    """A curation was applied (`done`), or refused (`refused`: why)."""

    def __init__(self, said: str, done: Any = None, refused: str | None = None) -> None:
        super().__init__()
        self.said = said
        self.done = done
        self.refused = refused


class CurationProgressed(Message):
    """`done` of `total` articles matched again by the curation being applied."""

    def __init__(self, progress: BuildProgress) -> None:
        super().__init__()
        self.progress = progress


# How often a curation's progress is drawn, at most.
PROGRESS_SECONDS = 0.1


class CuratingReader(WorkbenchReader):
    """The reader's curation actions (the keys are in `ReaderBase.BINDINGS`)."""

    # A hook for a selection in the article pane: returns the selected text, or None.
    selection_source: Callable[[], str | None] | None = None

    # --- what is at hand ----------------------------------------------------------------------

    def curation_text(self) -> str:
        """The text to prefill: the passage selected in the article pane (`v`, shift+arrows,
        or a mouse drag), else what `selection_source` gives, else the mention or hit at the
        pointer, else nothing."""
        selected = self.article_view.selection
        if selected is not None and not selected.empty:
            text = " ".join(selected.passage(self.article_view.field_text(selected.field)).split())
            if text:
                return text
        if self.selection_source is not None and (chosen := self.selection_source()):
            return chosen
        article = self.article_view.article
        mark = self.nav.marks()[1]
        if article is None or mark is None:
            return ""
        text = article.article.title if mark.field == "title" else article.article.body
        return text[mark.start : mark.end]

    def _current_mention(self) -> tuple[str, str, int, int, str] | None:
        """(article id, field, start, end, text) of the mention at the pointer, or None (said)."""
        article = self.article_view.article
        mark = self.mentions.current
        if article is None or mark is None or self.actor is None:
            self.say("Put the pointer on a mention first (] or [).", 3)
            return None
        text = article.article.title if mark.field == "title" else article.article.body
        return article.article.id, mark.field, mark.start, mark.end, text[mark.start : mark.end]

    def _all_actors(self, title: str, then: Callable[[str], None]) -> None:
        if self.engine is None:
            return
        from tui.screens.actor_picker import ActorPicker

        actors = [(e.id, e.name) for e in self.engine.gazetteer.entities]

        def chosen(entity_id: str | None) -> None:
            if entity_id is not None:
                then(entity_id)

        self.app.push_screen(ActorPicker(actors, title), chosen)

    def _actor_name(self, entity_id: str | None) -> str:
        entity = self.engine.entity(entity_id) if self.engine and entity_id else None
        return entity.name if entity else str(entity_id)

    # --- the actions --------------------------------------------------------------------------

    def action_reject_mention(self) -> None:
        """The mention at the pointer is not the chosen actor."""
        if (found := self._current_mention()) is None:
            return
        aid, field, start, end, text = found
        said = f"Rejected “{text}” as {self._actor_name(self.actor)} here."
        self._curate(lambda c: c.reject(aid, field, start, end), said)

    def action_reassign_mention(self) -> None:
        """The mention at the pointer is another actor (chosen in a picker)."""
        if (found := self._current_mention()) is None:
            return
        aid, field, start, end, text = found

        def to(entity_id: str) -> None:
            said = f"“{text}” here is now {self._actor_name(entity_id)}."
            self._curate(lambda c: c.reject(aid, field, start, end, to=entity_id), said)

        self._all_actors(f"“{text}” here is… (type to filter)", to)

    def action_never_spelling(self) -> None:
        """The spelling at the pointer never means the chosen actor (a negative alias)."""
        if (found := self._current_mention()) is None or self.actor is None:
            return
        actor, text = self.actor, found[4]
        said = f"“{text}” never means {self._actor_name(actor)} now."
        self._curate(lambda c: c.never(actor, text), said)

    def action_add_alias(self) -> None:
        """Add the text at hand (edited in a prompt) as an alias of an actor."""
        from tui.screens.curation_prompt import CurationPrompt

        def spelled(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            spelling = answer[0]

            def of(entity_id: str) -> None:
                said = f"“{spelling}” is now an alias of {self._actor_name(entity_id)}."
                self._curate(lambda c: c.add_alias(entity_id, spelling), said)

            self._all_actors(f"“{spelling}” is an alias of… (type to filter)", of)

        self.app.push_screen(CurationPrompt("Add an alias:", self.curation_text()), spelled)

    def action_new_actor(self) -> None:
        """A new actor named by the text at hand (edited in a prompt, with its type)."""
        from tui.screens.curation_prompt import CurationPrompt

        def named(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                name, kind = answer
                self._curate(lambda c: c.new_actor(name, kind), f"New actor: {name} ({kind}).")

        prompt = CurationPrompt("New actor (↑↓ its type):", self.curation_text(), "person")
        self.app.push_screen(prompt, named)

    def action_merge_actor(self) -> None:
        """The chosen actor is the same as another (chosen in a picker): merged into it."""
        if self.actor is None:
            self.say("Choose an actor first (] or the sidebar).", 3)
            return
        actor = self.actor

        def into(entity_id: str) -> None:
            said = f"{self._actor_name(actor)} merged into {self._actor_name(entity_id)}."
            self._curate(lambda c: c.merge(actor, entity_id), said)

        self._all_actors(f"Merge {self._actor_name(actor)} into… (type to filter)", into)

    def action_split_alias(self) -> None:
        """The spelling at the pointer names another actor: split off into a new one."""
        if (found := self._current_mention()) is None or self.actor is None:
            return
        from tui.screens.curation_prompt import CurationPrompt

        actor, text = self.actor, found[4]

        def named(answer: tuple[str, str] | None) -> None:
            if answer is not None:
                said = f"“{text}” split off {self._actor_name(actor)} as {answer[0]}."
                self._curate(lambda c: c.split(actor, text, answer[0]), said)

        prompt = CurationPrompt(f"Split “{text}” off {self._actor_name(actor)}: its name", text)
        self.app.push_screen(prompt, named)

    def action_suggest_actors(self) -> None:
        """Names no gazetteer knows; Enter adds one as an actor (its type asked first)."""
        if self.engine is None:
            return
        from tui.screens.curation_prompt import CurationPrompt
        from tui.screens.suggest import SuggestScreen

        def chosen(item: Any) -> None:
            if item is None:
                return
            aliases = [v for v in item.variants if v != item.name]

            def named(answer: tuple[str, str] | None) -> None:
                if answer is not None:
                    name, kind = answer
                    said = f"New actor: {name} ({kind})."
                    self._curate(lambda c: c.new_actor(name, kind, aliases), said)

            prompt = CurationPrompt("New actor (↑↓ its type):", item.name, "person")
            self.app.push_screen(prompt, named)

        self.app.push_screen(SuggestScreen(self.engine), chosen)

    def action_undo_curation(self) -> None:
        """Undo the last curation."""
        self._curate(lambda c: c.undo(), "Undone.")

    # --- applying -----------------------------------------------------------------------------

    def _curate(self, operation: Operation, said: str) -> None:
        if self.engine is None:
            return
        self.say("Applying…", 2)
        self._apply(self.engine, operation, said)

    @work(thread=True, exclusive=True, group="curation", exit_on_error=False)
    def _apply(self, engine: Engine, operation: Operation, said: str) -> None:
        from index import BuildProgress, IndexBusy
        from userdata.curation import CurationError, Curator

        started = time.monotonic()
        last = 0.0

        def progressed(done: int, total: int) -> None:  # at most every PROGRESS_SECONDS
            nonlocal last
            now = time.monotonic()
            if done == total or now - last >= PROGRESS_SECONDS:
                last = now
                self.post_message(
                    CurationProgressed(BuildProgress("curating", done, total, started))
                )

        curator = Curator(engine)
        curator.progress = progressed
        try:
            done = operation(curator)
        except (CurationError, IndexBusy) as error:
            self.post_message(Curated(said, refused=str(error)))
            return
        self.post_message(Curated(said, done=done))

    @on(CurationProgressed)
    def _curation_progressed(self, message: CurationProgressed) -> None:
        self.build_panel.report(message.progress)

    @on(Curated)
    def _curated(self, message: Curated) -> None:
        self.build_panel.finish()
        if message.refused is not None:
            self.say(f"Not changed: {message.refused}", 6, severity="warning")
            return
        done = message.done
        self.say(f"{message.said} ({done.matched} article(s) matched again)", 4)
        self.actor_articles.clear()
        if self.actor is not None and self.engine is not None:
            if self.engine.entity(self.actor) is None:  # merged away, or undone
                self.actor = None
            else:
                self.recount_actor(self.actor)
        article = self.article_view.article
        if article is not None:
            self._load_article(article.article.id, Target("keep"))
        self._search_now()

    def recount_actor(self, entity_id: str) -> None:
        """Count again the articles mentioning an actor (for the position line)."""
        raise NotImplementedError
