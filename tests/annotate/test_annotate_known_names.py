"""Known multi-word names of the dictionary win over the NER's pieces (issue 11, section 3).

Invented sentences and an invented seeds folder; the pipe as the stage builds it
(``load_model``) is checked on names the committed seeds hold.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from newsevents.annotate.known_names import PIPE_NAME, KnownNames, known_names
from newsevents.annotate.mentions import extract_mentions
from spacy.language import Language
from spacy.tokens import Doc, Span


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    _write(
        tmp_path / "actor_dictionary.csv",
        ["name", "actor_type", "country_code", "sector", "wikidata_id"],
        [
            ["Lena Markova", "person", "CZE", "GOV", ""],
            ["Valley Water Board", "organization", "", "", ""],
        ],
    )
    _write(tmp_path / "actor_aliases.csv", ["alias", "name"], [["Markova", "Lena Markova"]])
    _write(
        tmp_path / "imported" / "phoenix_actors.csv",
        ["name", "actor_type", "country_code", "sector", "phoenix_code", "source_file"],
        [
            ["Harbour and Coast Protection", "organization", "USA", "GOV", "USAGOV", "x"],
            ["Ruritania Secretary of Fisheries", "organization", "RUR", "GOV", "x", "x"],
            ["Valley Water Board", "person", "", "", "x", "x"],
        ],
    )
    _write(
        tmp_path / "imported" / "phoenix_actor_aliases.csv",
        ["alias", "name"],
        [["US Harbour and Coast Protection", "Harbour and Coast Protection"]],
    )
    _write(
        tmp_path / "imported" / "places.csv",
        ["place", "country_code", "place_type"],
        [["North Vale", "RUR", "city"]],
    )
    return tmp_path


def test_known_names_take_labels_from_the_dictionary_curated_first(seeds: Path) -> None:
    names = known_names(seeds)
    assert names["Lena Markova"] == "PERSON"
    assert names["Valley Water Board"] == "ORG"  # the curated type wins over the imported one
    assert names["North Vale"] == "GPE"
    # "US X" in the dictionary is written "U.S. X" or plain "X" in news.
    assert names["U.S. Harbour and Coast Protection"] == "ORG"
    assert names["Harbour and Coast Protection"] == "ORG"


def _doc(nlp: Language, text: str, ents: list[tuple[str, str]]) -> Doc:
    """``text`` tokenised, with ``ents`` as the NER's entities."""
    doc = nlp.make_doc(text)
    spans = []
    for entity, label in ents:
        start = text.index(entity)
        span = doc.char_span(start, start + len(entity), label=label)
        assert span is not None
        spans.append(span)
    doc.ents = spans
    return doc


def test_a_known_name_replaces_the_ners_pieces_and_keeps_fuller_names(
    nlp: Language, seeds: Path
) -> None:
    pipe = KnownNames(nlp, seeds)
    ents = [("Harbour", "ORG"), ("Coast Protection", "ORG"), ("Lena Markova", "ORG")]
    doc = pipe(_doc(nlp, "Harbour and Coast Protection thanked Lena Markova.", ents))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Harbour and Coast Protection", "ORG"),
        ("Lena Markova", "PERSON"),  # the dictionary knows better than the NER's ORG
    ]
    # A fuller name the NER found around a known one stays whole.
    text = "The North Vale Valley Water Board Trust met."
    doc = pipe(_doc(nlp, text, [("North Vale Valley Water Board Trust", "ORG")]))
    assert [e.text for e in doc.ents] == ["North Vale Valley Water Board Trust"]
    # Titles stay titles: an office the dictionary lists is no name in text.
    text = "Ruritania Secretary of Fisheries Lena Markova spoke."
    doc = pipe(_doc(nlp, text, [("Ruritania", "GPE"), ("Lena Markova", "PERSON")]))
    assert [e.text for e in doc.ents] == ["Ruritania", "Lena Markova"]
    # Single words are the NER's ("Markova" is an alias, but one word) and case counts.
    doc = pipe(_doc(nlp, "Markova visited north vale.", []))
    assert list(doc.ents) == []


def test_the_stage_model_has_the_pipe_and_mentions_use_it(
    nlp: Language, parse: Callable[[str], Doc]
) -> None:
    assert nlp.pipe_names[-1] == PIPE_NAME
    pipe = nlp.get_pipe(PIPE_NAME)
    assert len(pipe.names) > 20_000  # curated + imported names, countries and places
    doc = parse("Officers of U.S. Customs and Border Protection met the mayor on Tuesday.")
    texts = [m.text for m in extract_mentions(doc)]
    assert "U.S. Customs and Border Protection" in texts
    assert "Customs" not in texts and "Border Protection" not in texts


def test_matching_is_cheap(nlp: Language, parse: Callable[[str], Doc]) -> None:
    """Looking names up costs little next to parsing (issue 11: at most 10 % slower)."""
    pipe = nlp.get_pipe(PIPE_NAME)
    text = " ".join(
        ["Lena Markova of the Valley Water Board met officials in North Vale on Monday."] * 60
    )
    doc = parse(text)
    started = time.process_time()
    for _ in range(10):
        pipe.matches(doc)
    per_doc = (time.process_time() - started) / 10
    started = time.process_time()
    parse(text)
    parse_time = time.process_time() - started
    assert per_doc < 0.1 * parse_time, (per_doc, parse_time)


def test_spans_are_entity_spans(nlp: Language, seeds: Path) -> None:
    pipe = KnownNames(nlp, seeds)
    doc = nlp.make_doc("Lena Markova met Lena Markova.")
    assert all(isinstance(s, Span) and s.label_ == "PERSON" for s in pipe.matches(doc))
    assert len(pipe.matches(doc)) == 2


def test_all_capital_text_names_known_actors(nlp: Language, seeds: Path) -> None:
    pipe = KnownNames(nlp, seeds)
    doc = pipe(_doc(nlp, "BY HARBOUR AND COAST PROTECTION", [("HARBOUR", "ORG")]))
    assert [(e.text, e.label_) for e in doc.ents] == [("HARBOUR AND COAST PROTECTION", "ORG")]
    # Mixed case must match exactly.
    doc = pipe(_doc(nlp, "By Harbour And Coast Protection", []))
    assert list(doc.ents) == []
