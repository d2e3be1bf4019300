"""Invariants of the Doc → rows functions on generated and awkward text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newsevents.annotate.stage import DocAnnotation, annotate_doc
from spacy.tokens import Doc

RESOLUTIONS = {"exact", "range", "article_date", "unresolved"}
WORDS = [
    "President", "Minister", "the", "Russian", "Chinese", "leader", "Anna", "Keller",
    "Keller", "said", "says", "he", "will", "not", "never", "met", "pledged", "to",
    "deepen", "ties", "with", "France", "Paris", "on", "Thursday", "last", "week",
    "was", "welcomed", "by", "and", ",", ".", "’s", "Secretary", "of", "State",
    "expected", "sanctions", "in", "2020", "May", "16", "\n", "—", "who", "which",
]  # fmt: skip


def check(text: str, result: DocAnnotation) -> None:
    """Offsets slice the text, indexes are dense, links point backwards or to a fuller name."""
    for s in result.sentences:
        assert text[s.start_char : s.end_char] == s.text and s.text.strip() == s.text
    n_sentences = len(result.sentences)
    assert [m.mention_index for m in result.mentions] == list(range(len(result.mentions)))
    for m in result.mentions:
        assert text[m.start_char : m.end_char] == m.text
        assert 0 <= m.sentence_index < n_sentences
        if m.antecedent_mention_index is not None:
            antecedent = result.mentions[m.antecedent_mention_index]
            assert antecedent.mention_index != m.mention_index and antecedent.label == "PERSON"
            assert m.antecedent_link in {"surname", "role_reference"}
            if antecedent.start_char > m.start_char:
                # A short form before its full name links forward, to a longer name
                # holding it as one of its words (a headline's surname, the body's name).
                assert m.antecedent_link == "surname"
                assert m.text in antecedent.text.split() and antecedent.text != m.text
    assert [c.candidate_index for c in result.candidates] == list(range(len(result.candidates)))
    for c in result.candidates:
        assert text[c.trigger_start_char : c.trigger_end_char] == c.trigger_text
        assert 0 <= c.sentence_index < n_sentences
        assert c.date_resolution in RESOLUTIONS
        if c.date_resolution in {"exact", "article_date"}:
            assert c.event_date == c.event_date_start == c.event_date_end is not None
        if c.date_resolution == "range":
            assert c.event_date is None and c.event_date_start <= c.event_date_end  # type: ignore[operator]
        for index in (c.agent_mention_index, c.patient_mention_index, c.reported_by_mention_index):
            assert index is None or 0 <= index < len(result.mentions)
        if c.agent_text is not None:
            assert text[c.agent_start_char : c.agent_end_char] == c.agent_text  # type: ignore[misc]


def test_awkward_texts(parse: Callable[[str], Doc]) -> None:
    for text in [
        "", "   \n  ", "Putin", "the president", "\n\nXi Jinping\n\nXi.\n", "President",
        "Minister Anna Minister", "Keller said.\nAnna Keller met Paris.",
    ]:  # fmt: skip
        check(text, annotate_doc(parse(text), date(2024, 5, 16)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_generated_text(parse: Callable[[str], Doc], words: list[str]) -> None:
    text = " ".join(words)
    check(text, annotate_doc(parse(text), date(2024, 5, 16)))
