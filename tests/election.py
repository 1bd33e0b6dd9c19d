"""A small corpus on another topic: a fictional election in the Republic of Veloria, and a
gazetteer of its actors written by the person who brought it (no Afghan actor in either).

`Elias Varga` is in several articles but in no gazetteer: suggestions should find him.
"""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "2031-03-01-campaign-opens": (
        "Campaign opens in Veloria",
        "2031-03-01",
        "Mara Lindqvist launched her campaign in Port Halden on Monday. The Civic Renewal "
        "Party promised cheaper trains. Her rival Tomas Redfield said the Unity Bloc would "
        "cut taxes. Elias Varga, the electoral commissioner, urged calm.",
    ),
    "2031-03-09-debate": (
        "First debate: Lindqvist and Redfield clash",
        "2031-03-09",
        "Lindqvist accused Redfield of hiding his donors. Redfield replied that the Civic "
        "Renewal Party had no plan for the north. Commissioner Elias Varga said the debate "
        "rules had been respected. Observers in Port Halden called it a draw.",
    ),
    "2031-03-15-poll": (
        "Poll puts Unity Bloc ahead",
        "2031-03-15",
        "A poll gives the Unity Bloc 41 percent and the Civic Renewal Party 38 percent. "
        "Tomas Redfield thanked volunteers. Elias Varga warned against early claims of "
        "victory. The Mayor of Port Halden, Ines Quarry, stayed neutral.",
    ),
    "2031-03-22-rally": (
        "Rally in the north",
        "2031-03-22",
        "Thousands joined Mara Lindqvist at a rally in Aldmoor. Ms. Lindqvist spoke of the "
        "mines. Ines Quarry sent greetings from Port Halden. The Redfield camp called it "
        "a stunt, and Elias Varga asked both camps to respect the silence period.",
    ),
    "2031-03-30-results": (
        "Lindqvist wins by a narrow margin",
        "2031-03-30",
        "The electoral commission led by Elias Varga declared Mara Lindqvist the winner. "
        "The Civic Renewal Party took Aldmoor and Port Halden. Tomas Redfield conceded. "
        "Ines Quarry congratulated the winner. Tom Redfield thanked the Unity Bloc.",
    ),
}

GAZETTEER = """\
version: 1
entities:
  - id: mara-lindqvist
    name: Mara Lindqvist
    type: person
    aliases: [Lindqvist]
    description: Candidate of the Civic Renewal Party.
  - id: tomas-redfield
    name: Tomas Redfield
    type: person
    aliases: [Redfield]
    description: Candidate of the Unity Bloc.
  - id: civic-renewal-party
    name: Civic Renewal Party
    type: organization
  - id: unity-bloc
    name: Unity Bloc
    type: organization
  - id: port-halden
    name: Port Halden
    type: place
"""


def write_election(folder: Path) -> tuple[Path, Path]:
    """The articles as Markdown files with front matter in `folder/articles`, and the
    gazetteer in `folder/veloria.yaml`: (corpus, gazetteer)."""
    corpus = folder / "articles"
    corpus.mkdir(parents=True)
    for article_id, (title, date, body) in ARTICLES.items():
        text = f'---\nid: {article_id}\ntitle: "{title}"\nsource: Veloria Herald\n'
        text += f'published: "{date}"\nlanguage: en\n---\n\n{body}\n'
        (corpus / f"{article_id}.md").write_text(text, encoding="utf-8")
    gazetteer = folder / "veloria.yaml"
    gazetteer.write_text(GAZETTEER, encoding="utf-8")
    return corpus, gazetteer
