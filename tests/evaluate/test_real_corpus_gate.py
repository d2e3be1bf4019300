"""The quality gate on real news: ../shared/corpus/real (25 pages, hand-coded gold).

One real `newsevents run` on the corpus pages into a temporary warehouse (what
`newsevents eval --corpus real` does), scored with the corpus README's rules; the
figures must stay at or above ``REAL_EVAL_FLOORS``. The corpus is read at test time
from next to the checkout and never copied into the repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from newsevents import evaluate, evaluate_real


@pytest.fixture(scope="module")
def real_corpus(shared_dir: Path) -> Path:
    corpus = shared_dir / "corpus" / "real"
    if not (corpus / "gold").is_dir() or not (corpus / "pages").is_dir():
        pytest.fail(
            f"the real-news corpus is missing: expected {corpus}/gold and {corpus}/pages "
            "(../shared/corpus/real next to the checkout); the quality gate needs it"
        )
    return corpus


@pytest.fixture(scope="module")
def real_eval(real_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    warehouse = tmp_path_factory.mktemp("real_corpus") / "real.duckdb"
    seconds = evaluate_real.build_warehouse(real_corpus, warehouse)
    result = evaluate_real.run_eval(warehouse, real_corpus)
    result["build_seconds"] = round(seconds, 1)
    return result


def test_every_gold_article_is_in_the_warehouse(
    real_eval: dict[str, Any], real_corpus: Path
) -> None:
    assert real_eval["articles"] == len(list((real_corpus / "gold").glob("*.yml")))
    assert real_eval["missing_articles"] == []
    assert len({a["article_id"] for a in real_eval["per_article"]}) == real_eval["articles"]


def test_real_corpus_floors_hold(real_eval: dict[str, Any]) -> None:
    print(evaluate_real.format_report(real_eval, details=False))
    print(f"build: {real_eval['build_seconds']} s")
    assert evaluate.below_floors(real_eval, evaluate_real.REAL_EVAL_FLOORS) == []


def test_report_explains_the_misses(real_eval: dict[str, Any]) -> None:
    # The details a developer reads: every required miss is listed with its article.
    for art in real_eval["per_article"]:
        a, e = art["actors"], art["events"]
        assert len(art["missed_actors"]) == a["required"] - a["matched"]
        assert len(art["missed_events"]) == e["required"] - e["matched"]
        assert len(art["false_positive_events"]) == e["extracted"] - e["correct"]
    report = evaluate_real.format_report(real_eval, details=True)
    assert report.count("\n== d") == real_eval["articles"]
