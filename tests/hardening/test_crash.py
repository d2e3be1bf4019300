"""Crash safety: SIGKILL ``newsevents run`` inside each stage, re-run, compare.

One uninterrupted baseline run and one chain of runs on a second warehouse, each
killed inside a different stage (fetch, load, annotate, dbt build), then a run that
completes. The baseline parses in the fetch stage (the default); the chain does too,
but for the load and annotate kills, so that its warehouse holds articles annotated
both ways (loaded with their spool file, and by the annotate stage). The chain's
warehouse must end with the same keys and counts as the baseline in ``raw.*`` and
``marts.*``; the published analyst copy must never be broken: absent until the first
complete run, and afterwards the last good copy even when a later run is killed
inside dbt build.

The kill points are ``newsevents.hooks`` points: the run goes through
``crash_runner.py`` (next to this file), whose hook (``NEWSEVENTS_TEST_PAUSE_AT``)
prints ``newsevents-test: at <point>`` to stderr and pauses at the named point.
Annotate and dbt build are killed a few seconds after their start marker, and the
test checks that the next stage had not started yet (so the kill landed inside).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from newsevents.bench.corpus import write_files

# The child process's entry point; it installs the pausing hook (the package has none).
RUNNER = Path(__file__).with_name("crash_runner.py")
ENV_PAUSE_AT = "NEWSEVENTS_TEST_PAUSE_AT"
ENV_PAUSE_S = "NEWSEVENTS_TEST_PAUSE_S"
MARKER = "newsevents-test: at "

# 240 articles → two fetch batches (BATCH_SIZE 200), so "fetch" pauses mid-stage, and
# several annotate commits (64 articles each).
ARTICLES = 240
# Seconds after the stage's start marker: annotate loads its model (~2 s) and then
# commits every 64 articles; dbt build of the project takes ~30 s here.
KILL_AFTER_S = {"annotate": 5.0, "transform": 8.0}
NEXT_POINT = {"annotate": "transform", "transform": "docs"}
# Generous: a full run takes ~50 s on a 2-core machine shared with other tests.
RUN_TIMEOUT_S = 420
# A value that is no hook point: markers are printed, nothing pauses.
MARK_ONLY = "markers-only"
KEY_COLUMNS = {
    "url",
    "source_name",
    "annotator_version",
    "sentence_index",
    "mention_index",
    "candidate_index",
}


class Run:
    """A ``newsevents run`` subprocess whose stderr markers are collected."""

    def __init__(self, env: dict[str, str], args: list[str], log: Path) -> None:
        self.points: list[str] = []
        self._seen = threading.Condition()
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, str(RUNNER), "run", "--no-progress", *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            self._log.write(raw)
            line = raw.decode("utf-8", "replace").strip()
            if line.startswith(MARKER):
                with self._seen:
                    self.points.append(line[len(MARKER) :])
                    self._seen.notify_all()

    def wait_for(self, point: str) -> None:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        with self._seen:
            while point not in self.points:
                if self.process.poll() is not None:
                    raise AssertionError(f"run exited ({self.process.returncode}) before {point}")
                assert time.monotonic() < deadline, f"no {point} marker"
                self._seen.wait(0.2)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=60) == -signal.SIGKILL
        self._reader.join(timeout=10)
        self._log.close()

    def finish(self) -> int:
        code = self.process.wait(timeout=RUN_TIMEOUT_S)
        self._reader.join(timeout=10)
        self._log.close()
        return code


def snapshot(path: Path) -> dict[str, tuple[int, str | None]]:
    """Per table of raw and marts: row count and a hash of its key columns.

    Keys are the ``*_id`` columns (but not the random ``run_id``) and the index/url
    columns; run-report tables differ by design (one row per run) and are left out.
    """
    out: dict[str, tuple[int, str | None]] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'marts') order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            if "run" in table:
                continue
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
            ]
            keys = [c for c in columns if (c.endswith("_id") and c != "run_id") or c in KEY_COLUMNS]
            count = con.execute(f'select count(*) from {schema}."{table}"').fetchone()
            digest = None
            if keys:
                joined = ", ".join(f"coalesce(cast(\"{c}\" as varchar), '∅')" for c in keys)
                digest = con.execute(
                    f"select md5(string_agg(k, '|' order by k)) from "
                    f"(select concat_ws('~', {joined}) as k from {schema}.\"{table}\")"
                ).fetchone()
            out[f"{schema}.{table}"] = (
                int(count[0]) if count else 0,
                digest[0] if digest else None,
            )
    return out


@pytest.fixture(scope="module")
def crash_env(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("crash")
    write_files(root / "pages", ARTICLES)
    sources = root / "sources.yml"
    sources.write_text(
        "sources:\n  - name: generated\n    kind: files\n    path: pages\n", encoding="utf-8"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSEVENTS_", "DBT_"))
    }
    env.update(
        NEWSEVENTS_HOME=str(repo_root),
        # A private dbt target/log folder: other tests may run dbt at the same time.
        DBT_TARGET_PATH=str(root / "dbt_target"),
        DBT_LOG_PATH=str(root / "dbt_logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="False",
    )
    return {"root": root, "sources": sources, "env": env}


def _run(
    crash_env: dict[str, Any], warehouse: Path, pause_at: str | None = None, parse: bool = True
) -> Run:
    env = dict(crash_env["env"])
    if not parse:  # parsing left to the annotate stage
        env["NEWSEVENTS_PARSE_IN_FETCH"] = "0"
    if pause_at:
        env[ENV_PAUSE_AT] = pause_at
        env[ENV_PAUSE_S] = str(RUN_TIMEOUT_S)
    args = ["--sources", str(crash_env["sources"]), "--warehouse", str(warehouse)]
    return Run(env, args, crash_env["root"] / f"{warehouse.stem}.log")


def _kill_inside(
    crash_env: dict[str, Any], warehouse: Path, stage: str, parse: bool = True
) -> list[str]:
    if stage in KILL_AFTER_S:
        run = _run(crash_env, warehouse, MARK_ONLY, parse)
        run.wait_for(stage)
        time.sleep(KILL_AFTER_S[stage])
        points = list(run.points)
        run.kill()
        assert NEXT_POINT[stage] not in points, f"{stage} ended before the kill: {points}"
        assert run.process.returncode == -signal.SIGKILL
        return points
    run = _run(crash_env, warehouse, stage, parse)
    run.wait_for(stage)
    time.sleep(0.5)  # let the pause begin (the marker is printed just before it)
    run.kill()
    return run.points


def _published_state(warehouse: Path) -> dict[str, tuple[int, str | None]] | None:
    """The published copy's snapshot, None when absent; raises if it does not open."""
    if not warehouse.exists():
        return None
    return snapshot(warehouse)


