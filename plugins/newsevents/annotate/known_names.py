"""Known multi-word names from the dictionary seeds win over the NER's pieces.

The small NER splits long names it has not learnt ("Customs" + "Border Protection")
and mislabels known ones (a minister's name tagged ORG). The actor dictionary already
knows tens of thousands of names: the curated seeds, the imported Phoenix actors and
aliases, every country's names, demonyms and capital, and the places. The
``newsevents_known_names`` pipe (added after ``ner`` by ``stage.load_model``) matches
every multi-word one of them with a ``PhraseMatcher`` (exact case, so "the white house"
in a sentence is not "White House") and rewrites ``doc.ents``:

* a known name that covers or crosses NER entities replaces them, with the label of the
  dictionary's type (person -> PERSON, organisation -> ORG, country or place -> GPE,
  demonym -> NORP);
* a known name exactly on an NER entity gives it the dictionary's label;
* an NER entity longer than the known name inside it stays ("the Indiana Supreme Court"
  holds "Supreme Court"): the NER saw a fuller name than the dictionary has.

It runs after the NER rather than before it for that last case: an entity set before the
NER is fixed, so the NER could no longer find the fuller name around it. Single words
are left to the NER ("Time", "Post" and "Independent" are names and words alike).
Person entries with a title word ("Secretary of Homeland Security") are roles, not
names, and are left out, so titles keep working as titles.

A name the text defines with its initials is one name too, known or not: "Harbour
and Coast Patrol (HCP)", "the Nurses for Clean Rivers, NCR," (the acronym in brackets
or between commas right after it, spelling the initials of its capitalised words;
connecting words may give a letter, "for" a 4 and "to" a 2). It replaces the NER's
pieces ("Harbour" + "Coast Patrol") and a shorter known name inside it, and the acronym
becomes an entity of the same label when the NER missed it. :func:`spells_initials`
is the test; ``mentions`` links the acronym's mentions to the name.

A collective given a name ("a group called the Porch Sitters", "a coalition of
farmers, known as Green Acres Now", "she called the group the Porch Sitters") names an
organisation (ORG), found by :func:`named_groups` when the NER missed or mislabelled
it; the same words elsewhere in the article are that organisation too. A one-word
demonym of the dictionary the NER missed before a noun of its state ("the Indonesian
government", "Peruvian authorities") is a NORP entity (:meth:`KnownNames.state_demonyms`).

The matcher is built once per process (the model is loaded once per worker) from the
seeds in :data:`SEEDS` (``NEWSEVENTS_SEEDS`` overrides); about 30k patterns take a
second or two.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

LOGGER = logging.getLogger(__name__)

PIPE_NAME = "newsevents_known_names"
SEEDS_ENV = "NEWSEVENTS_SEEDS"
SEEDS = Path(__file__).resolve().parents[3] / "seeds"
# Dictionary actor types as NER labels.
TYPE_LABELS: dict[str, str] = {
    "person": "PERSON",
    "organization": "ORG",
    "group": "ORG",
    "country": "GPE",
    "location": "GPE",
}
# Country alias kinds as NER labels (a seat of government is a building the news
# uses for its government: the NER's ORG).
COUNTRY_ALIAS_LABELS: dict[str, str] = {
    "demonym": "NORP",
    "seat_of_government": "ORG",
    "metonym": "ORG",
    "capital": "GPE",
    "name_variant": "GPE",
}
# Words of a title: a "person" entry holding one is a role ("United States Secretary of
# Homeland Security"), and matching it would turn a title into a name.
TITLE_WORDS: frozenset[str] = frozenset(
    {"minister", "secretary", "president", "premier", "chancellor", "governor", "mayor",
     "ambassador", "senator", "spokesman", "spokeswoman", "spokesperson", "king", "queen",
     "prince", "general", "chairman", "chairwoman", "director", "leader", "representative",
     "judge", "justice", "commissioner", "envoy", "adviser", "advisor", "chief", "head",
     "prosecutor", "attorney", "speaker", "emir", "sultan", "pope", "vice", "deputy"}
)  # fmt: skip
# Words that make a dictionary name a title ("Foreign Minister", "US Secretary of State"):
# the dictionary lists offices as actors, but in text they are titles before a name.
TITLE_HEADS: frozenset[str] = frozenset(
    {"minister", "secretary", "president", "premier", "chancellor", "governor", "mayor",
     "ambassador", "senator", "spokesman", "spokeswoman", "spokesperson", "chairman",
     "chairwoman", "director", "leader", "representative", "judge", "commissioner", "envoy",
     "adviser", "advisor", "prosecutor", "attorney", "speaker"}
)  # fmt: skip
# Country prefixes of imported organisation names; news writes "U.S." where the
# dictionary has "US", and often leaves the prefix out.
COUNTRY_PREFIXES: tuple[str, ...] = ("US ", "U.S. ", "United States ")
# Longest name looked up, in tokens ("Democratic People's Republic of Korea" is 7).
MAX_NAME_TOKENS = 10
# Lower-case words inside names ("Nurses for Clean Rivers", "Bank of America").
NAME_CONNECTORS: frozenset[str] = frozenset(
    {"of", "and", "for", "the", "de", "del", "della", "di", "da", "do", "dos", "das", "du",
     "la", "le", "les", "von", "van", "der", "den", "al", "el", "bin", "ibn", "y", "e",
     "et", "und", "on", "in", "at", "to", "'s", "’s", "-", "&"}
)  # fmt: skip
# Labels a known name may replace; dates, numbers and the like are left alone.
REPLACEABLE_LABELS: frozenset[str] = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
)


# Labels of the mentions an acronym and the name it spells may have (mentions links them).
ACRONYM_LABELS: frozenset[str] = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC"})
# Labels a name defined by its acronym keeps from the NER; any other (a people, none)
# makes it an organisation.
ACRONYM_NAME_LABELS: frozenset[str] = frozenset({"ORG", "GPE", "FAC", "LOC"})
# Labels of the NER that say an all-capital word is no name (a number, a date).
NOT_NAME_LABELS: frozenset[str] = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}
)
# Digits standing for words in acronyms ("B2B", "Doctors 4 X").
DIGIT_WORDS: dict[str, frozenset[str]] = {
    "2": frozenset({"to", "two"}),
    "4": frozenset({"for", "four"}),
}
# Last words of a title, not a body ("Chief Executive Officer (CEO)").
ACRONYM_TITLE_HEADS: frozenset[str] = TITLE_HEADS | {"officer", "executive", "manager"}
MAX_ACRONYM_LETTERS = 8
# Nouns of a collective that a naming verb gives a name ("a group called X", "an alliance
# known as X"); plural people after "a group of" count as the group ("a group of retired
# teachers, known as X").
COLLECTIVE_NOUNS: frozenset[str] = frozenset(
    {"group", "groups", "organization", "organisation", "coalition", "association",
     "alliance", "network", "movement", "collective", "initiative", "foundation",
     "charity", "nonprofit", "caucus", "committee", "club", "society", "union",
     "federation", "campaign", "gang", "crew", "faction", "militia", "party", "outfit",
     "band", "team"}
)  # fmt: skip
# Verbs that give a name: "called X", "named X", "dubbed X", "known as X".
NAMING_VERBS: frozenset[str] = frozenset({"called", "named", "dubbed", "known", "calling", "calls"})
MAX_GROUP_NAME_TOKENS = 8
# Nouns of a state's own bodies and agents: a demonym before one names that state.
STATE_NOUNS: frozenset[str] = frozenset(
    {"government", "authorities", "officials", "military", "army", "navy", "troops",
     "police", "ministry", "president", "premier", "embassy", "parliament", "regime",
     "administration", "delegation", "diplomats", "ambassador", "minister", "leader",
     "prime", "foreign", "defence", "defense", "state", "cabinet", "junta", "coast"}
)  # fmt: skip


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def seeds_dir() -> Path:
    return Path(os.environ.get(SEEDS_ENV) or SEEDS)


def known_names(seeds: Path) -> dict[str, str]:
    """Name -> NER label for every dictionary name, curated rows first (they win)."""
    names: dict[str, str] = {}

    def add(name: str | None, label: str | None) -> None:
        if name and label:
            names.setdefault(name.strip(), label)

    curated = {r["name"]: r["actor_type"] for r in _rows(seeds / "actor_dictionary.csv")}
    for name, kind in curated.items():
        add(name, TYPE_LABELS.get(kind))
    for row in _rows(seeds / "actor_aliases.csv"):
        add(row["alias"], TYPE_LABELS.get(curated.get(row["name"], "")))
    for row in _rows(seeds / "countries.csv"):
        add(row["name"], "GPE")
        add(row.get("demonym"), "NORP")
        add(row.get("capital"), "GPE")
    for row in _rows(seeds / "country_aliases.csv"):
        add(row["alias"], COUNTRY_ALIAS_LABELS.get(row["alias_type"]))
    imported = {
        r["name"]: r["actor_type"] for r in _rows(seeds / "imported" / "phoenix_actors.csv")
    }
    for name, kind in imported.items():
        add(name, TYPE_LABELS.get(kind))
    for row in _rows(seeds / "imported" / "phoenix_actor_aliases.csv"):
        add(row["alias"], TYPE_LABELS.get(imported.get(row["name"], "")))
    for row in _rows(seeds / "imported" / "places.csv"):
        add(row["place"], "GPE")
    for name, label in list(names.items()):
        if label != "ORG":
            continue
        for prefix in COUNTRY_PREFIXES:
            if name.startswith(prefix):
                rest = name[len(prefix) :]
                for other in COUNTRY_PREFIXES:
                    names.setdefault(other + rest, label)
                names.setdefault(rest, label)
    return names


def _key(text: str) -> str:
    """A name as looked up: runs of whitespace as one space."""
    return " ".join(text.split())


def _usable(name: str, label: str) -> bool:
    words = name.split()
    if not name[:1].isupper() or len(words) < 1:
        return False
    if not words[-1][:1].isupper() and not words[-1][:1].isdigit():
        return False
    if any(w.lower() in TITLE_HEADS for w in words):
        return False  # "Homeland Security Secretary", "US Secretary of State": titles
    return label != "PERSON" or not any(w.lower() in TITLE_WORDS for w in words)


def is_acronym(text: str) -> bool:
    """An acronym's text: 2-8 letters and digits, capitals first ("HSI", "D4CC", "LoZ")."""
    letters = text.replace(".", "").replace("&", "")
    return (
        2 <= len(letters) <= MAX_ACRONYM_LETTERS
        and letters.isalnum()
        and letters[:1].isupper()
        and sum(c.isupper() for c in letters) >= 2
    )


