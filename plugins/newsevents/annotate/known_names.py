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
from spacy.tokens import Doc, Span
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


class KnownNames:
    """The pipe: every usable known name (whitespace-normalised text -> label).

    Matching looks up each run of up to :data:`MAX_NAME_TOKENS` tokens that starts and
    ends with a capital (lower-case words inside only from :data:`NAME_CONNECTORS`) in a
    hash table, like a ``PhraseMatcher`` on exact text, without tokenising 40k patterns
    when a worker starts.
    """

    def __init__(self, nlp: Language, seeds: Path | None = None) -> None:
        self.names = {
            _key(name): label
            for name, label in known_names(seeds or seeds_dir()).items()
            if _usable(_key(name), label)
        }
        # All-capital text (bylines, kickers) names known actors too: "BY U.S. CUSTOMS AND
        # BORDER PROTECTION".
        self.upper = {name.upper(): label for name, label in self.names.items()}
        for label in set(self.names.values()):
            nlp.vocab.strings.add(label)
        LOGGER.debug("known names: %d", len(self.names))

    def matches(self, doc: Doc) -> list[Span]:
        text = doc.text
        found: list[Span] = []
        n = len(doc)
        for i, first in enumerate(doc):
            if not first.text[:1].isupper():
                continue
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
        found = self.matches(doc)
        if found:
            doc.ents = _merge(doc, filter_spans(found))
        return doc


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
