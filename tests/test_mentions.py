"""Mentions of actors: counted by hand in the five bundled articles, then the matcher's rules.

The counts below come from reading each article (title and body), not from the matcher:
a name counts once per occurrence, the longest name wins ("Ahmad Shah Massoud" is one mention
of the father), and a name inside a hyphenated word counts ("anti-Taliban" mentions the
Taliban, the channel name "Panjshir-Province" mentions Panjshir).
"""

from __future__ import annotations

from collections import Counter

import pytest

from corpus import Article, Gazetteer, PartialDate, load_corpus
from index import Engine, EntityMatcher, Mention

TOLONEWS = "2015-06-tolonews-dostum-atta-alliance-insurgency"
TODAY = "2015-07-afghanistan-today-dostum-noor-alliance"
OUTLOOK = "2015-daily-outlook-alliance-countering-taliban-offensive"
SONS = "2021-08-anti-taliban-alliance-sons-of-resistance"
NATIONPRESS = "2025-12-nationpress-anti-taliban-movements-agreement"

ACTORS = (
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
    "zabihullah-fitrat",
)

# Hand counts, title + body; an actor left out of an article's row has no mention there.
HAND_COUNTS: dict[str, dict[str, int]] = {
    TOLONEWS: {
        # Title "Dostum-Atta"; "Gen. Abdul Rashid Dostum"; "Noor, ... and Dostum"; "between
        # Dostum and Noor".
        "abdul-rashid-dostum": 4,
        # Title "Atta"; "Atta Mohammad Noor"; "Noor, from Jamiat"; "between Noor and the
        # central government ... Noor has"; "Dostum and Noor".
        "atta-mohammad-noor": 6,
        # "Jamiat-e-Islami Party of Afghanistan"; "spokesman to Jamiat-e-Islami".
        "jamiat-e-islami": 2,
        # "Junbish-i-Milli Islami Afghanistan".
        "junbish-e-milli": 1,
        # "Zabi Fitrat"; "Fitrat said".
        "zabihullah-fitrat": 2,
    },
    TODAY: {
        # Title 1; standfirst 1; paragraph 2: 1; paragraph 3: 2; "Dostum's Party" 1;
        # "History of failed alliances" paragraph 4; "(Dostum and Noor)" 1; "Both Noor and
        # Dostum" 1; "Vice President Dostum" 1; last paragraph 2.
        "abdul-rashid-dostum": 15,
        # As Dostum, plus "Mohammad Atta Noor" (one), "Noor told the BBC", "Noor to snub",
        # "Noor told reporters", "succeed Atta Noor" (one) and "Dostum and Atta".
        "atta-mohammad-noor": 16,
        # "joined Ahmad Shah Massound" (the typo, one mention of the father).
        "ahmad-shah-massoud": 1,
        # Title 1; standfirst 1; "Taliban's spring offensive", "falling to the Taliban";
        # "Taliban offensive", "Taliban operations", "topple the Taliban"; "After the Taliban
        # seized", "collapse of the Taliban"; "repel the Taliban", "for the Taliban".
        "taliban": 11,
        # "Party of the Islamic Society of Afghanistan" (Jamiat's English name).
        "jamiat-e-islami": 1,
        # "National Islamic Movement of Afghanistan" (Junbish's English name).
        "junbish-e-milli": 1,
        # "Dr Zabih Fetrat".
        "zabihullah-fitrat": 1,
    },
    OUTLOOK: {
        # "Gen. Abdul Rashid Dostum"; "Gen. Dostum and Gov. Atta"; "Gen. Dostum and Gov. Atta
        # Mohammad Noor"; "to which Dostum and Atta Muhammad Noor belong".
        "abdul-rashid-dostum": 4,
        "atta-mohammad-noor": 4,
        # Title 1; paragraph 1: 5; paragraph 3: 4; paragraph 4: 3; paragraph 5: 4; the last
        # paragraph: 1. Paragraphs 6 and 7 are about the Islamic State and never name it.
        "taliban": 18,
        # "Junbesh- Milli and Jamiat-e Islami".
        "junbish-e-milli": 1,
        "jamiat-e-islami": 1,
    },
    SONS: {
        # "son of Rashid Dostum"; "forces from Dostum"; "Yar Dostum, son of Dostum".
        "abdul-rashid-dostum": 3,
        # "Yar Dostum, son of Rashid"; "Yar Dostum, son of Dostum"; "Yar Dostum, who studied".
        "yar-dostum": 3,
        # "son of Shah Mesud".
        "ahmad-shah-massoud": 1,
        # "Ahmad Mesud, the son"; "met Ahmed Masud"; "Saleh and Massoud".
        "ahmad-massoud": 3,
        # "Vice President Emrullah Salih"; "Emrullah Salih, who left"; "Saleh and Massoud".
        "amrullah-saleh": 3,
        # Title "Anti-Taliban" 1; paragraph 1: 3; paragraph 2: 4 ("anti-Taliban alliance",
        # "and the Taliban took place", "defeated Taliban forces", "100 Taliban militants");
        # paragraph 3: 2; paragraph 4: 3; Putin's quote 1; the last paragraph 1.
        "taliban": 15,
        # "Punjshir province", "adjacent to Panjshir", "“Panjshir-Province”", "came to
        # Panjshir", "over to the Penjshir", "come to Punjshir".
        "panjshir": 6,
    },
    NATIONPRESS: {
        # "Abdul Rashid Dostum"; "coalition is Dostum".
        "abdul-rashid-dostum": 2,
        # "Ata Mohammad Noor".
        "atta-mohammad-noor": 1,
        # "the son of Ahmad Shah Massoud".
        "ahmad-shah-massoud": 1,
        # "Ahmad Massoud, Ata Mohammad Noor".
        "ahmad-massoud": 1,
        # Title "anti-Taliban" 1; "resisting the Taliban", "anti-Taliban political movements";
        # "an anti-Taliban platform"; "anti-Taliban political figures", "a Taliban Minister";
        # "Taliban Foreign Minister"; "anti-Taliban factions"; "assassinated by the Taliban";
        # "anti-Taliban coalition"; "get Taliban officials".
        "taliban": 11,
    },
}


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {a.id: a for a in load_corpus().articles}


