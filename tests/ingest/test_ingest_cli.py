"""The ``newsevents`` command: run, stage subcommands, query, and its error exits."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from newsevents import pipeline
from newsevents.cli import main


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingestion only: annotate, dbt and docs (tested in their own folders) are skipped."""

    def skipped(settings: dict[str, Any], **_options: Any) -> dict[str, Any]:
        return {"skipped": "not part of this test"}

    for stage in ("annotate", "transform", "docs"):
        monkeypatch.setattr(pipeline, stage, skipped)


def files_sources(kit: Any, tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    for slug in kit.articles:
        shutil.copy(kit.site_dir / "news" / f"{slug}.html", pages)
    shutil.copy(kit.site_dir / "news" / "no-text.html", pages)
    (tmp_path / "sources.yml").write_text(
        "sources:\n  - name: archive\n    kind: files\n    path: pages\n", encoding="utf-8"
    )
    return tmp_path / "sources.yml"


def test_run_files_source_and_query(
    kit: Any, tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = files_sources(kit, tmp_path)
    warehouse = tmp_path / "out" / "warehouse.duckdb"
    args = ["--sources", str(sources), "--warehouse", str(warehouse)]
    assert main(["run", "--no-progress", *args]) == 0
    out = capsys.readouterr().out
    assert "discovered" in out and "articles loaded" in out and "seconds: fetch" in out
    assert "not_article" in out  # the section page
    assert warehouse.is_file()

    assert main(["query", "select url, language from raw.articles order by 2, 1", *args]) == 0
    out = capsys.readouterr().out
    # relative canonical links cannot be resolved against a file URI: file URIs stay
    assert out.count("file://") == 5 and "de" in out

    assert main(["run", "--no-progress", *args]) == 0  # idempotent re-run
    capsys.readouterr()
    assert main(["query", "select count(*) as n from raw.articles", *args]) == 0
    assert " 5 " in capsys.readouterr().out


def test_stage_subcommands(
    kit: Any, tmp_path: Path, offline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = files_sources(kit, tmp_path)
    warehouse = tmp_path / "warehouse.duckdb"
    args = ["--sources", str(sources), "--warehouse", str(warehouse)]
    assert main(["discover", *args]) == 0
    assert "archive: 6 URLs" in capsys.readouterr().out
    assert main(["fetch", *args]) == 0
    assert '"ok": 5' in capsys.readouterr().out
    assert not warehouse.exists()
    assert main(["load", *args]) == 0
    assert '"articles": 5' in capsys.readouterr().out
    assert main(["annotate", *args]) == 0
    assert "skipped" in capsys.readouterr().out
    assert main(["transform", *args]) == 0
    assert "skipped" in capsys.readouterr().out
    assert main(["publish", *args]) == 0
    assert warehouse.is_file()


def test_bad_sources_file_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = tmp_path / "sources.yml"
    sources.write_text("sources:\n  - {name: wire, kind: rss, url: 'https://e.org/'}\n")
    out_dir = tmp_path / "out"
    code = main(["run", "--sources", str(sources), "--warehouse", str(out_dir / "w.duckdb")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("newsevents: error: sources.yml: source 'wire' (#1): field 'kind'")
    assert err.count("\n") == 1
    assert not out_dir.exists()


def test_missing_sources_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["run", "--sources", str(tmp_path / "none.yml"), "--warehouse", str(tmp_path / "w")]
    )
    assert code == 2
    assert "sources file not found" in capsys.readouterr().err


def test_unwritable_warehouse(kit: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = files_sources(kit, tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the warehouse folder should be")
    code = main(["run", "--sources", str(sources), "--warehouse", str(blocker / "w.duckdb")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("newsevents: error: warehouse folder") and err.count("\n") == 1


def test_query_without_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "select 1", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert "no published warehouse" in capsys.readouterr().err
