"""Precision and recall of the warehouse's actors and events against a gold set.

The gold file (``samples/gold.yml``) lists, per article (by canonical URL), the actors
named in it and the events a coder should extract. Matching:

* actor: the gold name equals (case-insensitively) the name of a ``marts.actors`` row
  with a mention in that article. Predicted actors of type ``location`` (places such as
  "Tower of London") are left out: the gold set lists actors, not places.
* event: same article, same source and target actor names (target may be null) and
  the same CAMEO root code, for events with a mention in that article.

Only gold articles are scored; articles missing from the warehouse count as misses.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

LOGGER = logging.getLogger(__name__)

# Floors enforced by the test suite (make test) and by `newsevents eval --check`.
# Raised as quality improves, never lowered.
# Set to the measured figures on samples/ minus a 0.03 margin, rounded down
# (measured: actors P=0.947 R=0.991, events P=0.979 R=1.000).
EVAL_FLOORS: dict[str, float] = {
    "actors_precision": 0.91,
    "actors_recall": 0.96,
    "events_precision": 0.94,
    "events_recall": 0.97,
}

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "samples" / "gold.yml"

# Actor types a gold set lists; predicted places are not scored.
SCORED_ACTOR_TYPES = ("person", "organization", "country", "group")


@dataclass
class Score:
    """True/false positives and false negatives, with the derived figures."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[tuple[Any, ...]], predicted: set[tuple[Any, ...]]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def _norm(name: Any) -> str | None:
    return None if name is None else " ".join(str(name).split()).casefold()


def load_gold(gold_path: str | Path) -> list[dict[str, Any]]:
    """The gold articles: ``[{canonical_url, actors: [...], events: [...]}, ...]``."""
    data = yaml.safe_load(Path(gold_path).read_text(encoding="utf-8")) or {}
    articles = data.get("articles") or []
    if not isinstance(articles, list):
        raise ValueError(f"{gold_path}: 'articles' must be a list")
    return articles