def spells_initials(words: list[str], acronym: str) -> bool:
    """Does ``acronym`` spell the initials of ``words``?

    Every capitalised word gives its first letter; a connecting word ("of", "and",
    "for") may give its first letter or a digit (:data:`DIGIT_WORDS`) or nothing; a
    hyphen or "&" gives nothing. "Harbour and Coast Patrol" spells "HCP" and "HaCP".
    """
    letters = [c for c in acronym if c not in ".&"]

    def match(i: int, k: int) -> bool:
        if i == len(words):
            return k == len(letters)
        word = words[i]
        if word in {"-", "&"}:
            return match(i + 1, k)
        if word[:1].isupper():
            return (
                k < len(letters) and letters[k].upper() == word[0].upper() and match(i + 1, k + 1)
            )
        if word.lower() not in NAME_CONNECTORS:
            return False
        if k < len(letters):
            letter = letters[k]
            spelt = letter.lower() == word[0].lower() or word.lower() in DIGIT_WORDS.get(letter, ())
            if spelt and match(i + 1, k + 1):
                return True
        return match(i + 1, k)

    return len(letters) >= 2 and match(0, 0)


TEXT_CACHE_KEY = "newsevents_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc (spaCy rebuilds it from the tokens on every access);
    kept in the Doc's ``user_data``, so the pipe's text serves the rules too."""
    text = doc.user_data.get(TEXT_CACHE_KEY)
    if text is None:
        text = doc.user_data[TEXT_CACHE_KEY] = doc.text
    return str(text)


def token_texts(doc: Doc) -> list[str]:
    """Every token's text, cut from the Doc's text by the offset and length arrays: the
    pipe's loops over all the words build a Token only where a word may start a name."""
    if not len(doc):
        return []
    text = doc_text(doc)
    offsets = doc.to_array("IDX").tolist()
    lengths = doc.to_array("LENGTH").tolist()
    return [text[i : i + n] for i, n in zip(offsets, lengths, strict=True)]


