"""Targets carried over from the preceding sentences of a paragraph (pure post-processing).

News often names whom an actor acts for in one sentence and the act in the next:
"Macron was in Nairobi to show support for Kenya. Macron pledged 500 million euros
in loans." The pledge names no recipient, so on its own it has no target. A
candidate with an agent mention but no target (no patient mention, no participant
of a target preposition linked to a mention) looks back at most
:data:`MAX_SENTENCES_BACK` sentences in its own paragraph (paragraphs end at a
newline) for the same agent, the same entity by mention, antecedent chain or name,
with a target:

* a candidate's patient mention, or its first participant after to/for/with/against
  linked to a mention; an agentless purpose clause ("... to show support for X")
  counts for the subject of the verb it belongs to;
* else a place the agent "was in" / "arrived in" (a GPE mention).

The nearest sentence wins; in a sentence a candidate's target comes before a place.
The target is appended to ``participants`` as ``{"prep": "to", "text", "lemma",
"mention_index", "inherited_from_sentence", "inherited_from_candidate"}`` (the
candidate index is null for a place), so dbt codes it as the target (prep "to" is
in var ``target_prepositions``) and an analyst can see it was inherited. Reporting
speech ("Blinken said ...") inherits nothing: whom a statement is addressed to is not
where the speaker was ("announced a loan" has an object and does inherit). Inherited
targets are not passed on again, and a negated act passes on none ("India has not
condemned Y. India supported dialogue" is not aimed at Y). Which coded events may
use an inherited target is dbt's choice (var ``inherited_target_roots``).
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc, Token

from newsevents.annotate.events import (
    MAX_CLIMB,
    REPORTING_LEMMAS,
    SPLIT_PREPOSITIONS,
    Candidate,
    own_subjects,
)
from newsevents.annotate.mentions import Mention, doc_text, sentence_index_by_token

LOGGER = logging.getLogger(__name__)

# Two sentences back covers "X visited Y. X met Z. X pledged ..." without reaching
# into a different part of the story.
MAX_SENTENCES_BACK = 2
# Same list as dbt var target_prepositions: a participant after one of these that is
# linked to a mention already gives the candidate a target, so nothing is inherited.
TARGET_PREPOSITIONS = frozenset((*SPLIT_PREPOSITIONS, "of"))
# Participants of an earlier candidate that name whom it was for or with ("support
# for Ukraine", "aid to Kenya", "talks with X", "sanctions against Y").
SOURCE_PREPOSITIONS = frozenset({"to", "for", "with", "against"})
# Labels of mentions that can be actors (dates, laws and events never are targets).
ACTOR_LABELS = frozenset({"PERSON", "ROLE_REF", "GROUP", "GPE", "ORG", "NORP"})
# "X was in Kyiv", "X arrived in Nairobi": the place the agent went to.
PRESENCE_LEMMAS = frozenset({"be", "arrive"})
PRESENCE_PREPOSITION = "in"
PLACE_LABELS = frozenset({"GPE"})
INHERITED_PREP = "to"
# The addressee of a statement is not the place the speaker visited: a reporting verb
# without an object ("said that ...") inherits nothing.
SPEECH_LEMMAS = REPORTING_LEMMAS


@dataclasses.dataclass(frozen=True)
class _Target:
    mention_index: int
    sentence_index: int
    candidate_index: int | None


class _Entities:
    """Entity identity of mentions: the end of the antecedent chain, compared by name."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.by_index = {m.mention_index: m for m in mentions}

    def key(self, mention_index: int | None) -> str | None:
        if mention_index is None or mention_index not in self.by_index:
            return None
        mention = self.by_index[mention_index]
        seen = {mention.mention_index}
        while (
            mention.antecedent_mention_index is not None
            and mention.antecedent_mention_index in self.by_index
            and mention.antecedent_mention_index not in seen
        ):
            mention = self.by_index[mention.antecedent_mention_index]
            seen.add(mention.mention_index)
        return mention.text.casefold()

    def is_actor(self, mention_index: int | None) -> bool:
        mention = self.by_index.get(mention_index) if mention_index is not None else None
        return mention is not None and mention.label in ACTOR_LABELS


def _items(candidate: Candidate) -> list[dict[str, Any]]:
    return list(json.loads(candidate.participants)) if candidate.participants else []


def _has_target(candidate: Candidate) -> bool:
    return candidate.patient_mention_index is not None or any(
        item.get("mention_index") is not None
        and str(item.get("prep", "")).lower() in TARGET_PREPOSITIONS
        for item in _items(candidate)
    )


def _own_target(candidate: Candidate, entities: _Entities, agent_key: str) -> int | None:
    """Mention index of the patient, else of the first for/to/with/against participant.

    The patient counts only when the mention is its head: in "the Biden administration's
    support" Biden is a modifier, not whom the act is aimed at.
    """
    patient = candidate.patient_mention_index
    if patient is not None and entities.by_index[patient].end_char != candidate.patient_end_char:
        patient = None
    found = [patient] + [
        item.get("mention_index")
        for item in _items(candidate)
        if str(item.get("prep", "")).lower() in SOURCE_PREPOSITIONS
    ]
    for index in found:
        if entities.is_actor(index) and entities.key(index) != agent_key:
            return index
    return None


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _controller_subject(verb: Token) -> Token | None:
    """Subject of the verb an agentless purpose clause belongs to ("was in X to show ...")."""
    cur = verb
    for _ in range(MAX_CLIMB):
        if cur.dep_ not in {"advcl", "xcomp", "conj"} or cur.head.i == cur.i:
            return None
        cur = cur.head
        subjects = own_subjects(cur)
        if subjects:
            return subjects[0]
    return None


