"""Role and title phrases around person mentions.

A role lexicon (linguistic knowledge about English titles, not about actors)
finds the role attached to a person: a title before the name ("Russian President
Vladimir Putin"), an apposition after it ("Sergei Shoigu, now secretary of
Russia's Security Council"), or a role-only reference ("the Chinese leader").

What each field holds:

* ``role``: the title as written, without modifiers ("President",
  "Defense Minister", "Secretary of State", "secretary").
* ``role_modifier``: an adjective or demonym before the role ("Russian").
* ``affiliation``: a country or organisation the role belongs to: a possessive
  ("Russia's ... Defense Minister" → "Russia"), a proper-noun modifier ("US
  Secretary of State" → "US"), or the object of "of" after an apposition role.
  For "secretary of Russia's Security Council" the possessor ("Russia") wins over
  the organisation, because the country is what actor resolution needs; without
  a possessor the organisation's text is used.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsevents.annotate.known_names import doc_text

LOGGER = logging.getLogger(__name__)

# Titles and role heads, lower case, as they appear in running text. Multi-word
# entries win over their heads (longest match).
ROLE_TERMS: frozenset[str] = frozenset(
    {
        "president",
        "vice president",
        "vice-president",
        "president-elect",
        "prime minister",
        "deputy prime minister",
        "premier",
        "chancellor",
        "minister",
        "deputy minister",
        "foreign minister",
        "defense minister",
        "defence minister",
        "finance minister",
        "interior minister",
        "trade minister",
        "economy minister",
        "energy minister",
        "secretary of state",
        "secretary of defense",
        "secretary of defence",
        "defense secretary",
        "defence secretary",
        "foreign secretary",
        "home secretary",
        "treasury secretary",
        "secretary-general",
        "secretary general",
        "general secretary",
        "secretary",
        "national security adviser",
        "national security advisor",
        "adviser",
        "advisor",
        "chief of staff",
        "king",
        "queen",
        "prince",
        "crown prince",
        "emperor",
        "sheikh",
        "emir",
        "sultan",
        "pope",
        "chairman",
        "chairwoman",
        "chair",
        "leader",
        "supreme leader",
        "ambassador",
        "envoy",
        "special envoy",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "general",
        "gen.",
        "lieutenant general",
        "major general",
        "admiral",
        "colonel",
        "commander",
        "senator",
        "sen.",
        "representative",
        "rep.",
        "congressman",
        "congresswoman",
        "governor",
        "gov.",
        "mayor",
        "speaker",
        "chief executive",
        "ceo",
        "director",
        "head",
        "judge",
        "chief justice",
        "justice",
        "attorney general",
        "prosecutor",
        "commissioner",
        "superintendent",
        "sheriff",
        "governor-general",
        "counterpart",
    }
)
# First and last words of the terms: a cheap filter before joining token texts.
ROLE_FIRST_WORDS: frozenset[str] = frozenset(t.replace("-", " ").split()[0] for t in ROLE_TERMS)
ROLE_LAST_WORDS: frozenset[str] = frozenset(t.replace("-", " ").split()[-1] for t in ROLE_TERMS)
MAX_ROLE_TOKENS = 6  # "deputy prime minister" is 3 tokens, "secretary - general" 3; 6 leaves room

# Heads a portfolio word can precede ("Agriculture Minister", "Culture Secretary").
PORTFOLIO_HEADS: frozenset[str] = frozenset(
    {"minister", "secretary", "spokesperson", "spokesman", "spokeswoman", "adviser", "advisor"}
)
# Portfolio words that name a ministry before "Minister"/"Secretary"; other
# capitalised words there are institutions ("Kremlin spokesman" → affiliation).
PORTFOLIO_WORDS: frozenset[str] = frozenset(
    {"defense", "defence", "foreign", "finance", "interior", "home", "trade", "economy",
     "economic", "energy", "health", "justice", "education", "agriculture", "environment",
     "culture", "transport", "labour", "labor", "treasury", "commerce", "industry", "digital",
     "affairs", "security", "development", "communications", "information", "press", "state",
     "deputy", "prime", "junior", "cabinet", "chief", "senior", "europe", "european", "climate"}
)  # fmt: skip
MAX_PORTFOLIO_TOKENS = 2  # "Foreign Affairs Minister"; more is usually an organisation name

# Words allowed between the modifier and the role ("Russia's newly appointed
# Defense Minister"), or between an apposition comma and the role.
ROLE_FILLERS: frozenset[str] = frozenset(
    {
        "the",
        "a",
        "an",
        "now",
        "former",
        "then",
        "-",
        "ex",
        "new",
        "newly",
        "current",
        "currently",
        "outgoing",
        "incoming",
        "acting",
        "interim",
        "also",
        "recently",
        "top",
        "senior",
        "long-time",
        "longtime",
    }
)
# Honorifics stripped from the start of PERSON spans; they carry no role.
HONORIFICS: frozenset[str] = frozenset(
    {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame", "madam"}
)
POSSESSIVE_MARKS: frozenset[str] = frozenset({"'s", "’s", "'", "’"})
AFFILIATION_LABELS: frozenset[str] = frozenset({"GPE", "ORG", "NORP", "LOC", "FAC"})
APPOSITION_OPENERS: frozenset[str] = frozenset({",", "—", "–", "("})


@dataclass(frozen=True)
class RolePhrase:
    """A role found next to a mention; ``start``/``end`` are token offsets of the role."""

    role: str
    start: int
    end: int
    role_modifier: str | None = None
    affiliation: str | None = None
    source: str = "title"
    phrase_start: int = 0  # first token of the whole phrase, modifiers included


def _text(doc: Doc, start: int, end: int) -> str:
    """Text of tokens [start, end) without trailing whitespace (cut from the Doc's text:
    ``Span.text`` rebuilds it from the tokens)."""
    if end <= start:
        return ""
    last = doc[end - 1]
    return doc_text(doc)[doc[start].idx : last.idx + len(last.text)].strip()


def is_role_term(text: str) -> bool:
    """True when ``text`` (any case) is a role in the lexicon."""
    return " ".join(text.lower().split()) in ROLE_TERMS


def _role_text_ok(doc: Doc, start: int, end: int) -> bool:
    text = _text(doc, start, end).lower()
    # Tokens like "Secretary - General" become "secretary - general": join hyphens.
    return is_role_term(text) or is_role_term(text.replace(" - ", "-"))


def match_role_ending_at(doc: Doc, end: int, lower_bound: int) -> tuple[int, int] | None:
    """Longest role term whose last token is ``end - 1``; returns (start, end)."""
    if end <= lower_bound or doc[end - 1].lower_ not in ROLE_LAST_WORDS:
        return None
    for length in range(min(MAX_ROLE_TOKENS, end - lower_bound), 0, -1):
        start = end - length
        if _role_text_ok(doc, start, end):
            return _extend_portfolio(doc, start, end, lower_bound), end
    return None


def match_role_starting_at(doc: Doc, start: int, upper_bound: int) -> tuple[int, int] | None:
    """Longest role term whose first token is ``start``; returns (start, end)."""
    if start >= upper_bound or doc[start].lower_ not in ROLE_FIRST_WORDS:
        return None
    for length in range(min(MAX_ROLE_TOKENS, upper_bound - start), 0, -1):
        if _role_text_ok(doc, start, start + length):
            return start, start + length
    return None


def _extend_portfolio(doc: Doc, start: int, end: int, lower_bound: int) -> int:
    """Extend a bare 'Minister'/'Secretary' left over portfolio words ("Agriculture Minister")."""
    if doc[end - 1].lower_ not in PORTFOLIO_HEADS or end - start != 1:
        return start
    new_start = start
    while new_start - 1 >= lower_bound and start - (new_start - 1) <= MAX_PORTFOLIO_TOKENS:
        tok = doc[new_start - 1]
        if tok.lower_ in PORTFOLIO_WORDS and not _is_possessor(tok):
            new_start -= 1
        else:
            break
    return new_start


def _is_possessor(tok: Token) -> bool:
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and nxt.text in POSSESSIVE_MARKS


def _entity_ending_at(doc: Doc, i: int) -> Span | None:
    """The entity of ``doc.ents`` holding token ``i``, found from ``i``'s neighbours (not
    by building every entity's Span): it opens at a "B" token (ENT_IOB 3) with a type and
    runs through the "I" tokens (ENT_IOB 1) after it."""
    tok = doc[i]
    if not tok.ent_type_:
        return None
    start = i
    while start > 0 and doc[start].ent_iob == 1:
        start -= 1
    first = doc[start]
    if first.ent_iob != 3 or not first.ent_type:
        return None
    end = i + 1
    while end < len(doc) and doc[end].ent_iob == 1:
        end += 1
    return Span(doc, start, end, label=first.ent_type)


def modifiers_before(
    doc: Doc, role_start: int, lower_bound: int
) -> tuple[str | None, str | None, int]:
    """Demonym modifier and affiliation before a role; returns (modifier, affiliation, start)."""
    modifier: str | None = None
    affiliation: str | None = None
    i = role_start - 1
    phrase_start = role_start
    # Skip fillers and participles ("newly appointed", "former").
    while i >= lower_bound and (
        doc[i].lower_ in ROLE_FILLERS or (doc[i].tag_ == "VBN" and doc[i].dep_ == "amod")
    ):
        i -= 1
    while i >= lower_bound:
        tok = doc[i]
        if tok.text in POSSESSIVE_MARKS and i - 1 >= lower_bound and affiliation is None:
            ent = _entity_ending_at(doc, i - 1)
            if ent is not None and ent.label_ in AFFILIATION_LABELS:
                affiliation = _text(doc, ent.start, i)
                phrase_start = ent.start
                i = ent.start - 1
            elif doc[i - 1].pos_ == "PROPN":
                affiliation = doc[i - 1].text
                phrase_start = i - 1
                i -= 2
            else:
                break
        elif tok.ent_type_ == "NORP" and modifier is None and affiliation is None:
            ent = _entity_ending_at(doc, i)
            if ent is None:
                break
            modifier = _text(doc, ent.start, i + 1)
            phrase_start = ent.start
            i = ent.start - 1
        elif tok.ent_type_ in {"GPE", "ORG", "FAC"} and affiliation is None and modifier is None:
            ent = _entity_ending_at(doc, i)
            if ent is None:
                break
            # The NER may run the entity into the title ("Pentagon Press" + "Secretary").
            affiliation = _text(doc, ent.start, i + 1)
            phrase_start = ent.start
            i = ent.start - 1
        elif tok.pos_ == "PROPN" and not tok.ent_type_ and affiliation is None and modifier is None:
            # An untagged proper noun modifying the role ("Kremlin spokesman").
            first = i
            while (
                first - 1 >= lower_bound
                and doc[first - 1].pos_ == "PROPN"
                and not doc[first - 1].ent_type_
            ):
                first -= 1
            affiliation = _text(doc, first, i + 1)
            phrase_start = first
            i = first - 1
        elif tok.pos_ == "ADJ" and tok.is_title and modifier is None and affiliation is None:
            modifier = tok.text
            phrase_start = i
            i -= 1
        else:
            break
        while i >= lower_bound and (
            doc[i].lower_ in ROLE_FILLERS or (doc[i].tag_ == "VBN" and doc[i].dep_ == "amod")
        ):
            i -= 1
    return modifier, affiliation, phrase_start


def title_before(doc: Doc, start: int, lower_bound: int) -> RolePhrase | None:
    """The title directly before token ``start`` ("Russian President" before "Vladimir Putin")."""
    match = match_role_ending_at(doc, start, lower_bound)
    if match is None:
        return None
    role_start, role_end = match
    modifier, affiliation, phrase_start = modifiers_before(doc, role_start, lower_bound)
    return RolePhrase(
        role=_text(doc, role_start, role_end),
        start=role_start,
        end=role_end,
        role_modifier=modifier,
        affiliation=affiliation,
        source="title",
        phrase_start=phrase_start,
    )


def _of_object_affiliation(doc: Doc, of_index: int, upper_bound: int) -> str | None:
    """Affiliation from "of <NP>": a possessor entity if any, else the first entity or noun."""
    of_tok = doc[of_index]
    objects = [c for c in of_tok.children if c.dep_ == "pobj"]
    if objects:
        obj = objects[0]
        np_tokens = [t for t in obj.subtree if t.i <= obj.i]
        for tok in np_tokens:
            if _is_possessor(tok) and tok.ent_type_ in AFFILIATION_LABELS:
                ent = _entity_ending_at(doc, tok.i)
                return ent.text if ent is not None else tok.text
        for tok in np_tokens:
            if tok.ent_type_ in AFFILIATION_LABELS:
                ent = _entity_ending_at(doc, tok.i)
                if ent is not None:
                    return ent.text
        return _text(doc, np_tokens[0].i, obj.i + 1)
    # Parser did not attach the object: take the next entity within the sentence.
    for i in range(of_index + 1, min(upper_bound, of_index + 6)):
        if doc[i].ent_type_ in AFFILIATION_LABELS:
            ent = _entity_ending_at(doc, i)
            if ent is not None:
                return ent.text
    return None


def apposition_after(doc: Doc, end: int, upper_bound: int) -> RolePhrase | None:
    """A role in an apposition after token ``end - 1`` ("Shoigu, now secretary of ...")."""
    i = end
    if i >= upper_bound or doc[i].text not in APPOSITION_OPENERS:
        return None
    i += 1
    modifier: str | None = None
    affiliation: str | None = None
    while i < upper_bound:
        tok = doc[i]
        if tok.lower_ in ROLE_FILLERS:
            i += 1
        elif tok.ent_type_ in AFFILIATION_LABELS and tok.ent_iob_ == "B":
            ent = _entity_ending_at(doc, i)
            if ent is None:
                break
            after = ent.end
            if after < upper_bound and doc[after].text in POSSESSIVE_MARKS:
                affiliation = ent.text
                i = after + 1
            elif ent.label_ == "NORP":
                modifier = ent.text
                i = after
            elif ent.label_ in {"GPE", "ORG"}:
                affiliation = ent.text
                i = after
            else:
                break
        else:
            break
    match = match_role_starting_at(doc, i, upper_bound)
    if match is None:
        return None
    role_start, role_end = match
    if role_end < upper_bound and doc[role_end].lower_ == "of" and affiliation is None:
        affiliation = _of_object_affiliation(doc, role_end, upper_bound)
    return RolePhrase(
        role=_text(doc, role_start, role_end),
        start=role_start,
        end=role_end,
        role_modifier=modifier,
        affiliation=affiliation,
        source="apposition",
        phrase_start=end,
    )


def strip_leading_titles(doc: Doc, start: int, end: int) -> tuple[int, tuple[int, int] | None]:
    """Move a PERSON span's start past honorifics and title words inside it.

    Returns the new start and the (start, end) tokens of the title found inside, if any.
    """
    role: tuple[int, int] | None = None
    while start < end - 1:
        if doc[start].lower_ in HONORIFICS:
            start += 1
            continue
        match = match_role_starting_at(doc, start, end - 1)
        if match is None:
            break
        role = match
        start = match[1]
    return start, role