@pytest.fixture(scope="module")
def matcher(bundled_gazetteer: Gazetteer) -> EntityMatcher:
    return EntityMatcher(bundled_gazetteer)


@pytest.fixture(scope="module")
def found(articles: dict[str, Article], matcher: EntityMatcher) -> dict[str, list[Mention]]:
    """The matcher's mentions in each bundled article."""
    return {aid: matcher.find(a.title, a.body, a.published) for aid, a in articles.items()}


def counts(mentions: list[Mention]) -> dict[str, int]:
    tally = Counter(m.entity_id for m in mentions)
    return {actor: tally[actor] for actor in ACTORS if tally[actor]}


@pytest.mark.parametrize("article_id", list(HAND_COUNTS))
def test_hand_counts(found: dict[str, list[Mention]], article_id: str) -> None:
    assert counts(found[article_id]) == HAND_COUNTS[article_id]


@pytest.mark.parametrize("article_id", list(HAND_COUNTS))
def test_hand_counts_in_the_index(bundled_engine: Engine, article_id: str) -> None:
    stored = bundled_engine.article(article_id)
    assert stored is not None
    assert counts(bundled_engine.mentions_in(stored)) == HAND_COUNTS[article_id]


def test_offsets_are_exact(articles: dict[str, Article], found: dict[str, list[Mention]]) -> None:
    for article_id, mentions in found.items():
        article = articles[article_id]
        for mention in mentions:
            text = article.title if mention.field == "title" else article.body
            assert text[mention.start : mention.end] == mention.text, (article_id, mention)
        order = [(m.field != "title", m.start) for m in mentions]
        assert order == sorted(order)


