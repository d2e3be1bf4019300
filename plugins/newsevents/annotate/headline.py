"""The headline as text: which part of ``raw.articles.title`` is annotated, and how its
rows join the body's.

A headline states the article's main act ("Senate defeats motion"), often in words
the body never repeats, so the annotator parses it too, with the same mention, event
and discourse rules as the body. It is parsed as a text of its own, not glued before
the body: headline grammar is compressed and misparsed more often ("House X was born
in"), and a garbled headline name must not become the antecedent of the body's
names or change any body row. The body's rows are exactly those of the body parsed
alone; the headline's rows follow them (:func:`append_headline`), indexes continuing
the body's. The links across the parts go from the headline to the body: a
headline surname names the person the body names in full
(:func:`link_headline_surnames`; dbt's short-form rule does the same for any surname
of a person named in the article), and a headline's unnamed person ("<Place> man
pleads guilty to ...") is the person the body names doing the same act
(:func:`link_headline_role_nouns`).

Offsets stay honest per part: a row of ``raw.sentences``, ``raw.entity_mentions`` or
``raw.event_candidates`` has ``text_part`` 'title' (offsets into
``raw.articles.title``) or 'body' (offsets into ``raw.articles.text``). Every cleaning
step below keeps the title's characters at their own offsets (a suffix is cut, a
kicker is blanked with spaces, line breaks become spaces), so ``title[start:end]`` is
a headline row's text.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, TypeVar

from spacy.tokens import Doc, Span

from newsevents.annotate.mentions import RELABEL_AS_PERSON, Mention, sentence_index_by_token
from newsevents.annotate.roles import HONORIFICS

T = TypeVar("T")
R = TypeVar("R")
M = TypeVar("M")
C = TypeVar("C")

TITLE_PART = "title"
BODY_PART = "body"

# Pages append the outlet to the headline in the <title> element: "Minister resigns |
# The Daily Example", "Minister resigns - Example News | 19.01.2020". The separators
# a site uses for that; a trailing segment after one of them is cut when it names the
# outlet (its letters equal the site name's or the domain's first label, with or
# without a leading "The", or are part of the site name) or is only a date. A dash inside
# a headline ("Trade talks - a new round") stays: its tail does not name the outlet.
OUTLET_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+")
DATE_SEGMENT = re.compile(r"^[\d\s./-]+$")
# Section kickers a page puts before the headline ("Opinion | ..."): labels, not
# text. Blanked with spaces (same length), so offsets into the title stay valid.
KICKERS = frozenset(
    {"opinion", "analysis", "editorial", "exclusive", "breaking", "live", "watch", "video"}
)
# A headline the body already carries is not parsed twice: extracted text often
# starts with the headline again, alone or after a kicker, in one of its first
# paragraphs.
HEADLINE_ECHO_PARAGRAPHS = 3
# Shorter than this (letters) is no headline: a stray label or an initialism.
MIN_HEADLINE_LETTERS = 8
# A headline in Title Case ("Vessel Returning To Port With Cargo Seized By Agents")
# is not parsed: the model reads capitalised verbs and nouns as names, and the parse
# makes up actors and acts. Title Case: at least this many words of four or more
# letters, every one of them capitalised.
TITLE_CASE_MIN_WORDS = 3
LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")


def _letters(text: str) -> str:
    """Lower-case letters and digits only (quotes, dashes, spaces and case ignored)."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _outlet_names(site_name: str | None, domain: str | None) -> set[str]:
    names: set[str] = set()
    if site_name:
        names.add(_letters(site_name))
        names.add(_letters(re.sub(r"^\s*the\s+", "", site_name, flags=re.IGNORECASE)))
        # "Example.com", "The Example inc." name the outlet by their first word(s)
        names.add(
            _letters(re.sub(r"(?i)\.(com|org|net|co\.\w+)$|\s+(inc|ltd|llc)\.?$", "", site_name))
        )
    if domain:
        host = domain.lower().removeprefix("www.")
        names.add(_letters(host.split(".")[0]))
        names.add(_letters(host))
    names.discard("")
    return names


def _names_outlet(segment: str, outlets: set[str]) -> bool:
    letters = _letters(segment)
    if not letters:
        return True
    if DATE_SEGMENT.match(segment.strip()):
        return True
    bare = _letters(re.sub(r"^\s*the\s+", "", segment, flags=re.IGNORECASE))
    for name in outlets:
        if letters == name or bare == name:
            return True
        # "Example Today" within "The Example TODAY inc." (never the other way round:
        # "Capitol Hill braces" is no outlet "The Hill")
        if len(bare) >= 4 and bare in name:
            return True
    return False


