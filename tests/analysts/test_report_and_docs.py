"""The docs site and the HTML report, as a browser renders them (headless Chromium)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsevents.analyst import report
from newsevents.analyst import sql as analyst_sql

# The contract's marts.events columns (../shared/CONTRACT.md).
EVENTS_COLUMNS = (
    "event_id",
    "event_date",
    "source_actor_id",
    "target_actor_id",
    "event_code",
    "event_root_code",
    "event_label",
    "quad_class",
    "goldstein",
    "num_mentions",
    "num_articles",
    "num_sources",
)
REPORT_CHARTS = ("events-per-day", "top-actors", "top-dyads", "fetch-outcomes")


def _rendered(dom: str) -> str:
    """The DOM without script and style bodies (the static page embeds the manifest)."""
    dom = re.sub(r"<script\b[^>]*>.*?</script>", "", dom, flags=re.S)
    return re.sub(r"<style\b[^>]*>.*?</style>", "", dom, flags=re.S)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_docs_site_renders_the_events_model_page(docs_target: Path, browser) -> None:
    page = docs_target / "static_index.html"
    dom = _rendered(browser.dump_dom(f"{page.as_uri()}#!/model/model.newsevents.events"))
    assert re.search(r"<h1>\s*<span[^>]*>events</span>\s*<small[^>]*>table</small>", dom)
    manifest = json.loads((docs_target / "manifest.json").read_text(encoding="utf-8"))
    description = manifest["nodes"]["model.newsevents.events"]["description"]
    assert description, "marts.events has no description"
    markdown = re.search(r'class="model-markdown[^"]*"[^>]*>(.*?)</div>', dom, re.S)
    assert markdown is not None, "the model description did not render"
    assert _text(description)[:40] in _text(markdown.group(1))
    rendered_columns = set(re.findall(r'<span class="text-dark ng-binding">(\w+)</span>', dom))
    assert set(EVENTS_COLUMNS) <= rendered_columns
    # "Depends On" lists the parents as rendered links.
    depends_on = dom[dom.index("<h6>Depends On</h6>") :]
    assert 'href="#!/model/model.newsevents.event_mentions"' in depends_on


def test_docs_site_draws_the_lineage_graph(docs_target: Path, browser) -> None:
    page = docs_target / "static_index.html"
    # g_v=1 opens the lineage graph of the model full size.
    dom = _rendered(browser.dump_dom(f"{page.as_uri()}#!/model/model.newsevents.events?g_v=1"))
    assert re.search(r"<h6>\s*Lineage Graph\s*</h6>", dom)
    # cytoscape has created its canvas layers at the graph's size: the graph was drawn.
    node_layer = re.search(
        r'<canvas[^>]*data-id="layer2-node"[^>]*width="(\d+)" height="(\d+)"', dom
    )
    assert node_layer is not None, "cytoscape did not initialise"
    assert int(node_layer.group(1)) > 300 and int(node_layer.group(2)) > 200


def test_docs_overview_explains_the_model(docs_target: Path, browser) -> None:
    page = docs_target / "static_index.html"
    dom = _rendered(browser.dump_dom(f"{page.as_uri()}#!/overview"))
    text = _text(dom)
    for phrase in ("The model in plain words", "CAMEO", "quad_class", "Example queries"):
        assert phrase in text
    # The example queries render as highlighted SQL blocks.
    blocks = re.findall(r'<pre class="language-sql"[^>]*>(.*?)</pre>', dom, re.S)
    sql = [re.sub(r"<[^>]+>", "", block) for block in blocks]
    assert len(sql) >= 3
    assert any("from marts.events" in block for block in sql)


def test_report_renders_the_plots(sample_warehouse: Path, tmp_path: Path, browser) -> None:
    out = tmp_path / "report.html"
    assert report.main(["--warehouse", str(sample_warehouse), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    # Self-contained: no scripts, nothing fetched from elsewhere.
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    dom = browser.dump_dom(out.as_uri())
    for chart in REPORT_CHARTS:
        svg = re.search(rf'<svg id="{chart}"[^>]*>(.*?)</svg>', dom, re.S)
        assert svg is not None, f"{chart} is not an SVG plot"
        assert "<rect" in svg.group(1)
    per_day = re.search(r'<svg id="events-per-day".*?</svg>', dom, re.S)
    assert per_day is not None
    # The default report plots every event, and says which window it shows.
    _, [(groups, events, first, last)] = analyst_sql.query(
        "select count(distinct (event_date, quad_class)), count(*), min(event_date), "
        "max(event_date) from marts.events",
        sample_warehouse,
    )
    assert groups >= 1
    assert len(re.findall(r'class="bar quad-[1-4]"', per_day.group(0))) == groups
    assert f"all events: {first} to {last}, {events} events" in per_day.group(0)
    assert re.search(r'<table id="latest-run">.*?succeeded', dom, re.S)
    png = browser.screenshot(out.as_uri(), tmp_path / "report.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
