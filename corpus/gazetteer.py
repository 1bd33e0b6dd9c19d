"""The gazetteer of actors and places (`entities.yaml`): load it, validate it, look names up.

The conventions (shared spellings, case, hyphens) are documented in the header of
`corpus/entities.yaml`; this module enforces them and reports every violation with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from corpus import BUNDLED_GAZETTEER
from corpus.frontmatter import FrontMatterError, load_yaml_with_lines
from corpus.loader import decode_text
from corpus.model import PartialDate, Problem, Severity

__all__ = [
    "BUNDLED_GAZETTEER",
    "ENTITY_TYPES",
    "RELATION_TYPES",
    "Entity",
    "EntityType",
    "Gazetteer",
    "GazetteerError",
    "alias_key",
    "load_gazetteer",
]

EntityType = Literal["person", "organization", "place"]
ENTITY_TYPES: tuple[EntityType, ...] = ("person", "organization", "place")
RELATION_TYPES = frozenset(
    {
        "son_of",
        "father_of",
        "brother_of",
        "spouse_of",
        "member_of",
        "leader_of",
        "founder_of",
        "part_of",
        "capital_of",
        "allied_with",
        "successor_of",
        "proclaimed_by",
    }
)
_ENTRY_KEYS = frozenset(
    {"id", "name", "type", "aliases", "shared_aliases", "description", "relations"}
    | {"born", "died", "active", "generic"}
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SPACES = re.compile(r"[\s\-‐‑–]+")


def alias_key(name: str) -> str:
    """The form under which two spellings count as the same: case, spaces and hyphens folded."""
    return _SPACES.sub(" ", name.replace("’", "'")).strip().casefold()


@dataclass(frozen=True, slots=True)
class Entity:
    """One actor or place. `aliases` are its own spellings; `shared_aliases` it shares."""

    id: str
    name: str
    type: EntityType
    description: str
    aliases: tuple[str, ...] = ()
    shared_aliases: tuple[str, ...] = ()
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    born: PartialDate | None = None
    died: PartialDate | None = None
    active: tuple[int | None, int | None] = (None, None)
    line: int = 0
    # A generic name ("Interior Ministry") means this entity only where the text is about
    # Afghanistan: the matcher leaves it out after another country is named.
    generic: bool = False

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling that refers only to this entity, the name first."""
        return (self.name, *self.aliases)

    def active_in(self, year: int) -> bool:
        """Could this entity act in `year`? (Unknown dates never rule it out.)"""
        start, end = self.active
        if self.born is not None:
            start = max(start or 0, self.born.year + 15) if self.type == "person" else start
        if self.died is not None:
            end = min(end if end is not None else 9999, self.died.year)
        return (start is None or year >= start) and (end is None or year <= end)


