"""Ingestion benchmarks for ``make bench`` (printed, never asserted).

1. Extraction throughput of ``newsevents.ingest.extract.extract_article`` against bare
   ``trafilatura.bare_extraction`` on the same pages, in the same process.
2. N local pages (default 1,000) listed in a sitemap and served by a threaded HTTP
   server on 127.0.0.1, discovered, fetched and loaded into a temporary warehouse:
   wall time and peak memory.

Run: ``python -m newsevents.bench [--pages 1000] [--extract-pages 300]``.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trafilatura
import yaml

LOGGER = logging.getLogger(__name__)

DEFAULT_PAGES = 1000
DEFAULT_EXTRACT_PAGES = 200
# The target: our extraction at no less than 0.8x bare trafilatura.
TARGET_RATIO = 0.8
SEED = 20240516
# Passes per extractor; the best one counts (the machine is shared, timings are noisy).
REPEATS = 3


def make_pages(count: int, seed: int = SEED) -> list[bytes]:
    """``count`` distinct generated news pages (``newsevents.bench.corpus``): real article
    lengths (median ~600 words) inside real page weight (50-150 KB of boilerplate)."""
    from newsevents.bench.corpus import article

    return [article(number, seed=seed) for number in range(count)]


def _best_rate(function: Any, pages: list[bytes]) -> float:
    """Pages per CPU second of one pass of ``function`` over ``pages``.

    CPU time of this process, not wall time: extraction is CPU-bound and single
    threaded, and on a shared machine wall time mostly measures the neighbours.
    """
    started = time.process_time()
    for number, page in enumerate(pages):
        function(page, f"http://127.0.0.1/bench/{number}.html")
    return len(pages) / max(time.process_time() - started, 1e-9)


def bench_extraction(pages: list[bytes]) -> dict[str, float]:
    """Articles per second: bare trafilatura vs newsevents.ingest.extract on the same pages.

    The two alternate for REPEATS passes and the best pass of each counts, so a
    neighbour process stealing the CPU for a while skews neither side.
    """
    from newsevents.ingest.extract import extract_article

    def bare(page: bytes, url: str) -> Any:
        return trafilatura.bare_extraction(
            page, url=url, with_metadata=True, include_comments=False
        )

    # warm-up: the first calls load language and date models
    bare(pages[0], "http://127.0.0.1/warm.html")
    extract_article(pages[0], "http://127.0.0.1/warm.html")
    bare_rates, our_rates = [], []
    for _ in range(REPEATS):
        bare_rates.append(_best_rate(bare, pages))
        our_rates.append(_best_rate(extract_article, pages))
    best_bare, best_ours = max(bare_rates), max(our_rates)
    return {"bare_per_s": best_bare, "ours_per_s": best_ours, "ratio": best_ours / best_bare}


@contextmanager
def serve(pages: list[bytes]) -> Iterator[str]:
    """Serve the pages, a sitemap and robots.txt on 127.0.0.1; yield the base URL."""
    routes: dict[str, tuple[bytes, str]] = {}
    for number, page in enumerate(pages):
        routes[f"/news/{number}.html"] = (page, "text/html; charset=utf-8")
    routes["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as separate writes; without TCP_NODELAY, Nagle
        # plus delayed ACKs add ~40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            body, kind = routes.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in routes else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    locs = "".join(f"<url><loc>{base}/news/{n}.html</loc></url>" for n in range(len(pages)))
    routes["/sitemap.xml"] = (
        (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>"
        ).encode(),
        "application/xml",
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def peak_rss_mib() -> float:
    """Peak resident memory of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bench_ingest(pages: list[bytes]) -> dict[str, Any]:
    """Discover (sitemap), fetch and load ``pages`` into a temporary warehouse."""
    from newsevents import pipeline

    with tempfile.TemporaryDirectory(prefix="newsevents-bench-") as tmp, serve(pages) as base:
        sources = Path(tmp) / "sources.yml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "sources": [{"name": "bench", "kind": "sitemap", "url": f"{base}/sitemap.xml"}],
                    # max_urls: the whole generated corpus, past the nightly default.
                    "fetch": {
                        "per_host_delay_s": 0,
                        "allow_private_addresses": True,
                        "max_urls": 10_000_000,
                    },
                }
            )
        )
        settings = pipeline.resolve_settings(str(sources), str(Path(tmp) / "bench.duckdb"))
        settings["parse_in_fetch"] = False  # fetch, extraction and load only
        started = time.perf_counter()
        summary = pipeline.run_ingest(settings, progress=False)
        wall = time.perf_counter() - started
    return {
        "pages": len(pages),
        "wall_s": wall,
        "pages_per_s": len(pages) / wall,
        "articles_loaded": summary["articles_loaded"],
        "statuses": summary["statuses"],
        "seconds": summary["seconds"],
        "peak_rss_mib": peak_rss_mib(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsevents.bench", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--extract-pages", type=int, default=DEFAULT_EXTRACT_PAGES)
    parser.add_argument(
        "--ingest-only", action="store_true", help="skip the other parts' benchmarks"
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=None,
        help=f"end-to-end only, on this many generated articles (make bench: {E2E_ARTICLES})",
    )
    parser.add_argument(
        "--first-only",
        action="store_true",
        help="with --articles: only the first run (memory and throughput at 100k)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="parsing processes (default: one per CPU)"
    )
    parser.add_argument("--child-run", nargs=3, metavar=("SOURCES", "WAREHOUSE", "OUT"))
    parser.add_argument("--child-refresh", nargs=2, metavar=("WAREHOUSE", "OUT"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.child_run:
        return _child_run(*args.child_run)
    if args.child_refresh:
        return _child_refresh(*args.child_refresh)
    if args.articles is not None:
        return print_e2e(bench_e2e(args.articles, args.first_only, args.workers))

    sample = make_pages(args.extract_pages, seed=SEED + 1)
    extraction = bench_extraction(sample)
    verdict = "meets" if extraction["ratio"] >= TARGET_RATIO else "BELOW"
    print(f"extraction on {len(sample)} pages (CPU time, best of {REPEATS} passes):")
    print(f"  bare trafilatura.bare_extraction  {extraction['bare_per_s']:8.1f} articles/s")
    print(f"  newsevents.ingest.extract.extract_article {extraction['ours_per_s']:7.1f} articles/s")
    print(f"  ratio {extraction['ratio']:.2f} ({verdict} the {TARGET_RATIO} target)")

    result = bench_ingest(make_pages(args.pages))
    print(f"ingest of {result['pages']} local pages (sitemap → fetch → load):")
    print(f"  wall time   {result['wall_s']:.1f} s ({result['pages_per_s']:.1f} pages/s)")
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in result["seconds"].items())
    print(f"  stages      {stages}")
    print(f"  loaded      {result['articles_loaded']} articles, statuses {result['statuses']}")
    print(f"  peak memory {result['peak_rss_mib']:.0f} MiB (process RSS)")
    if args.ingest_only:
        return 0
    print()
    print_e2e(bench_e2e(E2E_ARTICLES))
    return _other_benchmarks()


# Benchmarks of the other parts, run after ours by `make bench` when installed.
OTHER_BENCHMARKS = ("newsevents.annotate.bench",)


def _other_benchmarks() -> int:
    import importlib
    import importlib.util

    status = 0
    for name in OTHER_BENCHMARKS:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            continue
        print(f"\n== {name}")
        sys.stdout.flush()
        status = max(status, int(importlib.import_module(name).main([]) or 0))
    return status


# -- end to end: `newsevents run` on a generated corpus -------------------------------
# The corpus size for `make bench`; `--articles 100000` for the large run.
E2E_ARTICLES = 10_000
# Pages on which the kernels (bare trafilatura, bare spaCy) are timed: enough for a
# stable per-article cost, far fewer than the corpus so the bench stays affordable.
KERNEL_SAMPLE = 300
# The targets, printed next to the figures.
TARGET_E2E_RATIO = 0.75
TARGET_PEAK_MIB = 2048
TARGET_NOTHING_NEW_SHARE = 0.05
NEW_SHARE = 0.01
STAGES = ("discover", "fetch", "load", "annotate", "transform", "docs", "publish")


def _child_run(sources: str, warehouse: str, out: str) -> int:
    """One ``pipeline.run_all`` (what ``newsevents run`` calls); summary as JSON."""
    import json

    from newsevents import pipeline

    settings = pipeline.resolve_settings(sources, warehouse)
    started = time.perf_counter()
    summary = pipeline.run_all(settings, progress=False)
    summary["wall_s"] = time.perf_counter() - started
    Path(out).write_text(json.dumps(summary, default=str))
    return 0


def _child_refresh(warehouse: str, out: str) -> int:
    """``dbt build --full-refresh`` on the work DB of ``warehouse``, timed."""
    import json

    from newsevents import pipeline

    settings = pipeline.resolve_settings(None, warehouse)
    started = time.perf_counter()
    pipeline.transform(settings, full_refresh=True)
    Path(out).write_text(json.dumps({"wall_s": time.perf_counter() - started}))
    return 0


def _tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (Linux ``/proc``), in bytes."""
    import os

    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields_after_name = handle.read().rsplit(b")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        # fields after "(name)": state, ppid, ..., rss is the 24th field of stat overall.
        parents[int(entry)] = int(fields_after_name[1])
        rss[int(entry)] = int(fields_after_name[21]) * page
    family, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in family:
                family.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in family)


class _TreeMemory:
    """Samples the summed RSS of a process tree every ``interval`` seconds; keeps the peak.

    ``ru_maxrss`` reports the largest single process only; with parsing and extraction
    in worker processes, the whole run's memory is the sum over the tree.
    """

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.started = time.perf_counter()
        # (seconds since start, bytes): to tell which stage the peak belongs to.
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import os

        while not self._stop.wait(self.interval):
            if not os.path.exists(f"/proc/{self.pid}"):
                return
            value = _tree_rss_bytes(self.pid)
            self.samples.append((time.perf_counter() - self.started, value))
            self.peak = max(self.peak, value)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def _peaks_by_stage(
    samples: list[tuple[float, int]], seconds: dict[str, float]
) -> dict[str, float]:
    """Peak summed RSS (MiB) within each stage, stages laid end to end from the first
    sample (process start-up and imports count in the first stage)."""
    peaks: dict[str, float] = {}
    end = 0.0
    bounds = []
    for stage in STAGES:
        if stage in seconds:
            bounds.append((stage, end, end + seconds[stage]))
            end += seconds[stage]
    if not bounds or not samples:
        return peaks
    offset = max(0.0, samples[-1][0] - end)  # start-up before the first stage
    for stage, start, stop in bounds:
        values = [v for t, v in samples if start <= t - offset < stop]
        if values:
            peaks[stage] = round(max(values) / 2**20, 1)
    return peaks


def _measured_child(args: list[str], out: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run ``python -m newsevents.bench <args>``; its JSON plus its resource use.

    ``os.wait4`` reports the resources of exactly that child and the descendants it
    waited for (the whole run happens in it: fetch threads, extraction and parsing
    workers, dbt), so several runs in a row do not mix: CPU seconds in all, and the
    largest single process. The summed memory of the tree is sampled (Linux).
    """
    import json
    import os
    import subprocess

    log = out.with_suffix(".log")
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsevents.bench", *args],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        sampler = _TreeMemory(process.pid) if Path("/proc").is_dir() else None
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        tree_mib = sampler.stop() if sampler else 0.0
    if process.returncode != 0:
        raise RuntimeError(f"bench child failed ({process.returncode}): {log.read_text()[-2000:]}")
    result = dict(json.loads(out.read_text()))
    if sampler is not None:
        result["peak_mib_by_stage"] = _peaks_by_stage(sampler.samples, result.get("seconds", {}))
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    result["largest_process_mib"] = usage.ru_maxrss / divisor
    result["peak_rss_mib"] = max(tree_mib, result["largest_process_mib"])
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    return result


def bench_kernels(count: int) -> dict[str, float]:
    """Seconds per article of the bare kernels on ``count`` corpus articles.

    Bare ``trafilatura.bare_extraction`` on the pages, then bare ``spacy.load(model)``
    ``nlp.pipe`` on the texts it extracted (the same model the annotate stage uses).
    Wall time, like the end-to-end run they are compared with (same machine load).
    """
    import spacy

    from newsevents.annotate.stage import resolve_model_name
    from newsevents.bench.corpus import article

    pages = [article(n) for n in range(count)]
    texts: list[str] = []
    trafilatura.bare_extraction(pages[0], url="http://127.0.0.1/warm.html", with_metadata=True)
    started, cpu_started = time.perf_counter(), time.process_time()
    for number, page in enumerate(pages):
        document = trafilatura.bare_extraction(
            page, url=f"http://127.0.0.1/news/{number}.html", with_metadata=True
        )
        texts.append(getattr(document, "text", None) or "")
    extract_s = time.perf_counter() - started
    extract_cpu = time.process_time() - cpu_started
    nlp = spacy.load(resolve_model_name(None))
    list(nlp.pipe(texts[:8]))  # warm-up
    started, cpu_started = time.perf_counter(), time.process_time()
    for _doc in nlp.pipe(texts, batch_size=64):
        pass
    spacy_s = time.perf_counter() - started
    spacy_cpu = time.process_time() - cpu_started
    return {
        "extract_s_per_article": extract_s / count,
        "spacy_s_per_article": spacy_s / count,
        "cpu_s_per_article": (extract_cpu + spacy_cpu) / count,
        "words_per_article": sum(len(t.split()) for t in texts) / max(count, 1),
    }


def _stored_words(work_db: Path) -> int:
    """Words of every stored article text (whitespace-separated, as the kernels count)."""
    import duckdb

    with duckdb.connect(str(work_db), read_only=True) as con:
        row = con.execute(
            "select coalesce(sum(len(string_split_regex(trim(text), '\\s+'))), 0) from raw.articles"
        ).fetchone()
    return int(row[0]) if row else 0


def _folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def bench_e2e(
    articles: int, first_only: bool = False, workers: int | None = None
) -> dict[str, Any]:
    """`newsevents run` on ``articles`` generated pages served on 127.0.0.1, then a run
    with nothing new, a run with 1% new articles and a dbt full refresh (unless
    ``first_only``); kernels. ``workers`` sets ``NEWSEVENTS_ANNOTATE_WORKERS``."""
    import os

    from newsevents.bench.corpus import serve

    result: dict[str, Any] = {"articles": articles, "first_only": first_only, "workers": workers}
    with tempfile.TemporaryDirectory(prefix="newsevents-e2e-") as tmp, serve(articles) as corpus:
        root = Path(tmp)
        sources = root / "sources.yml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {
                            "name": "bench",
                            "kind": "sitemap",
                            "url": f"{corpus.base_url}/sitemap.xml",
                        }
                    ],
                    "fetch": {
                        "per_host_delay_s": 0,
                        "allow_private_addresses": ["127.0.0.1/32"],
                        "timeout_s": 60,
                        "max_urls": 10_000_000,  # the whole corpus, past the nightly default
                    },
                }
            )
        )
        warehouse = root / "warehouse.duckdb"
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSEVENTS_TEST_")}
        env["DBT_TARGET_PATH"] = str(root / "dbt_target")
        env["DBT_LOG_PATH"] = str(root / "dbt_logs")
        env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
        if workers is not None:
            env["NEWSEVENTS_ANNOTATE_WORKERS"] = str(workers)
        run = ["--child-run", str(sources), str(warehouse)]

        result["first"] = _measured_child(
            [*run, str(root / "first.json")], root / "first.json", env
        )
        result["warehouse_bytes"] = warehouse.stat().st_size
        work = root / "warehouse.work.duckdb"
        result["work_bytes"] = work.stat().st_size
        result["words"] = _stored_words(work)
        if first_only:
            result["kernels"] = bench_kernels(min(KERNEL_SAMPLE, articles))
            return result
        result["second"] = _measured_child(
            [*run, str(root / "second.json")], root / "second.json", env
        )
        new = max(1, round(articles * NEW_SHARE))
        corpus.extend(new)
        result["new_articles"] = new
        result["incremental"] = _measured_child(
            [*run, str(root / "third.json")], root / "third.json", env
        )
        result["full_refresh"] = _measured_child(
            ["--child-refresh", str(warehouse), str(root / "refresh.json")],
            root / "refresh.json",
            env,
        )
    result["kernels"] = bench_kernels(min(KERNEL_SAMPLE, articles))
    return result


