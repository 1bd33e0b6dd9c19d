"""Gazetteers layered over the bundled one: a person's overlays and files of their own.

An overlay has the bundled file's format (`version`, `entities`), so entries can be copied
between them. An entry whose id is new adds an actor; an entry whose id a lower layer defines
changes that actor: `aliases` and `shared_aliases` are added to its own, `name`, `type`,
`description`, `relations` and the dates replace them when given. Two keys only overlays use:

- `not_aliases`: spellings that never mean this actor (taken out of its aliases, and never
  matched for it);
- `merged_into`: the id of another actor, which takes over this one's spellings (this one is
  then gone).

At the top level, `mentions` lists curated mentions, each `{article, field, start, end, text,
actor}` plus `to` (the actor it is reassigned to) or none (the mention is rejected); and
`changes` is the log of curation (`userdata.curation`), which the matcher never reads.

A layer that cannot be read is left out, with a problem giving its line; the layers below it
still load. Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus.gazetteer import (
    Entity,
    Gazetteer,
    GazetteerError,
    _entity,
    alias_key,
    load_gazetteer,
    read_yaml,
)
from corpus.model import Problem

__all__ = ["COMMON_WORDS", "check_file", "load_layered"]

_OVERLAY_ONLY = ("not_aliases", "merged_into")
_MENTION_FIELDS = ("title", "body")

# Words too common to be safe as an alias (an alias is matched wherever it occurs): the
# commonest English words, and those of news prose that are also names of things.
COMMON_WORDS = frozenset(
    """
    a about after again against all also an and any are as at back be because been before
    being between both but by can could day did do does down during each even few first for
    from further had has have he her here him his how i if in into is it its just last like
    made make man many may me men more most much must my new no nor not now of off old on once
    one only or other our out over own people said same say says she should since so some
    still such than that the their them then there these they this those through time to too
    two under until up us very was way we well were what when where which while who why will
    with would year years you your
    army party state government president minister council front movement union people police
    court bank house office power group forces force leader leaders city province country
    north south east west northern southern eastern western central national general chief
    city town village river valley mountain mountains road war peace talks deal
    """.split()  # noqa: SIM905 (a list of 200 words reads better as prose)
)


def load_layered(
    layers: Sequence[Path],
    base: Path | None = None,
    replacing: Mapping[Path, bytes] | None = None,
    loaded: tuple[Gazetteer, list[Problem]] | None = None,
) -> tuple[Gazetteer, list[Problem]]:
    """The bundled gazetteer (or `base`) with `layers` over it, lowest first.

    A layer that does not exist is skipped (an overlay no one has written yet); one that
    cannot be parsed is left out with a problem. `replacing` gives the bytes to use for a
    layer instead of its file's (a curation checked before it is written); `loaded`, the base
    already loaded (from a cache). Raises GazetteerError only when the base itself cannot be
    read.
    """
    gazetteer, problems = loaded if loaded is not None else load_gazetteer(base)
    entities = {entity.id: entity for entity in gazetteer.entities}
    order = list(entities)
    overrides: dict[tuple[str, str, int, int], tuple[str, str | None]] = {}
    merged: dict[str, tuple[str, str, int]] = {}
    never: dict[str, frozenset[str]] = {}
    layer_data: list[tuple[str, bytes]] = []
    layer_problems: list[Problem] = []
    for path in layers:
        where = str(path)
        try:
            data = replacing[path] if replacing and path in replacing else path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as error:
            layer_problems.append(Problem(where, f"cannot read file: {error.strerror}"))
            continue
        try:
            top = read_yaml(path, data)
        except GazetteerError as error:
            layer_problems.extend(
                dataclasses.replace(p, message=f"{p.message}; this file is left out")
                for p in error.problems
            )
            continue
        layer_data.append((where, data))
        found: list[Problem] = []
        raw_entities = top.get("entities") or []
        if not isinstance(raw_entities, list):
            found.append(Problem(where, "'entities' must be a list", line=1, field="entities"))
            raw_entities = []
        seen: dict[str, int] = {}
        for raw in raw_entities:
            if _duplicate(raw, where, seen, found):
                continue
            _layer_entry(raw, where, entities, order, merged, never, found)
        _layer_mentions(top.get("mentions") or [], where, overrides, found)
        layer_problems.extend(found)
    for source, (target, where, line) in merged.items():
        _merge(source, target, entities, order, where, line, layer_problems)
    result = Gazetteer(
        [entities[i] for i in order if i in entities],
        path=gazetteer.path,
        layer_data=tuple(layer_data),
        overrides=overrides,
        never=never,
        layer_problems=tuple(layer_problems),
    )
    return result, [*problems, *layer_problems]


def _layer_entry(
    raw: Any,
    where: str,
    entities: dict[str, Entity],
    order: list[str],
    merged: dict[str, tuple[str, str, int]],
    never: dict[str, frozenset[str]],
    problems: list[Problem],
) -> None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "an entry must be a mapping", field="entities"))
        return
    raw = dict(raw)
    lines: dict[str, int] = dict(raw.get("__lines__", {}))
    line = min(lines.values(), default=0)
    extra = {key: raw.pop(key) for key in _OVERLAY_ONLY if key in raw}
    old = entities.get(raw.get("id")) if isinstance(raw.get("id"), str) else None
    if old is not None:
        raw.setdefault("name", old.name)
        raw.setdefault("type", old.type)
    entity = _entity(raw, where, problems)
    if entity is None:
        return
    if old is not None:
        given = set(raw) - {"__lines__"}
        entity = dataclasses.replace(
            entity,
            description=entity.description if "description" in given else old.description,
            aliases=_union(old.aliases, entity.aliases),
            shared_aliases=_union(old.shared_aliases, entity.shared_aliases),
            relations={**old.relations, **entity.relations},
            born=entity.born if "born" in given else old.born,
            died=entity.died if "died" in given else old.died,
            active=entity.active if "active" in given else old.active,
            generic=entity.generic if "generic" in given else old.generic,
        )
    entity = _unowned(entity, entities, where, lines.get("aliases", line), problems)
    if old is None and (owner := _owner_of(entity.name, entity.id, entities)) is not None:
        problems.append(
            Problem(
                where,
                f"entry {entity.id!r}: its name {entity.name!r} is already a spelling of"
                f" {owner!r}; list it under shared_aliases of both if it can mean either"
                " (entry left out)",
                line=lines.get("name", line),
                field="name",
            )
        )
        return
    negative = extra.get("not_aliases")
    if negative is not None:
        if not isinstance(negative, list) or not all(isinstance(s, str) for s in negative):
            problems.append(
                Problem(
                    where,
                    f"entry {entity.id!r}: not_aliases must be a list of spellings",
                    line=lines.get("not_aliases", line),
                    field="not_aliases",
                )
            )
        else:
            entity = _without(entity, negative, where, lines.get("not_aliases", line), problems)
            keys = {alias_key(s) for s in negative} - {alias_key(entity.name)}
            never[entity.id] = never.get(entity.id, frozenset()) | keys
    target = extra.get("merged_into")
    if target is not None:
        if not isinstance(target, str) or target == entity.id:
            problems.append(
                Problem(
                    where,
                    f"entry {entity.id!r}: merged_into must be the id of another actor",
                    line=lines.get("merged_into", line),
                    field="merged_into",
                )
            )
        else:
            merged[entity.id] = (target, where, lines.get("merged_into", line))
    if entity.id not in entities:
        order.append(entity.id)
    entities[entity.id] = entity


def _duplicate(raw: Any, where: str, seen: dict[str, int], problems: list[Problem]) -> bool:
    """Is this entry's id already defined in the same file? (Said, with both lines.)"""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return False
    line = min(raw.get("__lines__", {}).values(), default=0)
    first = seen.setdefault(raw["id"], line)
    if first == line:
        return False
    problems.append(
        Problem(
            where,
            f"duplicate id {raw['id']!r} (first defined at line {first}; left out)",
            line=line,
            field="id",
        )
    )
    return True