class _Context:
    """Per-doc lookups built once: sentence → paragraph, token → mention."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.entities = _Entities(mentions)
        text = doc_text(doc)
        newlines = [m.start() for m in re.finditer("\n", text)]
        sent_of = sentence_index_by_token(doc)
        self.paragraph: dict[int, int] = {}
        # per sentence, its words of PRESENCE_LEMMAS (all that places() looks at)
        self.presence: dict[int, list[Token]] = {}
        strings = doc.vocab.strings
        # Arrays, not a Token per word; each lemma is looked up once.
        offsets = doc.to_array("IDX").tolist() if len(doc) else []
        lemmas = doc.to_array("LEMMA").tolist() if len(doc) else []
        # A sentence's paragraph from its first token (a sentence is a run of tokens).
        before = -1
        for i, sentence in enumerate(sent_of):
            if sentence != before and sentence >= 0:
                self.paragraph[sentence] = bisect.bisect_right(newlines, offsets[i])
            before = sentence
        wanted = {lemma for lemma in set(lemmas) if strings[lemma].lower() in PRESENCE_LEMMAS}
        if wanted:
            for i, lemma in enumerate(lemmas):
                if lemma in wanted and sent_of[i] >= 0:
                    self.presence.setdefault(sent_of[i], []).append(doc[i])
        self.mention_of_token: dict[int, int] = {}
        for m in sorted(mentions, key=lambda m: m.end - m.start):
            for i in range(m.start, m.end):
                self.mention_of_token.setdefault(i, m.mention_index)

    def agent_key(self, candidate: Candidate) -> str | None:
        """Entity of the candidate's agent, or of the subject its purpose clause shares."""
        if candidate.agent_mention_index is not None:
            return self.entities.key(candidate.agent_mention_index)
        if candidate.agent_start_char is not None:
            return None
        verb = _token_at(self.doc, candidate.trigger_start_char)
        subject = _controller_subject(verb) if verb is not None else None
        if subject is None:
            return None
        return self.entities.key(self.mention_of_token.get(subject.i))

    def places(self, sentence: int, agent_key: str) -> list[int]:
        """GPE mentions the agent "was in" / "arrived in" in ``sentence``."""
        out: list[int] = []
        for tok in self.presence.get(sentence, []):
            if not any(
                self.entities.key(self.mention_of_token.get(s.i)) == agent_key
                for s in own_subjects(tok)
            ):
                continue
            for prep in tok.children:
                if prep.dep_ != "prep" or prep.lower_ != PRESENCE_PREPOSITION:
                    continue
                for pobj in prep.children:
                    index = self.mention_of_token.get(pobj.i)
                    if (
                        pobj.dep_ == "pobj"
                        and index is not None
                        and self.entities.by_index[index].label in PLACE_LABELS
                    ):
                        out.append(index)
        return out


def _find_target(
    candidate: Candidate,
    agent_key: str,
    by_sentence: dict[int, list[Candidate]],
    ctx: _Context,
) -> _Target | None:
    paragraph = ctx.paragraph.get(candidate.sentence_index)
    for back in range(1, MAX_SENTENCES_BACK + 1):
        sentence = candidate.sentence_index - back
        if sentence < 0 or ctx.paragraph.get(sentence) != paragraph:
            return None
        for earlier in by_sentence.get(sentence, []):
            if ctx.agent_key(earlier) != agent_key or earlier.is_negated:
                continue  # "X has not condemned Y": Y is no one X acts on next
            index = _own_target(earlier, ctx.entities, agent_key)
            if index is not None:
                return _Target(index, sentence, earlier.candidate_index)
        for index in ctx.places(sentence, agent_key):
            return _Target(index, sentence, None)
    return None


def inherit_targets(
    doc: Doc, mentions: Sequence[Mention], candidates: Sequence[Candidate]
) -> list[Candidate]:
    """``candidates`` with targets inherited from earlier sentences (see module docstring)."""
    needy = [
        c
        for c in candidates
        if c.agent_mention_index is not None
        and not (c.trigger_lemma in SPEECH_LEMMAS and c.patient_text is None)
        and not _has_target(c)
    ]
    if not needy:
        return list(candidates)
    ctx = _Context(doc, mentions)
    by_sentence: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_sentence.setdefault(c.sentence_index, []).append(c)
    replaced: dict[int, Candidate] = {}
    for c in needy:
        agent_key = ctx.entities.key(c.agent_mention_index)
        if agent_key is None:
            continue
        target = _find_target(c, agent_key, by_sentence, ctx)
        if target is None:
            continue
        mention = ctx.entities.by_index[target.mention_index]
        item = {
            "prep": INHERITED_PREP,
            "text": mention.text,
            "lemma": doc[mention.start : mention.end].root.lemma_.lower(),
            "mention_index": target.mention_index,
            "inherited_from_sentence": target.sentence_index,
            "inherited_from_candidate": target.candidate_index,
        }
        participants = json.dumps([*_items(c), item], ensure_ascii=False)
        replaced[c.candidate_index] = dataclasses.replace(c, participants=participants)
    return [replaced.get(c.candidate_index, c) for c in candidates]
