"""`make bench` (ingestion part) runs end to end on a few pages; figures are not asserted."""

from __future__ import annotations

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
    assert bench.main(["--articles", "12", "--first-only", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "loaded 12 articles, statuses {'ok': 12}" in out
    assert "end-to-end / kernels (wall time)" in out
    assert "peak memory of the run (MiB, all processes)" in out
    assert "second run" not in out