def acronym_names(doc: Doc, texts: list[str] | None = None) -> list[tuple[Span, Span]]:
    """(name, acronym) pairs the text defines: "<Name> (<ACR>)" and "<Name>, <ACR>,".

    The name is the longest run of capitalised and connecting words right before the
    acronym whose initials it spells (:func:`spells_initials`); it starts with a
    capitalised word and holds at least two of them. Both take the label the NER gave
    most of the name's words when it is one of :data:`ACRONYM_NAME_LABELS`, else ORG.
    """
    found: list[tuple[Span, Span]] = []
    n = len(doc)
    for a, tok_text in enumerate(token_texts(doc) if texts is None else texts):
        if a < 2 or not is_acronym(tok_text):
            continue
        tok = doc[a]
        if tok.ent_type_ in NOT_NAME_LABELS:
            continue
        opener = doc[a - 1].text
        if opener == "(":
            if a + 1 >= n or doc[a + 1].text != ")":
                continue
        elif opener == ",":
            if a + 1 < n and doc[a + 1].text not in {",", ".", ";", ")"}:
                continue
        else:
            continue
        end = a - 1  # the name ends before the bracket or comma
        best = None
        start = end - 1
        while start >= max(0, end - MAX_NAME_TOKENS):
            word = doc[start]
            if "\n" in word.whitespace_ or word.is_space:
                break
            if not (
                word.text[:1].isupper() or word.lower_ in NAME_CONNECTORS or word.text in {"-", "&"}
            ):
                break
            words = [t.text for t in doc[start:end]]
            if (
                word.text[:1].isupper()
                and sum(w[:1].isupper() for w in words) >= 2
                and spells_initials(words, tok.text)
            ):
                best = start
            start -= 1
        if best is None or doc[end - 1].lower_ in ACRONYM_TITLE_HEADS:
            continue
        if doc[best].lower_ == "the":
            best += 1
        # The NER's label where it saw a name there; else an organisation.
        labels = [t.ent_type_ for t in doc[best:end] if t.ent_type_]
        label = max(set(labels), key=labels.count) if labels else "ORG"
        if label not in ACRONYM_NAME_LABELS:
            label = "ORG"
        found.append((Span(doc, best, end, label=label), Span(doc, a, a + 1, label=label)))
    return found


