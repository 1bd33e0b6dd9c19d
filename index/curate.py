"""Apply a changed gazetteer to an index in place: only the articles it can change.

A curation (`userdata.curation`) changes a few actors or mentions. Rather than rebuilding, the
articles that hold an affected spelling or mention an affected actor are found through the
index (a Whoosh query on each spelling and on each actor's id, never a scan of the corpus),
matched again, and their mentions and `actor` field replaced in place.

Crash safety, as for the incremental index (`index.build`): under the update lock,

1. the store records a journal (the articles to match again, the fingerprints before and
   after) in one transaction, and the generation's seal is removed;
2. the caller's `commit` runs (it writes the overlay file: the new gazetteer is now in force);
3. Whoosh commits the articles whose actors changed, then the store replaces their mentions,
   records the new fingerprint and drops the journal, in one transaction; the seal is put back.

A kill at any moment leaves either no journal (nothing was done, or all of it), or a journal:
the next update finds it first (`recover`) and matches those articles again under the
gazetteer then in force, whichever it is (the old one if the overlay was not written: a
rollback; the new one: the change is finished). Until then the generation has no seal, so it is
never taken as fresh and nothing half-applied is shown at launch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.fields import Schema

from corpus import Entity, Gazetteer, alias_key
from index.generation import Generation, GenerationMeta, gazetteer_fingerprint
from index.lexicon import FUZZY_FIELDS, Lexicons, words_folder
from index.locks import ProcessLock
from index.mentions import EntityMatcher, curated
from index.report import IndexBusy
from index.schema import document
from index.segments import KeepingStorage, merge_policy, recorded, whoosh_files, writer
from index.store import Store

__all__ = ["JOURNAL", "Applied", "affected_articles", "apply_gazetteer", "recover"]

JOURNAL = "curation_pending"
UPDATE_LOCK = "update.lock"

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying a curation did."""

    matched: int  # articles matched again
    rewritten: int  # of those, articles whose actors changed (rewritten in Whoosh)


def _same(a: Entity | None, b: Entity | None) -> bool:
    """The same actor, wherever its entry stands in its file."""
    if a is None or b is None:
        return a is b
    return a == dataclasses.replace(b, line=a.line)


def changes(old: Gazetteer, new: Gazetteer) -> tuple[set[str], set[str], set[str]]:
    """What differs between two gazetteers: (actors whose every mention may change, spellings
    whose articles may change, articles with a curated mention that changed).

    An actor that only gained or lost spellings changes the articles holding those spellings;
    one that changed otherwise (its dates, relations, or it is gone) every article it is
    mentioned in, and those holding any of its spellings."""
    ids: set[str] = set()
    spellings: set[str] = set()
    for entity_id in {*old.by_id, *new.by_id}:
        before, after = old.by_id.get(entity_id), new.by_id.get(entity_id)
        if _same(before, after):
            continue
        names = [set(_spellings(e)) if e is not None else set() for e in (before, after)]
        keys = [{alias_key(s) for s in n} for n in names]
        if before is not None and after is not None and _same_but_spellings(before, after):
            spellings |= {
                s
                for s in names[0] | names[1]
                if (alias_key(s) in keys[0]) != (alias_key(s) in keys[1])
            }
            continue
        if before is not None:
            ids.add(entity_id)
        spellings |= names[0] | names[1]
    for entity_id in {*old.never, *new.never}:
        spellings |= set(
            old.never.get(entity_id, frozenset()) ^ new.never.get(entity_id, frozenset())
        )
    keys_ = {*old.overrides, *new.overrides}
    articles = {k[0] for k in keys_ if old.overrides.get(k) != new.overrides.get(k)}
    return ids, spellings, articles


def _spellings(entity: Entity) -> tuple[str, ...]:
    return (*entity.spellings, *entity.shared_aliases)


def _same_but_spellings(a: Entity, b: Entity) -> bool:
    return _same(a, dataclasses.replace(b, aliases=a.aliases, shared_aliases=a.shared_aliases))


def _spelling_query(schema: Schema, spelling: str) -> wq.Query | None:
    """Every article whose title or body holds the spelling's words in order."""
    parts: list[wq.Query] = []
    for field in ("title", "body"):
        words = [token.text for token in schema[field].analyzer(spelling)]
        if len(words) == 1:
            parts.append(wq.Term(field, words[0]))
        elif words:
            parts.append(wq.Phrase(field, words))
    return wq.Or(parts) if parts else None


