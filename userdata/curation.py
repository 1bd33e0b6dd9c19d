"""Curation of actors: a person's corrections to the gazetteer, kept in their corpus's overlay.

Each operation changes the overlay (`userdata.overlays.corpus_overlay`, the format of
`corpus.layers`), records who (the OS user), when and why in its `changes` log, with the
entries it replaced (so that `undo` restores exactly what was there), and is applied to the
index at once without a rebuild (`Engine.apply_gazetteer`: the overlay file is written inside
that crash-safe sequence). An overlay that cannot be read is never overwritten: the person's
data is not a cache.

No Textual here: the command line (`tui/cli_curation.py`) and the reader both call these.
"""

from __future__ import annotations

import copy
import datetime as dt
import getpass
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from corpus import ENTITY_TYPES, Entity, Gazetteer, alias_key
from corpus.layers import COMMON_WORDS
from index import Engine
from userdata.overlays import corpus_overlay, global_overlay, load_for

__all__ = ["CurationError", "Curator", "Done"]

HEADER = (
    "# afreader: your curation of actors for one corpus (the bundled gazetteer's format,\n"
    "# layered over it). 'changes' is the log: who, when, why, and what each change replaced.\n"
)

Progress = Callable[[int, int], None]


class CurationError(Exception):
    """A curation that cannot be made; the message says why."""


@dataclass(frozen=True, slots=True)
class Done:
    """A change made: its log record, and how many articles were matched again."""

    record: dict[str, Any]
    matched: int
    rewritten: int


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container, say)
        return str(os.getuid())


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def slug(name: str) -> str:
    """An id for a new actor made from its name."""
    folded = alias_key(name)
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "actor"


def _key(article: object, field: object, start: object, end: object) -> str:
    return f"{article}|{field}|{start}|{end}"


