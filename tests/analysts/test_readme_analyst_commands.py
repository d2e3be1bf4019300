"""The README's analyst section, run as written on the sample warehouse.

Every line of the first ``bash`` block under "## For analysts" is run with bash from
the repository root, with ``NEWSEVENTS_WAREHOUSE`` naming the sample warehouse (the
README's default path is ``data/warehouse.duckdb``; the environment variable is how a
user points the same commands elsewhere). Each command's rows are checked against
the warehouse itself, so a command that runs but answers the wrong question fails.
A command added to the README without a check here fails too.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from newsevents.analyst import sql as analyst_sql

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMAND_TIMEOUT_S = 300
DOCS_TIMEOUT_S = 300
# Wide enough that a short result stays a table, narrow enough that 14 columns of
# events_for_actor turn into one record per block.
COLUMNS = 160


def _readme_analyst_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## For analysts", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "the analyst section has no bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


COMMANDS = _readme_analyst_commands()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(warehouse: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(NEWSEVENTS_WAREHOUSE=str(warehouse), COLUMNS=str(COLUMNS))
    env.pop("MAKEFLAGS", None)
    return env


def _run(command: str, warehouse: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=REPO_ROOT,
        env=_env(warehouse),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )


def _one(warehouse: Path, sql: str) -> Any:
    _, rows = analyst_sql.query(sql, warehouse)
    return rows[0][0]


# -- one check per README command ---------------------------------------------------------
def _check_shell(command: str, warehouse: Path) -> None:
    done = _run(command, warehouse, stdin=".tables\nselect count(*) as n from marts.actors;\n")
    assert done.returncode == 0, done.stderr
    assert "marts.events" in done.stdout and "marts.relations" in done.stdout
    assert re.search(rf"\b{_one(warehouse, 'select count(*) from marts.actors')}\b", done.stdout)


def _check_piped_shell(command: str, warehouse: Path) -> None:
    done = _run(command, warehouse)
    assert done.returncode == 0, done.stderr
    events = _one(warehouse, "select count(*) from marts.events")
    assert re.search(rf"│ {events}\s+│", done.stdout), done.stdout


def _check_top_events(command: str, warehouse: Path) -> None:
    done = _run(command, warehouse)
    assert done.returncode == 0, done.stderr
    _, rows = analyst_sql.query(
        "select source_actor_name, event_label from marts.events "
        "order by num_mentions desc limit 5",
        warehouse,
    )
    assert rows
    for name, label in rows:
        assert name in done.stdout and label in done.stdout


def _check_csv_export(command: str, warehouse: Path) -> None:
    out = REPO_ROOT / "data" / "events.csv"
    before = out.read_bytes() if out.exists() else None
    try:
        done = _run(command, warehouse)
        assert done.returncode == 0, done.stderr
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == _one(warehouse, "select count(*) from marts.events")
        ids = {r["event_id"] for r in rows}
        assert ids == {
            r[0] for r in analyst_sql.query("select event_id from marts.events", warehouse)[1]
        }
        assert all(r["source_actor_name"] for r in rows)
    finally:
        if before is None:
            out.unlink(missing_ok=True)
        else:
            out.write_bytes(before)


def _check_search(command: str, warehouse: Path) -> None:
    done = _run(command, warehouse)
    assert done.returncode == 0, done.stderr
    term = re.search(r"search_articles\('([^']+)'\)", command)
    assert term is not None
    _, titles = analyst_sql.query(
        "select a.title from marts.articles a join raw.articles r using (article_id) "
        "where r.text ilike ? or a.title ilike ?",
        warehouse,
        [f"%{term.group(1)}%"] * 2,
    )
    assert titles, "the README's search term must find something in the samples"
    for (title,) in titles:  # long titles wrap inside their cell: their start is on one line
        assert title[:20] in done.stdout


def _check_analysis_list(command: str, warehouse: Path) -> None:
    done = _run(command, warehouse)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == analyst_sql.analysis_names()


def _check_events_for_actor(command: str, warehouse: Path) -> None:
    done = _run(command, warehouse)
    assert done.returncode == 0, done.stderr
    name = re.search(r"actor_name: ([^}]+)}", command)
    assert name is not None
    actor = name.group(1).strip()
    expected = _one(
        warehouse,
        "select count(*) from marts.events e join marts.event_mentions m using (event_id) "
        f"where '{actor}' in (e.source_actor_name, e.target_actor_name)",
    )
    assert expected > 0, f"the samples must report events of {actor}"
    assert done.stdout.count("-[ record ") == expected
    sources = re.findall(r"^source_actor\s+\| (.*)$", done.stdout, re.M)
    targets = re.findall(r"^target_actor\s+\| (.*)$", done.stdout, re.M)
    assert len(sources) == expected
    assert all(actor in pair for pair in zip(sources, targets, strict=True))


def _check_report(command: str, warehouse: Path) -> None:
    page = warehouse.parent / "report.html"
    page.unlink(missing_ok=True)
    done = _run(command, warehouse)
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    events = _one(warehouse, "select count(*) from marts.events")
    assert f", {events} events</text>" in html  # every event: the default window is all


def _check_docs(command: str, warehouse: Path) -> None:
    port = _free_port()
    env = _env(warehouse)
    env["DOCS_PORT"] = str(port)
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + DOCS_TIMEOUT_S
        page = b""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    page = answer.read()
                break
            except OSError:
                time.sleep(1)
        assert b"dbt" in page, "make docs served no docs site"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


CHECKS: list[tuple[str, Callable[[str, Path], None]]] = [
    (r"^echo .*\| make sql", _check_piped_shell),
    (r"^make sql\b", _check_shell),
    (r"--format csv --output data/events\.csv", _check_csv_export),
    (r"search_articles\(", _check_search),
    (r"newsevents query \"select event_date", _check_top_events),
    (r"newsevents analysis\s*(#|$)", _check_analysis_list),
    (r"newsevents analysis events_for_actor", _check_events_for_actor),
    (r"newsevents report\b", _check_report),
    (r"^make docs\b", _check_docs),
]


def _check_for(command: str) -> Callable[[str, Path], None]:
    found = [check for pattern, check in CHECKS if re.search(pattern, command)]
    assert len(found) == 1, f"no single check for the README command: {command}"
    return found[0]


def test_every_readme_command_has_a_check() -> None:
    assert len(COMMANDS) >= len(CHECKS)
    for command in COMMANDS:
        _check_for(command)


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_analyst_command(command: str, sample_warehouse: Path) -> None:
    _check_for(command)(command, sample_warehouse)


def test_analysis_sql_is_compiled_fresh_each_time(sample_warehouse: Path) -> None:
    """Two actors, two compilations: the second never reads the first one's file."""
    first = analyst_sql.compile_analysis(
        "events_for_actor", sample_warehouse, "{actor_name: Narendra Modi}"
    )
    second = analyst_sql.compile_analysis(
        "events_for_actor", sample_warehouse, "{actor_name: Vladimir Putin}"
    )
    assert "lower('Narendra Modi')" in first and "lower('Vladimir Putin')" not in first
    assert "lower('Vladimir Putin')" in second and "lower('Narendra Modi')" not in second
    _, rows = analyst_sql.query(second, sample_warehouse)
    assert rows and all("Vladimir Putin" in (r[1], r[2]) for r in rows)
    # An actor the samples do not contain gives no rows, never another actor's.
    absent = analyst_sql.compile_analysis(
        "events_for_actor", sample_warehouse, "{actor_name: Nobody Inparticular}"
    )
    assert analyst_sql.query(absent, sample_warehouse)[1] == []
    with pytest.raises(analyst_sql.AnalysisError, match=r"one of: .*events_for_actor"):
        analyst_sql.compile_analysis("analyses/events_for_actor", sample_warehouse)