class GazetteerError(Exception):
    """The gazetteer file could not be read at all."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(slots=True)
class Gazetteer:
    """The validated entities, in file order (the order settles ties between shared names)."""

    entities: list[Entity]
    path: str = ""
    # Overlays layered over the file at `path` (`corpus.layers`): each one's path and bytes,
    # so that the index's fingerprint changes with any of them.
    layer_data: tuple[tuple[str, bytes], ...] = ()
    # Curated mentions: (article id, field, start, end) to (the actor found there, the actor
    # it is reassigned to, or None when rejected).
    overrides: dict[tuple[str, str, int, int], tuple[str, str | None]] = field(default_factory=dict)
    # Negative aliases: actor id to the folded spellings (`alias_key`) that never mean it.
    never: dict[str, frozenset[str]] = field(default_factory=dict)
    # What loading the layers found wrong (each overlay that could not be read is left out).
    layer_problems: tuple[Problem, ...] = ()
    by_id: dict[str, Entity] = field(init=False)
    _by_key: dict[str, list[Entity]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entities}
        self._by_key = {}
        for entity in self.entities:
            for spelling in (*entity.spellings, *entity.shared_aliases):
                holders = self._by_key.setdefault(alias_key(spelling), [])
                if entity not in holders:
                    holders.append(entity)

    def lookup(self, spelling: str) -> list[Entity]:
        """The entities a spelling (or an id) may refer to, most prominent first."""
        entity = self.by_id.get(spelling.strip().lower())
        found = list(self._by_key.get(alias_key(spelling), []))
        if entity is not None and entity not in found:
            found.insert(0, entity)
        return found

    def __len__(self) -> int:
        return len(self.entities)


def load_gazetteer(path: Path | None = None) -> tuple[Gazetteer, list[Problem]]:
    """Load and validate a gazetteer; bad entries are left out and reported, never silently.

    Raises GazetteerError when the file cannot be read or parsed at all.
    """
    path = BUNDLED_GAZETTEER if path is None else path
    where = str(path)
    data = read_yaml(path)
    if not isinstance(data.get("entities"), list):
        raise GazetteerError([Problem(where, "expected a mapping with an 'entities' list", line=1)])
    problems: list[Problem] = []
    entities = [e for raw in data["entities"] if (e := _entity(raw, where, problems)) is not None]
    entities = _check_ids(entities, where, problems)
    _check_relations(entities, where, problems)
    entities = _check_aliases(entities, where, problems)
    return Gazetteer(entities, path=where), problems


def read_yaml(path: Path, data: bytes | None = None) -> dict[str, Any]:
    """A gazetteer file's top-level mapping (with `__lines__`); GazetteerError with the line
    when it cannot be read or parsed. `data`: the file's bytes when already read."""
    where = str(path)
    try:
        text = decode_text(path.read_bytes() if data is None else data)
    except OSError as error:
        raise GazetteerError([Problem(where, f"cannot read file: {error.strerror}")]) from None
    except ValueError as error:
        raise GazetteerError([Problem(where, str(error))]) from None
    try:
        loaded = load_yaml_with_lines(text)
    except FrontMatterError as error:
        raise GazetteerError([Problem(where, error.message, line=error.line)]) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise GazetteerError([Problem(where, "expected a mapping with an 'entities' list", line=1)])
    return loaded


def _entity(raw: Any, where: str, problems: list[Problem]) -> Entity | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, "an entry must be a mapping", field="entities"))
        return None
    lines: dict[str, int] = raw.pop("__lines__", {})
    line = min(lines.values(), default=0)

    def fail(name: str, message: str, severity: Severity = "error") -> None:
        problems.append(
            Problem(where, message, line=lines.get(name, line), field=name, severity=severity)
        )

    entity_id = raw.get("id")
    label = f"entry {entity_id!r}" if isinstance(entity_id, str) else "entry"
    for key in sorted(set(raw) - _ENTRY_KEYS, key=str):
        fail(str(key), f"{label}: unknown key {key!r} (ignored)", "warning")
    if not isinstance(entity_id, str) or not _ID_RE.match(entity_id):
        fail("id", f"{label}: id must be a lowercase slug such as 'ahmad-massoud'")
        return None
    name, kind, description = raw.get("name"), raw.get("type"), raw.get("description")
    if not isinstance(name, str) or not name.strip():
        fail("name", f"{label}: missing name")
        return None
    if kind not in ENTITY_TYPES:
        fail("type", f"{label}: type must be one of {', '.join(ENTITY_TYPES)}, not {kind!r}")
        return None
    aliases = _strings(raw.get("aliases"), "aliases", label, fail)
    shared = _strings(raw.get("shared_aliases"), "shared_aliases", label, fail)
    relations: dict[str, tuple[str, ...]] = {}
    raw_relations = raw.get("relations") or {}
    if not isinstance(raw_relations, dict):
        fail("relations", f"{label}: relations must be a mapping of relation to ids")
        raw_relations = {}
    raw_relations.pop("__lines__", None)
    for relation, targets in raw_relations.items():
        if relation not in RELATION_TYPES:
            fail("relations", f"{label}: unknown relation {relation!r}")
            continue
        relations[relation] = _strings(targets, "relations", label, fail)
    dates: dict[str, PartialDate | None] = {}
    for key in ("born", "died"):
        try:
            dates[key] = None if raw.get(key) is None else PartialDate.parse(raw[key])
        except ValueError as error:
            fail(key, f"{label}: {error}")
            dates[key] = None
    return Entity(
        id=entity_id,
        name=name.strip(),
        type=cast(EntityType, kind),
        description=str(description or "").strip(),
        aliases=aliases,
        shared_aliases=shared,
        relations=relations,
        born=dates["born"],
        died=dates["died"],
        active=_active(raw.get("active"), label, fail),
        line=line,
        generic=_flag(raw.get("generic"), "generic", label, fail),
    )


