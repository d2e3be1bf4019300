"""Targets inherited from the preceding sentences of a paragraph (hand-written sentences)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from newsevents.annotate.discourse import inherit_targets
from newsevents.annotate.events import Candidate, extract_candidates
from newsevents.annotate.mentions import extract_mentions
from newsevents.annotate.stage import DocAnnotation, annotate_doc
from spacy.tokens import Doc

PUBLISHED = date(2024, 5, 16)
VISIT = "French President Emmanuel Macron was in Nairobi on Monday to show support for Kenya."
PLEDGE = "Macron pledged 500 million euros in development loans."


@pytest.fixture(scope="module")
def annotate(parse: Callable[[str], Doc]) -> Callable[[str], DocAnnotation]:
    """Text → the stage's annotation (the path the pipeline takes)."""
    return lambda text: annotate_doc(parse(text), PUBLISHED)


def _one(result: DocAnnotation, lemma: str) -> Candidate:
    (row,) = [c for c in result.candidates if c.trigger_lemma == lemma]
    return row


def _inherited(candidate: Candidate) -> list[dict[str, Any]]:
    items = json.loads(candidate.participants or "[]")
    return [item for item in items if "inherited_from_sentence" in item]


def test_pledge_inherits_the_target_of_the_same_agents_previous_sentence(
    annotate: Callable[[str], DocAnnotation],
) -> None:
    result = annotate(f"{VISIT} {PLEDGE}")
    show, pledge = _one(result, "show"), _one(result, "pledge")
    (item,) = _inherited(pledge)
    assert item["prep"] == "to"
    assert item["text"] == "Kenya"
    assert item["lemma"] == "kenya"
    assert result.mentions[item["mention_index"]].text == "Kenya"
    assert item["inherited_from_sentence"] == show.sentence_index == 0
    assert item["inherited_from_candidate"] == show.candidate_index
    # The clause's own participants are kept, in front; nothing else changes.
    own = json.loads(pledge.participants or "[]")[0]
    assert (own["prep"], own["text"]) == ("in", "development loans")
    assert pledge.prepositions == "in"
    assert pledge.patient_mention_index is None
    # The source sentence itself is untouched.
    assert not _inherited(show)


def test_different_agent_inherits_nothing(annotate: Callable[[str], DocAnnotation]) -> None:
    result = annotate(
        f"{VISIT} German Chancellor Olaf Scholz pledged 500 million euros in development loans."
    )
    assert not _inherited(_one(result, "pledge"))


def test_no_inheritance_across_paragraphs(annotate: Callable[[str], DocAnnotation]) -> None:
    result = annotate(f"{VISIT}\n{PLEDGE}")
    pledge = _one(result, "pledge")
    assert pledge.sentence_index == 1
    assert not _inherited(pledge)


def test_at_most_two_sentences_back(annotate: Callable[[str], DocAnnotation]) -> None:
    two_back = annotate(f"{VISIT} The visit lasted two days. {PLEDGE}")
    (item,) = _inherited(_one(two_back, "pledge"))
    assert item["text"] == "Kenya"
    three_back = annotate(
        f"{VISIT} The visit lasted two days. Officials described the talks as warm. {PLEDGE}"
    )
    assert not _inherited(_one(three_back, "pledge"))


def test_own_target_and_bare_speech_inherit_nothing(
    annotate: Callable[[str], DocAnnotation],
) -> None:
    result = annotate(
        f"{VISIT} Macron pledged 500 million euros to Ethiopia and said the region needed help."
    )
    pledge = _one(result, "pledge")
    assert [i["text"] for i in json.loads(pledge.participants or "[]")] == ["Ethiopia"]
    assert not _inherited(_one(result, "say"))


def test_place_the_agent_arrived_in(annotate: Callable[[str], DocAnnotation]) -> None:
    result = annotate(
        "Japanese Prime Minister Fumio Kishida arrived in Manila on Friday. "
        "Kishida announced a loan of 200 million dollars and said the talks went well."
    )
    (item,) = _inherited(_one(result, "announce"))
    assert (item["text"], item["inherited_from_sentence"]) == ("Manila", 0)
    assert item["inherited_from_candidate"] is None  # a place, not a candidate's target
    # "said the talks went well" reports speech: no target inherited.
    assert not _inherited(_one(result, "say"))


def test_modifier_of_the_patient_is_not_a_target(parse: Callable[[str], Doc]) -> None:
    """In "the Biden administration's support for X" the target is X, not Biden."""
    doc = parse(
        "US Secretary of State Antony Blinken was in Warsaw to reaffirm the Biden "
        "administration's support for Poland. Blinken pledged $1 billion in financing."
    )
    mentions = extract_mentions(doc)
    before = extract_candidates(doc, mentions, PUBLISHED)
    after = inherit_targets(doc, mentions, before)
    assert len(after) == len(before)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert [b.trigger_lemma for b, _ in changed] == ["pledge"]
    (item,) = _inherited(changed[0][1])
    assert item["text"] == "Poland"


def test_a_negated_act_passes_on_no_target(annotate: Callable[[str], DocAnnotation]) -> None:
    negated = annotate("Macron has not visited Kenya. Macron pledged new loans.")
    assert _inherited(_one(negated, "pledge")) == []
    done = annotate("Macron visited Kenya. Macron pledged new loans.")
    assert [item["text"] for item in _inherited(_one(done, "pledge"))] == ["Kenya"]
