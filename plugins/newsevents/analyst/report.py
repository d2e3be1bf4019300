"""``newsevents report``: one self-contained HTML page of plots about the warehouse.

Reads the *published* warehouse read-only (never the work DB) and writes a single
HTML file with hand-drawn inline SVG charts (no plotting library needed): events
per day stacked by quad class, the most mentioned actors, the most active dyads,
fetch outcomes by status, and the latest row of ``marts.pipeline_runs``.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

LOGGER = logging.getLogger(__name__)

# The per-day chart shows every event unless `--days N` asks for the N days ending
# on the latest event date; the window shown is printed on the chart either way.
REPORT_DAYS: int | None = None
# Bars in the top-N charts: more than ~15 labels stop being readable at this width.
TOP_N = 15
CHART_WIDTH = 760
BAR_HEIGHT = 22
LABEL_WIDTH = 260
# A single day should still look like a bar, not a wall.
MAX_BAR_WIDTH = 48.0

QUAD_CLASSES = {
    1: ("verbal cooperation", "#4e9a06"),
    2: ("material cooperation", "#2e7d9a"),
    3: ("verbal conflict", "#e69f00"),
    4: ("material conflict", "#c0392b"),
}
_FAILED_COLOR = "#c0392b"
_OK_COLOR = "#4e9a06"
_OK_STATUSES = frozenset({"ok", "duplicate", "not_modified"})


@dataclass(frozen=True)
class ReportData:
    """What the report shows, read from the warehouse."""

    events_per_day: list[tuple[date, int, int]]  # (day, quad_class, events)
    top_actors: list[tuple[str, int]]
    top_dyads: list[tuple[str, int]]
    fetch_outcomes: list[tuple[str, int]]
    latest_run: dict[str, Any] | None
    totals: dict[str, int]
    # The per-day chart's window: first and last day, events shown, events in all.
    window: tuple[date, date, int, int] | None = None
    days: int | None = None


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def read_report_data(warehouse: str | Path, days: int | None = REPORT_DAYS) -> ReportData:
    """Query the published warehouse (read-only) for every chart of the report.

    ``days``: the per-day chart shows the ``days`` days ending on the latest event
    date; None shows every event.
    """
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return _read(con, days)
    finally:
        con.close()


def _read(con: duckdb.DuckDBPyConnection, days: int | None = REPORT_DAYS) -> ReportData:
    per_day: list[tuple[date, int, int]] = []
    window: tuple[date, date, int, int] | None = None
    actors: list[tuple[str, int]] = []
    dyads: list[tuple[str, int]] = []
    outcomes: list[tuple[str, int]] = []
    totals: dict[str, int] = {}
    for table in ("articles", "actors", "events", "relations"):
        if _has_table(con, "marts", table):
            row = con.execute(f"select count(*) from marts.{table}").fetchone()
            totals[table] = int(row[0]) if row else 0
    if _has_table(con, "marts", "events"):
        per_day = [
            (day, int(quad), int(count))
            for day, quad, count in con.execute(
                "select event_date, quad_class, count(*) from marts.events "
                "where (?::integer is null "
                "or event_date > (select max(event_date) from marts.events) - ?::integer) "
                "and quad_class is not null "
                "group by all order by event_date, quad_class",
                [days, days],
            ).fetchall()
        ]
        if per_day:
            total = con.execute(
                "select count(*) from marts.events where quad_class is not null"
            ).fetchone()
            last = per_day[-1][0]
            first = last - timedelta(days=days - 1) if days else per_day[0][0]
            shown = sum(count for _day, _quad, count in per_day)
            window = (first, last, shown, int(total[0]) if total else shown)
    if _has_table(con, "marts", "actors"):
        actors = [
            (str(name), int(count))
            for name, count in con.execute(
                "select name, mention_count from marts.actors where mention_count > 0 "
                "order by mention_count desc, name limit ?",
                [TOP_N],
            ).fetchall()
        ]
    if _has_table(con, "marts", "events") and _has_table(con, "marts", "actors"):
        dyads = [
            (f"{a} – {b}", int(count))
            for a, b, count in con.execute(
                """
                with pairs as (
                    select
                        least(source_actor_id, target_actor_id) as a_id,
                        greatest(source_actor_id, target_actor_id) as b_id
                    from marts.events
                    where target_actor_id is not null and source_actor_id != target_actor_id
                )
                select a.name, b.name, count(*) as events
                from pairs
                join marts.actors as a on pairs.a_id = a.actor_id
                join marts.actors as b on pairs.b_id = b.actor_id
                group by all
                order by events desc, a.name, b.name
                limit ?
                """,
                [TOP_N],
            ).fetchall()
        ]
    if _has_table(con, "marts", "fetch_log"):
        outcomes = [
            (str(status), int(count))
            for status, count in con.execute(
                "select status, count(*) from marts.fetch_log group by status "
                "order by count(*) desc, status"
            ).fetchall()
        ]
    latest = None
    for schema in ("marts", "raw"):
        if _has_table(con, schema, "pipeline_runs"):
            cursor = con.execute(
                f"select * from {schema}.pipeline_runs "
                "order by started_at desc, recorded_at desc limit 1"
            )
            names = [d[0] for d in cursor.description or []]
            row = cursor.fetchone()
            latest = dict(zip(names, row, strict=True)) if row else None
            break
    return ReportData(per_day, actors, dyads, outcomes, latest, totals, window, days)


# -- SVG ---------------------------------------------------------------------------
def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def window_text(window: tuple[date, date, int, int] | None, days: int | None) -> str:
    """What the per-day chart covers, e.g. 'last 60 days: 2024-10-02 to 2024-11-30, 5 of 48
    events' or 'all events: 2023-01-09 to 2024-11-30, 48 events'."""
    if window is None:
        return "no events"
    first, last, shown, total = window
    span = f"{first.isoformat()} to {last.isoformat()}"
    if days:
        return f"last {days} days: {span}, {shown} of {total} events"
    return f"all events: {span}, {total} events"


