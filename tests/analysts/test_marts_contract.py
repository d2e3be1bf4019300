"""The marts are the public contract: dbt enforces each one's columns and types.

Every marts model has ``contract: enforced``; every column a data type (what dbt
checks at build time, so a column renamed or retyped by accident fails the build)
and, in tables, a not-null constraint wherever a not_null test says so. The columns
the README's contract lists exist in the models' yml.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
MARTS = REPO_ROOT / "dbt_project" / "models" / "marts"


def _models() -> dict[str, dict[str, Any]]:
    models: dict[str, dict[str, Any]] = {}
    for path in sorted(MARTS.glob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            models[model["name"]] = model
    return models


def _is_view(name: str) -> bool:
    return "materialized='view'" in (MARTS / f"{name}.sql").read_text(encoding="utf-8")


def test_every_mart_has_an_enforced_contract_with_types() -> None:
    models = _models()
    assert set(models) == {path.stem for path in MARTS.glob("*.sql")}
    for name, model in models.items():
        assert model.get("config", {}).get("contract", {}).get("enforced") is True, name
        for column in model["columns"]:
            assert column.get("data_type"), f"{name}.{column['name']} has no data_type"
            tests = column.get("data_tests") or []
            not_null_tested = "not_null" in tests
            constrained = {"type": "not_null"} in (column.get("constraints") or [])
            if not _is_view(name):  # constraints are not enforced on views
                assert constrained == not_null_tested, f"{name}.{column['name']}"


def test_contracted_incremental_marts_may_grow() -> None:
    """dbt refuses contracts on incremental models unless new columns append (or fail)."""
    for path in MARTS.glob("*.sql"):
        sql = path.read_text(encoding="utf-8")
        if "materialized='incremental'" in sql:
            assert "on_schema_change='append_new_columns'" in sql, path.name


def test_readme_contract_columns_are_documented() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The contract", 1)[1].split("\n#", 1)[0]
    models = _models()
    rows = re.findall(r"^\| `marts\.(\w+)` \| (.+) \|$", section, re.M)
    assert {"events", "relations", "articles", "actors"} <= {table for table, _ in rows}
    for table, columns in rows:
        documented = {c["name"] for c in models[table]["columns"]}
        for column in re.findall(r"\w+", re.sub(r"\([^)]*\)", "", columns)):
            assert column in documented, f"README lists marts.{table}.{column}"
    for table, names in {
        "events": [
            "source_actor_name",
            "target_actor_name",
            "source_country_code",
            "target_country_code",
        ],
        "relations": ["source_actor_name", "target_actor_name"],
    }.items():
        documented = {c["name"] for c in models[table]["columns"]}
        assert set(names) <= documented, table
