"""Sentences and entity mentions from a parsed spaCy ``Doc`` (pure functions).

Mentions come from the NER, cleaned up where the small model is known to slip:
titles inside PERSON spans are moved into ``role``, entity fragments inside a
title ("Defense" tagged ORG in "Defense Minister") are dropped, and a short form
of an earlier full name ("Xi" after "Xi Jinping") becomes a PERSON mention linked
to it even when the NER missed it or tagged it ORG. Role-only references
("the Russian president") become ROLE_REF mentions linked to the person holding
that role earlier in the article when exactly one does ("the Chinese leader" fits a
Chinese president or premier; "Russia's president" fits a Russian President);
"his Turkish counterpart" takes the role of the titled person before it.

Also: entities in a dateline other than its place are dropped (the agency credit);
PERSON names split at a particle ("Ursula von" + "der Leyen") are merged; an
unnamed ministry tagged ORG becomes a ROLE_REF ("the Russian Defence Ministry"), an
agreement tagged ORG becomes LAW, and "<demonym> <group noun>" ("Georgian
protesters") a GROUP mention with the demonym as ``role_modifier``; rebel and opposition
forces ("Syrian rebel forces") are such a group, never the state they fight, and "the
<demonym> government" a ROLE_REF of that state.

An acronym links to the one name in the article whose initials it spells (antecedent
link ``acronym``). A family ("the Markovas"), the state of a party marker ("R-Texas"), a
headline gerund before a surname and a sentence-opening common noun the NER took for a
person are no mentions; a footnote number glued to a name is left out of its text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import DEP, HEAD, IDX, LENGTH, POS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from newsevents.annotate.known_names import (  # doc_text: the text built once per Doc
    ACRONYM_LABELS,
    doc_text,
    is_acronym,
    spells_initials,
)
from newsevents.annotate.roles import (
    HONORIFICS,
    PORTFOLIO_WORDS,
    POSSESSIVE_MARKS,
    RolePhrase,
    apposition_after,
    match_role_starting_at,
    modifiers_before,
    strip_leading_titles,
    title_before,
)

LOGGER = logging.getLogger(__name__)

MENTION_LABELS: frozenset[str] = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "LAW", "DATE"}
)
# Labels the NER gives a bare surname by mistake ("Xi" as ORG); GPE/LOC are left
# alone because a surname that is also a place ("Washington") is usually the place.
RELABEL_AS_PERSON: frozenset[str] = frozenset({"ORG", "NORP", "PRODUCT", "WORK_OF_ART", "FAC"})
# A role apposition relabels a non-PERSON entity only when it looks like a full
# name; "Gazprom, the state energy giant" must stay an organisation.
MIN_NAME_TOKENS_FOR_APPOSITION = 2
# A role reference with one of these heads ("the Indian leader") may point to a
# person holding any of these roles; other heads must match the person's role head.
LEADER_ROLES: frozenset[str] = frozenset(
    {"president", "prime minister", "premier", "chancellor", "king", "queen", "emperor",
     "supreme leader", "leader", "emir", "sultan", "crown prince"}
)  # fmt: skip
POSSESSOR_LABELS: frozenset[str] = frozenset({"GPE", "ORG", "NORP"})
ROLE_REF_DETERMINERS: frozenset[str] = frozenset({"the", "this", "that"})
# "his Turkish counterpart": a counterpart holds the role of the person it is compared
# with; possessive pronouns introduce it, never another role reference.
COUNTERPART_TERMS: frozenset[str] = frozenset({"counterpart", "counterparts"})
COUNTERPART_DETERMINERS: frozenset[str] = frozenset({"his", "her", "their", "its"})
# Demonym and country match on their first letters ("Russian"/"Russia",
# "Chinese"/"China", "Ukrainian"/"Ukraine"); 4 keeps "Iran"/"Iraq" apart.
DEMONYM_PREFIX = 4
# Dateline: "LONDON, June 21 (Reuters) - ..." or "BEIJING (AP) — ...". It opens a
# paragraph with an upper-case place and ends at a dash within this many tokens.
MAX_DATELINE_TOKENS = 16
DATELINE_DASHES: frozenset[str] = frozenset({"-", "—", "–", "--", "---"})
# Labels kept inside a dateline: the place is a real mention, the agency credit
# ("(Reuters)", "(NSW)") and anything else there is not an actor of the story.
DATELINE_KEPT_LABELS: frozenset[str] = frozenset({"GPE", "LOC", "DATE"})
DATELINE_CACHE_KEY = "newsevents_dateline_tokens"
# Plural nouns naming a civil or armed non-state collective: "<demonym> <noun>"
# ("Georgian protesters") or "<noun> in <place>" ("protesters in Caracas") is a group
# actor of that country, its sector from the Phoenix agents dictionary (protesters OPP,
# rebels REB). Agents of a state (police, troops, lawmakers, prosecutors, officials) are
# left out: as in CAMEO's FRAMIL, "French troops" are France acting through its military,
# a collective role reference (role_terms) that resolves to the country with the sector.
GROUP_NOUNS: frozenset[str] = frozenset(
    {"protesters", "protestors", "demonstrators", "activists", "students", "workers",
     "farmers", "miners", "doctors", "nurses", "teachers", "rebels", "militants",
     "insurgents", "separatists", "settlers", "refugees", "migrants", "voters",
     "residents", "villagers", "civilians", "fishermen", "truckers", "hackers",
     "guerrillas", "fighters", "militias", "paramilitaries", "opposition", "unions",
     "pilgrims", "clerics"}
)  # fmt: skip
# "protesters in Caracas": the place after these prepositions gives the group its country;
# only for collectives that act as one (voters or residents of a place are just people).
GROUP_PLACE_NOUNS: frozenset[str] = frozenset(
    {"protesters", "protestors", "demonstrators", "activists", "rebels", "militants",
     "insurgents", "separatists", "guerrillas", "fighters", "militias", "paramilitaries"}
)  # fmt: skip
GROUP_PLACE_PREPOSITIONS: frozenset[str] = frozenset({"in", "from"})
# Armed or political bodies that fight or oppose a state, named by a modifier before a
# noun that alone would be the state's ("Syrian rebel forces", "opposition fighters in
# Idlib"): the group of the modifier (its sector from the role: rebels REB), never the
# state's own forces. Modifier -> the collective it names.
NON_STATE_FORCE_MODIFIERS: dict[str, str] = {
    "rebel": "rebels", "opposition": "opposition", "insurgent": "insurgents",
    "separatist": "separatists", "militia": "militias", "guerrilla": "guerrillas",
    "militant": "militants", "jihadist": "militants", "paramilitary": "paramilitaries",
}  # fmt: skip
# "the Indonesian government": a people's name before its state's government names the
# state as an actor (a ROLE_REF with the demonym as modifier).
GOVERNMENT_NOUNS: frozenset[str] = frozenset(
    {"government", "authorities", "administration", "regime"}
)
ARMED_BODY_NOUNS: frozenset[str] = frozenset(
    {"forces", "troops", "fighters", "units", "groups", "army", "brigades", "factions"}
)
GROUP_PLACE_LABELS: frozenset[str] = frozenset({"GPE"})
# Last words of agreements and laws the NER tags ORG ("the Minsk Agreement").
DOCUMENT_HEADS: frozenset[str] = frozenset(
    {"treaty", "agreement", "accord", "accords", "pact", "convention", "protocol", "act",
     "charter", "memorandum", "declaration", "resolution", "deal"}
)  # fmt: skip
# Heads of unnamed government bodies tagged ORG ("the Interior Ministry").
GOVERNMENT_BODY_HEADS: frozenset[str] = frozenset({"ministry"})
# Plural names of parties and political camps: a PERSON span ending in one is a group of
# people ("Ruritania Democrats"), never a person's name.
PARTY_PLURALS: frozenset[str] = frozenset(
    {"democrats", "republicans", "progressives", "conservatives", "liberals", "socialists",
     "greens", "tories", "communists", "nationalists", "unionists", "loyalists",
     "islamists", "populists", "libertarians", "centrists"}
)  # fmt: skip
# Lower-case particles inside personal names ("Ursula von der Leyen", "Luiz Inácio
# Lula da Silva", "Mohammed bin Salman"); the small NER often splits the name there.
NAME_PARTICLES: frozenset[str] = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "das", "do", "dos",
     "du", "la", "le", "bin", "bint", "ibn", "al", "el", "ter", "ten", "zu", "af"}
)  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    sentence_index: int
    start_char: int
    end_char: int
    text: str


@dataclass(slots=True)
class Mention:
    """One row of raw.entity_mentions (without article id and annotator version)."""

    mention_index: int
    sentence_index: int
    start_char: int
    end_char: int
    text: str
    label: str
    role: str | None = None
    role_modifier: str | None = None
    affiliation: str | None = None
    role_source: str | None = None
    antecedent_mention_index: int | None = None
    antecedent_link: str | None = None
    start: int = 0  # token offsets, for linking; not stored
    end: int = 0


def extract_sentences(doc: Doc) -> list[Sentence]:
    """Sentences with offsets into the text, surrounding whitespace trimmed, empty ones dropped."""
    out: list[Sentence] = []
    # Arrays, not a Token per word: only a sentence's first and last words are built.
    spaces = doc.to_array("IS_SPACE").tolist() if len(doc) else []
    for sent in doc.sents:
        words = [i for i in range(sent.start, sent.end) if not spaces[i]]
        if not words:
            continue
        first, last = doc[words[0]], doc[words[-1]]
        start = first.idx
        end = last.idx + len(last.text)
        out.append(Sentence(len(out), start, end, doc_text(doc)[start:end]))
    return out


LOWERS_CACHE_KEY = "newsevents_lowers"
TEXTS_CACHE_KEY = "newsevents_texts"


def word_ids(words: Iterable[str]) -> frozenset[int]:
    """The string ids (``Token.lower``/``Token.orth`` values) of ``words``."""
    return frozenset(get_string_id(w) for w in words)


def token_lowers(doc: Doc) -> list[int]:
    """Every token's ``lower`` id (compare with :func:`word_ids`), from an array once per
    Doc: a loop over the tokens would build a Token object per word."""
    cached = doc.user_data.get(LOWERS_CACHE_KEY)
    if cached is None:
        cached = doc.user_data[LOWERS_CACHE_KEY] = (
            doc.to_array("LOWER").tolist() if len(doc) else []
        )
    return cached  # type: ignore[no-any-return]


TABLE_CACHE_KEY = "newsevents_token_table"


class TokenTable:
    """Plain attributes of a Doc's tokens, by token index, from one array per Doc: the rules
    read these instead of building a Token for every word they look at (``token.children``,
    ``token.dep_``). ``dep`` holds string ids (compare with :func:`word_ids`), ``pos``
    ``spacy.symbols`` ids; ``idx``/``end`` a token's first character and the one after its
    last; :meth:`children` the indexes ``Token.children`` yields, in its order. (Words:
    :func:`token_lowers`.)"""

    __slots__ = ("_flat", "_starts", "dep", "end", "head", "idx", "pos")

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        if not n:
            self.head: list[int] = []
            self.dep: list[int] = []
            self.pos: list[int] = []
            self.idx: list[int] = []
            self.end: list[int] = []
            self._flat: list[int] = []
            self._starts: list[int] = [0]
            return
        array = doc.to_array([HEAD, DEP, POS, IDX, LENGTH])
        # HEAD is an offset stored unsigned: back to signed, then to an index.
        heads = array[:, 0].astype(numpy.int64) + numpy.arange(n)
        # Children grouped by head, each group in token order (a stable sort); a root
        # (its own head) is no child: sorted to the front under -1 and skipped.
        keys = numpy.where(heads == numpy.arange(n), -1, heads)
        order = numpy.argsort(keys, kind="stable")
        counts = numpy.bincount(keys + 1, minlength=n + 1)
        self._starts = numpy.cumsum(counts).tolist()  # group of token i: [starts[i], starts[i+1])
        self._flat = order.tolist()
        self.head = heads.tolist()
        self.dep = array[:, 1].tolist()
        self.pos = array[:, 2].tolist()
        self.idx = array[:, 3].tolist()
        self.end = (array[:, 3] + array[:, 4]).tolist()

    def children(self, i: int) -> list[int]:
        """Indexes of token ``i``'s children, in order."""
        return self._flat[self._starts[i] : self._starts[i + 1]]


