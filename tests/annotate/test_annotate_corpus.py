"""Acceptance on the shared seed article (read from ../shared at test time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from newsevents.annotate.events import Candidate
from newsevents.annotate.mentions import Mention
from newsevents.annotate.stage import DocAnnotation, annotate_doc
from spacy.tokens import Doc

ARTICLE = "xi_putin_beijing_2024-05-16.txt"
PUBLISHED = date(2024, 5, 16)


@pytest.fixture(scope="module")
def seed(shared_dir: Path, parse: Callable[[str], Doc]) -> tuple[str, DocAnnotation]:
    path = shared_dir / "corpus" / ARTICLE
    text = path.read_text(encoding="utf-8")
    return text, annotate_doc(parse(text), PUBLISHED)


def _person(result: DocAnnotation, name: str) -> Mention:
    found = [m for m in result.mentions if m.text == name and m.label == "PERSON"]
    assert found, (
        f"{name} not among {sorted({m.text for m in result.mentions if m.label == 'PERSON'})}"
    )
    return found[0]


def _resolve(result: DocAnnotation, index: int | None) -> str | None:
    """Text of the full mention a mention (or its antecedent) stands for."""
    if index is None:
        return None
    mention = result.mentions[index]
    if mention.antecedent_mention_index is not None:
        mention = result.mentions[mention.antecedent_mention_index]
    return mention.text


def _rows(result: DocAnnotation, lemma: str) -> list[Candidate]:
    return [c for c in result.candidates if c.trigger_lemma == lemma]


@pytest.mark.parametrize(
    ("name", "role", "modifier", "affiliation", "source"),
    [
        ("Xi Jinping", "leader", "Chinese", None, "title"),
        ("Vladimir Putin", "President", "Russian", None, "title"),
        ("Volodymyr Zelensky", "President", "Ukrainian", None, "title"),
        ("Antony Blinken", "Secretary of State", None, "US", "title"),
        ("Andrey Belousov", "Defense Minister", None, "Russia", "title"),
        ("Sergei Shoigu", "secretary", None, "Russia", "apposition"),
    ],
)
def test_people_and_their_roles(
    seed: tuple[str, DocAnnotation],
    name: str,
    role: str,
    modifier: str | None,
    affiliation: str | None,
    source: str,
) -> None:
    person = _person(seed[1], name)
    assert (person.role, person.role_modifier, person.affiliation, person.role_source) == (
        role,
        modifier,
        affiliation,
        source,
    )


def test_short_forms_and_role_references_resolve(seed: tuple[str, DocAnnotation]) -> None:
    text, result = seed
    for m in result.mentions:
        assert text[m.start_char : m.end_char] == m.text
    short_xi = [m for m in result.mentions if m.text == "Xi"]
    assert len(short_xi) >= 5
    assert {_resolve(result, m.mention_index) for m in short_xi} == {"Xi Jinping"}
    refs = {
        m.text.lower(): _resolve(result, m.mention_index)
        for m in result.mentions
        if m.label == "ROLE_REF"
    }
    assert refs.get("the russian president") == "Vladimir Putin"
    assert refs.get("the chinese leader") == "Xi Jinping"


def test_xi_and_putin_pledge(seed: tuple[str, DocAnnotation]) -> None:
    _, result = seed
    for lemma in ("pledge", "deepen"):
        rows = [c for c in _rows(result, lemma) if c.sentence_index == 0]
        assert {_resolve(result, c.agent_mention_index) for c in rows} == {
            "Xi Jinping",
            "Vladimir Putin",
        }
        assert {c.event_date for c in rows} == {PUBLISHED}
    deepen = [c for c in _rows(result, "deepen") if c.sentence_index == 0]
    assert {c.object_lemma for c in deepen} == {"partnership"}


def test_putin_welcomed_by_xi(seed: tuple[str, DocAnnotation]) -> None:
    _, result = seed
    rows = [
        c
        for c in _rows(result, "welcome")
        if c.is_passive
        and _resolve(result, c.agent_mention_index) == "Xi Jinping"
        and _resolve(result, c.patient_mention_index) == "Vladimir Putin"
    ]
    assert rows
    assert any(p["prep"] == "to" and "Beijing" in p["text"] for p in _participants(rows[0]))


def _participants(candidate: Candidate) -> list[dict[str, object]]:
    import json

    return json.loads(candidate.participants or "[]")


def test_blinken_pledges_financing(seed: tuple[str, DocAnnotation]) -> None:
    _, result = seed
    rows = [
        c
        for c in _rows(result, "pledge")
        if _resolve(result, c.agent_mention_index) == "Antony Blinken"
    ]
    assert len(rows) == 1
    assert rows[0].object_lemma == "financing"
    assert "in" in (rows[0].prepositions or "").split()
    assert not rows[0].is_negated


def test_never_condemned_is_negated(seed: tuple[str, DocAnnotation]) -> None:
    _, result = seed
    rows = _rows(result, "condemn")
    assert rows
    assert all(c.is_negated for c in rows)
    assert {
        result.mentions[c.agent_mention_index].text
        for c in rows
        if c.agent_mention_index is not None
    } == {"Beijing"}


def test_reported_discussion(seed: tuple[str, DocAnnotation]) -> None:
    _, result = seed
    rows = _rows(result, "discuss")
    assert {c.reported_by_text for c in rows} == {"Putin"}
    assert {c.modality for c in rows} == {"will"}
    assert {_resolve(result, c.agent_mention_index) for c in rows} == {
        "Vladimir Putin",
        "Xi Jinping",
    }
    assert {c.event_date for c in rows} == {PUBLISHED}