def _union(first: Sequence[str], more: Sequence[str]) -> tuple[str, ...]:
    seen = {alias_key(s) for s in first}
    added = []
    for spelling in more:
        if alias_key(spelling) not in seen:
            seen.add(alias_key(spelling))
            added.append(spelling)
    return (*first, *added)


def _unowned(
    entity: Entity, entities: dict[str, Entity], where: str, line: int, problems: list[Problem]
) -> Entity:
    """The entry without the aliases another actor already holds (each one said)."""
    kept = []
    for spelling in entity.aliases:
        owner = _owner_of(spelling, entity.id, entities)
        if owner is None:
            kept.append(spelling)
            continue
        problems.append(
            Problem(
                where,
                f"entry {entity.id!r}: spelling {spelling!r} is already an alias of {owner!r};"
                " list it under shared_aliases of both if it can mean either (left out)",
                line=line,
                field="aliases",
            )
        )
    return dataclasses.replace(entity, aliases=tuple(kept))


def _owner_of(spelling: str, entity_id: str, entities: dict[str, Entity]) -> str | None:
    """Another actor that already holds this spelling (its own or shared), if any."""
    key = alias_key(spelling)
    for other in entities.values():
        if other.id != entity_id and key in {
            alias_key(s) for s in (*other.spellings, *other.shared_aliases)
        }:
            return other.id
    return None


