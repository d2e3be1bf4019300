"""Paths and options of one run, from CLI flags and the environment.

``resolve()`` returns a plain, JSON-serialisable dict so the same settings can travel
as Airflow XComs. Keys: ``home``, ``sources``, ``warehouse`` (the published file
analysts open), ``work_db`` (``<stem>.work.duckdb`` next to it), ``work_dir``
(``<stem>.work/`` next to it) and ``spool_dir`` (``<work_dir>/spool``),
``spacy_model`` (or None), ``parse_in_fetch`` (``$NEWSEVENTS_PARSE_IN_FETCH``, default
on: the fetch task parses the articles it extracted and their spool file carries the
annotations; ``0``/``false``/``no``/``off`` leaves all parsing to the annotate stage).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

LOGGER = logging.getLogger(__name__)

ENV_HOME = "NEWSEVENTS_HOME"
ENV_SOURCES = "NEWSEVENTS_SOURCES"
ENV_WAREHOUSE = "NEWSEVENTS_WAREHOUSE"
ENV_SPACY_MODEL = "NEWSEVENTS_SPACY_MODEL"
ENV_PARSE_IN_FETCH = "NEWSEVENTS_PARSE_IN_FETCH"
OFF_VALUES = ("0", "false", "no", "off")

DEFAULT_SOURCES = Path("samples") / "sources.yml"
DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"


class SettingsError(Exception):
    """The run cannot proceed with these paths (one line, shown to the user)."""


def project_home() -> Path:
    """The repository root: ``$NEWSEVENTS_HOME``, else the checkout this file lives in."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").is_file():
        return here
    return Path.cwd().resolve()


def _absolute(value: str | os.PathLike[str], base: Path) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else base / path).resolve()


def resolve(sources: str | None = None, warehouse: str | None = None) -> dict[str, Any]:
    """Settings from explicit values, then the environment, then the defaults.

    Explicit relative paths are taken relative to the current directory; defaults are
    relative to the project home.
    """
    home = project_home()
    cwd = Path.cwd()
    if sources:
        sources_path = _absolute(sources, cwd)
    elif os.environ.get(ENV_SOURCES):
        sources_path = _absolute(os.environ[ENV_SOURCES], cwd)
    else:
        sources_path = _absolute(DEFAULT_SOURCES, home)
    if warehouse:
        warehouse_path = _absolute(warehouse, cwd)
    elif os.environ.get(ENV_WAREHOUSE):
        warehouse_path = _absolute(os.environ[ENV_WAREHOUSE], cwd)
    else:
        warehouse_path = _absolute(DEFAULT_WAREHOUSE, home)
    stem = warehouse_path.stem
    work_dir = warehouse_path.parent / f"{stem}.work"
    return {
        "home": str(home),
        "sources": str(sources_path),
        "warehouse": str(warehouse_path),
        "work_db": str(warehouse_path.parent / f"{stem}.work.duckdb"),
        "work_dir": str(work_dir),
        "spool_dir": str(work_dir / "spool"),
        "spacy_model": os.environ.get(ENV_SPACY_MODEL) or None,
        "parse_in_fetch": parse_in_fetch(),
    }


def parse_in_fetch() -> bool:
    """``$NEWSEVENTS_PARSE_IN_FETCH``: parse in the fetch stage (default) or not."""
    return os.environ.get(ENV_PARSE_IN_FETCH, "").strip().lower() not in OFF_VALUES


def ensure_writable(settings: dict[str, Any]) -> None:
    """Create the warehouse folder and the spool folder, or raise ``SettingsError``."""
    folder = Path(settings["warehouse"]).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        Path(settings["spool_dir"]).mkdir(parents=True, exist_ok=True)
        probe = folder / f".newsevents-write-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SettingsError(
            f"warehouse folder {folder} is not writable: {exc.strerror or exc}"
        ) from exc
    if Path(settings["warehouse"]).is_dir():
        raise SettingsError(f"warehouse {settings['warehouse']} is a directory, not a file")