def _is_collective(tok: Token) -> bool:
    """A collective noun, or plural people "a group of" introduces."""
    if tok.lower_ in COLLECTIVE_NOUNS:
        return True
    return (
        tok.tag_ in {"NNS", "NNPS"}
        and tok.dep_ == "pobj"
        and tok.head.lower_ == "of"
        and tok.head.head.lower_ in COLLECTIVE_NOUNS
    )


def _name_run(doc: Doc, start: int) -> int | None:
    """End of the capitalised name starting at ``start`` (a leading "the" left out)."""
    end = None
    limit = min(len(doc), start + MAX_GROUP_NAME_TOKENS)
    for j in range(start, limit):
        tok = doc[j]
        if j > start and ("\n" in doc[j - 1].whitespace_ or tok.is_space):
            break
        if tok.text[:1].isupper() and (tok.is_alpha or "-" in tok.text or "'" in tok.text):
            end = j + 1
        elif j == start or (tok.lower_ not in NAME_CONNECTORS and tok.text not in {"-", "&"}):
            break
    return end


_NAMING_VERB_IDS = frozenset(get_string_id(w) for w in NAMING_VERBS)


def named_groups(doc: Doc) -> list[Span]:
    """ORG spans for the names a naming verb gives a collective, and their repeats.

    "a group called X", "the alliance, known as X" (the verb's head is a collective,
    :func:`_is_collective`), "called the group X" (the verb's object is). X is the run of
    capitalised words (and connecting words inside) right after the verb or "as",
    without a leading "the". Its other occurrences in the article, same words, are
    returned too.
    """
    names: list[Span] = []
    lowers = doc.to_array("LOWER").tolist() if len(doc) else []
    for i, lower in enumerate(lowers):
        if lower not in _NAMING_VERB_IDS:
            continue  # (by the lower-case form's id: no Token built for other words)
        tok = doc[i]
        if tok.lower_ not in NAMING_VERBS:
            continue
        bearer = None
        if tok.dep_ == "acl" and _is_collective(tok.head):
            bearer = tok.head
        elif any(c.dep_ == "dobj" and _is_collective(c) for c in tok.children):
            bearer = next(c for c in tok.children if c.dep_ == "dobj")
        if bearer is None:
            continue
        j = tok.i + 1
        if tok.lower_ == "known":
            if j >= len(doc) or doc[j].lower_ != "as":
                continue
            j += 1
        if bearer.i > tok.i:  # "called the group X": the name follows the object
            j = bearer.i + 1
        if j < len(doc) and doc[j].lower_ == "the":
            j += 1
        end = _name_run(doc, j) if j < len(doc) else None
        if end is None or any(t.ent_type_ in NOT_NAME_LABELS for t in doc[j:end]):
            continue
        names.append(Span(doc, j, end, label="ORG"))
    if not names:
        return []
    texts = {tuple(t.text for t in name) for name in names}
    found = {(s.start, s.end) for s in names}
    for words in texts:
        n = len(words)
        for i in range(len(doc) - n + 1):
            if doc[i].text == words[0] and tuple(t.text for t in doc[i : i + n]) == words:
                found.add((i, i + n))
    return [Span(doc, a, b, label="ORG") for a, b in sorted(found)]


