"""``newsevents report`` on small hand-made warehouses (no browser needed)."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from newsevents import runs
from newsevents.analyst import report


def test_report_on_a_warehouse_without_marts(tmp_path: Path, capsys) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    out = tmp_path / "out" / "report.html"
    assert report.main(["--warehouse", str(warehouse), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert 'id="events-per-day" class="empty"' in html
    assert "no pipeline run recorded yet" in html
    assert capsys.readouterr().out.strip() == str(out)


def test_report_needs_a_published_warehouse(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "none.duckdb"
    assert report.main(["--warehouse", str(missing), "--out", str(tmp_path / "r.html")]) == 1
    assert "none.duckdb" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "r.html").exists()


def test_report_stacks_quad_classes_and_escapes_names(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts")
    con.execute("create table marts.actors (actor_id varchar, name varchar, mention_count integer)")
    con.execute("insert into marts.actors values ('a', 'Alpha <b>', 5), ('b', 'Beta & Co', 2)")
    con.execute(
        "create table marts.events (event_id varchar, event_date date, source_actor_id varchar, "
        "target_actor_id varchar, quad_class integer)"
    )
    con.execute(
        "insert into marts.events values "
        "('e1', '2026-03-01', 'a', 'b', 1), ('e2', '2026-03-01', 'b', 'a', 4), "
        "('e3', '2026-03-02', 'a', 'b', 1), ('e4', '2025-01-01', 'a', 'b', 3)"
    )
    con.execute("create table marts.fetch_log (url varchar, status varchar)")
    con.execute("insert into marts.fetch_log values ('u1', 'ok'), ('u2', 'timeout')")
    con.close()
    runs.record_run(
        str(warehouse),
        {"run_id": "r1", "started_at": "2026-03-02T02:00:00", "status": "failed", "error": "x"},
    )
    # By default every event is plotted, e4 a year earlier too.
    everything = report.read_report_data(warehouse)
    assert everything.events_per_day[0] == (date(2025, 1, 1), 3, 1)
    assert everything.window == (date(2025, 1, 1), date(2026, 3, 2), 4, 4)
    whole = report.render_html(everything, str(warehouse))
    assert "all events: 2025-01-01 to 2026-03-02, 4 events" in whole
    data = report.read_report_data(warehouse, days=60)
    # e4 is more than 60 days before the latest event: not plotted, and the chart says so.
    assert data.events_per_day == [
        (date(2026, 3, 1), 1, 1),
        (date(2026, 3, 1), 4, 1),
        (date(2026, 3, 2), 1, 1),
    ]
    assert data.window == (date(2026, 1, 2), date(2026, 3, 2), 3, 4)
    assert "last 60 days: 2026-01-02 to 2026-03-02, 3 of 4 events" in report.render_html(
        data, str(warehouse)
    )
    assert data.top_dyads == [("Alpha <b> – Beta & Co", 4)]
    assert data.latest_run is not None and data.latest_run["status"] == "failed"
    html = report.render_html(data, str(warehouse))
    assert "Alpha &lt;b&gt;" in html and "Alpha <b>" not in html
    assert len(re.findall(r'class="bar quad-1"', html)) == 2
    assert len(re.findall(r'class="bar quad-4"', html)) == 1
    assert 'fill="#c0392b"><title>timeout: 1' in html  # failures drawn in red


def test_default_report_lands_next_to_the_warehouse_in_an_ignored_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    duckdb.connect(str(warehouse)).close()
    monkeypatch.chdir(tmp_path)
    assert report.main(["--warehouse", str(warehouse)]) == 0
    assert (tmp_path / "data" / "report.html").is_file()
    assert not (tmp_path / "report.html").exists()
    # The default warehouse folder of a checkout is ignored by git, so is its report.
    repo = Path(__file__).resolve().parents[2]
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data/report.html"], cwd=repo, check=False
    )
    assert ignored.returncode == 0