def _without(
    entity: Entity, never: Sequence[str], where: str, line: int, problems: list[Problem]
) -> Entity:
    keys = {alias_key(s) for s in never}
    if alias_key(entity.name) in keys:
        problems.append(
            Problem(
                where,
                f"entry {entity.id!r}: its name {entity.name!r} cannot be a not_alias"
                " (give it another name first)",
                line=line,
                field="not_aliases",
            )
        )
    return dataclasses.replace(
        entity,
        aliases=tuple(s for s in entity.aliases if alias_key(s) not in keys),
        shared_aliases=tuple(s for s in entity.shared_aliases if alias_key(s) not in keys),
    )


def _merge(
    source: str,
    target: str,
    entities: dict[str, Entity],
    order: list[str],
    where: str,
    line: int,
    problems: list[Problem],
) -> None:
    """`source`'s spellings become `target`'s; `source` is gone."""
    merging, into = entities.get(source), entities.get(target)
    if merging is None or into is None:
        problems.append(
            Problem(
                where,
                f"entry {source!r}: merged_into names unknown actor {target!r}",
                line=line,
                field="merged_into",
            )
        )
        return
    del entities[source]
    entities[target] = dataclasses.replace(
        into,
        aliases=_union(into.aliases, merging.spellings),
        shared_aliases=_union(into.shared_aliases, merging.shared_aliases),
    )


def _layer_mentions(
    raw_list: Any,
    where: str,
    overrides: dict[tuple[str, str, int, int], tuple[str, str | None]],
    problems: list[Problem],
) -> None:
    if not isinstance(raw_list, list):
        problems.append(Problem(where, "'mentions' must be a list", line=1, field="mentions"))
        return
    for raw in raw_list:
        line = min(raw.get("__lines__", {}).values(), default=0) if isinstance(raw, dict) else 0
        ok = (
            isinstance(raw, dict)
            and isinstance(raw.get("article"), str)
            and raw.get("field") in _MENTION_FIELDS
            and all(
                isinstance(raw.get(k), int) and not isinstance(raw.get(k), bool)
                for k in ("start", "end")
            )
            and isinstance(raw.get("actor"), str)
            and (raw.get("to") is None or isinstance(raw.get("to"), str))
        )
        if not ok:
            problems.append(
                Problem(
                    where,
                    "a curated mention needs article, field (title or body), start, end (whole"
                    " numbers) and actor, and optionally to (left out)",
                    line=line,
                    field="mentions",
                )
            )
            continue
        key = (raw["article"], raw["field"], raw["start"], raw["end"])
        overrides[key] = (raw["actor"], raw.get("to"))


def check_file(path: Path) -> list[Problem]:
    """Every problem of one gazetteer file laid over the bundled one, with its line and
    field, plus aliases that are common English words. A full gazetteer of one's own is
    checked as the same file would be when given with `--entities`."""
    gazetteer, problems = load_layered([path])
    where = str(path)
    found = [p for p in problems if p.path == where]
    if not gazetteer.layer_data:
        if not path.exists():
            found.append(Problem(where, "no such file"))
        return found
    top = read_yaml(path, gazetteer.layer_data[0][1])
    for raw in top.get("entities") or []:
        if not isinstance(raw, dict):
            continue
        lines = raw.get("__lines__", {})
        for key in ("aliases", "shared_aliases"):
            values = raw.get(key)
            for spelling in values if isinstance(values, list) else []:
                if isinstance(spelling, str) and alias_key(spelling) in COMMON_WORDS:
                    found.append(
                        Problem(
                            where,
                            f"entry {raw.get('id')!r}: alias {spelling!r} is a common English"
                            " word: it would match everywhere",
                            line=lines.get(key, min(lines.values(), default=0)),
                            field=key,
                        )
                    )
    return sorted(found, key=lambda p: p.line or 0)
