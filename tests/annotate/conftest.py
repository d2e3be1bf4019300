"""Fixtures for the annotation tests: the spaCy model, loaded once per session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from newsevents.annotate.events import Candidate, extract_candidates
from newsevents.annotate.mentions import Mention, extract_mentions
from newsevents.annotate.stage import load_model, resolve_model_name
from spacy.language import Language
from spacy.tokens import Doc

PUBLISHED = date(2024, 5, 16)  # a Thursday


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The configured model with the stage's extra pipes (cached by ``load_model``)."""
    return load_model(resolve_model_name())


@pytest.fixture(scope="session")
def parse(nlp: Language) -> Callable[[str], Doc]:
    return nlp


@pytest.fixture(scope="session")
def analyse(nlp: Language) -> Callable[..., tuple[list[Mention], list[Candidate]]]:
    """Text → (mentions, candidates), dated against ``PUBLISHED`` unless told otherwise."""

    def run(text: str, published: date | None = PUBLISHED) -> tuple[list[Mention], list[Candidate]]:
        doc = nlp(text)
        mentions = extract_mentions(doc)
        return mentions, extract_candidates(doc, mentions, published)

    return run