def strip_outlet(title: str, site_name: str | None, domain: str | None) -> str:
    """``title`` without trailing " | Outlet" / " - Outlet" / " | date" segments (see
    :data:`OUTLET_SEPARATORS`); a prefix of ``title``, so its offsets are the title's."""
    outlets = _outlet_names(site_name, domain)
    end = len(title)
    while True:
        cuts = list(OUTLET_SEPARATORS.finditer(title, 0, end))
        if not cuts:
            return title[:end]
        last = cuts[-1]
        if not _names_outlet(title[last.end() : end], outlets):
            return title[:end]
        end = last.start()


def blank_kicker(title: str) -> str:
    """``title`` with a leading section kicker ("Opinion | ") replaced by spaces."""
    match = OUTLET_SEPARATORS.search(title)
    if match and title[: match.start()].strip().casefold() in KICKERS:
        return " " * match.end() + title[match.end() :]
    return title


def is_title_case(text: str) -> bool:
    """Every word of four or more letters capitalised, and enough of them
    (:data:`TITLE_CASE_MIN_WORDS`)."""
    words = LONG_WORD.findall(text)
    return len(words) >= TITLE_CASE_MIN_WORDS and all(w[:1].isupper() for w in words)


def headline_text(
    title: str | None, body: str, site_name: str | None = None, domain: str | None = None
) -> str:
    """The part of ``title`` to annotate with ``body``, or '' when there is none.

    Empty when the title is missing, names only the outlet, is too short to state
    anything, is in Title Case, or repeats one of the body's first paragraphs (the
    body carries it).
    The result has the title's length up to its cut: ``title[i]`` is ``result[i]`` for
    every non-blank character, so offsets into it are offsets into the title.
    """
    if not title or not title.strip():
        return ""
    # one line, same length: the headline stays one paragraph
    text = re.sub(r"[\r\n\t\f\v]", " ", title)
    text = blank_kicker(strip_outlet(text, site_name, domain)).rstrip()
    letters = _letters(text)
    if len(letters) < MIN_HEADLINE_LETTERS or letters in _outlet_names(site_name, domain):
        return ""
    if is_title_case(text):
        return ""
    for paragraph in body.split("\n", HEADLINE_ECHO_PARAGRAPHS)[:HEADLINE_ECHO_PARAGRAPHS]:
        if letters in _letters(paragraph):
            return ""
    return text


# Headline grammar drops articles and auxiliaries, and the entity recogniser then
# glues names across the verb ("X welcomes Y" as one organisation) although the
# tagger and parser read the verb right. An entity of a headline holding a finite
# verb (these tags) is split there; its parts on either side keep the label.
FINITE_VERB_TAGS = frozenset({"VBZ", "VBP", "VBD"})


def split_glued_entities(headline: Doc) -> None:
    """Split, in place, every entity of ``headline`` at the finite verbs inside it."""
    ents = []
    changed = False
    for ent in headline.ents:
        verbs = [t.i for t in ent if t.tag_ in FINITE_VERB_TAGS]
        if not verbs:
            ents.append(ent)
            continue
        changed = True
        start = ent.start
        for cut in [*verbs, ent.end]:
            if cut > start and headline[start].text[:1].isupper():
                ents.append(Span(headline, start, cut, label=ent.label_))
            start = cut + 1
    if changed:
        headline.ents = ents


INDEX_SUFFIXES = ("sentence_index", "mention_index", "candidate_index")
# participants JSON keys that point at rows of the same article
PARTICIPANT_KEYS = {
    "mention_index": "mention_index",
    "inherited_from_sentence": "sentence_index",
    "inherited_from_candidate": "candidate_index",
}