def print_e2e(result: dict[str, Any]) -> int:
    """Print the end-to-end table; 0 (figures are reported, never asserted)."""
    n = result["articles"]
    first = result["first"]
    kernels = result["kernels"]
    kernel_s = kernels["extract_s_per_article"] + kernels["spacy_s_per_article"]
    e2e_rate = n / first["wall_s"]
    kernel_rate = 1 / kernel_s
    ratio = e2e_rate / kernel_rate
    cpu_ratio = kernels["cpu_s_per_article"] * n / first["cpu_s"] if first["cpu_s"] else 0.0
    loaded = first.get("articles_loaded", 0)
    workers = result.get("workers") or "default"
    parsed = first.get("parsed_in_fetch", 0)
    words = result.get("words", 0)
    kernel_words = kernels["words_per_article"]

    def verdict(ok: bool) -> str:
        return "meets target" if ok else "MISSES target"

    print(f"end to end: `newsevents run` on {n:,} generated articles (sitemap on 127.0.0.1)")
    print(
        f"  loaded {loaded:,} articles, statuses {first.get('statuses')}, "
        f"{words:,} words ({words / max(loaded, 1):.0f} per article)"
    )
    print(f"  {'figure':44} {'value':>14}  note")
    rows = [
        (
            "run wall time (s)",
            f"{first['wall_s']:.1f}",
            f"parsing processes: {workers}; {parsed:,} articles parsed in the fetch stage",
        ),
        ("end-to-end articles/s", f"{e2e_rate:.1f}", ""),
        ("end-to-end words/s", f"{words / first['wall_s']:,.0f}", "stored article text"),
        (
            "kernels articles/s (trafilatura + spaCy)",
            f"{kernel_rate:.1f}",
            f"one process: extract {1 / kernels['extract_s_per_article']:.0f}/s, "
            f"spaCy {1 / kernels['spacy_s_per_article']:.0f}/s "
            f"({kernel_words:.0f} words/article)",
        ),
        (
            "kernels words/s (trafilatura + spaCy)",
            f"{kernel_words * kernel_rate:,.0f}",
            f"extract {kernel_words / kernels['extract_s_per_article']:,.0f}/s, "
            f"spaCy {kernel_words / kernels['spacy_s_per_article']:,.0f}/s",
        ),
        (
            "end-to-end / kernels (wall time)",
            f"{ratio:.2f}",
            f"{verdict(ratio >= TARGET_E2E_RATIO)} >= {TARGET_E2E_RATIO}",
        ),
        (
            "kernels CPU / run CPU (all processes)",
            f"{cpu_ratio:.2f}",
            f"run {first['cpu_s']:.0f} CPU-s; the share of the run's CPU the kernels need",
        ),
    ]
    seconds = first.get("seconds", {})
    total = sum(seconds.values()) or 1.0
    for stage in STAGES:
        if stage in seconds:
            value = seconds[stage]
            rows.append((f"  stage {stage} (s, share)", f"{value:.1f}", f"{value / total:.0%}"))
    rows.append(
        (
            "peak memory of the run (MiB, all processes)",
            f"{first['peak_rss_mib']:.0f}",
            f"{verdict(first['peak_rss_mib'] < TARGET_PEAK_MIB)} < {TARGET_PEAK_MIB} MiB; "
            f"largest process {first['largest_process_mib']:.0f} MiB",
        )
    )
    by_stage = first.get("peak_mib_by_stage") or {}
    if by_stage:
        rows.append(
            (
                "  peak by stage (MiB)",
                "",
                ", ".join(f"{stage} {value:.0f}" for stage, value in by_stage.items()),
            )
        )
    if not result.get("first_only"):
        second = result["second"]
        rows += [
            (
                "second run, nothing new (s)",
                f"{second['wall_s']:.1f}",
                f"{second['wall_s'] / first['wall_s']:.1%} of the first, "
                f"{verdict(second['wall_s'] / first['wall_s'] < TARGET_NOTHING_NEW_SHARE)} "
                f"< {TARGET_NOTHING_NEW_SHARE:.0%}",
            ),
            (
                "  its stages (s)",
                "",
                ", ".join(f"{k} {v:.1f}" for k, v in second.get("seconds", {}).items()),
            ),
            (
                f"+{result['new_articles']:,} new articles: dbt build (s)",
                f"{result['incremental']['seconds'].get('transform', 0):.1f}",
                f"run {result['incremental']['wall_s']:.1f}s in all",
            ),
            ("dbt build --full-refresh (s)", f"{result['full_refresh']['wall_s']:.1f}", ""),
        ]
    rows.append(
        (
            "published warehouse per 1,000 articles (MiB)",
            f"{result['warehouse_bytes'] / n * 1000 / 2**20:.2f}",
            f"{result['warehouse_bytes'] / 2**20:.0f} MiB in all",
        )
    )
    for label, value, note in rows:
        print(f"  {label:44} {value:>14}  {note}")
    return 0
