"""Event candidates from the dependency parse (pure functions of a spaCy ``Doc``).

One candidate per (predicate, agent, patient): every verb with at least an agent
or a patient. What dbt gets, and how it is derived:

* agent / patient: the subject and direct object; in the passive ("was welcomed
  by Xi") the ``by`` phrase is the agent and the subject the patient. Coordinated
  subjects or objects ("Xi and Putin pledged") give one row each. A verb without
  its own subject takes it from the verb it is coordinated with ("met and
  signed"), from its governing verb when it is an ``xcomp`` ("pledged to deepen":
  the object of the governor when it has one, "urged Russia to withdraw"), or
  when it is a subjectless participle ("..., noting ..."). Relative pronouns are
  replaced by the noun they modify. Spans are the noun phrase up to its head;
  ``*_mention_index`` is the entity mention containing the head (PERSON first),
  else one overlapping the phrase ("Russia's invasion" → Russia).
* ``object_lemma``: the lemma of the logical object's head; when that head is an
  amount ("$2 billion in financing", "a number of troops") the head of its
  ``in``/``of`` phrase is used instead ("financing").
* ``prepositions``: the non-temporal prepositions on the verb and on the object,
  in text order ("in"); ``participants``: JSON list of their objects,
  ``{"prep", "text", "lemma", "mention_index"}``, so dbt can match
  "meet with X" or "send weapons to X".
* ``is_negated``: a ``neg`` dependent ("never", "not"), a negated governor or
  one like "refused to" for an ``xcomp``, or an object determined by "no".
* ``modality``: a modal auxiliary (will, would, may, might, could, should, can,
  must, shall), else the governing verb of an ``xcomp`` ("expected_to",
  "plans_to", "hopes_to", "pledges_to", ...), else inherited from the governing
  verb of an ``xcomp``/shared-subject ``conj``.
* reported speech: a clause under a reporting verb ("Putin says he and Xi will
  discuss ...") gets ``reported_by_*`` from that verb's subject; "according to X"
  counts too. A bare he/she agent inside it is linked to the speaker's mention.
* dates: the first time-point expression in the verb's own clause (nested
  clauses excluded, ``xcomp`` included; ``xcomp``/``conj`` inherit their
  governor's), resolved by :mod:`newsevents.annotate.dates`; none → the article
  date with ``date_resolution`` 'article_date'.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Token

from newsevents.annotate.dates import WEEKDAYS, article_date, is_time_point, resolve_date
from newsevents.annotate.mentions import (
    Mention,
    doc_text,
    sentence_bounds,
    sentence_index_by_token,
)

LOGGER = logging.getLogger(__name__)

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj"})
PREP_DEPS = frozenset({"prep", "dative"})
# Dependents that start a clause of their own: their dates, negation and
# arguments are not the governing verb's.
CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "parataxis", "csubj", "conj"})
RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that"})
PERSONAL_PRONOUNS = frozenset({"he", "she"})
MODAL_LEMMAS = {
    "will": "will",
    "'ll": "will",
    "wo": "will",
    "would": "would",
    "'d": "would",
    "may": "may",
    "might": "might",
    "could": "could",
    "can": "can",
    "ca": "can",
    "should": "should",
    "must": "must",
    "shall": "shall",
}
# Governing verbs of an xcomp that make it a plan, hope or expectation.
CONTROL_MODALITY = {
    "expect": "expected_to",
    "plan": "plans_to",
    "hope": "hopes_to",
    "intend": "intends_to",
    "want": "wants_to",
    "aim": "aims_to",
    "seek": "seeks_to",
    "try": "tries_to",
    "attempt": "attempts_to",
    "promise": "promises_to",
    "pledge": "pledges_to",
    "vow": "vows_to",
    "threaten": "threatens_to",
    "agree": "agrees_to",
    "offer": "offers_to",
    "propose": "proposes_to",
    "prepare": "prepares_to",
    "schedule": "scheduled_to",
    "set": "set_to",
    "likely": "likely_to",
}
# Governing verbs of an xcomp that deny it happened ("refused to meet").
NEGATING_CONTROL = frozenset({"refuse", "decline", "fail"})
REPORTING_LEMMAS = frozenset(
    {
        "say",
        "tell",
        "claim",
        "announce",
        "state",
        "add",
        "note",
        "insist",
        "warn",
        "declare",
        "report",
        "allege",
        "argue",
        "stress",
        "suggest",
        "write",
        "proclaim",
        "confirm",
        "reaffirm",
        "assert",
        "believe",
        "think",
    }
)
AMOUNT_ENTITY_LABELS = frozenset({"MONEY", "CARDINAL", "QUANTITY", "PERCENT"})
AMOUNT_NOUNS = frozenset({"number", "lot", "amount", "total", "sum", "package", "batch"})
TEMPORAL_LABELS = frozenset({"DATE", "TIME"})
DATE_WORDS = frozenset({"yesterday", "today", "tomorrow", "tonight"})
# Single words the NER sometimes leaves untagged but that name a day.
BARE_DATE_WORDS = DATE_WORDS | frozenset(WEEKDAYS)
LABEL_PRIORITY = {"PERSON": 0, "ROLE_REF": 1, "GPE": 2, "ORG": 3, "NORP": 4, "FAC": 5, "LOC": 6}
MAX_CLIMB = 8  # levels climbed looking for a reporting verb; deeper is a parse accident


@dataclass(frozen=True)
class Candidate:
    """One row of raw.event_candidates (without article id and annotator version)."""

    candidate_index: int
    sentence_index: int
    trigger_text: str
    trigger_lemma: str
    trigger_start_char: int
    trigger_end_char: int
    particle: str | None
    prepositions: str | None
    object_lemma: str | None
    agent_text: str | None
    agent_start_char: int | None
    agent_end_char: int | None
    agent_mention_index: int | None
    patient_text: str | None
    patient_start_char: int | None
    patient_end_char: int | None
    patient_mention_index: int | None
    participants: str | None
    is_passive: bool
    is_negated: bool
    modality: str | None
    reported_by_text: str | None
    reported_by_mention_index: int | None
    date_text: str | None
    event_date: date | None
    event_date_start: date | None
    event_date_end: date | None
    date_resolution: str


class MentionIndex:
    """Find the entity mention for a token or a token range."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self._by_token: dict[int, list[Mention]] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                self._by_token.setdefault(i, []).append(m)

    @staticmethod
    def _best(found: Iterable[Mention]) -> Mention | None:
        ranked = sorted(found, key=lambda m: (LABEL_PRIORITY.get(m.label, 9), m.start))
        return ranked[0] if ranked else None

    def for_phrase(self, head: int, start: int, end: int) -> Mention | None:
        """Mention containing ``head``, else the best one overlapping [start, end)."""
        best = self._best(self._by_token.get(head, []))
        if best is not None:
            return best
        return self._best(m for i in range(start, end) for m in self._by_token.get(i, []))