def _put_names(ents: list[Span], names: list[Span]) -> list[Span]:
    """The entities with ``names`` put in, replacing those on them; a name crossed by a
    longer entity (other than by a leading "the") or lying on a date is left out."""
    out = list(ents)
    for name in names:
        doc = name.doc
        first = (
            name.start - 1 if name.start > 0 and doc[name.start - 1].lower_ == "the" else name.start
        )
        overlapping = [e for e in out if e.start < name.end and name.start < e.end]
        if any(
            e.label_ not in REPLACEABLE_LABELS or e.start < first or e.end > name.end
            for e in overlapping
        ):
            continue
        out = [e for e in out if e not in overlapping] + [name]
    return sorted(out, key=lambda s: s.start)


class KnownNames:
    """The pipe: every usable known name (whitespace-normalised text -> label).

    Matching looks up each run of up to :data:`MAX_NAME_TOKENS` tokens that starts and
    ends with a capital (lower-case words inside only from :data:`NAME_CONNECTORS`) in a
    hash table, like a ``PhraseMatcher`` on exact text, without tokenising 40k patterns
    when a worker starts.
    """

    def __init__(self, nlp: Language, seeds: Path | None = None) -> None:
        known = known_names(seeds or seeds_dir())
        self.names = {
            _key(name): label for name, label in known.items() if _usable(_key(name), label)
        }
        # One-word demonyms ("Indonesian"): a people before a noun of its state.
        self.demonyms = frozenset(
            name for name, label in known.items() if label == "NORP" and " " not in name
        )
        # All-capital text (bylines, kickers) names known actors too: "BY U.S. CUSTOMS AND
        # BORDER PROTECTION".
        self.upper = {name.upper(): label for name, label in self.names.items()}
        for label in set(self.names.values()):
            nlp.vocab.strings.add(label)
        LOGGER.debug("known names: %d", len(self.names))

    def matches(self, doc: Doc, texts: list[str] | None = None) -> list[Span]:
        text = doc_text(doc)
        found: list[Span] = []
        n = len(doc)
        for i, word in enumerate(token_texts(doc) if texts is None else texts):
            if not word[:1].isupper():
                continue
            first = doc[i]
            for j in range(i + 1, min(n, i + MAX_NAME_TOKENS)):
                tok = doc[j]
                if "\n" in doc[j - 1].whitespace_ or tok.is_space:
                    break
                if tok.is_lower and tok.text not in NAME_CONNECTORS:
                    break
                if not (tok.text[:1].isupper() or tok.text[:1].isdigit() or tok.is_punct):
                    continue
                key = _key(text[first.idx : tok.idx + len(tok.text)])
                label = self.names.get(key)
                if label is None and key.isupper():
                    label = self.upper.get(key)
                if label is not None:
                    found.append(Span(doc, i, j + 1, label=label))
        return found

    def __call__(self, doc: Doc) -> Doc:
        texts = token_texts(doc)
        found = self.matches(doc, texts)
        if found:
            doc.ents = _merge(doc, filter_spans(found))
        defined = acronym_names(doc, texts)
        if defined:
            doc.ents = _put_acronym_names(list(doc.ents), defined)
        groups = named_groups(doc)
        if groups:
            doc.ents = _put_names(list(doc.ents), groups)
        states = self.state_demonyms(doc, texts)
        if states:
            doc.ents = sorted([*doc.ents, *states], key=lambda s: s.start)
        return doc

    def state_demonyms(self, doc: Doc, texts: list[str] | None = None) -> list[Span]:
        """NORP spans for a known demonym the NER missed before a noun of its state
        ("the Indonesian government", "Peruvian authorities")."""
        found: list[Span] = []
        for i, word in enumerate((token_texts(doc) if texts is None else texts)[:-1]):
            if word not in self.demonyms:
                continue
            tok = doc[i]
            if (
                not tok.ent_type_
                and tok.text in self.demonyms
                and doc[tok.i + 1].lower_ in STATE_NOUNS
                and not doc[tok.i + 1].ent_type_
            ):
                found.append(Span(doc, tok.i, tok.i + 1, label="NORP"))
        return found


