"""Fixtures for the analyst-facing tests: one real nightly run, its docs site, Chromium.

``nightly_run`` publishes a small "old" warehouse, then runs ``newsevents run`` on the
bundled sample sources in a child process while this process holds a read-only
analyst connection on the published file and queries it (and opens fresh ones) the
whole time. Everything it saw is returned for the tests to check. The published
warehouse of that run is then the sample warehouse the analyses, the report and the
docs site are checked against.

dbt runs in child processes with a private target folder (``DBT_TARGET_PATH`` /
``--target-path``), so these tests never share ``dbt_project/target`` with another
dbt invocation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from newsevents import warehouse as warehouse_module

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
CI_SYSTEM_DEPS = REPO_ROOT / "scripts" / "ci_system_deps.sh"
DBT = Path(sys.executable).parent / "dbt"
OLD_ARTICLE_ID = "old-state"
# How often the analyst queries the published file while the run goes on.
POLL_INTERVAL_S = 0.2
# Ceilings so a hung child fails the test instead of hanging the suite.
RUN_TIMEOUT_S = 600
DBT_TIMEOUT_S = 300
CHROMIUM_TIMEOUT_S = 120
# Chromium's virtual time: long enough for the dbt docs Angular app to load the
# embedded manifest and lay out the lineage graph.
CHROMIUM_VIRTUAL_TIME_MS = 10000


@dataclass
class NightlyRun:
    """What an analyst saw while a full run replaced the published warehouse."""

    published: Path
    returncode: int
    output: str
    held_states: list[tuple[int, str]] = field(default_factory=list)
    fresh_states: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    held_after_run: tuple[int, str] | None = None
    reconnected: tuple[int, str] | None = None


def _articles_state(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    row = con.execute(
        "select count(*), coalesce(min(article_id), '') from marts.articles"
    ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1])


def _publish_old_state(folder: Path, published: Path) -> None:
    """A published warehouse as an earlier run left it: one article, 'old-state'."""
    old_work = folder / "old.work.duckdb"
    con = duckdb.connect(str(old_work))
    try:
        con.execute("create schema marts")
        con.execute("create table marts.articles (article_id varchar, title varchar)")
        con.execute("insert into marts.articles values (?, 'Before the run')", [OLD_ARTICLE_ID])
    finally:
        con.close()
    warehouse_module.publish(old_work, published)


def _child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        NEWSEVENTS_HOME=str(REPO_ROOT),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
        DBT_LOG_PATH=str(folder / "dbt_logs"),
        DBT_TARGET_PATH=str(folder / "dbt_target"),
        PYTHONPATH=os.pathsep.join(
            p for p in (str(REPO_ROOT / "plugins"), env.get("PYTHONPATH")) if p
        ),
    )
    env.pop("NEWSEVENTS_WAREHOUSE", None)
    env.pop("NEWSEVENTS_SOURCES", None)
    return env


@pytest.fixture(scope="session")
def nightly_run(tmp_path_factory: pytest.TempPathFactory) -> NightlyRun:
    """A full ``newsevents run`` on the samples while an analyst reads the published file."""
    folder = tmp_path_factory.mktemp("nightly")
    published = folder / "warehouse.duckdb"
    _publish_old_state(folder, published)
    log = (folder / "run.log").open("w+", encoding="utf-8")
    held = duckdb.connect(str(published), read_only=True)
    result = NightlyRun(published=published, returncode=-1, output="")
    try:
        result.held_states.append(_articles_state(held))
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsevents.cli",
                "run",
                "--no-progress",
                "--warehouse",
                str(published),
            ],
            cwd=REPO_ROOT,
            env=_child_env(folder),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while child.poll() is None and time.monotonic() < deadline:
            try:
                result.held_states.append(_articles_state(held))
                fresh = duckdb.connect(str(published), read_only=True)
                try:
                    result.fresh_states.append(_articles_state(fresh))
                finally:
                    fresh.close()
            except duckdb.Error as exc:  # the point of the test: there must be none
                result.errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(POLL_INTERVAL_S)
        if child.poll() is None:
            child.kill()
        result.returncode = child.wait()
        result.held_after_run = _articles_state(held)
    finally:
        held.close()
        log.seek(0)
        result.output = log.read()
        log.close()
    fresh = duckdb.connect(str(published), read_only=True)
    try:
        result.reconnected = _articles_state(fresh)
    finally:
        fresh.close()
    return result


@pytest.fixture(scope="session")
def sample_warehouse(nightly_run: NightlyRun) -> Path:
    """The published warehouse of the sample run (fails if the run failed)."""
    assert nightly_run.returncode == 0, nightly_run.output[-3000:]
    return nightly_run.published


@pytest.fixture(scope="session")
def docs_target(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dbt docs generate --static`` for the sample warehouse, in a private target folder.

    dbt reads a copy of the published file with the same name (as ``make docs`` does),
    so the compiled analyses name the published catalog. ``docs generate`` compiles
    every node, analyses included.
    """
    folder = tmp_path_factory.mktemp("docs")
    copy = folder / sample_warehouse.name
    shutil.copyfile(sample_warehouse, copy)
    target = folder / "target"
    env = _child_env(folder)
    env["NEWSEVENTS_WORK_DB"] = str(copy)
    completed = subprocess.run(
        [
            str(DBT),
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=DBT_TIMEOUT_S,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-2000:]
    assert (target / "static_index.html").is_file()
    return target


# -- Chromium ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's headless Chromium, installed by scripts/ci_system_deps.sh when missing."""
    found = shutil.which("chromium")
    if found is None:
        subprocess.run(["bash", str(CI_SYSTEM_DEPS)], check=False, timeout=900)
        found = shutil.which("chromium")
    if found is None:
        pytest.fail("chromium is not installed: run scripts/ci_system_deps.sh (needs root)")
    return found


@dataclass
class Browser:
    """Headless Chromium with a throwaway profile, kept off every network.

    Every hostname resolves nowhere and any HTTP request goes to a closed local
    port, so a page can only show what it carries itself.
    """

    binary: str
    profile: Path

    def _args(self) -> list[str]:
        return [
            self.binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            f"--user-data-dir={self.profile}",
            "--window-size=1400,1000",
        ]

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [*self._args(), *args],
            capture_output=True,
            text=True,
            timeout=CHROMIUM_TIMEOUT_S,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-2000:]
        return completed

    def dump_dom(self, url: str) -> str:
        """The DOM after the page's scripts ran (``--dump-dom``)."""
        return self._run(
            f"--virtual-time-budget={CHROMIUM_VIRTUAL_TIME_MS}", "--dump-dom", url
        ).stdout

    def screenshot(self, url: str, png: Path) -> Path:
        self._run(f"--virtual-time-budget={CHROMIUM_VIRTUAL_TIME_MS}", f"--screenshot={png}", url)
        return png


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Browser:
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    return Browser(chromium, profile)
