"""The gold-set evaluator on a small hand-made warehouse (no dbt run needed)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from newsevents import evaluate

GOLD = """
articles:
  - canonical_url: https://samples.newsevents.example/a.html
    actors:
      - {name: "Vladimir Putin", country_code: RUS, actor_type: person}
      - {name: "Xi Jinping", country_code: CHN, actor_type: person}
      - {name: "NATO", country_code: null, actor_type: organization}
    events:
      - {source: "Xi Jinping", target: "Vladimir Putin", root_code: "04", event_date: 2024-05-16}
      - {source: "China", target: "United States", root_code: "11", event_date: 2024-05-16}
      - {source: "Vladimir Putin", target: null, root_code: "01", event_date: 2024-05-16}
  - canonical_url: https://samples.newsevents.example/not-loaded.html
    actors:
      - {name: "Joe Biden", country_code: USA, actor_type: person}
    events: []
"""


def _warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.articles (article_id varchar, canonical_url varchar)")
    con.execute(
        "insert into marts.articles values ('a', 'https://samples.newsevents.example/a.html'),"
        " ('b', 'https://samples.newsevents.example/b.html')"
    )
    con.execute("create table marts.actors (actor_id varchar, name varchar, actor_type varchar)")
    con.execute(
        "insert into marts.actors values ('p', 'Vladimir Putin', 'person'),"
        " ('x', 'Xi Jinping', 'person'), ('c', 'China', 'country'),"
        " ('u', 'United States', 'country'), ('h', 'Great Hall', 'location'),"
        " ('z', 'Volodymyr Zelensky', 'person')"
    )
    con.execute("create table marts.actor_mentions (actor_id varchar, article_id varchar)")
    # Zelensky is mentioned only in article b: he must not count for article a.
    con.execute(
        "insert into marts.actor_mentions values ('p', 'a'), ('p', 'a'), ('x', 'a'),"
        " ('c', 'a'), ('h', 'a'), ('z', 'b')"
    )
    con.execute(
        "create table marts.events (event_id varchar, source_actor_id varchar,"
        " target_actor_id varchar, event_root_code varchar)"
    )
    con.execute(
        "insert into marts.events values ('e1', 'x', 'p', '04'), ('e2', 'c', 'u', '12'),"
        " ('e3', 'p', null, '01'), ('e4', 'p', 'x', '04')"
    )
    con.execute("create table marts.event_mentions (event_id varchar, article_id varchar)")
    con.execute(
        "insert into marts.event_mentions values ('e1', 'a'), ('e1', 'b'), ('e2', 'a'),"
        " ('e3', 'a'), ('e4', 'b')"
    )
    con.close()


def test_run_eval_counts_matches_per_article(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _warehouse(db)
    gold = tmp_path / "gold.yml"
    gold.write_text(GOLD)
    result = evaluate.run_eval(str(db), str(gold))
    # Actors in a: Putin, Xi, China predicted (the place is not scored); gold Putin, Xi, NATO;
    # plus Biden from the article that is not in the warehouse.
    assert result["actors"] | {} == {
        "tp": 2,
        "fp": 1,
        "fn": 2,
        "precision": pytest.approx(2 / 3, abs=1e-4),
        "recall": 0.5,
        "f1": pytest.approx(0.5714, abs=1e-4),
    }
    # Events in a: Xi->Putin 04 and Putin->null 01 match; China->US has root 12, not 11.
    events = result["events"]
    assert (events["tp"], events["fp"], events["fn"]) == (2, 1, 1)
    assert result["missing_articles"] == ["https://samples.newsevents.example/not-loaded.html"]
    report = evaluate.format_report(result, verbose=True)
    assert "actors  P=0.667 R=0.500" in report
    assert "missed   ('china', 'united states', '11')" in report


def test_floors_and_main_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.duckdb"
    _warehouse(db)
    gold = tmp_path / "gold.yml"
    gold.write_text(GOLD)
    result = evaluate.run_eval(str(db), str(gold))
    assert evaluate.below_floors(result, {"events_recall": 0.5}) == []
    assert evaluate.below_floors(result, {"events_precision": 0.9}) == [
        "events_precision 0.667 < 0.900"
    ]
    assert evaluate.main(["--warehouse", str(db), "--gold", str(gold)]) == 0
    assert "events  P=0.667 R=0.667" in capsys.readouterr().out
    assert evaluate.main(["--warehouse", str(tmp_path / "none.duckdb"), "--gold", str(gold)]) == 2
    assert all(v >= 0 for v in evaluate.EVAL_FLOORS.values())