@pytest.mark.timeout(RUN_TIMEOUT_S * 3)
def test_killed_runs_recover_to_the_uninterrupted_result(crash_env: dict[str, Any]) -> None:
    root: Path = crash_env["root"]
    baseline_wh = root / "baseline" / "warehouse.duckdb"
    assert _run(crash_env, baseline_wh).finish() == 0, (root / "warehouse.log").read_text()[-3000:]
    expected = snapshot(baseline_wh)
    assert expected["raw.articles"][0] == ARTICLES
    assert expected["raw.fetch_log"][0] == ARTICLES
    assert expected["raw.annotations"][0] == ARTICLES
    marts = {name: rows for name, (rows, _digest) in expected.items() if name.startswith("marts.")}
    assert marts and all(rows > 0 for name, rows in marts.items() if name != "marts.runs"), marts

    chain_wh = root / "chain" / "warehouse.duckdb"
    work_db = chain_wh.parent / "warehouse.work.duckdb"
    spool = chain_wh.parent / "warehouse.work" / "spool"

    # fetch: the first batch is spooled (parsed there: it carries the annotations),
    # the second never fetched.
    _kill_inside(crash_env, chain_wh, "fetch")
    assert len(list(spool.glob("*"))) == 1
    assert _published_state(chain_wh) is None

    # load: killed inside the oldest spool file's open transaction (the parsed batch,
    # articles and annotations inserted, not committed). This run and the next parse
    # nothing in fetch, so the second batch's articles load without annotations and
    # the annotate stage has work to be killed in.
    _kill_inside(crash_env, chain_wh, "load", parse=False)
    assert list(spool.glob("*")), "the killed load left its spool files for the next run"
    assert _published_state(chain_wh) is None
    with duckdb.connect(str(work_db), read_only=True) as con:
        rows = con.execute("select count(*) from raw.articles").fetchone()
        annotations = con.execute(
            "select count(*) from information_schema.tables where table_name = 'annotations'"
        ).fetchone()
        if annotations and annotations[0]:
            annotations = con.execute("select count(*) from raw.annotations").fetchone()
    assert rows is not None and rows[0] < ARTICLES  # the open transaction rolled back
    assert annotations == (0,), "no annotation row of the rolled-back transaction"

    # annotate, then dbt build: killed a few seconds in.
    _kill_inside(crash_env, chain_wh, "annotate", parse=False)
    assert _published_state(chain_wh) is None
    _kill_inside(crash_env, chain_wh, "transform")
    assert _published_state(chain_wh) is None

    # An uninterrupted re-run repairs everything.
    assert _run(crash_env, chain_wh).finish() == 0
    assert not list(spool.glob("*"))
    assert snapshot(work_db) == expected
    assert _published_state(chain_wh) == expected

    # Killed inside dbt build again, now with a published copy: analysts keep it. Without
    # its stored raw state the build is a full one (a re-run with nothing new skips dbt).
    with duckdb.connect(str(work_db)) as con:
        con.execute("delete from raw.transform_state where key = 'raw_state'")
    published_bytes = chain_wh.stat().st_size
    _kill_inside(crash_env, chain_wh, "transform")
    assert _published_state(chain_wh) == expected
    assert chain_wh.stat().st_size == published_bytes


def test_hooks_are_inert_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package installs no hook and reads no test switch: with the crash test's
    variables set, the points of a run do nothing until a hook is installed."""
    from newsevents import hooks

    monkeypatch.setenv(ENV_PAUSE_AT, "load")
    monkeypatch.setenv(ENV_PAUSE_S, "600")
    monkeypatch.setattr(time, "sleep", lambda _s: pytest.fail("paused"))
    for name in ("fetch", "load", "annotate", "transform", "docs", "publish"):
        hooks.point(name)
    seen: list[str] = []
    hooks.install(seen.append)
    try:
        hooks.point("load")
    finally:
        hooks.remove(seen.append)
    hooks.point("publish")
    assert seen == ["load"]


def test_runner_hook_marks_every_point_and_pauses_at_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("crash_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    assert (runner.MARKER, runner.ENV_PAUSE_AT, runner.ENV_PAUSE_S) == (
        MARKER,
        ENV_PAUSE_AT,
        ENV_PAUSE_S,
    )
    slept: list[float] = []
    monkeypatch.setattr(runner.time, "sleep", slept.append)
    hook = runner.pausing_hook("load", 7.0)
    hook("fetch")
    hook("load")
    assert capsys.readouterr().err == f"{MARKER}fetch\n{MARKER}load\n"
    assert slept == [7.0]
