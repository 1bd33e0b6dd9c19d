"""The matcher's rules for prose from many outlets (issue 14), on the real bundled gazetteer.

Each passage is written the way the benchmark corpus writes (news prose in sentences), and each
test states what a reader counts in it. The kinds follow the issue: bare names, namesakes,
father and son, spelling variants and typos, wire copy and "IS", descriptions and places.
"""

from __future__ import annotations

import pytest

from corpus import Gazetteer, PartialDate
from index import EntityMatcher


@pytest.fixture(scope="module")
def matcher(bundled_gazetteer: Gazetteer) -> EntityMatcher:
    return EntityMatcher(bundled_gazetteer)


def linked(
    matcher: EntityMatcher, body: str, title: str = "", published: PartialDate | None = None
) -> list[tuple[str, str]]:
    """(text as written, entity id) of every mention, in reading order."""
    return [(m.text, m.entity_id) for m in matcher.find(title, body, published)]


def of(pairs: list[tuple[str, str]], entity_id: str) -> list[str]:
    return [text for text, entity in pairs if entity == entity_id]


# --- 1. a bare name refers to the full name the same article used ----------------------------


def test_a_bare_surname_after_the_full_name(matcher: EntityMatcher) -> None:
    body = (
        "Taliban spokesman Zabihullah Mujahid said on Monday that talks would resume. "
        "Mujahid told reporters in Kabul that the delegation had left for Doha."
    )
    assert of(linked(matcher, body), "zabihullah-mujahid") == ["Zabihullah Mujahid", "Mujahid"]


def test_a_bare_surname_after_a_title(matcher: EntityMatcher) -> None:
    body = (
        "Pakistani Prime Minister Imran Khan arrived in Tehran on Sunday. During the visit, "
        "PM Khan met the president, and Khan later told reporters that trade would grow."
    )
    assert of(linked(matcher, body), "imran-khan") == ["Imran Khan", "Khan", "Khan"]


def test_the_full_name_in_the_title_counts_for_the_body(matcher: EntityMatcher) -> None:
    title = "Deputy PM Abdul Salam Hanafi rejects claims on poppy cultivation"
    body = "The claims are false, Hanafi said on Sunday in a speech to farmers in the south."
    assert of(linked(matcher, body, title), "abdul-salam-hanafi") == [
        "Abdul Salam Hanafi",
        "Hanafi",
    ]


def test_a_bare_name_before_the_full_name_is_not_linked(matcher: EntityMatcher) -> None:
    body = (
        "Khan said the border would stay open. Later, Prime Minister Imran Khan spoke "
        "to the press about the visit."
    )
    assert of(linked(matcher, body), "imran-khan") == ["Imran Khan"]


def test_a_bare_name_that_is_part_of_another_name_is_not_linked(matcher: EntityMatcher) -> None:
    body = (
        "Prime Minister Imran Khan met the traders of the city. Khan Jan Alokozai, a member "
        "of the chamber of commerce, said the talks went well."
    )
    assert of(linked(matcher, body), "imran-khan") == ["Imran Khan"]


# --- 2. namesakes -------------------------------------------------------------------------------


def test_a_shared_surname_beside_an_unknown_given_name_is_somebody_else(
    matcher: EntityMatcher,
) -> None:
    body = (
        "The foreign ministry spokesman Farid Masood said on Tuesday that the border was "
        "calm. Masood added that Islamabad wanted peace, and Ambassador Masood said so too."
    )
    assert [entity for _, entity in linked(matcher, body)] == ["islamabad"]


def test_a_known_namesake_is_a_person_of_its_own(matcher: EntityMatcher) -> None:
    body = (
        "Iranian Defence Minister Amir Hatami met his Afghan counterpart Tariq Shah Bahrami "
        "in Tehran. For his part, Bahrami thanked Iran for its support."
    )
    pairs = linked(matcher, body)
    assert of(pairs, "tariq-shah-bahrami") == ["Tariq Shah Bahrami", "Bahrami"]
    assert of(pairs, "abdul-ahad-bahrami") == []


def test_the_actor_named_in_full_again_takes_the_surname_back(matcher: EntityMatcher) -> None:
    body = (
        "Mohammad Saleh, a Yemeni official, spoke first. Then Vice President Amrullah Saleh "
        "replied, and Saleh said the resistance would go on."
    )
    pairs = linked(matcher, body)
    assert of(pairs, "amrullah-saleh") == ["Vice President Amrullah Saleh", "Saleh"]


# --- 3. father and son ----------------------------------------------------------------------


def test_an_undated_article_is_read_at_the_latest_year_it_mentions(
    matcher: EntityMatcher,
) -> None:
    later = "In August 2021 fighters loyal to Massoud gathered in the valley to resist."
    earlier = "In 1996 fighters loyal to Massoud retreated to the valley to resist."
    assert of(linked(matcher, later), "ahmad-massoud") == ["Massoud"]
    assert of(linked(matcher, earlier), "ahmad-shah-massoud") == ["Massoud"]


def test_the_rest_of_a_son_of_sentence_is_about_the_son(matcher: EntityMatcher) -> None:
    body = (
        "Ahmad Massoud, the son of Ahmad Shah Massoud, whom Massoud has never stopped "
        "quoting, leads the front."
    )
    # Undated and without a year, so that only the sentence can tell father and son apart.
    pairs = linked(matcher, body)
    assert pairs == [
        ("Ahmad Massoud", "ahmad-massoud"),
        ("Ahmad Shah Massoud", "ahmad-shah-massoud"),
        ("Massoud", "ahmad-massoud"),
    ]