def expand_conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the tokens coordinated with it ("Xi and Putin" → [Xi, Putin])."""
    out = [tok]
    for child in tok.children:
        if child.dep_ == "conj" and child.pos_ != "VERB":
            out.extend(expand_conjuncts(child))
    return out


def phrase_bounds(head: Token) -> tuple[int, int]:
    """Token range of the noun phrase ending at ``head`` (its left dependents, no conjuncts)."""
    left = head.i
    for child in head.lefts:
        if child.dep_ not in {"cc", "conj", "punct", "preconj"}:
            left = min(left, child.left_edge.i)
    end = head.i + 1
    if head.ent_iob_ in {"B", "I"}:
        while end < len(head.doc) and head.doc[end].ent_iob_ == "I":
            end += 1
    return left, end


def resolve_relative(tok: Token) -> Token:
    """A relative pronoun stands for the noun its clause modifies."""
    if tok.lower_ not in RELATIVE_PRONOUNS:
        return tok
    cur = tok
    for _ in range(MAX_CLIMB):
        if cur.dep_ == "relcl":
            return cur.head
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return tok


def is_passive(verb: Token) -> bool:
    if any(c.dep_ in {"auxpass", "nsubjpass", "csubjpass"} for c in verb.children):
        return True
    return verb.dep_ == "acl" and verb.tag_ == "VBN"


def own_subjects(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in SUBJECT_DEPS]


def subjects(verb: Token, depth: int = 0) -> list[Token]:
    """Grammatical subjects of ``verb``, inherited where English leaves them out."""
    found = own_subjects(verb)
    if found or depth > MAX_CLIMB:
        return found
    head = verb.head
    if head.i == verb.i:
        return []
    if verb.dep_ == "conj" and head.pos_ in {"VERB", "AUX"}:
        return subjects(head, depth + 1)
    if verb.dep_ == "xcomp":
        objects = [c for c in head.children if c.dep_ in OBJECT_DEPS]
        return objects or subjects(head, depth + 1)
    if verb.dep_ == "advcl" and verb.tag_ in {"VBG", "VBN"} and not _has_marker(verb):
        return subjects(head, depth + 1)
    if verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN", "PRON"} and not is_passive(verb):
        return [head]
    return []


def _has_marker(verb: Token) -> bool:
    return any(c.dep_ == "mark" for c in verb.children)


def agents_and_patients(verb: Token) -> tuple[list[Token], list[Token]]:
    """Heads of the logical agents and patients (relative pronouns resolved)."""
    subj = [resolve_relative(t) for s in subjects(verb) for t in expand_conjuncts(s)]
    objects = [
        resolve_relative(t)
        for c in verb.children
        if c.dep_ in OBJECT_DEPS
        for t in expand_conjuncts(c)
    ]
    if not is_passive(verb):
        return subj, objects
    by_agents = [
        t
        for c in verb.children
        if c.dep_ == "agent"
        for p in c.children
        if p.dep_ == "pobj"
        for t in expand_conjuncts(p)
    ]
    patients = subj
    if verb.dep_ == "acl" and not patients and verb.head.pos_ in {"NOUN", "PROPN"}:
        patients = [verb.head]
    return by_agents, patients + objects


def is_amount(tok: Token) -> bool:
    return tok.like_num or tok.ent_type_ in AMOUNT_ENTITY_LABELS or tok.lower_ in AMOUNT_NOUNS


def object_lemma(patient: Token | None) -> str | None:
    """Lemma of the object's head; for an amount, the head of its in/of phrase."""
    if patient is None:
        return None
    if is_amount(patient):
        for prep in patient.children:
            if prep.dep_ == "prep" and prep.lower_ in {"in", "of"}:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        return pobj.lemma_.lower()
    return patient.lemma_.lower()


