"""run_ingest: a batch is parsed and spooled in the background while the next is fetched.

The parser here is a stand-in that records its calls (the real one is spaCy in
processes; ``test_annotate_stage`` covers it): what matters is the order of the work.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from newsevents import hooks, pipeline, warehouse
from newsevents.bench.corpus import write_files
from newsevents.ingest import batches as ingest_batches

ARTICLES = 9
BATCH = 3  # three batches
# Generous: only reached when the overlap is gone (the test then fails, not hangs).
WAIT_S = 30.0


class RecordingParser:
    """Counts the articles it is handed and notes each call and the close, in order."""

    def __init__(self, hold_first: threading.Event | None = None) -> None:
        self.events: list[str] = []
        self.hold_first = hold_first
        self.first_waited: bool | None = None

    def __call__(self, records: list[dict[str, Any]]) -> int:
        if self.hold_first is not None and self.first_waited is None:
            # The first batch's parse lasts until the second batch is being fetched.
            self.first_waited = self.hold_first.wait(WAIT_S)
        self.events.append("parse")
        return len(records)

    def close(self) -> None:
        self.events.append("close")


@pytest.fixture
def files_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    write_files(tmp_path / "pages", ARTICLES)
    sources = tmp_path / "sources.yml"
    sources.write_text("sources:\n  - {name: archive, kind: files, path: pages}\n")
    monkeypatch.setattr(ingest_batches, "BATCH_SIZE", BATCH)
    return pipeline.resolve_settings(str(sources), str(tmp_path / "data" / "warehouse.duckdb"))


def _spool_files(settings: dict[str, Any]) -> list[Path]:
    return warehouse.pending_spool_files(settings["spool_dir"])


def test_the_next_batch_is_fetched_while_one_is_parsed(
    files_settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    second_fetch = threading.Event()
    parser = RecordingParser(hold_first=second_fetch)
    monkeypatch.setattr(pipeline, "fetch_parser", lambda _settings: parser)
    real_fetch_records = ingest_batches.fetch_records
    fetches = []

    def fetch_records(*args: Any, **kwargs: Any) -> ingest_batches.Fetched:
        fetches.append(1)
        if len(fetches) == 2:
            second_fetch.set()
        return real_fetch_records(*args, **kwargs)

    monkeypatch.setattr(ingest_batches, "fetch_records", fetch_records)
    at_fetch_point: list[int] = []

    def hook(name: str) -> None:
        if name == "fetch":
            at_fetch_point.append(len(_spool_files(files_settings)))

    hooks.install(hook)
    try:
        summary = pipeline.run_ingest(files_settings)
    finally:
        hooks.remove(hook)

    assert parser.first_waited is True  # batch 2 was fetched while batch 1 was parsed
    assert parser.events == ["parse", "parse", "parse", "close"]  # closed once drained
    assert at_fetch_point == [1]  # fired once, the first spool file written
    assert summary["parsed_in_fetch"] == ARTICLES
    assert summary["fetched"] == ARTICLES and summary["statuses"] == {"ok": ARTICLES}
    assert summary["articles_loaded"] == ARTICLES


def test_a_failing_finish_raises_and_keeps_the_files_written(
    files_settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = RecordingParser()
    monkeypatch.setattr(pipeline, "fetch_parser", lambda _settings: parser)
    real_write_spool = warehouse.write_spool
    writes = []

    def write_spool(spool_dir: str, records: list[dict[str, Any]]) -> Path:
        writes.append(len(records))
        if len(writes) == 2:
            raise OSError("No space left on device")
        return real_write_spool(spool_dir, records)

    monkeypatch.setattr(warehouse, "write_spool", write_spool)
    with pytest.raises(OSError, match="No space left on device"):
        pipeline.run_ingest(files_settings)

    assert writes == [BATCH, BATCH]  # the third batch was fetched, never spooled
    assert parser.events == ["parse", "parse", "close"]
    assert len(_spool_files(files_settings)) == 1
    monkeypatch.setattr(warehouse, "write_spool", real_write_spool)
    assert pipeline.load_raw(files_settings)["articles"] == BATCH  # the written file loads
