"""Why a hit became a mention (or did not): a short code and the detail a person needs to check it.

The codes are stable (the command line's JSON shows them); `describe` turns one into a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Reason", "describe"]

_SENTENCES = {
    "name": "the full name {detail}",
    "alias": "its own spelling {detail}",
    "variant": "the spelling {detail}",
    "typo": "a one-letter typo of {detail}",
    "reference": "the same article's reference to {detail}",
    "context": "the abbreviation {detail}",
    "shared": "the shared spelling {detail}",
    "shared-named": "the article names {detail}",
    "shared-cue": "the cue {detail}",
    "shared-date": "{detail}",
    "shared-default": "nothing in the article decides, so {detail}",
    "excluded-name": "not linked: part of the longer name {detail}",
    "excluded-namesake": "not linked: the article's namesake {detail}",
    "excluded-place": "not linked: the name of a place {detail}",
    "excluded-country": "not linked: {detail}",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule applied to one hit: `code` (see `describe`) and its `detail`."""

    code: str
    detail: str = ""

    @property
    def excluded(self) -> bool:
        """True when the rule left the hit out (a namesake, a longer name, a place)."""
        return self.code.startswith("excluded")


def describe(reasons: tuple[Reason, ...]) -> str:
    """The reasons of one mention as one line, most basic first."""
    parts = []
    for reason in reasons:
        template = _SENTENCES.get(reason.code, reason.code + " {detail}")
        parts.append(template.format(detail=reason.detail).strip())
    return "; ".join(parts)
