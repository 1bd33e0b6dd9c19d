"""The parts of the mention matcher (`index.mentions.EntityMatcher`), one behaviour a module.

- `spellings`: every spelling of the gazetteer with its generated transliteration variants, and
  the guarded one-letter typo lookup;
- `context`: what the text around a hit says (the shape of a field, the word before and after, the
  country named last, the years an undated article mentions);
- `names`: a hit that is part of another name, a person's bare name linked to the full name the
  same article used, and namesakes that keep the later bare uses;
- `resolve`: a shared spelling given to one of its holders.

Every decision carries a `Reason`, so that `index.explain` can say why a mention was linked.
"""