def token_table(doc: Doc) -> TokenTable:
    """The Doc's :class:`TokenTable`, built on first use (the Doc is parsed and no longer
    retokenized by then)."""
    table = doc.user_data.get(TABLE_CACHE_KEY)
    if table is None:
        table = doc.user_data[TABLE_CACHE_KEY] = TokenTable(doc)
    return table  # type: ignore[no-any-return]


def token_texts(doc: Doc) -> list[int]:
    """Every token's ``orth`` id (its text's; as :func:`token_lowers`)."""
    cached = doc.user_data.get(TEXTS_CACHE_KEY)
    if cached is None:
        cached = doc.user_data[TEXTS_CACHE_KEY] = doc.to_array("ORTH").tolist() if len(doc) else []
    return cached  # type: ignore[no-any-return]


SENTENCE_CACHE_KEY = "newsevents_sentences"


def _sentence_tables(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    """Per token: sentence index (-1 for blank sentences) and the sentence's token range."""
    cached = doc.user_data.get(SENTENCE_CACHE_KEY)
    if cached is None:
        index = [-1] * len(doc)
        bounds = [(0, 0)] * len(doc)
        n = -1
        for sent in doc.sents:
            blank = all(t.is_space for t in sent)
            if not blank:
                n += 1
            for i in range(sent.start, sent.end):
                index[i] = -1 if blank else n
                bounds[i] = (sent.start, sent.end)
        cached = doc.user_data[SENTENCE_CACHE_KEY] = (index, bounds)
    return cached  # type: ignore[no-any-return]


def sentence_index_by_token(doc: Doc) -> list[int]:
    """For each token, the index of its sentence in ``extract_sentences`` (-1 for blank ones)."""
    return _sentence_tables(doc)[0]


def sentence_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """Token range [start, end) of the sentence holding token ``i``."""
    return _sentence_tables(doc)[1][i]


def dateline_tokens(doc: Doc) -> frozenset[int]:
    """Token indexes of datelines ("SOCHI, May 16 (NSW) -") opening a sentence, dash included.

    A dateline opens a paragraph with an all-capital word of three or more letters
    and runs, without a verb or a lower-case word, to a dash within
    :data:`MAX_DATELINE_TOKENS` tokens.
    """
    cached = doc.user_data.get(DATELINE_CACHE_KEY)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found: set[int] = set()
    for sent in doc.sents:
        first = next((t for t in sent if not t.is_space), None)
        if first is None or not (first.is_alpha and first.text.isupper() and len(first) >= 3):
            continue
        if first.i > 0 and "\n" not in doc[first.i - 1].text_with_ws:
            continue  # a dateline opens a paragraph
        for j in range(first.i, min(len(doc), first.i + MAX_DATELINE_TOKENS)):
            tok = doc[j]
            if tok.text in DATELINE_DASHES:
                found.update(range(first.i, j + 1))
                break
            # Places, dates and the agency credit only: a lower-case word ("NATO
            # leaders - ...") or a verb means running text.
            if (
                tok.pos_ in {"VERB", "AUX"}
                or tok.is_space
                or tok.is_lower
                or tok.text in {":", ";"}
            ):
                break
    result = frozenset(found)
    doc.user_data[DATELINE_CACHE_KEY] = result
    return result


def merge_name_particles(doc: Doc) -> None:
    """Join a PERSON entity split at a name particle ("Ursula von" + "der" + "Leyen").

    Also extends an organisation name cut after "of" ("Group of" + "Seven"), and joins a
    region to the place it is "of" ("the Southern District" + "of" + "New York").

    A PERSON entity that ends with a particle, or is followed by particles, and then a
    capitalised proper noun is extended over them (and over the entity that noun
    starts, whatever its label). ``doc.ents`` is rewritten in place.
    """
    ents = list(doc.ents)
    merged: list[Span] = []
    for ent in ents:
        if ent.label_ in {"ORG", "EVENT", "LAW"} and ent[-1].lower_ == "of":
            # A name cut after "of" ("Group of" + "Seven"): run on over its capitalised words.
            end = ent.end
            while (
                end < len(doc)
                and doc[end].text[:1].isupper()
                and doc[end].pos_
                in {
                    "PROPN",
                    "NUM",
                }
            ):
                end += 1
            if end > ent.end:
                merged.append(Span(doc, ent.start, end, label=ent.label_))
            continue
        if (
            ent.label_ == "LOC"
            and ent.end + 1 < len(doc)
            and doc[ent.end].lower_ == "of"
            and doc[ent.end + 1].ent_iob_ == "B"
            and doc[ent.end + 1].ent_type_ == "GPE"
        ):
            # "the Southern District" + "of" + "Ruritania": one region of that place.
            end = ent.end + 2
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            merged.append(Span(doc, ent.start, end, label="LOC"))
            continue
        if ent.label_ != "PERSON":
            continue
        j = ent.end
        while j < len(doc) and doc[j].text in NAME_PARTICLES:
            j += 1
        if j == ent.end and doc[ent.end - 1].text not in NAME_PARTICLES:
            continue
        if j >= len(doc) or doc[j].pos_ != "PROPN" or not doc[j].text[:1].isupper():
            continue
        end = j + 1
        while end < len(doc) and doc[end].ent_iob_ == "I" and doc[j].ent_type_:
            end += 1
        merged.append(Span(doc, ent.start, end, label="PERSON"))
    if not merged:
        return
    doc.ents = filter_spans(merged + ents)


def _government_body(doc: Doc, start: int, end: int) -> tuple[str, str | None, str | None] | None:
    """(role, modifier, affiliation) when an ORG span is an unnamed ministry.

    "the Russian Defence Ministry", "Georgia's Interior Ministry", "the Ministry of
    Defence": a generic government body, not a named organisation. It becomes a role
    reference, so it resolves to its country when one is named and to no actor otherwise.
    """
    words = [t for t in doc[start:end] if t.lower_ not in {"the", "'s", "’s"}]
    heads = [i for i, t in enumerate(words) if t.lower_ in GOVERNMENT_BODY_HEADS]
    if not heads:
        return None
    head = heads[0]
    before, after = words[:head], words[head + 1 :]
    if after and (
        after[0].lower_ != "of"
        or not all(t.lower_ in PORTFOLIO_WORDS or t.lower_ in {"of", "and", "for"} for t in after)
    ):
        return None
    portfolio = [t for t in before if t.lower_ in PORTFOLIO_WORDS]
    rest = [t for t in before if t.lower_ not in PORTFOLIO_WORDS]
    if len(rest) > 1 or (not portfolio and not after):
        return None
    role = " ".join(t.text for t in [*portfolio, words[head], *after])
    if not rest:
        return role, None, None
    if rest[0].pos_ == "ADJ" or rest[0].ent_type_ == "NORP":
        return role, rest[0].text, None
    return role, None, rest[0].text


# Junk the NER returns on real pages, none of it an actor: words glued together by the
# page's markup or hashtags ("OmarIlhan", "WeMissTurkey"), words with a footnote or
# list number glued on ("points1", "Shor.3"), handles ("@Ilhan").
GLUED_WORDS = re.compile(r"^[a-z]+[A-Z]|[a-z]{2,}[A-Z]")
GLUED_NUMBER = re.compile(r"[A-Za-z]{2,}\.?\d")
# A footnote or list number glued to the last word of a name ("Jo Bloggs.3", "the Vale
# Courier2"): the name is the words without it.
FOOTNOTE = re.compile(r"^([A-Z][a-z]+(?:[’'-][A-Za-z]+)*)\.?\d{1,2}$")
# A party marker before a US state ("Jo Bloggs, R-Texas", "(D-Calif.)"): the state says
# which seat the person holds, it is no actor of the story.
PARTY_MARKER_LETTERS: frozenset[str] = frozenset({"R", "D", "I"})
DASHES: frozenset[str] = frozenset({"-", "–", "—"})
# Name prefixes that put a capital inside one word ("MacDonald", "DiCaprio").
NAME_PREFIXES: tuple[str, ...] = ("Mac", "Mc", "Di", "De", "La", "Le", "Van", "Von", "O'")
HANDLE_MARKS: frozenset[str] = frozenset({"@", "#"})
# What may follow a comma inside a personal name ("Martin Luther King, Jr.").
NAME_SUFFIXES: frozenset[str] = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})
# Street names written as one word ("Maji-Maji-Allee", "Hauptstrasse") are addresses, not
# actors; English ones ("Downing Street", "Wall Street") are often metonyms and stay.
STREET_ENDINGS: tuple[str, ...] = (
    "strasse", "straße", "allee", "platz", "gasse", "damm", "ufer", "weg", "laan", "straat",
    "gatan", "vej",
)  # fmt: skip
# Last words of places and facilities; a PERSON span ending in one is a mistagged place
# or a fragment of one ("Harbour Point", "Lakeside Golf"), never a person's name. Words
# that are also surnames ("Park", "Tower", "Lodge", "Bay") are left out.
PLACE_HEADS: frozenset[str] = frozenset(
    {"point", "golf", "inn", "hotel", "resort", "avenue", "road", "square", "plaza",
     "airport", "stadium", "arena", "mall", "station", "harbour", "harbor", "marina",
     "pier", "boulevard", "highway", "motel", "casino"}
)  # fmt: skip
# Names of programmes, diseases, taxes and measures the NER tags ORG or PERSON; they
# name no one who acts ("Medicare", "COVID-19", "VAT"). Compared lower-case, without
# a leading "the".
NON_ACTOR_NAMES: frozenset[str] = frozenset(
    {"medicare", "medicaid", "obamacare", "affordable care act", "social security",
     "covid", "covid-19", "covid19", "coronavirus", "sars", "sars-cov-2", "mers", "ebola",
     "zika", "hiv", "aids", "hiv/aids", "mpox", "monkeypox", "h1n1", "h5n1", "omicron",
     "vat", "gst", "gdp", "brexit", "medi-cal"}
)  # fmt: skip
# Bodies named with a possessive inside ("the Sheriff's Office", "the Attorney's Office
# for ...", "the People's Party"): the possessive is part of the name.
POSSESSED_BODY_WORDS: frozenset[str] = frozenset(
    {"office", "department", "bureau", "party", "hospital", "court", "council", "union",
     "league", "front", "army", "republic", "assembly", "congress", "movement",
     "association", "commission", "service", "alliance"}
)  # fmt: skip
MONTHS: frozenset[str] = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
     "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)  # fmt: skip