def _is_temporal(pobj: Token) -> bool:
    return pobj.ent_type_ in TEMPORAL_LABELS or pobj.lower_ in DATE_WORDS


def _prep_phrases(heads: Iterable[Token | None]) -> list[tuple[Token, Token]]:
    """(preposition, object) pairs attached to the given heads, non-temporal, in text order."""
    pairs: list[tuple[Token, Token]] = []
    for head in heads:
        if head is None:
            continue
        for prep in head.children:
            if prep.dep_ not in PREP_DEPS or prep.pos_ != "ADP":
                continue
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and not _is_temporal(pobj):
                    pairs.extend((prep, t) for t in expand_conjuncts(pobj))
    pairs.sort(key=lambda pair: (pair[0].i, pair[1].i))
    return pairs


def is_negated(verb: Token, depth: int = 0) -> bool:
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    for c in verb.children:
        if c.dep_ in OBJECT_DEPS and any(d.dep_ == "det" and d.lower_ == "no" for d in c.children):
            return True
    if verb.dep_ == "xcomp" and depth < MAX_CLIMB:
        head = verb.head
        return head.lemma_.lower() in NEGATING_CONTROL or is_negated(head, depth + 1)
    return False


def modality(verb: Token, depth: int = 0) -> str | None:
    for c in verb.children:
        if c.dep_ == "aux" and c.tag_ == "MD":
            return MODAL_LEMMAS.get(c.lower_, c.lower_)
    if depth >= MAX_CLIMB:
        return None
    head = verb.head
    if verb.dep_ == "xcomp":
        lemma = head.lemma_.lower()
        if lemma in CONTROL_MODALITY:
            return CONTROL_MODALITY[lemma]
        if lemma == "go" and head.tag_ == "VBG":
            return "will"
        return modality(head, depth + 1)
    if verb.dep_ == "conj" and not own_subjects(verb) and head.pos_ in {"VERB", "AUX"}:
        return modality(head, depth + 1)
    return None