def test_the_late_is_a_cue_for_the_one_who_died(matcher: EntityMatcher) -> None:
    body = "Fighters carried portraits of the late Massoud through the streets of Bazarak."
    pairs = linked(matcher, body, published=PartialDate.parse("2021-09-09"))
    assert of(pairs, "ahmad-shah-massoud") == ["Massoud"]


# --- 4. spelling variants and typos ---------------------------------------------------------


def test_transliteration_variants_are_generated(matcher: EntityMatcher) -> None:
    body = "In a message to the media, spokesman Zabiullah Mojahid denied any involvement."
    assert of(linked(matcher, body), "zabihullah-mujahid") == ["Zabiullah Mojahid"]


def test_a_one_letter_typo_of_a_name_the_article_spells_right(matcher: EntityMatcher) -> None:
    body = (
        "The Taliban took power in August. Envoys said that if the Talban rulers want a "
        "stable government they should talk to their neighbours."
    )
    assert of(linked(matcher, body), "taliban") == ["Taliban", "Talban"]


def test_a_typo_alone_or_another_name_is_not_a_typo(matcher: EntityMatcher) -> None:
    alone = "Envoys said that if the Talban rulers want a stable government they should talk."
    assert linked(matcher, alone) == []
    other = "Ashraf Ghani met Karim Khalili. Foreign Ministry spokesman Bahram Qassemi spoke."
    pairs = linked(matcher, other)
    assert of(pairs, "abdul-ahad-bahrami") == []
    assert of(pairs, "karim-khalili") == ["Karim Khalili"]


# --- 5. wire copy and "IS" ------------------------------------------------------------------


def test_is_where_the_words_around_say_it_is_the_group(matcher: EntityMatcher) -> None:
    body = (
        "Officials said IS fighters attacked a checkpoint, and the IS later claimed it. "
        "Whether this IS the end of the offensive is unclear."
    )
    assert of(linked(matcher, body), "islamic-state") == ["IS", "IS"]


def test_lower_case_wire_copy(matcher: EntityMatcher) -> None:
    body = (
        "kabul (reuters) - the taliban said on monday that fighters loyal to the group had "
        "taken two districts, a spokesman for the taliban said by telephone."
    )
    assert of(linked(matcher, body), "taliban") == ["taliban", "taliban"]


def test_a_headline_in_title_case_keeps_its_names(matcher: EntityMatcher) -> None:
    title = "Pak Government Must Punish Taleban s Trained Terrorists"
    assert of(linked(matcher, "", title), "taliban") == ["Taleban"]


# --- 6. descriptions, places and the Islamic Emirate -----------------------------------------


def test_a_description_is_not_a_name(matcher: EntityMatcher) -> None:
    body = "Taliban fighters were battling Afghan security forces for control of Ghazni."
    assert of(linked(matcher, body), "afghan-national-defense-and-security-forces") == []
    named = "The Afghan National Security Forces took back the city."
    assert of(linked(matcher, named), "afghan-national-defense-and-security-forces") == [
        "Afghan National Security Forces"
    ]


def test_a_place_named_after_a_person_is_not_the_person(matcher: EntityMatcher) -> None:
    body = "Flights left Hamid Karzai International Airport on Monday morning."
    assert of(linked(matcher, body), "hamid-karzai") == []


def test_a_name_inside_a_hyphenated_name_is_not_a_mention(matcher: EntityMatcher) -> None:
    body = (
        "The conference marked the anniversary of the Alma-Ata Declaration, and speakers "
        "blamed the Mojahedin-e-Khalq for the videos. Anti-Taliban groups met in Dushanbe."
    )
    pairs = linked(matcher, body)
    assert of(pairs, "atta-mohammad-noor") == []
    assert of(pairs, "khalq") == []
    assert of(pairs, "taliban") == ["Taliban"]


def test_a_generic_name_belongs_to_the_country_named_before_it(matcher: EntityMatcher) -> None:
    abroad = "Iran's Interior Ministry is doing its best to develop relations with its neighbours."
    home = "A spokesman for the Afghan Interior Ministry said four suspects were held."
    assert of(linked(matcher, abroad), "interior-ministry") == []
    assert of(linked(matcher, home), "interior-ministry") == ["Interior Ministry"]


def test_the_islamic_emirate_is_an_entity_of_its_own(
    matcher: EntityMatcher, bundled_gazetteer: Gazetteer
) -> None:
    body = (
        "“It's a very huge loss for the Islamic Emirate of Afghanistan,” a Taliban official said."
    )
    assert linked(matcher, body) == [
        ("Islamic Emirate of Afghanistan", "islamic-emirate"),
        ("Taliban", "taliban"),
    ]
    assert bundled_gazetteer.by_id["islamic-emirate"].relations["proclaimed_by"] == ("taliban",)


# --- the fold the matcher scans -------------------------------------------------------------


def test_fold_is_the_table_translation_with_offsets_kept() -> None:
    from index import analysis

    every = "".join(chr(c) for c in analysis._FOLD)
    samples = [
        every,
        "Ahmad Shah Mas\u00f3ud\u2019s men\u2014in Panj-shir\n\tand Kabul\r",
        "plain ascii text with `quotes` and-hyphens",
        "İstanbul KABUL Straße",
    ]
    for text in samples:
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        assert analysis.fold(text) == lowered.translate(analysis._FOLD)
        assert len(analysis.fold(text)) == len(text)