def _put_acronym_names(ents: list[Span], defined: list[tuple[Span, Span]]) -> list[Span]:
    """The entities with each name its initials define, and its acronym, put in.

    An entity that holds the name and ends with it stays ("the U.S. Harbour Patrol"
    before "(HP)": a fuller name); any other entity on the name or the acronym gives way
    (the NER's pieces, a shorter known name, a span run on into the bracket).
    """
    out = list(ents)
    for name, acronym in defined:
        fuller = [
            e
            for e in out
            if e.start < name.start and e.end == name.end and e.label_ in REPLACEABLE_LABELS
        ]
        spans = [acronym] if fuller else [name, acronym]
        if any(
            e.label_ not in REPLACEABLE_LABELS
            for e in out
            for span in spans
            if e.start < span.end and span.start < e.end
        ):
            continue
        out = [
            e
            for e in out
            if (fuller and e is fuller[0])
            or not any(e.start < span.end and span.start < e.end for span in spans)
        ] + spans
    return sorted(out, key=lambda s: s.start)


def _merge(doc: Doc, known: list[Span]) -> list[Span]:
    """The NER's entities with the known names put in (see the module docstring)."""
    ents = list(doc.ents)
    keep = [True] * len(ents)
    added: list[Span] = []
    for name in known:
        overlapping = [i for i, e in enumerate(ents) if e.start < name.end and name.start < e.end]
        if any(
            ents[i].start <= name.start and name.end <= ents[i].end and len(ents[i]) > len(name)
            for i in overlapping
        ):
            continue  # the NER's fuller name holds it
        if any(ents[i].label_ not in REPLACEABLE_LABELS for i in overlapping):
            continue
        for i in overlapping:
            keep[i] = False
        added.append(name)
    if not added:
        return ents
    return sorted([e for e, k in zip(ents, keep, strict=True) if k] + added, key=lambda s: s.start)


@Language.factory(PIPE_NAME)
def make_known_names(nlp: Language, name: str) -> KnownNames:
    return KnownNames(nlp)