def affected_articles(ix: object, old: Gazetteer, new: Gazetteer) -> set[str]:
    """The ids of the articles a change from `old` to `new` can touch, found through the
    index `ix` (a Whoosh index): those naming an affected spelling, those mentioning an
    affected actor, and those with a curated mention that changed."""
    ids, spellings, articles = changes(old, new)
    queries = [wq.Term("actor", entity_id) for entity_id in ids]
    schema = ix.schema  # type: ignore[attr-defined]
    queries += [q for s in sorted(spellings) if (q := _spelling_query(schema, s)) is not None]
    found = set(articles)
    if queries:
        with ix.searcher() as searcher:  # type: ignore[attr-defined]
            for docnum in searcher.docs_for_query(wq.Or(queries)):
                found.add(searcher.stored_fields(docnum)["id"])
    return found


def apply_gazetteer(
    generation: Generation,
    old: Gazetteer,
    new: Gazetteer,
    article_ids: Iterable[str],
    commit: Callable[[], None] | None = None,
    progress: Progress | None = None,
) -> Applied:
    """Match `article_ids` again under `new` and record `new` as the gazetteer the index was
    built with (see the module notes for the order of writes). Raises IndexBusy when another
    process is updating the index."""
    ids = sorted(set(article_ids))
    lock = ProcessLock(generation.path.parent / UPDATE_LOCK)
    if not lock.acquire(blocking=False):
        raise IndexBusy("another afreader process is updating the index: try again shortly")
    try:
        generation.unseal()
        store = Store(generation.store_path)
        try:
            journal = {
                "articles": ids,
                "from": gazetteer_fingerprint(old),
                "to": gazetteer_fingerprint(new),
            }
            with store.transaction() as db:
                Store.set_meta(db, JOURNAL, json.dumps(journal))
            if commit is not None:
                try:
                    commit()
                except BaseException:  # nothing was changed yet: the journal goes
                    with store.transaction() as db:
                        Store.delete_meta(db, JOURNAL)
                    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    store.close()
                    generation.seal()
                    raise
            applied = _rematch(generation, store, new, ids, progress)
        finally:
            store.close()
        generation.seal()
    finally:
        lock.release()
    return applied


def recover(generation: Generation, gazetteer: Gazetteer) -> bool:
    """Finish or roll back a curation a kill interrupted (call with the update lock held):
    the journaled articles are matched again under `gazetteer`. True when there was one."""
    store = Store(generation.store_path)
    try:
        raw = store.get_meta(JOURNAL)
        if raw is None:
            return False
        journal = json.loads(raw)
        fingerprint = gazetteer_fingerprint(gazetteer)
        if fingerprint in (journal.get("from"), journal.get("to")):
            generation.unseal()
            _rematch(generation, store, gazetteer, list(journal.get("articles") or []), None)
        else:  # the gazetteer changed otherwise since: the index is stale, and rebuilt
            with store.transaction() as db:
                Store.delete_meta(db, JOURNAL)
    finally:
        store.close()
    generation.seal()
    return True


def _rematch(
    generation: Generation,
    store: Store,
    gazetteer: Gazetteer,
    ids: list[str],
    progress: Progress | None,
) -> Applied:
    """Whoosh first (the articles whose actors changed), then the store, in one transaction."""
    meta = GenerationMeta.read(store)
    matcher = EntityMatcher(gazetteer)
    stored = store.articles(ids)
    found = []
    for done, article_id in enumerate(ids, 1):
        item = stored.get(article_id)
        if item is not None:
            article = item.article
            mentions = curated(
                gazetteer, article_id, matcher.find(article.title, article.body, article.published)
            )
            before = {m.entity_id for m in store.mentions_in(item.n)}
            found.append((item, mentions, before != {m.entity_id for m in mentions}))
        if progress is not None:
            progress(done, len(ids))
    changed = [(item, mentions) for item, mentions, differs in found if differs]
    ix = KeepingStorage(
        str(generation.whoosh_dir), [name for name, _, _ in meta.whoosh_files]
    ).open_index()
    try:
        files = None
        if changed:
            rewriting = writer(ix, 1)
            try:
                for item, mentions in changed:
                    fields = document(item.article, {m.entity_id for m in mentions})
                    rewriting.update_document(**fields)
                rewriting.commit(mergetype=merge_policy)
            except BaseException:
                rewriting.cancel()
                raise
            files = whoosh_files(ix)
        with store.transaction() as db:
            if files is not None:
                Store.set_meta(db, "whoosh_files", GenerationMeta.files_record(files))
            for item, mentions, _ in found:
                Store.replace_mentions(db, item.n, item.article, mentions)
            Store.set_meta(db, "fingerprint", gazetteer_fingerprint(gazetteer))
            Store.delete_meta(db, JOURNAL)
        # Into the main file now: else the reader that closes last (the app, after a curation
        # in its own process) would copy the log in, and the seal would no longer match.
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if files is not None:
            recorded(ix, files)
            # The new segment's word lists, for fuzzy words (else the first such search
            # reads them from the index).
            with contextlib.suppress(OSError, ValueError):
                Lexicons(words_folder(generation.path)).prepare(ix, FUZZY_FIELDS)
    finally:
        ix.close()
    return Applied(len(found), len(changed))
