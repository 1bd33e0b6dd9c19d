"""The gazetteer: the bundled one is sound, bad ones are reported line by line, lookups work."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import (
    BUNDLED_GAZETTEER,
    ENTITY_TYPES,
    Gazetteer,
    GazetteerError,
    Problem,
    alias_key,
    load_gazetteer,
)

# --- the bundled gazetteer ------------------------------------------------------------------


def test_bundled_gazetteer_has_no_errors() -> None:
    gazetteer, problems = load_gazetteer()
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert len(gazetteer) >= 150
    assert {e.type for e in gazetteer.entities} == set(ENTITY_TYPES)


def test_bundled_gazetteer_follows_its_own_conventions(bundled_gazetteer: Gazetteer) -> None:
    ids = set(bundled_gazetteer.by_id)
    for entity in bundled_gazetteer.entities:
        assert entity.description, entity.id
        for relation, targets in entity.relations.items():
            assert set(targets) <= ids, (entity.id, relation, targets)
        for spelling in entity.shared_aliases:
            holders = bundled_gazetteer.lookup(spelling)
            assert len(holders) >= 2, (entity.id, spelling)


@pytest.mark.parametrize(
    "entity_id",
    [
        "abdul-rashid-dostum",
        "yar-dostum",
        "atta-mohammad-noor",
        "ahmad-shah-massoud",
        "ahmad-massoud",
        "amrullah-saleh",
        "taliban",
        "jamiat-e-islami",
        "junbish-e-milli",
        "panjshir",
    ],
)
def test_bundled_gazetteer_knows_the_actors(bundled_gazetteer: Gazetteer, entity_id: str) -> None:
    assert bundled_gazetteer.lookup(entity_id)[0].id == entity_id


# Spellings that belong to one entity only.
OWN_SPELLINGS = [
    ("Atta", "atta-mohammad-noor"),
    ("Ata", "atta-mohammad-noor"),
    ("Atta Mohammad Noor", "atta-mohammad-noor"),
    ("Ata Mohammad Noor", "atta-mohammad-noor"),
    ("Atta Muhammad Noor", "atta-mohammad-noor"),
    ("Ahmad Shah Massoud", "ahmad-shah-massoud"),
    ("Ahmad Shah Massound", "ahmad-shah-massoud"),
    ("Shah Mesud", "ahmad-shah-massoud"),
    ("Ahmad Massoud", "ahmad-massoud"),
    ("Ahmad Mesud", "ahmad-massoud"),
    ("Ahmed Masud", "ahmad-massoud"),
    ("Amrullah Saleh", "amrullah-saleh"),
    ("Emrullah Salih", "amrullah-saleh"),
    ("Amrullah Salih", "amrullah-saleh"),
    ("Emrullah Saleh", "amrullah-saleh"),
    ("Panjshir", "panjshir"),
    ("Punjshir", "panjshir"),
    ("Penjshir", "panjshir"),
    ("Zabi Fitrat", "zabihullah-fitrat"),
    ("Zabih Fetrat", "zabihullah-fitrat"),
    ("Junbish", "junbish-e-milli"),
    ("Junbesh", "junbish-e-milli"),
    ("Junbesh- Milli", "junbish-e-milli"),
    ("Junbish-i-Milli", "junbish-e-milli"),
    ("Jamiat-e-Islami", "jamiat-e-islami"),
    ("Jamiat-e Islami", "jamiat-e-islami"),
    ("Taliban", "taliban"),
    ("Taleban", "taliban"),
    ("TALIBAN", "taliban"),
    ("Yar Dostum", "yar-dostum"),
    ("Rashid Dostum", "abdul-rashid-dostum"),
    ("ahmad-massoud", "ahmad-massoud"),
]


@pytest.mark.parametrize(("spelling", "entity_id"), OWN_SPELLINGS)
def test_lookup_own_spelling(bundled_gazetteer: Gazetteer, spelling: str, entity_id: str) -> None:
    assert [e.id for e in bundled_gazetteer.lookup(spelling)] == [entity_id]


# Spellings shared by several entities: the most prominent comes first.
SHARED_SPELLINGS = [
    ("Massoud", "ahmad-shah-massoud", {"ahmad-massoud"}),
    ("Massound", "ahmad-shah-massoud", {"ahmad-massoud"}),
    ("Mesud", "ahmad-shah-massoud", {"ahmad-massoud"}),
    ("Masud", "ahmad-shah-massoud", {"ahmad-massoud"}),
    ("Saleh", "amrullah-saleh", set()),
    ("Salih", "amrullah-saleh", set()),
    ("Dostum", "abdul-rashid-dostum", {"yar-dostum"}),
    ("Noor", "atta-mohammad-noor", set()),
    ("Fitrat", "fasihuddin-fitrat", {"zabihullah-fitrat"}),
    ("Fetrat", "fasihuddin-fitrat", {"zabihullah-fitrat"}),
]


@pytest.mark.parametrize(("spelling", "first", "others"), SHARED_SPELLINGS)
def test_lookup_shared_spelling(
    bundled_gazetteer: Gazetteer, spelling: str, first: str, others: set[str]
) -> None:
    found = [e.id for e in bundled_gazetteer.lookup(spelling)]
    assert found[0] == first
    assert others <= set(found)
    assert len(found) >= 2


def test_lookup_of_an_unknown_name(bundled_gazetteer: Gazetteer) -> None:
    assert bundled_gazetteer.lookup("Talibanistan") == []
    assert bundled_gazetteer.lookup("") == []


def test_alias_key_folds_case_hyphens_spaces_and_apostrophes() -> None:
    assert alias_key("Mazar-e-Sharif") == alias_key("mazar-e  sharif") == "mazar e sharif"
    assert alias_key("Hizb-e Wahdat’s") == alias_key("hizb e wahdat's")
    assert alias_key("Massoud") != alias_key("Massound")


# --- validation -----------------------------------------------------------------------------


def load_text(tmp_path: Path, text: str) -> tuple[Gazetteer, list[Problem]]:
    path = tmp_path / "entities.yaml"
    path.write_text(text, encoding="utf-8")
    return load_gazetteer(path)


def problems_of(tmp_path: Path, entries: str) -> list[Problem]:
    _, problems = load_text(tmp_path, "version: 1\nentities:\n" + entries)
    for problem in problems:
        assert problem.path == str(tmp_path / "entities.yaml")
    return problems


def test_small_gazetteer_is_valid(small_gazetteer: Gazetteer) -> None:
    assert [e.id for e in small_gazetteer.lookup("Dostum")] == ["abdul-rashid-dostum", "yar-dostum"]
    assert small_gazetteer.by_id["yar-dostum"].relations == {"son_of": ("abdul-rashid-dostum",)}


def test_duplicate_id(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "  - id: noor\n    name: Noor One\n    type: person\n"
        "  - id: noor\n    name: Noor Two\n    type: person\n",
    )
    (problem,) = problems
    assert (problem.line, problem.field, problem.severity) == (6, "id", "error")
    assert problem.message == "duplicate id 'noor' (first defined at line 3)"


def test_duplicate_id_keeps_the_first(tmp_path: Path) -> None:
    gazetteer, _ = load_text(
        tmp_path,
        "entities:\n  - {id: x, name: First, type: place}\n  - {id: x, name: Second, type: place}\n",
    )
    assert [e.name for e in gazetteer.entities] == ["First"]


def test_unknown_relation_target(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "  - id: yar-dostum\n    name: Yar Dostum\n    type: person\n"
        "    relations: {son_of: [rashid-dostum]}\n",
    )
    (problem,) = problems
    assert (problem.line, problem.field, problem.severity) == (3, "relations", "warning")
    assert problem.message == "entry 'yar-dostum': son_of names unknown entity 'rashid-dostum'"


def test_unknown_relation_type(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "  - id: a\n    name: A\n    type: person\n    relations: {cousin_of: [a]}\n",
    )
    (problem,) = problems
    assert (problem.line, problem.field) == (6, "relations")
    assert problem.message == "entry 'a': unknown relation 'cousin_of'"


def test_alias_claimed_by_two_entries(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "  - id: ahmad-shah-massoud\n    name: Ahmad Shah Massoud\n    type: person\n"
        "    aliases: [Massoud]\n"
        "  - id: ahmad-massoud\n    name: Ahmad Massoud\n    type: person\n"
        "    aliases: [massoud]\n",
    )
    (problem,) = problems
    assert (problem.line, problem.field, problem.severity) == (7, "aliases", "error")
    assert problem.message == (
        "entry 'ahmad-massoud': spelling 'massoud' is already an alias of "
        "'ahmad-shah-massoud' (line 3); list it under shared_aliases of both "
        "if it can mean either"
    )


def test_a_name_is_an_alias_too(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "  - {id: kabul, name: Kabul, type: place}\n"
        "  - {id: kabul-province, name: Kabul Province, type: place, aliases: [KABUL]}\n",
    )
    (problem,) = problems
    assert problem.line == 4
    assert "spelling 'KABUL' is already an alias of 'kabul' (line 3)" in problem.message


def test_shared_alias_with_a_single_holder(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "  - id: zabihullah-fitrat\n    name: Zabihullah Fitrat\n    type: person\n"
        "    shared_aliases: [Fitrat]\n",
    )
    (problem,) = problems
    assert (problem.line, problem.field, problem.severity) == (3, "shared_aliases", "warning")
    assert problem.message == (
        "entry 'zabihullah-fitrat': shared spelling 'fitrat' has no other holder; move it to aliases"
    )


def test_shared_alias_that_is_also_owned(tmp_path: Path) -> None:
    gazetteer, problems = load_text(
        tmp_path,
        "entities:\n"
        "  - {id: a, name: Alpha, type: person, aliases: [Al]}\n"
        "  - {id: b, name: Beta, type: person, shared_aliases: [Al]}\n"
        "  - {id: c, name: Gamma, type: person, shared_aliases: [Al]}\n",
    )
    (problem,) = problems
    assert (problem.line, problem.field, problem.severity) == (2, "shared_aliases", "error")
    assert "shared spelling 'al' is also an unshared alias of 'a'" in problem.message
    assert [e.id for e in gazetteer.lookup("Al")] == ["a"]


def test_unknown_key(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "  - id: taliban\n    name: Taliban\n    type: organization\n    alias: [Taleban]\n",
    )
    (problem,) = problems
    # The entry loads (its other fields are good); the typo is said, with its line.
    assert (problem.line, problem.field, problem.severity) == (6, "alias", "warning")
    assert problem.message == "entry 'taliban': unknown key 'alias' (ignored)"


def test_bad_type(tmp_path: Path) -> None:
    gazetteer, problems = load_text(
        tmp_path,
        "entities:\n  - id: panjshir\n    name: Panjshir\n    type: province\n",
    )
    (problem,) = problems
    assert (problem.line, problem.field, problem.severity) == (4, "type", "error")
    assert problem.message == (
        "entry 'panjshir': type must be one of person, organization, place, not 'province'"
    )
    assert len(gazetteer) == 0


@pytest.mark.parametrize(
    ("entry", "line", "field", "message"),
    [
        ("  - {id: Bad Id, name: X, type: place}\n", 3, "id", "id must be a lowercase slug"),
        ("  - {id: x, type: place}\n", 3, "name", "entry 'x': missing name"),
        ("  - {id: x, name: X, type: place, aliases: [A, 3]}\n", 3, "aliases", "must be a list"),
        (
            "  - id: x\n    name: X\n    type: person\n    born: 1954-13\n",
            6,
            "born",
            "entry 'x': '1954-13' is not a real date",
        ),
        (
            "  - id: x\n    name: X\n    type: person\n    active: [2001]\n",
            6,
            "active",
            "active must be [from_year, to_year or null]",
        ),
        ("  - just a string\n", None, "entities", "an entry must be a mapping"),
    ],
)
def test_other_entry_errors(
    tmp_path: Path, entry: str, line: int | None, field: str, message: str
) -> None:
    (problem,) = problems_of(tmp_path, entry)
    assert (problem.line, problem.field) == (line, field)
    assert message in problem.message


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"entities:\n  - id: a\n    name: [unclosed\n", 4, "invalid YAML"),
        (b"- a list\n", 1, "expected a mapping with an 'entities' list"),
        (b"version: 1\n", 1, "expected a mapping with an 'entities' list"),
        (b"entities:\n  - id: caf\xe9\n", None, "not valid UTF-8 (byte 21, line 2)"),
        (b"entities: !!python/object/apply:os.getcwd []\n", 1, "a YAML tag that is not allowed"),
    ],
)
def test_unreadable_gazetteer(
    tmp_path: Path, content: bytes, line: int | None, message: str
) -> None:
    path = tmp_path / "entities.yaml"
    path.write_bytes(content)
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(path)
    (problem,) = caught.value.problems
    assert problem.path == str(path)
    assert problem.line == line
    assert message in problem.message
    assert message in str(caught.value)


def test_missing_gazetteer_file(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="cannot read file"):
        load_gazetteer(tmp_path / "nowhere.yaml")


def test_entity_activity_follows_birth_death_and_active(bundled_gazetteer: Gazetteer) -> None:
    father = bundled_gazetteer.by_id["ahmad-shah-massoud"]
    son = bundled_gazetteer.by_id["ahmad-massoud"]
    assert father.active_in(1996) and not father.active_in(2021)
    assert son.active_in(2021) and not son.active_in(1996)


# --- the conventions of issue 14 (header sections 7-12) ---------------------------------------

_DEMONYMS = {"Afghan", "Pakistani", "Iranian", "Indian", "American", "Soviet", "Russian"}


def test_the_header_documents_every_key_and_relation() -> None:
    from corpus.gazetteer import _ENTRY_KEYS, RELATION_TYPES

    header = "\n".join(
        line
        for line in BUNDLED_GAZETTEER.read_text(encoding="utf-8").splitlines()
        if line[:1] == "#"
    )
    for word in sorted(_ENTRY_KEYS | RELATION_TYPES):
        assert word in header, word


def test_no_alias_is_a_description(bundled_gazetteer: Gazetteer) -> None:
    for entity in bundled_gazetteer.entities:
        if entity.type == "place":
            continue
        for alias in (*entity.aliases, *entity.shared_aliases):
            first, *rest = alias.split()
            described = first in _DEMONYMS and rest and all(w.islower() for w in rest)
            assert not described, (entity.id, alias)
    assert bundled_gazetteer.lookup("Afghan security forces") == []


def test_namesakes_come_after_the_actor_they_share_a_spelling_with(
    bundled_gazetteer: Gazetteer,
) -> None:
    namesakes = [e for e in bundled_gazetteer.entities if "namesake" in e.description]
    assert len(namesakes) >= 8
    for namesake in namesakes:
        assert namesake.type == "person"
        for spelling in namesake.shared_aliases:
            holders = bundled_gazetteer.lookup(spelling)
            assert holders[0] is not namesake, (namesake.id, spelling)
            assert "namesake" not in holders[0].description, (namesake.id, spelling)


def test_generic_names_are_organizations(bundled_gazetteer: Gazetteer) -> None:
    generic = [e for e in bundled_gazetteer.entities if e.generic]
    assert {e.id for e in generic} >= {"interior-ministry"}
    assert {e.type for e in generic} == {"organization"}


def test_generic_must_be_true_or_false(tmp_path: Path) -> None:
    entry = "  - id: x\n    name: X\n    type: organization\n    generic: yes please\n"
    (problem,) = problems_of(tmp_path, entry)
    assert (problem.line, problem.field) == (6, "generic")
    assert "generic must be true or false" in problem.message


def test_the_islamic_emirate_is_linked_to_the_taliban(bundled_gazetteer: Gazetteer) -> None:
    emirate = bundled_gazetteer.lookup("Islamic Emirate")
    assert [e.id for e in emirate] == ["islamic-emirate"]
    assert emirate[0].relations["proclaimed_by"] == ("taliban",)
    assert [e.id for e in bundled_gazetteer.lookup("Islamic Emirate of Afghanistan")] == [
        "islamic-emirate"
    ]


@pytest.mark.parametrize(
    ("spelling", "made", "not_made"),
    [
        ("zabiullah mujahid", "zabiullah mojahid", None),
        ("muttaqi", "mottaqi", "mutaqi"),
        ("hekmatyar", "hikmatyar", None),
        ("yunus qanooni", "yunus qanuni", None),
        ("hafizullah", "hafizulla", None),
        ("qandahari", "kandahari", None),
        ("dostum", None, "dostom"),  # one word under seven letters: never made
    ],
)
def test_the_variants_the_header_promises(
    spelling: str, made: str | None, not_made: str | None
) -> None:
    from index.matching.spellings import variants

    found = variants(spelling)
    if made is not None:
        assert made in found
    if not_made is not None:
        assert not_made not in found