class Curator:
    """The curation of one engine's corpus (the engine's index is updated in place)."""

    def __init__(
        self, engine: Engine, extra: Sequence[Path] | None = None, folder: Path | None = None
    ) -> None:
        """`extra`: the `--entities` files in force (default: those the engine's gazetteer
        was layered with, other than the person's own overlays)."""
        self.engine = engine
        # Told (articles matched again, of how many) as a change is applied, unless the call
        # gives its own.
        self.progress: Progress | None = None
        self.path = corpus_overlay(engine.corpus, folder)
        self._read_bytes: bytes | None = None  # the overlay as the last `read` found it
        if extra is None:
            own = {str(global_overlay(folder)), str(self.path)}
            extra = [Path(p) for p, _ in engine.gazetteer.layer_data if p not in own]
        self.extra = tuple(extra)

    # --- the overlay file --------------------------------------------------------------------

    def _bytes(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CurationError(f"{self.path}: cannot read the overlay ({error})") from None

    def read(self) -> dict[str, Any]:
        """The overlay as data (empty when there is none yet); CurationError when it cannot
        be read, with its line (it is then left as it is)."""
        self._read_bytes = self._bytes()
        try:
            text = (self._read_bytes or b"").decode("utf-8")
        except UnicodeDecodeError as error:
            raise CurationError(f"{self.path}: cannot read the overlay ({error})") from None
        try:
            doc = yaml.safe_load(text) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{self.path}:{mark.line + 1}" if mark is not None else str(self.path)
            raise CurationError(
                f"{where}: the overlay is not valid YAML; fix it (or move it aside) first"
            ) from None
        if not isinstance(doc, dict):
            raise CurationError(f"{self.path}:1: the overlay must be a mapping")
        for key in ("entities", "mentions", "changes"):
            if not isinstance(doc.setdefault(key, []), list):
                raise CurationError(f"{self.path}: '{key}' must be a list")
        doc.setdefault("version", 1)
        return doc

    def log(self) -> list[dict[str, Any]]:
        """Every change recorded, oldest first."""
        return [dict(r) for r in self.read()["changes"] if isinstance(r, dict)]

    def _save(self, doc: dict[str, Any], progress: Progress | None) -> tuple[int, int]:
        """Check the changed overlay, then apply it to the index and write it (in that
        crash-safe order); refused when it would add an error."""
        ordered = {k: doc[k] for k in ("version", "entities", "mentions", "changes") if k in doc}
        data = (HEADER + yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True)).encode()
        new, _ = load_for(self.engine.corpus, self.extra, replacing={self.path: data})
        mine = str(self.path)
        before = {p.message for p in self.engine.gazetteer.layer_problems if p.path == mine}
        fresh = [
            p
            for p in new.layer_problems
            if p.path == mine and p.severity == "error" and p.message not in before
        ]
        if fresh:
            raise CurationError(fresh[0].message)

        read = self._read_bytes

        def commit() -> None:  # under the index's update lock
            if self._bytes() != read:  # another process curated meanwhile: not overwritten
                raise CurationError(f"{self.path} changed meanwhile: nothing done, try again")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.tmp")
            with open(temporary, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)

        applied = self.engine.apply_gazetteer(new, commit, progress or self.progress)
        return applied.matched, applied.rewritten

    def _record(
        self,
        doc: dict[str, Any],
        op: str,
        why: str | None,
        before: dict[str, Any],
        progress: Progress | None,
        **details: Any,
    ) -> Done:
        changes = doc["changes"]
        number = 1 + max((r.get("n", 0) for r in changes if isinstance(r, dict)), default=0)
        record = {"n": number, "op": op, **details, "who": _who(), "when": _now()}
        if why:
            record["why"] = why
        record["before"] = before
        changes.append(record)
        matched, rewritten = self._save(doc, progress)
        return Done(record, matched, rewritten)

    # --- looking things up -------------------------------------------------------------------

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer in force."""
        return self.engine.gazetteer

    def actor(self, name: str) -> Entity:
        """The one actor an id or spelling names; CurationError otherwise."""
        found = self.engine.resolve_entity(name)
        if not found:
            raise CurationError(f"no actor called {name!r}; 'afreader entities' lists them")
        if len(found) > 1:
            ids = ", ".join(e.id for e in found)
            raise CurationError(f"{name!r} may mean {ids}: give the id")
        return found[0]

    def mention(self, article: str, field: str, start: int, end: int) -> tuple[str, str]:
        """The (actor id, text) of the mention at that place; CurationError when none."""
        stored = self.engine.article(article)
        if stored is None:
            raise CurationError(f"no article {article!r} in the index")
        for mention in self.engine.mentions_in(stored):
            if (mention.field, mention.start, mention.end) == (field, start, end):
                return mention.entity_id, mention.text
        raise CurationError(f"no mention in {article!r} at {field} {start}-{end}")

    @staticmethod
    def _entry(doc: dict[str, Any], entity_id: str, create: bool = True) -> dict[str, Any]:
        for entry in doc["entities"]:
            if isinstance(entry, dict) and entry.get("id") == entity_id:
                return entry
        entry = {"id": entity_id}
        if create:
            doc["entities"].append(entry)
        return entry

    @staticmethod
    def _before(doc: dict[str, Any], ids: Sequence[str] = (), keys: Sequence[str] = ()) -> Any:
        """Copies of the overlay's entries and curated mentions a change is about to touch."""
        entries = {e.get("id"): e for e in doc["entities"] if isinstance(e, dict)}
        mentions = {
            _key(m["article"], m["field"], m["start"], m["end"]): m
            for m in doc["mentions"]
            if isinstance(m, dict) and {"article", "field", "start", "end"} <= set(m)
        }
        return {
            "entities": {i: copy.deepcopy(entries.get(i)) for i in ids},
            "mentions": {k: copy.deepcopy(mentions.get(k)) for k in keys},
        }

    def _check_new_spelling(self, spelling: str, entity_id: str | None) -> str:
        spelling = " ".join(spelling.split())
        if not spelling:
            raise CurationError("an empty spelling")
        if alias_key(spelling) in COMMON_WORDS:
            raise CurationError(f"{spelling!r} is a common English word: it would match everywhere")
        for holder in self.gazetteer.lookup(spelling):
            if holder.id == entity_id:
                raise CurationError(f"{spelling!r} is already a spelling of {entity_id!r}")
            raise CurationError(f"{spelling!r} is already a spelling of {holder.id!r}")
        return spelling

    # --- the operations ----------------------------------------------------------------------

    def add_alias(
        self, actor: str, spelling: str, why: str | None = None, progress: Progress | None = None
    ) -> Done:
        """`spelling` is one more name of `actor`."""
        entity = self.actor(actor)
        spelling = self._check_new_spelling(spelling, entity.id)
        doc = self.read()
        before = self._before(doc, [entity.id])
        entry = self._entry(doc, entity.id)
        entry["aliases"] = [*entry.get("aliases", []), spelling]
        never = [s for s in entry.get("not_aliases", []) if alias_key(s) != alias_key(spelling)]
        if "not_aliases" in entry:
            entry["not_aliases"] = never
        return self._record(
            doc, "add-alias", why, before, progress, actor=entity.id, spelling=spelling
        )

    def new_actor(
        self,
        name: str,
        kind: str,
        aliases: Sequence[str] = (),
        why: str | None = None,
        progress: Progress | None = None,
    ) -> Done:
        """A new actor with its name and spellings."""
        if kind not in ENTITY_TYPES:
            raise CurationError(f"type must be one of {', '.join(ENTITY_TYPES)}, not {kind!r}")
        name = self._check_new_spelling(name, None)
        spellings = [self._check_new_spelling(s, None) for s in aliases]
        entity_id, n = slug(name), 2
        while entity_id in self.gazetteer.by_id:
            entity_id, n = f"{slug(name)}-{n}", n + 1
        doc = self.read()
        before = self._before(doc, [entity_id])
        entry: dict[str, Any] = {"id": entity_id, "name": name, "type": kind}
        if spellings:
            entry["aliases"] = spellings
        doc["entities"].append(entry)
        return self._record(doc, "new-actor", why, before, progress, actor=entity_id, name=name)

    def reject(
        self,
        article: str,
        field: str,
        start: int,
        end: int,
        to: str | None = None,
        why: str | None = None,
        progress: Progress | None = None,
    ) -> Done:
        """The mention there is not that actor: rejected, or reassigned to actor `to`."""
        actor, text = self.mention(article, field, start, end)
        target = self.actor(to).id if to is not None else None
        if target == actor:
            raise CurationError(f"the mention is already {actor!r}")
        doc = self.read()
        key = _key(article, field, start, end)
        before = self._before(doc, keys=[key])
        doc["mentions"] = [
            m
            for m in doc["mentions"]
            if not (isinstance(m, dict) and _key(*(m.get(k) for k in KEYS)) == key)
        ]
        record: dict[str, Any] = {"article": article, "field": field, "start": start, "end": end}
        record |= {"text": text, "actor": actor}
        if target is not None:
            record["to"] = target
        doc["mentions"].append(record)
        op = "reassign" if target else "reject"
        details = {"actor": actor, "article": article, "at": f"{field} {start}-{end}"}
        return self._record(
            doc, op, why, before, progress, **details, **({"to": target} if target else {})
        )

    def never(
        self, actor: str, spelling: str, why: str | None = None, progress: Progress | None = None
    ) -> Done:
        """`spelling` never means `actor` (a negative alias)."""
        entity = self.actor(actor)
        if alias_key(spelling) == alias_key(entity.name):
            raise CurationError(f"{spelling!r} is the name of {entity.id!r}")
        doc = self.read()
        before = self._before(doc, [entity.id])
        entry = self._entry(doc, entity.id)
        entry["not_aliases"] = [*entry.get("not_aliases", []), " ".join(spelling.split())]
        if "aliases" in entry:
            entry["aliases"] = [s for s in entry["aliases"] if alias_key(s) != alias_key(spelling)]
        return self._record(doc, "never", why, before, progress, actor=entity.id, spelling=spelling)

    def merge(
        self, actor: str, into: str, why: str | None = None, progress: Progress | None = None
    ) -> Done:
        """`actor` is the same as `into`: its spellings become `into`'s, and it is gone."""
        source, target = self.actor(actor), self.actor(into)
        if source.id == target.id:
            raise CurationError("an actor cannot be merged into itself")
        doc = self.read()
        before = self._before(doc, [source.id])
        self._entry(doc, source.id)["merged_into"] = target.id
        return self._record(doc, "merge", why, before, progress, actor=source.id, into=target.id)

    def split(
        self,
        actor: str,
        spelling: str,
        name: str | None = None,
        why: str | None = None,
        progress: Progress | None = None,
    ) -> Done:
        """`spelling` is taken from `actor` and names a new actor (called `name`, or the
        spelling itself)."""
        entity = self.actor(actor)
        if alias_key(spelling) not in {alias_key(s) for s in entity.aliases}:
            raise CurationError(f"{spelling!r} is not an alias of {entity.id!r}")
        name = " ".join((name or spelling).split())
        entity_id, n = slug(name), 2
        while entity_id in self.gazetteer.by_id:
            entity_id, n = f"{slug(name)}-{n}", n + 1
        doc = self.read()
        before = self._before(doc, [entity.id, entity_id])
        entry = self._entry(doc, entity.id)
        entry["not_aliases"] = [*entry.get("not_aliases", []), spelling]
        if "aliases" in entry:
            entry["aliases"] = [s for s in entry["aliases"] if alias_key(s) != alias_key(spelling)]
        new: dict[str, Any] = {"id": entity_id, "name": name, "type": entity.type}
        if alias_key(name) != alias_key(spelling):
            new["aliases"] = [spelling]
        doc["entities"].append(new)
        return self._record(
            doc, "split", why, before, progress, actor=entity.id, spelling=spelling, new=entity_id
        )

    def undo(self, progress: Progress | None = None) -> Done:
        """Undo the last change not yet undone: the entries it replaced are put back."""
        doc = self.read()
        undoable = [
            r
            for r in doc["changes"]
            if isinstance(r, dict) and r.get("op") != "undo" and not r.get("undone")
        ]
        if not undoable:
            raise CurationError("nothing to undo")
        last = undoable[-1]
        before = last.get("before") or {}
        for entity_id, entry in (before.get("entities") or {}).items():
            entries = doc["entities"]
            at = next(
                (
                    i
                    for i, e in enumerate(entries)
                    if isinstance(e, dict) and e.get("id") == entity_id
                ),
                None,
            )
            if at is None:
                if entry is not None:
                    entries.append(entry)
            elif entry is None:
                del entries[at]
            else:
                entries[at] = entry  # where it stood: the order of entries settles ties
        for key, mention in (before.get("mentions") or {}).items():
            doc["mentions"] = [
                m
                for m in doc["mentions"]
                if not (isinstance(m, dict) and _key(*(m.get(k) for k in KEYS)) == key)
            ]
            if mention is not None:
                doc["mentions"].append(mention)
        last["undone"] = _now()
        return self._record(doc, "undo", None, {}, progress, of=last.get("n"))


KEYS = ("article", "field", "start", "end")
