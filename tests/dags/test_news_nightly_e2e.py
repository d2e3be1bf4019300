"""End to end: ``dag.test()`` of news_nightly against a news site on 127.0.0.1.

Each run happens in a child process with a temporary AIRFLOW_HOME (sqlite) and a
temporary warehouse; the fixture site is a real HTTP server in this process. The
sources file comes from ``NEWSEVENTS_SOURCES`` and the warehouse from the Airflow
Variable ``newsevents_warehouse`` (``AIRFLOW_VAR_...``), the two ways a deployment
configures them.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from dag_support import DAGS_FOLDER, AirflowEnv

# Three dag.test() runs of ~70 tasks each (55 of them dbt, 2-5 s apiece on a busy
# 2-core machine): well over the suite's default per-test timeout.
pytestmark = pytest.mark.timeout(1800)

# Three invented wire stories: who did what to whom, in plain news English.
ARTICLES = {
    "/world/putin-xi-summit.html": (
        "Putin and Xi pledge deeper ties at Beijing summit",
        "2026-03-03",
        [
            "Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on "
            "Tuesday for two days of talks on trade, energy and security.",
            "Xi praised the partnership between the two countries and said China would "
            "increase its purchases of Russian oil and gas over the next five years.",
            "The two leaders signed an agreement on energy cooperation and promised to expand "
            "military exercises in the Pacific, officials in Moscow said.",
            "Putin thanked Xi for his hospitality and invited him to visit Russia next year.",
        ],
    ),
    "/world/nato-condemns-strike.html": (
        "NATO condemns missile strike on Ukrainian port",
        "2026-03-04",
        [
            "NATO on Wednesday condemned a Russian missile strike on the Ukrainian port of "
            "Odesa that killed four civilians and damaged grain warehouses.",
            "Ukraine accused Russia of deliberately targeting civilian infrastructure and asked "
            "its allies for more air defence systems.",
            "The European Union said it would propose new sanctions against Russia, while the "
            "United Nations called for an independent investigation into the attack.",
            "Russia denied targeting civilians and said its forces had struck military sites.",
        ],
    ),
    "/world/us-sanctions-iran.html": (
        "United States imposes new sanctions on Iran",
        "2026-03-05",
        [
            "The United States imposed new sanctions on Iran on Thursday, targeting companies "
            "accused of supplying drones to Russia.",
            "Secretary of State Antony Blinken said Washington would keep up the pressure on "
            "Tehran until the shipments stopped.",
            "Iran rejected the accusations and warned that it would respond to any new "
            "measures, its foreign ministry said in a statement.",
            "France and Germany expressed support for the American decision and urged Iran to "
            "return to negotiations over its nuclear programme.",
        ],
    ),
}
FEED_ARTICLES = ["/world/putin-xi-summit.html", "/world/nato-condemns-strike.html"]
PICKED_ARTICLES = ["/world/us-sanctions-iran.html"]
BROKEN_ARTICLE = "/world/server-error.html"  # answers 500
EMPTY_ARTICLE = "/world/empty-page.html"  # a 200 page with no article text
# Statuses a failed article may be recorded under (the fetch log vocabulary).
FAILURE_STATUSES = {"http_error", "extraction_failed", "not_found"}


def _article_html(title: str, date: str, paragraphs: list[str]) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        f"<meta property='article:published_time' content='{date}T09:00:00Z'>"
        "<meta name='author' content='Staff Reporter'>"
        "</head><body><header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"</header><main><article><h1>{title}</h1>"
        f"<p class='byline'>By Staff Reporter, {date}</p>{body}</article></main>"
        "<footer>Copyright Example Wire</footer></body></html>"
    ).encode()


@dataclass
class FixtureSite:
    base_url: str
    pages: dict[str, tuple[int, str, bytes]]

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def site() -> Iterator[FixtureSite]:
    """A tiny news site on 127.0.0.1: an RSS feed, three articles, two broken pages."""
    pages: dict[str, tuple[int, str, bytes]] = {}
    for path, (title, date, paragraphs) in ARTICLES.items():
        pages[path] = (200, "text/html; charset=utf-8", _article_html(title, date, paragraphs))
    pages[BROKEN_ARTICLE] = (500, "text/html", b"<html><body>Internal error</body></html>")
    pages[EMPTY_ARTICLE] = (200, "text/html; charset=utf-8", b"<html><body></body></html>")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            status, content_type, body = pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    items = "".join(
        f"<item><title>{ARTICLES[p][0]}</title><link>{base}{p}</link>"
        f"<pubDate>Tue, 03 Mar 2026 09:00:00 GMT</pubDate></item>"
        for p in FEED_ARTICLES
    )
    feed = (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        f"<title>Example Wire</title><link>{base}/</link><description>World news</description>"
        f"{items}</channel></rss>"
    ).encode()
    pages["/feed.xml"] = (200, "application/rss+xml", feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield FixtureSite(base_url=base, pages=pages)
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sources_file(folder: Path, site: FixtureSite, with_failures: bool) -> Path:
    picked = [site.url(p) for p in PICKED_ARTICLES]
    sources: list[dict[str, Any]] = [
        {"name": "example-wire", "kind": "feed", "url": site.url("/feed.xml")},
        {"name": "hand-picked", "kind": "urls", "urls": picked},
    ]
    if with_failures:
        sources[1]["urls"] = [*picked, site.url(BROKEN_ARTICLE), site.url(EMPTY_ARTICLE)]
        down = f"http://127.0.0.1:{_closed_port()}/feed.xml"
        sources.append({"name": "down-wire", "kind": "feed", "url": down})
    config = {
        "sources": sources,
        "fetch": {
            "allow_private_addresses": True,  # the fixture site is on 127.0.0.1
            "per_host_delay_s": 0,
            "timeout_s": 5,
            "max_retries": 0,
        },
    }
    path = folder / "sources.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Run:
    result: dict[str, Any]
    warehouse: Path
    log: Path


def _run_dag(
    airflow_env: AirflowEnv,
    dag_id: str,
    folder: Path,
    sources: Path,
    warehouse: Path,
    conf: dict[str, Any] | None = None,
) -> Run:
    log = folder / f"{dag_id}_{len(list(folder.glob(f'{dag_id}_*.log')))}.log"
    result = airflow_env.runner(
        "test",
        dag_id,
        str(DAGS_FOLDER),
        *([json.dumps(conf)] if conf else []),
        extra_env={
            "NEWSEVENTS_SOURCES": str(sources),
            "AIRFLOW_VAR_NEWSEVENTS_WAREHOUSE": str(warehouse),
        },
        log=log,
    )
    print(f"\n{dag_id} dag.test(): {result.get('seconds')}s, log {log}")
    return Run(result=result, warehouse=warehouse, log=log)


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


# Skipped by design: the mapped re-annotation has no batch when every article came
# parsed from the fetch stage (the first run) or nothing is new (the second).
MAY_SKIP = {"parse_batch"}


def _failed_tasks(run: Run) -> dict[str, list[str]]:
    return {
        task_id: states
        for task_id, states in run.result["task_states"].items()
        if any(state != "success" for state in states)
        and not (task_id in MAY_SKIP and set(states) == {"skipped"})
    }


def _snapshot(warehouse: Path) -> dict[str, Any]:
    return {
        "articles": sorted(_query(warehouse, "select article_id from marts.articles")),
        "actors": sorted(_query(warehouse, "select actor_id, name from marts.actors")),
        "events": sorted(_query(warehouse, "select event_id from marts.events")),
        "relations": sorted(_query(warehouse, "select relation_id from marts.relations")),
        "event_mentions": _query(warehouse, "select count(*) from marts.event_mentions")[0][0],
        "raw_articles": _query(warehouse, "select count(*) from raw.articles")[0][0],
        "fetch_log": sorted(_query(warehouse, "select url, status from marts.fetch_log")),
    }


@dataclass
class Runs:
    site: FixtureSite
    first: Run
    after_first: dict[str, Any]
    second: Run
    docs: Run


@pytest.fixture(scope="module")
def runs(
    airflow_env: AirflowEnv, site: FixtureSite, tmp_path_factory: pytest.TempPathFactory
) -> Runs:
    """news_nightly twice over the same sources and warehouse, then news_docs.

    The sources include a feed whose server is down and two broken article URLs next
    to the three good articles: the run must succeed regardless.
    """
    folder = tmp_path_factory.mktemp("nightly")
    sources = _sources_file(folder, site, with_failures=True)
    warehouse = folder / "warehouse.duckdb"
    first = _run_dag(airflow_env, "news_nightly", folder, sources, warehouse)
    assert first.result["state"] == "success", f"see {first.log}: {_failed_tasks(first)}"
    after_first = _snapshot(warehouse)
    second = _run_dag(airflow_env, "news_nightly", folder, sources, warehouse)
    # The docs of the warehouse named by the run (param), not the Variable's.
    elsewhere = folder / "elsewhere" / "other.duckdb"
    docs = _run_dag(
        airflow_env, "news_docs", folder, sources, elsewhere, {"warehouse": str(warehouse)}
    )
    return Runs(site, first, after_first, second, docs)


def test_every_task_succeeds(runs: Runs) -> None:
    assert runs.first.result["state"] == "success"
    assert _failed_tasks(runs.first) == {}
    states = runs.first.result["task_states"]
    # One discover per source (dynamic task mapping), the down source included.
    assert len(states["discover"]) == 3
    assert len(states["fetch_batch"]) >= 1
    assert any(task_id.startswith("dbt.") for task_id in states)
    for task_id in ("load_raw", "load_annotations", "annotate", "docs", "publish", "summary"):
        assert states[task_id] == ["success"], task_id
    # The fetch task parsed the articles; the writer only loaded them.
    xcoms = runs.first.result["xcoms"]
    parsed = sum(result["parsed"] for result in xcoms["fetch_batch"])
    assert parsed > 0 and xcoms["load_raw"][0]["annotated"] == parsed
    assert xcoms["annotate"][0]["annotated"] == 0


def test_served_articles_reach_the_marts(runs: Runs) -> None:
    warehouse = runs.first.warehouse
    assert warehouse.is_file(), "publish did not write the warehouse"
    titles = {row[0] for row in _query(warehouse, "select title from marts.articles")}
    assert titles == {title for title, _date, _paras in ARTICLES.values()}
    names = {name for _actor_id, name in runs.after_first["actors"]}
    assert {"Vladimir Putin", "Xi Jinping", "Russia", "China"} <= names, names
    assert runs.after_first["events"], "no events extracted from the served articles"
    orphans = _query(
        warehouse,
        "select count(*) from marts.events e left join marts.actors a"
        " on a.actor_id = e.source_actor_id where a.actor_id is null",
    )[0][0]
    assert orphans == 0


def test_down_source_and_broken_articles_are_in_the_fetch_log(runs: Runs) -> None:
    site = runs.site
    log = dict(runs.after_first["fetch_log"])
    assert log[site.url(BROKEN_ARTICLE)] in FAILURE_STATUSES
    assert log[site.url(EMPTY_ARTICLE)] in FAILURE_STATUSES
    for path in ARTICLES:
        assert log[site.url(path)] == "ok", path
    summary = runs.first.result["xcoms"]["summary"][0]
    assert summary["fetch_statuses"].get("ok") == len(ARTICLES)
    assert sum(summary["fetch_statuses"].values()) == len(ARTICLES) + 2


def test_second_run_adds_nothing(runs: Runs) -> None:
    assert runs.second.result["state"] == "success", (
        f"see {runs.second.log}: {_failed_tasks(runs.second)}"
    )
    after_second = _snapshot(runs.second.warehouse)
    for key in ("articles", "actors", "events", "relations", "event_mentions", "raw_articles"):
        assert after_second[key] == runs.after_first[key], key
    assert {url for url, _status in after_second["fetch_log"]} == {
        url for url, _status in runs.after_first["fetch_log"]
    }


def test_docs_dag_publishes_the_docs_site(runs: Runs) -> None:
    assert runs.docs.result["state"] == "success", f"see {runs.docs.log}"
    site = runs.first.warehouse.parent / "docs" / "index.html"
    html = site.read_text(encoding="utf-8")
    assert "<html" in html.lower()
    # The static site embeds the manifest: the marts are documented in it.
    assert "model.newsevents.events" in html


def test_nothing_new_skips_the_dbt_group(runs: Runs) -> None:
    """The second night finds no raw table changed: no dbt task runs, the rest does."""
    states = runs.second.result["task_states"]
    assert states["dbt_needed"] == ["success"]
    assert states["prepare_dbt"] == ["skipped"]
    dbt_states = {t: s for t, s in states.items() if t.startswith("dbt.")}
    assert dbt_states and all(s == ["skipped"] for s in dbt_states.values()), dbt_states
    for task_id in ("source_freshness", "docs", "record_run", "publish", "summary"):
        assert states[task_id] == ["success"], task_id
    first = runs.first.result["task_states"]
    assert first["dbt_needed"] == ["success"] and first["rules_applied"] == ["success"]


def test_airflow_runs_are_recorded_as_completely_as_the_cli_s(runs: Runs) -> None:
    rows = _query(
        runs.second.warehouse,
        "select run_id, discovered_count, articles_total, total_seconds, discover_seconds, "
        "fetch_seconds, load_seconds, annotate_seconds, transform_seconds, docs_seconds "
        "from marts.pipeline_runs order by started_at",
    )
    assert [row[0] for row in rows] == [
        runs.first.result["run_id"],
        runs.second.result["run_id"],
    ]
    assert rows[0][1] == len(ARTICLES) + 2, rows[0]  # discovered: good and broken URLs
    for row in rows:
        assert row[1] is not None and row[2] == len(ARTICLES), row
        assert all(value is not None and value >= 0 for value in row[3:]), row
    # the first night built everything: its transform took longer than the skip
    assert rows[0][8] > rows[1][8]


def test_docs_dag_documents_the_warehouse_it_was_given(runs: Runs) -> None:
    assert runs.docs.result["state"] == "success", f"see {runs.docs.log}"
    assert not (runs.first.warehouse.parent / "elsewhere" / "docs").exists()
    assert (runs.first.warehouse.parent / "docs" / "index.html").is_file()