def mention_at(
    articles: dict[str, Article], found: dict[str, list[Mention]], article_id: str, marked: str
) -> Mention:
    """The mention bracketed in `marked`, a passage that occurs once in the article's body."""
    context = marked.replace("[", "").replace("]", "")
    name = marked[marked.index("[") + 1 : marked.index("]")]
    body = articles[article_id].body
    assert body.count(context) == 1, context
    start = body.index(context) + marked.index("[")
    (mention,) = [m for m in found[article_id] if m.field == "body" and m.start == start]
    assert (mention.text, mention.end) == (name, start + len(name))
    return mention


@pytest.mark.parametrize(
    ("article_id", "marked", "entity_id"),
    [
        (SONS, "[Yar Dostum], son of Dostum", "yar-dostum"),
        (SONS, "Yar Dostum, son of [Dostum]", "abdul-rashid-dostum"),
        (SONS, "[Yar Dostum], son of Rashid Dostum", "yar-dostum"),
        (SONS, "Yar Dostum, son of [Rashid Dostum]", "abdul-rashid-dostum"),
        (SONS, "forces from [Dostum]", "abdul-rashid-dostum"),
        (SONS, "[Saleh] and Massoud", "amrullah-saleh"),
        (SONS, "Saleh and [Massoud]", "ahmad-massoud"),
        (SONS, "[Ahmad Mesud], the son of Shah Mesud", "ahmad-massoud"),
        (SONS, "Ahmad Mesud, the son of [Shah Mesud]", "ahmad-shah-massoud"),
        (SONS, "met [Ahmed Masud] in Punjshir", "ahmad-massoud"),
        (SONS, "[Vice President Emrullah Salih]", "amrullah-saleh"),
        (SONS, "channel “[Panjshir-Province]”", "panjshir"),
        (NATIONPRESS, "son of [Ahmad Shah Massoud]", "ahmad-shah-massoud"),
        (NATIONPRESS, "coalition is [Dostum]", "abdul-rashid-dostum"),
        (NATIONPRESS, "[Ahmad Massoud], Ata", "ahmad-massoud"),
        (TODAY, "joined [Ahmad Shah Massound]", "ahmad-shah-massoud"),
        (TODAY, "Governor [Mohammad Atta Noor]", "atta-mohammad-noor"),
        (TODAY, "[Dr Zabih Fetrat]", "zabihullah-fitrat"),
        (OUTLOOK, "Dostum and [Atta Muhammad Noor]", "atta-mohammad-noor"),
        (OUTLOOK, "[Junbesh- Milli] and", "junbish-e-milli"),
        (TOLONEWS, "[Fitrat] said", "zabihullah-fitrat"),
    ],
)
def test_disambiguation(
    articles: dict[str, Article],
    found: dict[str, list[Mention]],
    article_id: str,
    marked: str,
    entity_id: str,
) -> None:
    assert mention_at(articles, found, article_id, marked).entity_id == entity_id


def test_a_name_inside_a_longer_one_is_not_a_mention_of_its_own(
    articles: dict[str, Article], found: dict[str, list[Mention]]
) -> None:
    body = articles[SONS].body
    inner = body.index("Yar Dostum, son of Dostum") + len("Yar ")
    assert [m for m in found[SONS] if m.start <= inner < m.end] == [
        Mention("yar-dostum", "body", inner - 4, inner + 6, "Yar Dostum")
    ]


def test_every_title_mention(found: dict[str, list[Mention]]) -> None:
    titles = {
        aid: [(m.text, m.entity_id) for m in mentions if m.field == "title"]
        for aid, mentions in found.items()
    }
    assert titles[TOLONEWS] == [("Dostum", "abdul-rashid-dostum"), ("Atta", "atta-mohammad-noor")]
    assert titles[SONS] == [("Taliban", "taliban")]
    assert ("Taliban", "taliban") in titles[NATIONPRESS]