def _moved(row: T, by: dict[str, int]) -> T:
    """A copy of the dataclass ``row`` with every row index (a field ending in
    ``sentence_index``, ``mention_index`` or ``candidate_index``, and the indexes in
    ``participants``) moved on by ``by[suffix]``."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(row):  # type: ignore[arg-type]
        value = getattr(row, field.name)
        suffix = next((s for s in INDEX_SUFFIXES if field.name.endswith(s)), None)
        if suffix and isinstance(value, int):
            changes[field.name] = value + by[suffix]
    participants = getattr(row, "participants", None)
    if participants:
        items = json.loads(participants)
        for item in items:
            for key, kind in PARTICIPANT_KEYS.items():
                if isinstance(item.get(key), int):
                    item[key] += by[kind]
        changes["participants"] = json.dumps(items, ensure_ascii=False)
    return dataclasses.replace(row, **changes)  # type: ignore[type-var]


def append_headline(
    body: tuple[Sequence[R], Sequence[M], Sequence[C]],
    headline: tuple[Sequence[R], Sequence[M], Sequence[C]],
) -> tuple[tuple[list[R], list[str]], tuple[list[M], list[str]], tuple[list[C], list[str]]]:
    """The article's sentences, mentions and candidates: the body's as parsed alone,
    then the headline's (parsed alone, offsets into the title), each with its list of
    parts (``text_part``, in row order).

    The headline's indexes continue the body's (sentence, mention and candidate
    indexes, and every reference to them), so the body's rows are exactly those of
    the body parsed without a headline.
    """
    # one past the body's highest index (rows are numbered from 0, but never rely on
    # their being gapless)
    by = {
        name: 1 + max((getattr(row, name) for row in rows), default=-1)
        for name, rows in zip(INDEX_SUFFIXES, body, strict=True)
    }
    out = []
    for body_rows, head_rows in zip(body, headline, strict=True):
        rows = [*body_rows, *(_moved(row, by) for row in head_rows)]
        out.append((rows, [BODY_PART] * len(body_rows) + [TITLE_PART] * len(head_rows)))
    return out[0], out[1], out[2]  # type: ignore[return-value]


def _full_name_index(body_people: Sequence[Any], word: str) -> int | None:
    """The mention index of the body's one full name ending (else starting) with
    ``word``; None when there is none or more than one."""
    for position in (-1, 0):
        names = {
            m.text: m.mention_index
            for m in body_people
            if len(words := [w for w in m.text.split() if w.lower() not in HONORIFICS]) >= 2
            and words[position] == word
        }
        if names:
            return next(iter(names.values())) if len(names) == 1 else None
    return None


def link_headline_surnames(
    headline: Doc,
    sentence_offset: int,
    mentions: list[Mention],
    mention_parts: list[str],
    candidates: list[C],
    candidate_parts: list[str],
) -> list[C]:
    """Link the headline's bare surnames to the full names the body gives.

    The headline is parsed alone, so its "Doe resigns" has no antecedent (and the
    tagger may not even call "Doe" a name); the body names "Jane Doe". A one-word
    headline mention without an antecedent (a person, or a word the tagger took for
    an organisation) is linked (``surname``) to the body's one full PERSON name
    ending, else starting, with that word; a capitalised headline word that is no
    mention becomes a PERSON mention so linked (appended after the article's other
    mentions), and a headline clause whose agent, patient or participant is exactly
    that word points at it. ``sentence_offset``: the body's sentence count (the
    headline's sentence indexes follow the body's). ``mentions``/``mention_parts``
    change in place; returns the candidates (changed ones copied).
    """
    body_people = [
        m
        for m, part in zip(mentions, mention_parts, strict=True)
        if part == BODY_PART and m.label == "PERSON"
    ]
    if not body_people:
        return candidates
    candidates = link_headline_role_nouns(mentions, mention_parts, candidates, candidate_parts)
    covered: set[int] = set()
    for mention, part in zip(mentions, mention_parts, strict=True):
        if part != TITLE_PART:
            continue
        covered.update(range(mention.start_char, mention.end_char))
        if mention.antecedent_mention_index is not None:
            continue
        if mention.label != "PERSON" and mention.label not in RELABEL_AS_PERSON:
            continue
        word = mention.text.strip()
        if " " in word or not word[:1].isupper():
            continue
        target = _full_name_index(body_people, word)
        if target is not None:
            mention.antecedent_mention_index = target
            mention.antecedent_link = "surname"
            mention.label = "PERSON"
    added: dict[tuple[int, int], int] = {}
    sentence_of = sentence_index_by_token(headline)
    for token in headline:
        if token.idx in covered or not token.is_alpha or not token.text[:1].isupper():
            continue
        target = _full_name_index(body_people, token.text)
        if target is None or sentence_of[token.i] < 0:
            continue
        span = (token.idx, token.idx + len(token.text))
        added[span] = len(mentions)
        mentions.append(
            Mention(
                mention_index=len(mentions),
                sentence_index=sentence_of[token.i] + sentence_offset,
                start_char=span[0],
                end_char=span[1],
                text=token.text,
                label="PERSON",
                antecedent_mention_index=target,
                antecedent_link="surname",
                start=token.i,
                end=token.i + 1,
            )
        )
        mention_parts.append(TITLE_PART)
    if not added:
        return candidates
    texts = {mentions[index].text: index for index in added.values()}
    return [
        _point_at(candidate, added, texts) if part == TITLE_PART else candidate
        for candidate, part in zip(candidates, candidate_parts, strict=True)
    ]


def _point_at(candidate: C, added: dict[tuple[int, int], int], texts: dict[str, int]) -> C:
    """``candidate`` with its agent, patient and participants that are exactly an
    added mention's words (``added``: offsets, ``texts``: text → index) pointing at
    that mention, where they pointed at none."""
    changes: dict[str, Any] = {}
    for role in ("agent", "patient"):
        span = (getattr(candidate, f"{role}_start_char"), getattr(candidate, f"{role}_end_char"))
        if getattr(candidate, f"{role}_mention_index") is None and span in added:
            changes[f"{role}_mention_index"] = added[span]
    participants = getattr(candidate, "participants", None)
    if participants:
        items = json.loads(participants)
        found = [
            item
            for item in items
            if item.get("mention_index") is None and item.get("text") in texts
        ]
        for item in found:
            item["mention_index"] = texts[item["text"]]
        if found:
            changes["participants"] = json.dumps(items, ensure_ascii=False)
    return dataclasses.replace(candidate, **changes) if changes else candidate  # type: ignore[type-var]


# Pronouns are no common nouns a headline names someone by ("He resigns" says nothing).
HEADLINE_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you"})


def _unnamed_person_phrase(
    candidate: Any, role: str, mentions: Sequence[Mention]
) -> tuple[int, int] | None:
    """Offsets of the candidate's agent or patient when it is a common noun of a person
    the headline does not name ("New York man", "Former aide"): its last word is lower-case,
    and no person mention, nor a mention ending with it, stands for it."""
    text = getattr(candidate, f"{role}_text")
    start, end = getattr(candidate, f"{role}_start_char"), getattr(candidate, f"{role}_end_char")
    if not text or start is None:
        return None
    last = text.split()[-1]
    if not last.isalpha() or not last.islower() or last in HEADLINE_PRONOUNS:
        return None
    index = getattr(candidate, f"{role}_mention_index")
    if index is not None:
        mention = mentions[index]
        if mention.label == "PERSON" or mention.end_char == end:
            return None  # named, or a body ("the ministry") that is a mention of its own
        if mention.antecedent_mention_index is not None:
            return None
    return start, end


def link_headline_role_nouns(
    mentions: Sequence[Mention],
    mention_parts: Sequence[str],
    candidates: list[C],
    candidate_parts: Sequence[str],
) -> list[C]:
    """A headline's unnamed person ("Ruritanian man confesses to ...", "Former aide
    charged with ...") is the person the body names doing the same act: the headline
    clause's agent (patient when passive) that is a common noun of a person
    (:func:`_unnamed_person_phrase`) points at the named person who is the agent (patient)
    of the body's first candidate with the same verb, passive alike and not negated; every
    headline candidate with that phrase as agent or patient then points at that person
    ("... to threatening to kill X": the threat is the pleader's)."""
    body = [
        c
        for c, part in zip(candidates, candidate_parts, strict=True)
        if part == BODY_PART and not c.is_negated  # type: ignore[attr-defined]
    ]
    links: dict[tuple[int, int], int] = {}
    for candidate, part in zip(candidates, candidate_parts, strict=True):
        if part != TITLE_PART:
            continue
        role = "patient" if candidate.is_passive else "agent"  # type: ignore[attr-defined]
        span = _unnamed_person_phrase(candidate, role, mentions)
        if span is None or span in links:
            continue
        for earlier in body:
            index = getattr(earlier, f"{role}_mention_index")
            if (
                earlier.trigger_lemma == candidate.trigger_lemma  # type: ignore[attr-defined]
                and earlier.is_passive == candidate.is_passive  # type: ignore[attr-defined]
                and index is not None
                and mentions[index].label == "PERSON"
                and mention_parts[index] == BODY_PART
            ):
                links[span] = index
                break
    if not links:
        return candidates
    out: list[C] = []
    for candidate, part in zip(candidates, candidate_parts, strict=True):
        changes: dict[str, Any] = {}
        for role in ("agent", "patient"):
            span = (
                getattr(candidate, f"{role}_start_char"),
                getattr(candidate, f"{role}_end_char"),
            )
            if part == TITLE_PART and span in links:
                changes[f"{role}_mention_index"] = links[span]  # type: ignore[index]
        out.append(dataclasses.replace(candidate, **changes) if changes else candidate)  # type: ignore[type-var]
    return out