def _predicted(
    con: duckdb.DuckDBPyConnection, canonical_url: str
) -> tuple[bool, set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    found = con.execute(
        "select article_id from marts.articles where canonical_url = ?", [canonical_url]
    ).fetchall()
    if not found:
        return False, set(), set()
    article_id = found[0][0]
    types = ", ".join(f"'{t}'" for t in SCORED_ACTOR_TYPES)
    actors = con.execute(
        f"""
        select distinct a.name
        from marts.actor_mentions as m
        join marts.actors as a on a.actor_id = m.actor_id
        where m.article_id = ? and a.actor_type in ({types})
        """,
        [article_id],
    ).fetchall()
    events = con.execute(
        """
        select distinct s.name, t.name, e.event_root_code
        from marts.event_mentions as em
        join marts.events as e on e.event_id = em.event_id
        join marts.actors as s on s.actor_id = e.source_actor_id
        left join marts.actors as t on t.actor_id = e.target_actor_id
        where em.article_id = ?
        """,
        [article_id],
    ).fetchall()
    return (
        True,
        {(_norm(name),) for (name,) in actors},
        {(_norm(s), _norm(t), str(root)) for s, t, root in events},
    )


def run_eval(warehouse_path: str, gold_path: str) -> dict[str, Any]:
    """Score ``marts`` in ``warehouse_path`` against ``gold_path``.

    Returns ``{"actors": {...}, "events": {...}, "articles": n, "missing_articles": [...],
    "per_article": [...]}``; each score has tp, fp, fn, precision, recall and f1.
    """
    gold_articles = load_gold(gold_path)
    actors, events = Score(), Score()
    missing: list[str] = []
    per_article: list[dict[str, Any]] = []
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        for article in gold_articles:
            url = str(article["canonical_url"])
            gold_actors = {(_norm(a["name"]),) for a in article.get("actors") or []}
            gold_events = {
                (_norm(e["source"]), _norm(e.get("target")), str(e["root_code"]).zfill(2))
                for e in article.get("events") or []
            }
            present, predicted_actors, predicted_events = _predicted(con, url)
            if not present:
                missing.append(url)
            article_actors, article_events = Score(), Score()
            article_actors.add(gold_actors, predicted_actors)
            article_events.add(gold_events, predicted_events)
            actors.add(gold_actors, predicted_actors)
            events.add(gold_events, predicted_events)
            per_article.append(
                {
                    "canonical_url": url,
                    "actors": article_actors.as_dict(),
                    "events": article_events.as_dict(),
                    "missed_events": sorted(map(repr, gold_events - predicted_events)),
                    "spurious_events": sorted(map(repr, predicted_events - gold_events)),
                }
            )
    finally:
        con.close()
    return {
        "articles": len(gold_articles),
        "missing_articles": missing,
        "actors": actors.as_dict(),
        "events": events.as_dict(),
        "per_article": per_article,
    }


def below_floors(result: dict[str, Any], floors: dict[str, float] | None = None) -> list[str]:
    """Names of the figures below their floor (empty when the gate passes)."""
    failures = []
    for key, floor in (floors or EVAL_FLOORS).items():
        kind, measure = key.split("_", 1)
        value = float(result[kind][measure])
        if value < floor:
            failures.append(f"{key} {value:.3f} < {floor:.3f}")
    return failures


def format_report(result: dict[str, Any], verbose: bool = False) -> str:
    """A printable report: one line per measure, per-article lines when verbose."""
    missing = len(result["missing_articles"])
    lines = [f"gold articles: {result['articles']} (missing from warehouse: {missing})"]
    for kind in ("actors", "events"):
        s = result[kind]
        lines.append(
            f"{kind:<7} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
            f"(tp={s['tp']} fp={s['fp']} fn={s['fn']})"
        )
    for url in result["missing_articles"]:
        lines.append(f"  missing: {url}")
    if verbose:
        for art in result["per_article"]:
            a, e = art["actors"], art["events"]
            lines.append(
                f"  {art['canonical_url']}: actors P={a['precision']:.2f} R={a['recall']:.2f}; "
                f"events P={e['precision']:.2f} R={e['recall']:.2f}"
            )
            lines.extend(f"    missed   {m}" for m in art["missed_events"])
            lines.extend(f"    spurious {m}" for m in art["spurious_events"])
    floors = below_floors(result)
    lines.append("floors: " + ("ok" if not floors else "BELOW " + "; ".join(floors)))
    return "\n".join(lines)


def _main_real(args: argparse.Namespace) -> int:
    """``newsevents eval --corpus real``: build (unless --no-rebuild) and score."""
    import json
    import time

    from newsevents import evaluate_real

    corpus = (
        Path(args.corpus_dir).resolve() if args.corpus_dir else evaluate_real.default_corpus_dir()
    )
    if not (corpus / "gold").is_dir() or not (corpus / "pages").is_dir():
        print(
            f"newsevents eval: no real corpus at {corpus} (gold/ and pages/ expected; "
            f"set --corpus-dir or ${evaluate_real.ENV_REAL_CORPUS})",
            file=sys.stderr,
        )
        return 2
    warehouse = Path(args.warehouse or evaluate_real.DEFAULT_WAREHOUSE).resolve()
    started = time.monotonic()
    build_seconds = None
    if not args.no_rebuild:
        print(f"building {warehouse} from {corpus / 'pages'} ...", flush=True)
        build_seconds = evaluate_real.build_warehouse(corpus, warehouse)
    elif not warehouse.is_file():
        print(f"newsevents eval: no warehouse at {warehouse} (drop --no-rebuild)", file=sys.stderr)
        return 2
    result = evaluate_real.run_eval(warehouse, corpus, why=args.why)
    result["build_seconds"] = None if build_seconds is None else round(build_seconds, 1)
    result["total_seconds"] = round(time.monotonic() - started, 1)
    failures = below_floors(result, evaluate_real.REAL_EVAL_FLOORS)
    result["below_floors"] = failures
    print(evaluate_real.format_report(result, details=args.details or args.why))
    print()
    if build_seconds is not None:
        print(f"build: {build_seconds:.1f} s (newsevents run on {result['articles']} pages)")
    print(f"total: {result['total_seconds']:.1f} s")
    print("floors: " + ("ok" if not failures else "BELOW " + "; ".join(failures)))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 1 if args.check and failures else 0


def main(argv: list[str] | None = None) -> int:
    """``newsevents eval``: print precision/recall; with --check, exit 1 below the floors."""
    from newsevents import settings

    parser = argparse.ArgumentParser(prog="newsevents eval", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus",
        choices=("samples", "real"),
        default="samples",
        help="samples: samples/gold.yml against the published warehouse (default); "
        "real: build a warehouse from ../shared/corpus/real/pages and score its gold",
    )
    parser.add_argument(
        "--corpus-dir",
        help="real corpus folder (default: $NEWSEVENTS_REAL_CORPUS or ../shared/corpus/real)",
    )
    parser.add_argument(
        "--no-rebuild",
        action="store_true",
        help="real corpus: score the existing warehouse instead of building a fresh one",
    )
    parser.add_argument(
        "--warehouse",
        help="DuckDB file to score (default: the published warehouse; "
        "data/eval/real.duckdb for --corpus real)",
    )
    parser.add_argument(
        "--gold", default=str(DEFAULT_GOLD), help="gold YAML (default: samples/gold.yml)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a figure is below its floor"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="per-article figures")
    parser.add_argument(
        "--details",
        action="store_true",
        help="real corpus: per article, the misses and false positives",
    )
    parser.add_argument(
        "--why",
        action="store_true",
        help="real corpus: --details, and under each missed event the sentence that states it"
        " with every event candidate there and what the coding made of it",
    )
    parser.add_argument("--json", metavar="FILE", help="real corpus: write every result here")
    args = parser.parse_args(argv)
    if args.corpus == "real":
        return _main_real(args)
    warehouse = args.warehouse or settings.resolve()["warehouse"]
    if not Path(warehouse).is_file():
        print(
            f"newsevents eval: no warehouse at {warehouse}; run `make run` first", file=sys.stderr
        )
        return 2
    result = run_eval(str(warehouse), args.gold)
    print(format_report(result, verbose=args.verbose))
    return 1 if args.check and below_floors(result) else 0


if __name__ == "__main__":
    raise SystemExit(main())
