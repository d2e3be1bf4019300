"""A change to the seeds or models turns the next build into a full refresh."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from newsevents.transform import dbt


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of dbt_project/models and seeds/ that the fingerprint reads."""
    project = tmp_path / "dbt_project"
    shutil.copytree(dbt.PROJECT_DIR / "models", project / "models")
    shutil.copytree(dbt.SEEDS_DIR, tmp_path / "seeds", ignore=shutil.ignore_patterns("*.yml"))
    monkeypatch.setattr(dbt, "PROJECT_DIR", project)
    monkeypatch.setattr(dbt, "SEEDS_DIR", tmp_path / "seeds")
    return tmp_path


def test_fingerprint_follows_seed_and_model_edits(project_copy: Path) -> None:
    before = dbt.rules_fingerprint()
    assert dbt.rules_fingerprint() == before  # deterministic
    aliases = project_copy / "seeds" / "actor_aliases.csv"
    aliases.write_text(aliases.read_text() + "\n")
    after_seed = dbt.rules_fingerprint()
    assert after_seed != before
    model = next((project_copy / "dbt_project" / "models").rglob("*.sql"))
    model.write_text(model.read_text() + "\n-- edited\n")
    assert dbt.rules_fingerprint() != after_seed


def test_build_goes_full_refresh_only_when_rules_changed(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_invoke(args: list[str], work_db_path: str) -> Any:
        calls.append(args)
        return SimpleNamespace(result=[], success=True)

    # dbt itself is exercised by test_dbt_warehouse.py; here only the decision is.
    monkeypatch.setattr(dbt, "_invoke", fake_invoke)
    work_db = str(tmp_path / "work.duckdb")
    first = dbt.build(work_db)
    second = dbt.build(work_db)
    seeds = project_copy / "seeds" / "verb_patterns.csv"
    seeds.write_text(seeds.read_text() + "\n")
    third = dbt.build(work_db)
    fourth = dbt.build(work_db)
    assert [first["full_refresh"], second["full_refresh"], third["full_refresh"]] == [
        False,
        False,
        True,
    ]
    assert fourth["full_refresh"] is False
    assert calls[2] == ["build", "--full-refresh"]
    assert calls[3] == ["build"]