def _strings(value: Any, name: str, label: str, fail: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(name, f"{label}: {name} must be a list of non-empty strings")
        return ()
    return tuple(v.strip() for v in value)


def _flag(value: Any, name: str, label: str, fail: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        fail(name, f"{label}: {name} must be true or false, not {value!r}")
        return False
    return value


def _active(value: Any, label: str, fail: Any) -> tuple[int | None, int | None]:
    if value is None:
        return (None, None)
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value)
    )
    if not ok:
        fail("active", f"{label}: active must be [from_year, to_year or null]")
        return (None, None)
    return (value[0], value[1])


def _check_ids(entities: list[Entity], where: str, problems: list[Problem]) -> list[Entity]:
    seen: dict[str, Entity] = {}
    for entity in entities:
        if entity.id in seen:
            problems.append(
                Problem(
                    where,
                    f"duplicate id {entity.id!r} (first defined at line {seen[entity.id].line})",
                    line=entity.line,
                    field="id",
                )
            )
        else:
            seen[entity.id] = entity
    return list(seen.values())


def _check_relations(entities: Iterable[Entity], where: str, problems: list[Problem]) -> None:
    ids = {e.id for e in entities}
    for entity in entities:
        for relation, targets in entity.relations.items():
            for target in targets:
                if target not in ids:
                    problems.append(
                        Problem(
                            where,
                            f"entry {entity.id!r}: {relation} names unknown entity {target!r}",
                            line=entity.line,
                            field="relations",
                            severity="warning",
                        )
                    )


def _check_aliases(entities: list[Entity], where: str, problems: list[Problem]) -> list[Entity]:
    """One owner per unshared spelling; a shared spelling held by two or more, never owned."""
    owners: dict[str, Entity] = {}
    holders: dict[str, list[Entity]] = {}
    rejected: set[str] = set()
    for entity in entities:
        for spelling in entity.spellings:
            key = alias_key(spelling)
            owner = owners.get(key)
            if owner is not None and owner.id != entity.id:
                problems.append(
                    Problem(
                        where,
                        f"entry {entity.id!r}: spelling {spelling!r} is already an alias of "
                        f"{owner.id!r} (line {owner.line}); list it under shared_aliases of both "
                        "if it can mean either",
                        line=entity.line,
                        field="aliases",
                    )
                )
            else:
                owners[key] = entity
        for spelling in entity.shared_aliases:
            holders.setdefault(alias_key(spelling), []).append(entity)
    for key, sharing in holders.items():
        if key in owners:
            owner = owners[key]
            problems.append(
                Problem(
                    where,
                    f"shared spelling {key!r} is also an unshared alias of {owner.id!r}: "
                    "a spelling is either shared or owned by one entry",
                    line=owner.line,
                    field="shared_aliases",
                )
            )
            rejected.add(key)
        elif len(sharing) < 2:
            problems.append(
                Problem(
                    where,
                    f"entry {sharing[0].id!r}: shared spelling {key!r} has no other holder; "
                    "move it to aliases",
                    line=sharing[0].line,
                    field="shared_aliases",
                    severity="warning",
                )
            )
    if not rejected:
        return entities
    return [
        Entity(
            **{
                **{f: getattr(e, f) for f in Entity.__dataclass_fields__},
                "shared_aliases": tuple(
                    s for s in e.shared_aliases if alias_key(s) not in rejected
                ),
            }
        )
        for e in entities
    ]