# --- the matcher's rules, on sentences made up for the purpose ------------------------------


def find(
    gazetteer: Gazetteer, body: str, year: int | None = 2015, title: str = ""
) -> list[Mention]:
    published = PartialDate(year) if year else None
    return EntityMatcher(gazetteer).find(title, body, published)


def pairs(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.text, m.entity_id) for m in mentions]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The noor of dawn was bright.", []),
        ("Governor Noor spoke.", [("Noor", "atta-mohammad-noor")]),
        ("TALIBAN FIGHTERS ENTERED.", [("TALIBAN", "taliban")]),
        ("The taliban entered.", []),
        ("Talibanistan is not a word.", []),
        ("Neo-Talibanism neither.", []),
        ("Taliban2 is a handle.", []),
        ("The Taliban's offensive.", [("Taliban", "taliban")]),
        ("An anti-Taliban front.", [("Taliban", "taliban")]),
        ("(Taliban)", [("Taliban", "taliban")]),
        ("The Taleban, as some spell it.", [("Taleban", "taliban")]),
        ("Pānjshir with a macron.", [("Pānjshir", "panjshir")]),
        ("PUNJSHIR in capitals.", [("PUNJSHIR", "panjshir")]),
        ("Atta Mohammad Noor arrived.", [("Atta Mohammad Noor", "atta-mohammad-noor")]),
        ("Atta-Mohammad Noor arrived.", [("Atta-Mohammad Noor", "atta-mohammad-noor")]),
        ("Atta\nMohammad Noor arrived.", [("Atta\nMohammad Noor", "atta-mohammad-noor")]),
    ],
)
def test_case_words_and_longest_match(
    small_gazetteer: Gazetteer, body: str, expected: list[tuple[str, str]]
) -> None:
    assert pairs(find(small_gazetteer, body)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The noor of the lamp; the taliban of the story.", []),
        (
            "NOOR AND DOSTUM MET THE TALIBAN.",
            ["atta-mohammad-noor", "abdul-rashid-dostum", "taliban"],
        ),
        ("Talibanistan, Dostumism and Panjshiri are other words.", []),
        ("The Taleban crossed the Penjshir.", ["taliban", "panjshir"]),
        ("Ata met Zabih Fetrat.", ["atta-mohammad-noor", "zabihullah-fitrat"]),
    ],
)
def test_case_and_whole_words_with_the_bundled_gazetteer(
    matcher: EntityMatcher, body: str, expected: list[str]
) -> None:
    assert [m.entity_id for m in matcher.find("", body, PartialDate(2015))] == expected


def test_offsets_in_made_up_text(small_gazetteer: Gazetteer) -> None:
    body = "Ätta met Noor.\nThen TALIBAN—and the Taliban’s men—left Punjshir."
    mentions = find(small_gazetteer, body, title="Noor and the Taliban")
    assert [(m.field, m.text) for m in mentions] == [
        ("title", "Noor"),
        ("title", "Taliban"),
        ("body", "Ätta"),
        ("body", "Noor"),
        ("body", "TALIBAN"),
        ("body", "Taliban"),
        ("body", "Punjshir"),
    ]
    for mention in mentions:
        text = "Noor and the Taliban" if mention.field == "title" else body
        assert text[mention.start : mention.end] == mention.text


def test_shared_spelling_goes_to_the_one_the_article_names(small_gazetteer: Gazetteer) -> None:
    body = "Yar Dostum arrived in Panjshir. Later Dostum spoke to reporters."
    assert pairs(find(small_gazetteer, body, year=2021)) == [
        ("Yar Dostum", "yar-dostum"),
        ("Panjshir", "panjshir"),
        ("Dostum", "yar-dostum"),
    ]


