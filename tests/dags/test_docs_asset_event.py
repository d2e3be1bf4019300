"""news_docs documents the warehouse news_nightly published (the Asset event's extra)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from dag_support import DAGS_FOLDER


def _news_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "news_docs_under_test", DAGS_FOLDER / "news_docs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Event:
    extra: dict[str, Any] = field(default_factory=dict)


def test_the_latest_asset_event_names_the_warehouse() -> None:
    module = _news_docs()
    asset = module.WAREHOUSE_ASSET
    events = {asset: [Event({"warehouse": "/a/old.duckdb"}), Event({"warehouse": "/b/new.duckdb"})]}
    assert module.published_warehouse(events) == "/b/new.duckdb"
    assert module.published_warehouse({asset: [Event()]}) is None
    assert module.published_warehouse(None) is None


def test_publish_names_the_file_in_its_asset_event() -> None:
    source = (DAGS_FOLDER / "news_nightly.py").read_text(encoding="utf-8")
    assert 'events[WAREHOUSE_ASSET].extra = {"warehouse": settings["warehouse"]}' in source
    assert Path(DAGS_FOLDER / "news_docs.py").is_file()