def _is_glued(text: str) -> bool:
    return bool(GLUED_WORDS.search(text)) and not text.startswith(NAME_PREFIXES)


def _trim_lower_edges(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop lower-case words (and the dashes joining them) at a name's edges.

    A name may open with "the" or a particle ("al-Qaeda", "de Blasio"); any other
    lower-case word at its edge is the sentence around it: "the state Freedom Party"
    (the party), "anti-Kovac" (Kovac), "Ostrava-area" (Ostrava), "the Daily Courier
    that" (the paper).
    """
    lead = start + 1 if doc[start].lower_ == "the" else start
    moved = lead
    while end - moved > 1 and (
        (doc[moved].is_lower and doc[moved].lower_ not in NAME_PARTICLES)
        or (doc[moved].is_punct and moved > lead)
    ):
        moved += 1
    if moved > lead:
        start = moved
    trimmed = end
    while end - start > 1 and (
        (doc[end - 1].is_lower and doc[end - 1].lower_ not in NAME_PARTICLES)
        or (doc[end - 1].is_punct and end < trimmed)
    ):
        end -= 1
    return start, end


def clean_span(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Trim what is not part of a name from an entity span, or None when it is junk.

    Trims a gerund at either edge ("Questioning Vindman", "Iowa Starting": headline
    case), numbers, dashes and months after a name ("K-9", "- May 4"), and a word
    doubled by the page ("Northward Northward"); at an inner possessive keeps the
    owner ("Holcomb's 2016") or, before a proper name, the owned ("Punjab's Bhatinda").
    Drops handles, hashtags, glued words and words with a number glued on.
    """
    if start > 0 and doc[start - 1].text in HANDLE_MARKS:
        return None
    last = doc[end - 1]
    if last.lower_.endswith(STREET_ENDINGS) and (
        len(last) > 6 or (end - start > 1 and doc[end - 2].text == "-")
    ):
        return None
    # (the text from the first to the last token: only whitespace lies between tokens)
    if not any(c.isupper() for c in doc_text(doc)[doc[start].idx : last.idx + len(last.text)]):
        return None  # a name has a capital: "icebox", "n't" are tagging slips
    if doc[start].text[:1] in HANDLE_MARKS:
        return None
    for i in range(start, end):
        text = doc[i].text
        if _is_glued(text):
            return None
        if GLUED_NUMBER.search(text):
            if i == end - 1 and i > start and FOOTNOTE.match(text):
                break  # a footnote number: the mention's text leaves it out (_span_chars)
            if i == end - 1 and i > start:
                end = i
                break
            return None
    start, end = _trim_lower_edges(doc, start, end)
    for i in range(start + 1, end - 1):
        if doc[i].text in POSSESSIVE_MARKS:
            after = doc[i + 1]
            if after.lower_ in POSSESSED_BODY_WORDS and after.text[:1].isupper():
                break  # "the Sheriff's Office", "the People's Party": one name
            if after.is_lower or after.like_num or after.is_punct:
                end = i
            else:
                start = i + 1
            break
    while end - start > 1 and (
        (any(c.isdigit() for c in doc[end - 1].text) and not FOOTNOTE.match(doc[end - 1].text))
        or doc[end - 1].is_punct
        or doc[end - 1].lower_ in MONTHS
    ):
        end -= 1
    while end - start > 1 and doc[end - 1].tag_ == "VBG" and doc[end - 1].is_title:
        end -= 1
    while end - start > 1 and doc[start].tag_ == "VBG" and doc[start].is_title:
        start += 1
    half = (end - start) // 2
    if half and (end - start) % 2 == 0:
        first = [t.text for t in doc[start : start + half]]
        if first == [t.text for t in doc[start + half : end]]:
            end = start + half
    return start, end


def _name_key(doc: Doc, start: int, end: int) -> str:
    """A span's words lower-cased, without a leading "the" (for :data:`NON_ACTOR_NAMES`)."""
    if doc[start].lower_ == "the" and end - start > 1:
        start += 1
    last = doc[end - 1]  # the span's text, cut from the Doc's (Span.text rebuilds it)
    return doc_text(doc)[doc[start].idx : last.idx + len(last.text)].lower()


def _span_chars(doc: Doc, start: int, end: int) -> tuple[int, int, str]:
    """Offsets and text of tokens ``start:end``, without a footnote number glued to the
    last word of a name (:data:`FOOTNOTE`)."""
    table, text = token_table(doc), doc_text(doc)
    start_char, last_start, end_char = table.idx[start], table.idx[end - 1], table.end[end - 1]
    footnote = FOOTNOTE.match(text[last_start:end_char]) if end - start > 1 else None
    if footnote:
        end_char = last_start + len(footnote.group(1))
    return start_char, end_char, text[start_char:end_char]


def _span_mention(
    doc: Doc, start: int, end: int, label: str, sentence_index: int, **fields: Any
) -> Mention:
    """A mention of tokens ``start:end`` (its index is set once all are ordered)."""
    start_char, end_char, text = _span_chars(doc, start, end)
    return Mention(
        mention_index=-1,
        sentence_index=sentence_index,
        start_char=start_char,
        end_char=end_char,
        text=text,
        label=label,
        start=start,
        end=end,
        **fields,
    )


def _raw_entity_mentions(doc: Doc, sent_of: list[int]) -> tuple[list[Mention], set[int]]:
    """NER mentions with PERSON titles attached; returns them and the tokens inside titles."""
    mentions: list[Mention] = []
    title_tokens: set[int] = set()
    dateline = dateline_tokens(doc)
    for ent in doc.ents:
        if ent.label_ not in MENTION_LABELS:
            continue
        if ent.start in dateline and ent.label_ not in DATELINE_KEPT_LABELS:
            continue
        sent_start, sent_end = sentence_bounds(doc, ent.start)
        label = ent.label_
        cleaned = clean_span(doc, ent.start, ent.end) if label != "DATE" else (ent.start, ent.end)
        if cleaned is None:
            continue
        start, end = cleaned
        if label == "PERSON" and doc[end - 1].lower_ in PLACE_HEADS:
            continue  # a place or a fragment of one, not a person
        if label == "PERSON" and doc[end - 1].lower_ in PARTY_PLURALS:
            label = "NORP"  # "Ruritania Democrats": party members, not a person
        if label == "ORG" and end - start == 1 and doc[start].lower_ in PARTY_PLURALS:
            label = "NORP"  # "Progressives oppose ...": a camp of people, not a body
        if _name_key(doc, start, end) in NON_ACTOR_NAMES:
            continue
        role: RolePhrase | None = None
        # A title phrase glued before an honorific ("Minister of Rural Affairs Dr
        # Jo Bloggs", tagged PERSON or ORG): a person named from the honorific on.
        honorifics = [i for i in range(start + 1, end - 1) if doc[i].lower_ in HONORIFICS]
        if label in {"PERSON", "ORG"} and honorifics:
            start, label = honorifics[-1], "PERSON"
        if label == "PERSON":
            # "Mueller, Stormy": two names listed in one span; the first is kept.
            comma = next((i for i in range(start + 1, end - 1) if doc[i].text == ","), None)
            if comma is not None and doc[comma + 1].lower_.rstrip(".") not in NAME_SUFFIXES:
                end = comma
            start, inner = strip_leading_titles(doc, start, end)
            role = title_before(doc, start, sent_start)
            if role is None and inner is not None:
                role = RolePhrase(doc[inner[0] : inner[1]].text, inner[0], inner[1])
            if role is None:
                role = apposition_after(doc, end, sent_end)
        elif (
            label == "ORG"
            and end - start == 3
            and doc[start + 1].text == ","
            and doc[start].is_title
            and doc[start + 2].is_title
        ):
            end = start + 1  # "Mueller, Stormy" tagged ORG: a list of names; the first is kept
        elif label == "ORG" and doc[end - 1].lower_ in DOCUMENT_HEADS:
            label = "LAW"  # "the Mutual Defense Treaty": an agreement, not an actor
        elif label == "ORG" and (body := _government_body(doc, start, end)) is not None:
            label = "ROLE_REF"
            modifier, affiliation = body[1], body[2]
            if modifier is None and affiliation is None:
                # "Georgia's Interior Ministry", "the Russian Interior Ministry" (NORP apart)
                modifier, affiliation, _ = modifiers_before(doc, start, sent_start)
            role = RolePhrase(body[0], start, end, modifier, affiliation, "role_reference", start)
        elif label in RELABEL_AS_PERSON and all(t.pos_ == "PROPN" for t in ent):
            # A person title right before a proper name, or a role apposition after
            # a two-word name, outweighs the NER's label ("Chancellor Olaf Scholz" as ORG).
            role = title_before(doc, start, sent_start)
            if role is None and end - start >= MIN_NAME_TOKENS_FOR_APPOSITION:
                role = apposition_after(doc, end, sent_end)
            if role is not None:
                label = "PERSON"
        if role is not None and label != "ROLE_REF":
            title_tokens.update(range(role.start, role.end))
        # Trailing possessive inside the span ("Putin's") is not part of the name.
        while end - 1 > start and doc[end - 1].text in POSSESSIVE_MARKS:
            end -= 1
        mentions.append(
            _span_mention(
                doc,
                start,
                end,
                label,
                sent_of[start],
                role=role.role if role else None,
                role_modifier=role.role_modifier if role else None,
                affiliation=role.affiliation if role else None,
                role_source=role.source if role else None,
            )
        )
    return mentions, title_tokens


def _split_glued_person_names(
    doc: Doc, mentions: list[Mention], sent_of: list[int]
) -> list[Mention]:
    """Split a non-person entity that ends with a person's full name found elsewhere.

    The NER glues a body or a place to the name after it ("the Ministry of Finance Anna
    Berg", "the Ruritania Lena Markova"): when the article names that person on their
    own (full name, or the surname as a person), the span is the body or place followed
    by the person.
    """
    full_names = {m.text for m in mentions if m.label == "PERSON" and m.end - m.start >= 2}
    surnames = {m.text for m in mentions if m.label == "PERSON" and m.end - m.start == 1}
    if not full_names and not surnames:
        return mentions
    out: list[Mention] = []
    for m in mentions:
        cut = next(
            (
                m.end - k
                for k in (3, 2)
                if m.label != "PERSON"
                and m.end - k > m.start
                and doc[m.end - k : m.end].text in full_names
            ),
            None,
        )
        if (
            cut is None
            and m.label != "PERSON"
            and m.end - m.start >= 3
            and doc[m.end - 1].text in surnames
            and doc[m.end - 2].is_title
            and doc[m.end - 2].pos_ == "PROPN"
        ):
            cut = m.end - 2  # "... Anna Berg" where the article calls her "Berg"
        if cut is None:
            out.append(m)
            continue
        for start, end, label in ((m.start, cut, m.label), (cut, m.end, "PERSON")):
            if not any(t.text[:1].isupper() for t in doc[start:end]):
                continue  # "the" before the name: the person alone
            out.append(_span_mention(doc, start, end, label, sent_of[start]))
    return out


def _short_form_keys(mention: Mention, doc: Doc) -> list[str]:
    """Tokens a later short form may use for a full PERSON name: last, first, then middle.

    Middle names count because news often shortens to one ("Lula" for "Luiz Inácio Lula
    da Silva"); particles and lower-case words never do.
    """
    tokens = [
        (f.group(1) if (f := FOOTNOTE.match(t.text)) else t.text)
        for t in doc[mention.start : mention.end]
        if t.lower_ not in HONORIFICS
    ]
    if len(tokens) < 2:
        return []
    middle = [t for t in tokens[1:-1] if t[:1].isupper() and t not in NAME_PARTICLES]
    return [tokens[-1], tokens[0], *middle]


def _link_short_forms(doc: Doc, mentions: list[Mention], sent_of: list[int]) -> list[Mention]:
    """Relabel/add single-token short forms of earlier full names and link them (surname)."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    extra: list[Mention] = []
    # Untagged proper nouns that match a full name seen anywhere earlier.
    full_names = [m for m in mentions if m.label == "PERSON" and m.end - m.start >= 2]
    keys = {key for m in full_names for key in _short_form_keys(m, doc)}
    key_ids = word_ids(keys)
    for i, orth in enumerate(token_texts(doc)):
        if orth not in key_ids:
            continue  # (the ids of the keys: no Token built for any other word)
        tok = doc[i]
        # The tagger may call a rare surname a noun: a capitalised exact match is enough.
        if tok.i not in covered and tok.text in keys and tok.text[:1].isupper():
            extra.append(
                Mention(
                    mention_index=-1,
                    sentence_index=sent_of[tok.i],
                    start_char=tok.idx,
                    end_char=tok.idx + len(tok.text),
                    text=tok.text,
                    label="PERSON",
                    start=tok.i,
                    end=tok.i + 1,
                )
            )
    ordered = sorted(mentions + extra, key=lambda m: (m.start_char, -m.end_char))
    for i, m in enumerate(ordered):
        m.mention_index = i
    out: list[Mention] = []
    # key -> mention indexes of distinct earlier full names using it (last-token keys first)
    last_keys: dict[str, dict[str, int]] = {}
    first_keys: dict[str, dict[str, int]] = {}
    middle_keys: dict[str, dict[str, int]] = {}
    for m in ordered:
        is_single = m.end - m.start == 1
        if is_single and (m.label == "PERSON" or m.label in RELABEL_AS_PERSON):
            candidates = _full_names_using(m.text, last_keys, first_keys, middle_keys)
            if len(candidates) == 1:
                (target,) = candidates.values()
                m.label = "PERSON"
                m.antecedent_mention_index = target
                m.antecedent_link = "surname"
        if m.label == "PERSON" and m.end - m.start >= 2:
            name_keys = _short_form_keys(m, doc)
            if name_keys:
                last, first, *middle = name_keys
                last_keys.setdefault(last, {}).setdefault(m.text, m.mention_index)
                first_keys.setdefault(first, {}).setdefault(m.text, m.mention_index)
                for key in middle:
                    middle_keys.setdefault(key, {}).setdefault(m.text, m.mention_index)
        out.append(m)
    # A short form before the full name (a headline's "Markova" before the body's "Lena
    # Markova") links forward to the one full name it fits.
    for m in out:
        if m.label == "PERSON" and m.end - m.start == 1 and m.antecedent_mention_index is None:
            candidates = _full_names_using(m.text, last_keys, first_keys, middle_keys)
            if len(candidates) == 1:
                (target,) = candidates.values()
                if target != m.mention_index:
                    m.antecedent_mention_index = target
                    m.antecedent_link = "surname"
    return out


def _link_acronyms(doc: Doc, mentions: list[Mention]) -> None:
    """Point an acronym ("HCP") at the one name in the article whose initials it spells
    ("Harbour and Coast Patrol"), the earlier one first; ``antecedent_link`` 'acronym'."""
    names = [
        m
        for m in mentions
        if m.label in ACRONYM_LABELS and m.end - m.start >= 2 and m.text[:1].isupper()
    ]
    if not names:
        return
    for m in mentions:
        if (
            m.end - m.start != 1
            or m.label not in ACRONYM_LABELS
            or m.antecedent_mention_index is not None
            or not is_acronym(m.text)
        ):
            continue
        fits = [
            n
            for n in names
            if spells_initials([t.text for t in doc[n.start : n.end] if t.lower_ != "the"], m.text)
        ]
        earlier = [n for n in fits if n.start < m.start]
        chosen = earlier or fits
        if len({n.text for n in chosen}) == 1:
            m.antecedent_mention_index = chosen[0].mention_index
            m.antecedent_link = "acronym"


def _is_party_marker_place(doc: Doc, m: Mention) -> bool:
    """A state after a party letter and a dash ("R-Texas", "(D-Calif.)")."""
    return (
        m.label in {"GPE", "LOC"}
        and m.start >= 2
        and doc[m.start - 1].text in DASHES
        and doc[m.start - 2].text in PARTY_MARKER_LETTERS
    ) or (
        # the tokenizer may keep "R-" or "D-" as one token
        m.label in {"GPE", "LOC"}
        and m.start >= 1
        and len(doc[m.start - 1].text) == 2
        and doc[m.start - 1].text[0] in PARTY_MARKER_LETTERS
        and doc[m.start - 1].text[1] in DASHES
    )


def _drop_non_actor_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Drop what names no actor once the article's people are known, and trim a headline
    gerund off a name.

    * "the Bloggses", "the Markovas": a family, the plural of a surname the article
      gives a person (the NER calls it a place or a person);
    * "R-Texas": the state of a party marker (:func:`_is_party_marker_place`);
    * "Questioning Markova's record" (a headline): a word ending in "-ing" opening the
      sentence before the surname of a person the article names is no first name;
    * "Turnout in the city is low": one word opening the sentence, read as a common noun
      by the tagger and no part of a name the article gives a person, is no person (the
      NER takes a sentence's capital for a name).
    """
    full = [m for m in mentions if m.label == "PERSON" and m.end - m.start >= 2]
    surnames = {doc[m.end - 1].text: doc[m.start].text for m in full}
    name_words = {t.text for m in full for t in doc[m.start : m.end]}
    out: list[Mention] = []
    for m in mentions:
        if m.end - m.start == 1 and m.start > 0 and doc[m.start - 1].lower_ == "the":
            text = m.text
            stem = text[:-2] if text.endswith("es") and text[:-2] in surnames else text[:-1]
            if text.endswith("s") and stem in surnames and m.label != "ORG":
                continue  # "the Markovas": the family
        if _is_party_marker_place(doc, m):
            continue
        if (
            m.label == "PERSON"
            and m.end - m.start == 1
            and doc[m.start].is_sent_start
            and doc[m.start].tag_ in {"NN", "NNS"}
            and m.text not in name_words
        ):
            continue  # "Turnout in ...": a sentence's first word, not a name
        first = doc[m.start]
        if (
            m.label == "PERSON"
            and m.end - m.start >= 2
            and first.lower_.endswith("ing")
            and first.is_sent_start
            and doc[m.start + 1 : m.end].text in surnames
            and surnames[doc[m.start + 1 : m.end].text] != first.text
        ):
            start_char, _, text = _span_chars(doc, m.start + 1, m.end)
            m.start, m.start_char, m.text = m.start + 1, start_char, text
        out.append(m)
    return out


def _full_names_using(text: str, *tables: dict[str, dict[str, int]]) -> dict[str, int]:
    """Full names (text -> mention index) a short form can stand for: the first table
    (last names, then first names, then middle names) that knows ``text``."""
    for table in tables:
        found = table.get(text)
        if found:
            return found
    return {}


def _compatible(modifier: str | None, holder: Mention) -> bool:
    """Does a role reference's modifier fit the person's modifier or affiliation?"""
    if modifier is None:
        return True
    want = modifier.lower()[:DEMONYM_PREFIX]
    for have in (holder.role_modifier, holder.affiliation):
        if have and have.lower()[:DEMONYM_PREFIX] == want:
            return True
    return False


def _role_head(role: str) -> str:
    return role.lower().split()[-1]


def _roles_match(reference: str, held: str) -> bool:
    """'the president' fits 'President'; 'the leader' fits any head of state or government."""
    if _role_head(reference) == _role_head(held):
        return True
    return _role_head(reference) == "leader" and " ".join(held.lower().split()) in LEADER_ROLES


# ids of the words a role reference can start at (besides a possessive)
_REFERENCE_START_IDS = word_ids(ROLE_REF_DETERMINERS | COUNTERPART_DETERMINERS)


def _role_references(
    doc: Doc, mentions: list[Mention], title_tokens: set[int], sent_of: list[int]
) -> list[Mention]:
    """ROLE_REF mentions for "the <modifier> <role>" or "<Country>'s <role>" without a name."""
    person_starts = {m.start for m in mentions if m.label == "PERSON"}
    in_person = {i for m in mentions if m.label == "PERSON" for i in range(m.start, m.end)}
    possessors = {m.end: m for m in mentions if m.label in POSSESSOR_LABELS and m.end < len(doc)}
    refs: list[Mention] = []
    lowers = token_lowers(doc)
    i = 0
    while i < len(doc):
        if not (i in possessors or lowers[i] in _REFERENCE_START_IDS):
            i += 1  # neither a possessive nor a determiner: no reference starts here
            continue
        tok = doc[i]
        modifier: str | None = None
        affiliation: str | None = None
        start = i
        if tok.text in POSSESSIVE_MARKS and i in possessors:
            # "Russia's president": the possessor is the affiliation.
            start = possessors[i].start
            affiliation = possessors[i].text
        elif tok.lower_ not in ROLE_REF_DETERMINERS and tok.lower_ not in COUNTERPART_DETERMINERS:
            i += 1
            continue
        j = i + 1
        if (
            affiliation is None
            and j < len(doc)
            and doc[j].ent_type_ == "NORP"
            and doc[j].ent_iob_ == "B"
        ):
            k = j
            while k + 1 < len(doc) and doc[k + 1].ent_iob_ == "I":
                k += 1
            modifier = doc[j : k + 1].text
            j = k + 1
        elif affiliation is None and j < len(doc) and doc[j].pos_ == "ADJ" and doc[j].is_title:
            modifier = doc[j].text
            j += 1
        sent_end = sentence_bounds(doc, i)[1]
        match = match_role_starting_at(doc, j, sent_end) if j < sent_end else None
        if match is None or any(t in title_tokens or t in in_person for t in range(*match)):
            i += 1
            continue
        role_start, role_end = match
        is_counterpart = doc[role_start:role_end].text.lower() in COUNTERPART_TERMS
        if tok.lower_ in COUNTERPART_DETERMINERS and not is_counterpart:
            i += 1
            continue
        # A name right after the role makes it a title, not a reference.
        if role_end in person_starts or (
            role_end < len(doc)
            and (doc[role_end].ent_type_ == "PERSON" or doc[role_end].pos_ == "PROPN")
        ):
            i = role_end
            continue
        start_char, end_char, text = _span_chars(doc, start, role_end)
        role = doc[role_start:role_end].text
        if is_counterpart:
            role = _counterpart_role(mentions, sent_of[i], start) or role
        refs.append(
            Mention(
                mention_index=-1,
                sentence_index=sent_of[i],
                start_char=start_char,
                end_char=end_char,
                text=text,
                label="ROLE_REF",
                role=role,
                role_modifier=modifier,
                affiliation=affiliation,
                role_source="role_reference",
                start=start,
                end=role_end,
            )
        )
        i = role_end
    return refs


def _counterpart_role(mentions: list[Mention], sentence_index: int, before: int) -> str | None:
    """Role of the nearest titled person before a "counterpart" in its sentence.

    "Foreign Minister Sergei Lavrov met his Turkish counterpart": the counterpart is
    Turkey's foreign minister.
    """
    for m in reversed(mentions):
        if (
            m.start < before
            and m.sentence_index == sentence_index
            and m.label == "PERSON"
            and m.role
            and m.role.lower() not in COUNTERPART_TERMS
        ):
            return m.role
    return None


def _link_role_references(mentions: list[Mention]) -> list[Mention]:
    """Point each ROLE_REF at the one earlier person (by name) whose role fits."""
    out: list[Mention] = []
    holders: list[Mention] = []
    for m in mentions:
        if m.label == "ROLE_REF" and m.role:
            fits = [
                h
                for h in holders
                if h.role
                and _roles_match(m.role, h.role)
                and _compatible(m.role_modifier or m.affiliation, h)
            ]
            names = {h.text for h in fits}
            if len(names) == 1:
                m.antecedent_mention_index = fits[0].mention_index
                m.antecedent_link = "role_reference"
        elif m.label == "PERSON" and m.role and m.role_source in {"title", "apposition"}:
            holders.append(m)
        out.append(m)
    return out


def _group_mention(
    doc: Doc, start: int, noun: int, modifier: str, sent_of: list[int], role: str | None = None
) -> Mention:
    return _span_mention(
        doc,
        start,
        noun + 1,
        "GROUP",
        sent_of[start],
        role=role or doc[noun].text,
        role_modifier=modifier,
        role_source="group",
    )


# ids of the words _group_mentions' second pass looks at: a place noun, or the noun of a
# non-state force (_non_state_force)
_GROUP_START_IDS = word_ids(GROUP_PLACE_NOUNS | ARMED_BODY_NOUNS)


def _non_state_force(doc: Doc, i: int) -> str | None:
    """The collective a "<rebel|opposition|...> <forces|fighters|...>" at token ``i`` names
    ("rebels" for "rebel forces"), else None."""
    if i + 1 >= len(doc) or doc[i + 1].lower_ not in ARMED_BODY_NOUNS:
        return None
    return NON_STATE_FORCE_MODIFIERS.get(doc[i].lower_)


def _group_mentions(doc: Doc, mentions: list[Mention], sent_of: list[int]) -> list[Mention]:
    """GROUP mentions for unnamed collectives of a named country or place.

    "<demonym> <group noun>" ("Georgian protesters", "Kenyan police", "Syrian security
    forces") and "<group noun> in <place>" ("protesters in Caracas"): the demonym or
    place is the group's ``role_modifier`` (its country), the noun its ``role``. A bare
    group noun names no one and is no mention.
    """
    out: list[Mention] = []
    places = {m.start: m for m in mentions if m.label in GROUP_PLACE_LABELS}
    for m in mentions:
        if m.label != "NORP":
            continue
        j = m.end
        # One lower-case modifier may come between ("Georgian opposition protesters",
        # "Syrian security forces").
        if j < len(doc) and (force := _non_state_force(doc, j)) is not None:
            # "Syrian rebel forces": the rebels of Syria, not Syria's forces.
            out.append(_group_mention(doc, m.start, j + 1, m.text, sent_of, role=force))
            continue
        if j + 1 < len(doc) and doc[j].is_lower and doc[j + 1].lower_ in GROUP_NOUNS:
            j += 1
        if j >= len(doc) or doc[j].lower_ not in GROUP_NOUNS or doc[j].ent_type_:
            continue
        out.append(_group_mention(doc, m.start, j, m.text, sent_of))
    taken = {i for g in out for i in range(g.start, g.end)}
    lowers = token_lowers(doc)
    for i, lower in enumerate(lowers):
        # a word that is neither a place noun nor the noun of a non-state force
        # (_non_state_force) starts nothing: no Token built for it
        if lower not in _GROUP_START_IDS:
            continue
        tok = doc[i]
        force = _non_state_force(doc, tok.i - 1) if tok.i > 0 else None
        if tok.i in taken or not tok.is_lower:
            continue
        if tok.lower_ not in GROUP_PLACE_NOUNS and force is None:
            continue
        after = tok.i + 1
        if (
            tok.ent_type_
            or after + 1 >= len(doc)
            or doc[after].lower_ not in GROUP_PLACE_PREPOSITIONS
        ):
            continue
        place = places.get(after + 1)
        if place is not None and sent_of[place.start] == sent_of[tok.i]:
            start = tok.i - 1 if force is not None else tok.i
            out.append(_group_mention(doc, start, tok.i, place.text, sent_of, role=force))
    return out


def _government_references(doc: Doc, mentions: list[Mention], sent_of: list[int]) -> list[Mention]:
    """ROLE_REF mentions for "[the] <demonym> government|authorities|administration|regime":
    the state the people's name stands for, named as an actor (the demonym alone is only
    a modifier, no mention of the country)."""
    out: list[Mention] = []
    for m in mentions:
        if m.label != "NORP" or m.end >= len(doc) or doc[m.end].lower_ not in GOVERNMENT_NOUNS:
            continue
        start = m.start - 1 if m.start > 0 and doc[m.start - 1].lower_ == "the" else m.start
        out.append(
            _span_mention(
                doc,
                start,
                m.end + 1,
                "ROLE_REF",
                sent_of[start],
                role=doc[m.end].text,
                role_modifier=m.text,
                role_source="role_reference",
            )
        )
    return out


def extract_mentions(doc: Doc) -> list[Mention]:
    """Entity mentions of ``doc`` in text order, with roles and antecedent links."""
    merge_name_particles(doc)
    sent_of = sentence_index_by_token(doc)
    mentions, title_tokens = _raw_entity_mentions(doc, sent_of)
    # Entity fragments inside a title ("Defense" in "Defense Minister") are not mentions.
    mentions = [
        m
        for m in mentions
        if m.label == "PERSON" or not all(t in title_tokens for t in range(m.start, m.end))
    ]
    mentions = _split_glued_person_names(doc, mentions, sent_of)
    mentions = _drop_non_actor_names(doc, mentions)
    mentions = _link_short_forms(doc, mentions, sent_of)
    _link_acronyms(doc, mentions)
    groups = _group_mentions(doc, mentions, sent_of)
    in_group = {i for g in groups for i in range(g.start, g.end)}
    # A group wins over a collective role reference on the same words ("the Kenyan police").
    refs = [
        r
        for r in _role_references(doc, mentions, title_tokens, sent_of)
        if not any(i in in_group for i in range(r.start, r.end))
    ]
    refs += groups
    in_refs = {i for r in refs for i in range(r.start, r.end)}
    refs += [
        r
        for r in _government_references(doc, mentions, sent_of)
        if not any(i in in_refs for i in range(r.start, r.end))
    ]
    ordered = sorted(mentions + refs, key=lambda m: (m.start_char, -m.end_char, m.label))
    # Renumber, keeping surname links pointing at the same mentions (new ones have -1).
    renumber = {m.mention_index: i for i, m in enumerate(ordered) if m.mention_index >= 0}
    for i, m in enumerate(ordered):
        m.mention_index = i
        if m.antecedent_mention_index is not None:
            m.antecedent_mention_index = renumber.get(m.antecedent_mention_index)
    return _link_role_references(ordered)
