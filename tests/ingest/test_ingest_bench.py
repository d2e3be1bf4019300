"""`make bench` (ingestion part) runs end to end on a few pages; figures are not asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsevents.bench import run as bench


def test_bench_runs_on_a_few_pages(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--pages", "6", "--extract-pages", "4", "--ingest-only"]) == 0
    out = capsys.readouterr().out
    assert "articles/s" in out
    assert "loaded      6 articles, statuses {'ok': 6}" in out


def test_bench_pages_are_distinct_articles() -> None:
    pages = bench.make_pages(20)
    assert len(set(pages)) == 20
    assert all(b"cookie-banner" in page and b"comments" in page for page in pages)


def test_tree_memory_counts_child_processes() -> None:
    import os
    import subprocess
    import sys
    import time

    held = 150 * 2**20
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys, time; b = bytearray({held}); b[::4096] = b'x' * len(b[::4096]); "
            "print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        # The child alone holds the bytes; this process's tree includes the child.
        assert bench._tree_rss_bytes(child.pid) >= held
        with open("/proc/self/statm") as statm:
            own_only = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        assert bench._tree_rss_bytes(os.getpid()) >= held + own_only * 0.9
        sampler = bench._TreeMemory(os.getpid(), interval=0.05)
        time.sleep(0.3)
        assert sampler.stop() * 2**20 >= held
    finally:
        child.kill()
        child.wait()


def test_end_to_end_bench_first_run_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--articles", "12", "--first-only", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "loaded 12 articles, statuses {'ok': 12}" in out
    # the kernels on the run's cores (2 parsing processes) and in one process
    assert "kernels articles/s, one process" in out
    assert "kernels articles/s, 2 processes" in out
    assert "end-to-end / kernels in 2 proc. (wall)" in out
    assert f">= {bench.TARGET_E2E_RATIO}; against one process:" in out
    assert f">= {bench.TARGET_KERNEL_CPU_SHARE}; kernels" in out
    assert "peak memory of the run (MiB, all processes)" in out
    assert "second run" not in out


def test_kernels_in_several_processes_cover_every_article() -> None:
    one = bench.bench_kernels(5)
    two = bench.bench_kernels(5, processes=2)
    assert two["processes"] == 2 and one["processes"] == 1
    # the two processes' shares together are the same five articles
    assert two["words_per_article"] == pytest.approx(one["words_per_article"])
    assert one["words_per_article"] > 100
    for figures in (one, two):
        assert figures["wall_s_per_article"] > 0
        assert figures["cpu_s_per_article"] == pytest.approx(
            figures["extract_cpu_s_per_article"] + figures["spacy_cpu_s_per_article"]
        )


def _raw_warehouse(path: Path) -> None:
    """A work DB with the raw schema and three invented articles with annotations."""
    import duckdb
    from newsevents.schema import ALL_DDL

    with duckdb.connect(str(path)) as con:
        for statement in ALL_DDL:
            con.execute(statement)
        for number in range(3):
            article_id = f"{number:016x}"
            con.execute(
                "insert into raw.articles (article_id, url, canonical_url, source_name, text, "
                "word_count, content_hash, fetched_at, loaded_at, extractor_version) values "
                "(?, ?, ?, 'bench', 'Officials met on Monday.', 4, ?, now(), now(), 'x')",
                [article_id, f"http://a.test/{number}", f"http://a.test/{number}", f"h{number}"],
            )
            con.execute(
                "insert into raw.fetch_log (source_name, url, final_url, fetched_at, status, "
                "article_id) values ('bench', ?, ?, now(), 'ok', ?)",
                [f"http://a.test/{number}", f"http://a.test/{number}", article_id],
            )
            con.execute(
                "insert into raw.annotations values (?, 'v1', 'm', '1', '1', 'annotated', null, "
                "1, ?, 0, now())",
                [article_id, number + 1],
            )
            for mention in range(number + 1):  # article n has n + 1 mentions
                con.execute(
                    "insert into raw.entity_mentions (article_id, annotator_version, "
                    "mention_index, sentence_index, start_char, end_char, text, label) "
                    "values (?, 'v1', ?, 0, 0, 9, 'Officials', 'NORP')",
                    [article_id, mention],
                )


def test_copy_raw_rows_makes_distinct_articles_with_their_annotations(tmp_path: Path) -> None:
    import duckdb

    work = tmp_path / "work.duckdb"
    _raw_warehouse(work)
    counts = bench.copy_raw_rows(work, 8)  # 3 articles -> copies 1 and 2, the last partial
    assert counts["articles"] == 8
    assert counts["fetch_log"] == 8
    assert counts["annotations"] == 8
    with duckdb.connect(str(work), read_only=True) as con:
        distinct = con.execute(
            "select count(distinct article_id), count(distinct url), "
            "count(distinct canonical_url), count(distinct content_hash), "
            "min(length(article_id)), max(length(article_id)) from raw.articles"
        ).fetchone()
        assert distinct == (8, 8, 8, 8, 16, 16)
        # every copy keeps its article's annotation rows: mentions follow mention_count
        mismatched = con.execute(
            "select count(*) from raw.annotations as a left join (select article_id, "
            "count(*) as n from raw.entity_mentions group by 1) as m using (article_id) "
            "where a.mention_count != coalesce(m.n, 0)"
        ).fetchone()
        assert mismatched == (0,)
        assert con.execute(
            "select count(*) from raw.fetch_log as f join raw.articles as a using (article_id)"
        ).fetchone() == (8,)
        # the copies' URLs say which copy they are
        assert con.execute(
            "select count(*) from raw.articles where url like '%?copy=2'"
        ).fetchone() == (2,)


def test_dbt_scale_option_builds_the_copied_warehouse(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--dbt-scale", "6", "--from-articles", "3"]) == 0
    out = capsys.readouterr().out
    assert "dbt build --full-refresh on 6 articles (3 generated articles" in out
    assert "raw rows: articles 6, fetch_log 6, annotations 6" in out
    assert "marts: articles 6," in out
    assert "peak memory" in out and "CPU time" in out
    assert "slowest dbt nodes (run_results.json execution_time):" in out
    assert "s  model.newsevents." in out