def stacked_day_chart(
    rows: list[tuple[date, int, int]],
    chart_id: str,
    window: tuple[date, date, int, int] | None = None,
    window_days: int | None = None,
) -> str:
    """Vertical bars per day, stacked by quad class, with a y axis, a legend and the window."""
    if not rows:
        return _empty(chart_id, "no events yet")
    days = sorted({day for day, _quad, _count in rows})
    by_day: dict[date, dict[int, int]] = {day: {} for day in days}
    for day, quad, count in rows:
        by_day[day][quad] = count
    top = _nice_max(max(sum(v.values()) for v in by_day.values()))
    left, right, top_pad, bottom = 48, 12, 28, 44
    height = 300
    plot_w = CHART_WIDTH - left - right
    plot_h = height - top_pad - bottom
    slot = plot_w / len(days)
    bar_w = min(MAX_BAR_WIDTH, max(1.0, slot * 0.8))
    parts = [
        f'<svg id="{_e(chart_id)}" class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">',
        f"<title>Events per day by quad class ({len(days)} days)</title>",
        f'<text class="window" x="{CHART_WIDTH - right}" y="{height - 6}" text-anchor="end" '
        f'font-size="11">{_e(window_text(window, window_days))}</text>',
    ]
    ticks = min(4, top)
    for tick in range(ticks + 1):
        value = round(top * tick / ticks)
        y = top_pad + plot_h - plot_h * value / top
        parts.append(
            f'<line class="grid" x1="{left}" x2="{CHART_WIDTH - right}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="#ddd"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{value:g}</text>'
        )
    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar_w) / 2
        base = float(top_pad + plot_h)
        for quad in sorted(by_day[day]):
            count = by_day[day][quad]
            h = plot_h * count / top
            base -= h
            label, color = QUAD_CLASSES.get(quad, (f"quad {quad}", "#888"))
            parts.append(
                f'<rect class="bar quad-{quad}" x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{color}"><title>{_e(day)}: {count} {_e(label)}'
                "</title></rect>"
            )
    label_every = max(1, len(days) // 8)
    for i, day in enumerate(days):
        if i % label_every == 0 or i == len(days) - 1:
            x = left + i * slot + slot / 2
            parts.append(
                f'<text class="day" x="{x:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle" font-size="11">{_e(day.isoformat())}</text>'
            )
    x = left
    for quad, (label, color) in QUAD_CLASSES.items():
        parts.append(
            f'<rect class="legend quad-{quad}" x="{x}" y="6" width="12" height="12" '
            f'fill="{color}"/><text x="{x + 16}" y="16" font-size="12">{_e(label)}</text>'
        )
        x += 30 + 7 * len(label)
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    rows: list[tuple[str, int]], chart_id: str, title: str, colors: dict[str, str] | None = None
) -> str:
    """One labelled horizontal bar per row, longest first."""
    if not rows:
        return _empty(chart_id, "nothing to show yet")
    top = max(count for _label, count in rows) or 1
    height = BAR_HEIGHT * len(rows) + 16
    plot_w = CHART_WIDTH - LABEL_WIDTH - 60
    parts = [
        f'<svg id="{_e(chart_id)}" class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">',
        f"<title>{_e(title)}</title>",
    ]
    for i, (label, count) in enumerate(rows):
        y = 8 + i * BAR_HEIGHT
        w = max(1.0, plot_w * count / top)
        color = (colors or {}).get(label, "#2e7d9a")
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" '
            f'font-size="12">{_e(label)}</text>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{w:.1f}" '
            f'height="{BAR_HEIGHT - 6}" fill="{color}"><title>{_e(label)}: {count}</title></rect>'
            f'<text class="value" x="{LABEL_WIDTH + w + 6:.1f}" y="{y + 15}" '
            f'font-size="12">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _empty(chart_id: str, text: str) -> str:
    return f'<p id="{_e(chart_id)}" class="empty">{_e(text)}</p>'