def reporter(verb: Token) -> Token | None:
    """Subject head of the reporting verb this clause is said under, or of "according to"."""
    cur = verb
    for _ in range(MAX_CLIMB):
        head = cur.head
        if head.i == cur.i:
            break
        if cur.dep_ in {"ccomp", "parataxis"} and head.lemma_.lower() in REPORTING_LEMMAS:
            subj = own_subjects(head)
            if subj:
                return resolve_relative(subj[0])
            break
        if cur.dep_ not in {"conj", "xcomp", "ccomp", "advcl"}:
            break
        cur = head
    if "ccording to" not in doc_text(verb.doc):
        return None
    start, end = sentence_bounds(verb.doc, verb.i)
    for tok in verb.doc[start:end]:
        if tok.lower_ == "according":
            for to in tok.children:
                if to.lower_ == "to":
                    for pobj in to.children:
                        if pobj.dep_ == "pobj":
                            return pobj
    return None


def clause_tokens(verb: Token) -> list[Token]:
    """Tokens of the verb's own clause: its subtree minus nested clauses (xcomp kept)."""
    out: list[Token] = []
    stack = [verb]
    while stack:
        tok = stack.pop()
        out.append(tok)
        for child in tok.children:
            if child.dep_ in CLAUSE_DEPS and (
                child.pos_ in {"VERB", "AUX"} or child.dep_ != "conj"
            ):
                continue
            stack.append(child)
    return sorted(out, key=lambda t: t.i)


DATED_SENTENCES_KEY = "newsevents_dated_sentences"


def _sentence_may_hold_date(verb: Token) -> bool:
    """Cheap pre-check: does the verb's sentence hold any DATE/TIME entity or day word?"""
    doc = verb.doc
    dated = doc.user_data.get(DATED_SENTENCES_KEY)
    if dated is None:
        sent_of = sentence_index_by_token(doc)
        day_words = {doc.vocab.strings.add(w) for w in BARE_DATE_WORDS}
        # Array access avoids building a Token object per token.
        lowers = doc.to_array("LOWER").tolist() if len(doc) else []
        dated = doc.user_data[DATED_SENTENCES_KEY] = {
            sent_of[i] for i, lower in enumerate(lowers) if lower in day_words
        } | {sent_of[ent.start] for ent in doc.ents if ent.label_ in TEMPORAL_LABELS}
    return sentence_index_by_token(doc)[verb.i] in dated


def date_expression(verb: Token, depth: int = 0) -> tuple[int, int] | None:
    """Token range of the first time-point expression in the verb's clause."""
    if not _sentence_may_hold_date(verb):
        return None
    doc = verb.doc
    for tok in clause_tokens(verb):
        if tok.ent_type_ in TEMPORAL_LABELS and tok.ent_iob_ == "B":
            end = tok.i + 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            if is_time_point(doc[tok.i : end].text):
                return tok.i, end
        elif not tok.ent_type_ and tok.lower_ in BARE_DATE_WORDS:
            return tok.i, tok.i + 1
    if verb.dep_ in {"xcomp", "conj"} and depth < MAX_CLIMB and verb.head.i != verb.i:
        return date_expression(verb.head, depth + 1)
    return None


@dataclass(frozen=True)
class _Phrase:
    text: str | None = None
    start_char: int | None = None
    end_char: int | None = None
    mention_index: int | None = None


def _phrase(tok: Token | None, index: MentionIndex) -> _Phrase:
    if tok is None:
        return _Phrase()
    start, end = phrase_bounds(tok)
    doc = tok.doc
    start_char = doc[start].idx
    end_char = doc[end - 1].idx + len(doc[end - 1].text)
    mention = index.for_phrase(tok.i, start, end)
    return _Phrase(
        doc_text(doc)[start_char:end_char],
        start_char,
        end_char,
        mention.mention_index if mention else None,
    )


