"""What the text around a hit says: the shape of a field, the words beside a hit, the country
named last before it, and the years an undated article mentions."""

from __future__ import annotations

import re

__all__ = [
    "FieldShape",
    "country_before",
    "inferred_year",
    "word_after",
    "word_before",
    "word_set",
]


def word_set(text: str) -> frozenset[str]:
    """The words of a blank-separated list, as a set."""
    return frozenset(text.split())


# Words that may stand before a bare name without making it part of another name: titles,
# honorifics and ranks ("Ambassador Bahrami", "PM Khan", "Mullah Baradar", "Gen. Dostum").
TITLES = word_set(
    """
    mr mrs ms dr prof professor president vice first second prime minister pm premier chancellor chief
    executive ambassador envoy spokesman spokesperson spokeswoman secretary general gen lt col
    colonel commander marshal field mullah mulla mullah mawlawi maulvi mawlavi molawi moulavi mulavi
    maulana ustad ustaz engineer eng sheikh haji hajji pir sayed syed qari hafiz amir emir
    governor gov senator sen mp speaker foreign defence defense interior finance deputy acting
    former late king prince queen leader chairman director head justice judge caliph ayatollah
    afghan afghanistan's pakistani pakistan's iranian iran's indian india's american russian
    chinese british u.s u.s. us turkish saudi iraqi tajik uzbek qatari emirati
    """
)
# Capitalised words that begin sentences rather than names ("The Taliban", "Meanwhile Khan").
FUNCTION_WORDS = word_set(
    """
    a an and are as at be but by for from has have he her his if in into is it its meanwhile
    however also yesterday today tonight then later earlier now thus so yet nor or of on our she
    that the their them then there these they this those to under over upon was we were when
    where while who whom whose with without after before since during between against among
    according despite both either neither each every all some many most several other another
    such what which why how not no only even though although because unless until like than
    following given will would shall should can could may might must do does did says said
    asked told noting including unlike once amid amidst regarding whether toward towards dear
    """
)
# Capitalised prefixes of a hyphenated word that leave the name in it a mention ("Pro-Taliban").
PREFIXES = word_set("anti pro non ex post pre neo pan mid semi")
# After a name, words that keep it a mention ("the Trump Administration", "the Biden White House").
AFTER_NAME = word_set(
    """
    administration administrations government cabinet presidency era doctrine campaign team
    camp regime white family clan supporters loyalists
    """
)
# After a person's name, a word that makes the whole a place or an institution named after them.
PLACE_WORDS = word_set(
    """
    airport university street avenue road square stadium hospital mosque foundation institute
    center centre school college bridge dam district province town city museum hall library
    airbase base highway tunnel park prize award trophy cup mausoleum shrine
    """
)
_HOME = re.compile(r"\b(?:Afghan|Afghans|Afghanistan|Kabul)\b")
_ABROAD = re.compile(
    r"\b(?:Iran|Iranian|Tehran|Pakistan|Pakistani|Islamabad|India|Indian|New Delhi|Russia|Russian"
    r"|Moscow|China|Chinese|Beijing|Iraq|Iraqi|Baghdad|Turkey|Turkish|Ankara|Syria|Syrian"
    r"|Saudi|Riyadh|Tajikistan|Tajik|Uzbekistan|Uzbek|Turkmenistan|Kazakhstan|Kyrgyzstan"
    r"|American|Washington|British|Britain|London|German|Germany|French|France|Israel|Israeli"
    r"|Egypt|Egyptian|Qatar|Qatari|Bahrain|Yemen|Yemeni|Lebanon|Lebanese|Japan|Japanese)\b"
)
_WORD_START = re.compile(r"\b[^\W\d_]")
_CAPITAL_START = re.compile(r"\b[A-Z]")
_UPPER_WORD = re.compile(r"\b[A-Z]{2,}\b")
_YEAR = re.compile(r"\b(19[2-9]\d|20[0-9]\d)\b")
_WORD_MARKS = frozenset(".'’_")
_APOSTROPHES = frozenset("'’_")


class FieldShape:
    """How a field is written: in sentences (the capital-letter cues hold), in Title Case (a
    rebuilt headline), in capitals or in lower case (wire copy). Measured on first use, from the
    field's opening, since most articles never need it."""

    __slots__ = ("_lower_case", "_sentence_case", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._sentence_case: bool | None = None
        self._lower_case: bool | None = None

    def _measure(self) -> None:
        sample = self._text[:800]
        words = len(_WORD_START.findall(sample))
        capitalised = len(_CAPITAL_START.findall(sample))
        upper = len(_UPPER_WORD.findall(sample))
        self._lower_case = words >= 8 and capitalised == 0
        # Sentences capitalise a minority of words; headlines in Title Case and capitals do not.
        self._sentence_case = words > 0 and capitalised * 2 < words and upper * 2 < words

    @property
    def sentence_case(self) -> bool:
        """Written in sentences, so a capital letter marks a name."""
        if self._sentence_case is None:
            self._measure()
        return bool(self._sentence_case)

    @property
    def lower_case(self) -> bool:
        """Written all in lower case (some wire copy), so names have no capitals either."""
        if self._lower_case is None:
            self._measure()
        return bool(self._lower_case)


def word_before(text: str, start: int) -> tuple[str, str]:
    """The word right before `start` and what joins it (a space or a hyphen), or ("", "")."""
    joiner = text[start - 1 : start]
    if joiner not in (" ", "-") or start < 2:
        return ("", "")
    end = begin = start - 1
    # Scanning back a few characters beats a regular expression on a slice: this runs for
    # most one-word hits of every article.
    while (
        begin > 0
        and begin > end - 40
        and (text[begin - 1].isalnum() or text[begin - 1] in _WORD_MARKS)
    ):
        begin -= 1
    return (text[begin:end], joiner) if begin < end else ("", "")


def word_after(text: str, end: int) -> tuple[str, str]:
    """The word right after `end` and what joins it (a space or a hyphen), or ("", "")."""
    joiner = text[end : end + 1]
    if joiner not in (" ", "-"):
        return ("", "")
    begin = stop = end + 1
    size = len(text)
    while (
        stop < size and stop < begin + 40 and (text[stop].isalnum() or text[stop] in _APOSTROPHES)
    ):
        stop += 1
    return (text[begin:stop], joiner) if begin < stop else ("", "")


def country_before(text: str, start: int) -> str | None:
    """The country named last before `start`: "home" for Afghanistan, the word for another one,
    None when the text names none."""
    window = text[max(0, start - 1500) : start]
    home = [m.end() for m in _HOME.finditer(window)]
    abroad = [(m.end(), m.group(0)) for m in _ABROAD.finditer(window)]
    if not home and not abroad:
        return None
    if abroad and (not home or abroad[-1][0] > home[-1]):
        return abroad[-1][1]
    return "home"


def inferred_year(*texts: str) -> int | None:
    """The latest year an article mentions: an undated article is taken to be of that period."""
    years = [int(y) for text in texts for y in _YEAR.findall(text)]
    return max(years) if years else None
