"""`make bench` (ingestion part) runs end to end on a few pages; figures are not asserted."""

from __future__ import annotations

import pytest
from newsevents import bench


def test_bench_runs_on_a_few_pages(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--pages", "6", "--extract-pages", "4", "--ingest-only"]) == 0
    out = capsys.readouterr().out
    assert "articles/s" in out
    assert "loaded      6 articles, statuses {'ok': 6}" in out


def test_bench_pages_are_distinct_articles() -> None:
    pages = bench.make_pages(20)
    assert len(set(pages)) == 20
    assert all(b"cookie-banner" in page and b"comments" in page for page in pages)