def test_shared_spelling_alone_goes_to_who_could_act_then(small_gazetteer: Gazetteer) -> None:
    # The son is active from 2021; in 2015 a bare "Dostum" is the father, and so it is when
    # both could act and nothing else decides (the father is listed first).
    assert pairs(find(small_gazetteer, "Dostum spoke.", year=2015)) == [
        ("Dostum", "abdul-rashid-dostum")
    ]
    assert pairs(find(small_gazetteer, "Dostum spoke.", year=2023)) == [
        ("Dostum", "abdul-rashid-dostum")
    ]


def test_parent_and_child_cues(small_gazetteer: Gazetteer) -> None:
    assert pairs(find(small_gazetteer, "Yar Dostum, son of Dostum, came.", year=2021)) == [
        ("Yar Dostum", "yar-dostum"),
        ("Dostum", "abdul-rashid-dostum"),
    ]
    assert pairs(find(small_gazetteer, "Atta Noor, the father of Noor, spoke.", year=2020)) == [
        ("Atta Noor", "atta-mohammad-noor"),
        ("Noor", "khalid-noor"),
    ]


def test_nearest_named_holder_wins(small_gazetteer: Gazetteer) -> None:
    body = (
        "Rashid Dostum met the council. Dostum left early. Yar Dostum stayed on. Dostum spoke last."
    )
    assert [m.entity_id for m in find(small_gazetteer, body, year=2021)] == [
        "abdul-rashid-dostum",
        "abdul-rashid-dostum",
        "yar-dostum",
        "yar-dostum",
    ]


def test_empty_article(small_gazetteer: Gazetteer) -> None:
    assert find(small_gazetteer, "", title="") == []


# --- mentions across the index --------------------------------------------------------------


def test_mentions_of_in_corpus_order(bundled_engine: Engine) -> None:
    refs = bundled_engine.mentions_of("abdul-rashid-dostum")
    assert len(refs) == sum(c.get("abdul-rashid-dostum", 0) for c in HAND_COUNTS.values())
    order = [r.article_id for r in refs]
    assert order == sorted(order, key=[OUTLOOK, TOLONEWS, TODAY, SONS, NATIONPRESS].index)
    # A year-only date sorts on the first of January: the 2015 opinion piece comes first.
    assert order[0] == OUTLOOK
    assert [r.position for r in refs] == sorted(r.position for r in refs)


def test_next_mention_walks_the_corpus(bundled_engine: Engine) -> None:
    refs = bundled_engine.mentions_of("ahmad-massoud")
    assert [r.article_id for r in refs] == [SONS] * 3 + [NATIONPRESS]
    walked = [refs[0]]
    while (following := bundled_engine.next_mention(walked[-1], forward=True)) is not None:
        walked.append(following)
    assert walked == refs
    assert bundled_engine.next_mention(refs[-1], forward=False) == refs[-2]
    assert bundled_engine.next_mention(refs[0], forward=False) is None


def test_kwic_lines(bundled_engine: Engine) -> None:
    lines = bundled_engine.kwic(bundled_engine.mentions_of("yar-dostum"), width=20)
    assert [line.text for line in lines] == ["Yar Dostum"] * 3
    assert lines[0].right == ", son of Rashid Dost"
    assert lines[1].left.endswith("Interfax wrote that")
    for line in lines:
        assert "\n" not in line.left + line.right
        assert len(line.left) <= 20 and len(line.right) <= 20


def test_entity_stats(bundled_engine: Engine) -> None:
    stats = {s.entity.id: s for s in bundled_engine.entities()}
    total = {actor: sum(c.get(actor, 0) for c in HAND_COUNTS.values()) for actor in ACTORS}
    for actor in ACTORS:
        assert stats[actor].mentions == total[actor], actor
        assert stats[actor].articles == sum(actor in c for c in HAND_COUNTS.values()), actor
    people = bundled_engine.entities("person")
    assert people and all(s.entity.type == "person" for s in people)
    assert [s.mentions for s in people] == sorted((s.mentions for s in people), reverse=True)