# -- HTML --------------------------------------------------------------------------
_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 820px; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
td, th { border-bottom: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: left; }
.totals span { margin-right: 1.5rem; } .empty { color: #888; }
.warning { color: #c0392b; }
"""


def _run_table(run: dict[str, Any] | None) -> str:
    if run is None:
        return '<p id="latest-run" class="empty">no pipeline run recorded yet</p>'
    rows = []
    warnings: list[str] = []
    for key, value in run.items():
        if value is None:
            continue
        if key == "warnings":
            parsed = json.loads(value) if isinstance(value, str) else value
            warnings = [str(line) for line in parsed or []]
        if isinstance(value, (str, int, float, date)):
            shown = str(value)
        else:
            shown = json.dumps(value, default=str)
        rows.append(f"<tr><th>{_e(key)}</th><td>{_e(shown)}</td></tr>")
    warning_html = "".join(f'<p class="warning">warning: {_e(line)}</p>' for line in warnings)
    return f'<table id="latest-run">{"".join(rows)}</table>{warning_html}'


def render_html(data: ReportData, warehouse: str) -> str:
    """The whole report page as one string (inline CSS and SVG, no external files)."""
    outcome_colors = {
        status: (_OK_COLOR if status in _OK_STATUSES else _FAILED_COLOR)
        for status, _count in data.fetch_outcomes
    }
    totals = "".join(
        f'<span class="total" data-table="{_e(name)}">{_e(name)}: <b>{count}</b></span>'
        for name, count in data.totals.items()
    )
    sections = [
        (
            "Events per day by quad class",
            stacked_day_chart(data.events_per_day, "events-per-day", data.window, data.days),
        ),
        (
            "Top actors (mentions)",
            horizontal_bars(data.top_actors, "top-actors", "Most mentioned actors"),
        ),
        (
            "Top dyads (events, either direction)",
            horizontal_bars(data.top_dyads, "top-dyads", "Most active actor pairs"),
        ),
        (
            "Fetch outcomes (URLs by last status)",
            horizontal_bars(
                data.fetch_outcomes, "fetch-outcomes", "Fetch outcomes", outcome_colors
            ),
        ),
        ("Latest pipeline run", _run_table(data.latest_run)),
    ]
    body = "".join(
        f"<section><h2>{_e(title)}</h2>{content}</section>" for title, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        "<title>newsevents report</title>"
        f"<style>{_CSS}</style></head><body>"
        "<h1>newsevents report</h1>"
        f'<p class="warehouse">warehouse: <code>{_e(warehouse)}</code></p>'
        f'<p class="totals">{totals}</p>'
        f"{body}</body></html>\n"
    )


def write_report(warehouse: str | Path, out: str | Path, days: int | None = REPORT_DAYS) -> Path:
    """Render the report of ``warehouse`` to ``out`` (written atomically) and return it."""
    source = Path(warehouse)
    if not source.is_file():
        raise FileNotFoundError(f"no published warehouse at {source} (run `newsevents run`)")
    page = render_html(read_report_data(source, days), str(source))
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    temp.write_text(page, encoding="utf-8")
    os.replace(temp, target)
    LOGGER.info("report written to %s", target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``newsevents report [--warehouse FILE] [--out FILE]``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="newsevents report", description="Render an HTML report of the warehouse."
    )
    parser.add_argument(
        "--warehouse", help="published DuckDB file (default: $NEWSEVENTS_WAREHOUSE)"
    )
    parser.add_argument(
        "--out", help="HTML file to write (default: report.html next to the warehouse)"
    )
    parser.add_argument(
        "--days",
        type=int,
        default=REPORT_DAYS,
        help="events per day: only the N days ending on the latest event (default: all)",
    )
    args = parser.parse_args(argv)
    from newsevents.settings import resolve

    warehouse = Path(resolve(warehouse=args.warehouse)["warehouse"])
    out = Path(args.out) if args.out else warehouse.parent / "report.html"
    try:
        path = write_report(warehouse, out, args.days)
    except (FileNotFoundError, duckdb.Error) as exc:
        print(f"newsevents report: error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