def _participants(pairs: list[tuple[Token, Token]], index: MentionIndex) -> str | None:
    items = []
    for prep, pobj in pairs:
        phrase = _phrase(pobj, index)
        items.append(
            {
                "prep": prep.lower_,
                "text": phrase.text,
                "lemma": pobj.lemma_.lower(),
                "mention_index": phrase.mention_index,
            }
        )
    return json.dumps(items, ensure_ascii=False) if items else None


def _date_fields(verb: Token, published: date | None) -> dict[str, object]:
    found = date_expression(verb)
    if found is None:
        resolved = article_date(published)
        date_text = None
    else:
        start, end = found
        doc = verb.doc
        root = doc[start:end].root
        # Keep the preposition governing the expression ("on Thursday"), not one
        # that governs a larger phrase ("in Thursday's statement").
        has_prep = start > 0 and doc[start - 1].pos_ == "ADP" and root.head.i == start - 1
        text_start = start - 1 if has_prep else start
        date_text = doc[text_start:end].text.strip()
        resolved = resolve_date(doc[start:end].text, published)
    return {
        "date_text": date_text,
        "event_date": resolved.event_date,
        "event_date_start": resolved.start,
        "event_date_end": resolved.end,
        "date_resolution": resolved.resolution,
    }


def extract_candidates(
    doc: Doc, mentions: Sequence[Mention], published: date | None
) -> list[Candidate]:
    """Event candidates of ``doc``; see the module docstring for every field."""
    index = MentionIndex(mentions)
    mention_by_index = {m.mention_index: m for m in mentions}
    sent_of = sentence_index_by_token(doc)
    out: list[Candidate] = []
    for verb in doc:
        if verb.pos_ != "VERB":
            continue
        agents, patients = agents_and_patients(verb)
        if not agents and not patients:
            continue
        speaker_tok = reporter(verb)
        speaker = _phrase(speaker_tok, index)
        passive = is_passive(verb)
        shared = {
            "sentence_index": sent_of[verb.i],
            "trigger_text": verb.text,
            "trigger_lemma": verb.lemma_.lower(),
            "trigger_start_char": verb.idx,
            "trigger_end_char": verb.idx + len(verb.text),
            "particle": next((c.lower_ for c in verb.children if c.dep_ == "prt"), None),
            "is_passive": passive,
            "is_negated": is_negated(verb),
            "modality": modality(verb),
            "reported_by_text": speaker.text,
            "reported_by_mention_index": speaker.mention_index,
            **_date_fields(verb, published),
        }
        agent_toks: list[Token | None] = [*agents] or [None]
        patient_toks: list[Token | None] = [*patients] or [None]
        for agent_tok in agent_toks:
            agent = _phrase(agent_tok, index)
            if (
                agent_tok is not None
                and agent_tok.lower_ in PERSONAL_PRONOUNS
                and speaker.mention_index is not None
                and mention_by_index[speaker.mention_index].label == "PERSON"
            ):
                # "Putin says he ...": the pronoun is the speaker.
                agent = _Phrase(agent.text, agent.start_char, agent.end_char, speaker.mention_index)
            for patient_tok in patient_toks:
                patient = _phrase(patient_tok, index)
                pairs = _prep_phrases([verb, patient_tok if not passive else None])
                preps = " ".join(dict.fromkeys(p.lower_ for p, _ in pairs)) or None
                out.append(
                    Candidate(
                        candidate_index=len(out),
                        prepositions=preps,
                        object_lemma=object_lemma(patient_tok),
                        agent_text=agent.text,
                        agent_start_char=agent.start_char,
                        agent_end_char=agent.end_char,
                        agent_mention_index=agent.mention_index,
                        patient_text=patient.text,
                        patient_start_char=patient.start_char,
                        patient_end_char=patient.end_char,
                        patient_mention_index=patient.mention_index,
                        participants=_participants(pairs, index),
                        **shared,  # type: ignore[arg-type]
                    )
                )
    return out
