"""Hardening fixtures: a module-scoped 127.0.0.1 server and sources-file helpers."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml


@pytest.fixture(scope="module")
def hostile_server(module_server: Any) -> Any:
    """The module's 127.0.0.1 server (tests/conftest.py), robots.txt allowing all.

    Pages are set with ``put(path, body, content_type, status, headers)``; paths keep
    tests and hypothesis examples apart. Unknown paths are 404.
    """
    module_server.put("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    return module_server


# Small limits keep bad cases fast; loopback is allowed, nothing else private.
FETCH_OPTIONS: dict[str, Any] = {
    "timeout_s": 2.0,
    "max_bytes": 5_000_000,
    "per_host_delay_s": 0,
    "retry_backoff_s": 0.05,
    "max_retries": 1,
    "allow_private_addresses": ["127.0.0.1/32"],
}


def write_sources(folder: Path, sources: list[dict[str, Any]], **fetch: Any) -> Path:
    """A sources.yml in ``folder`` with the hardening fetch options (overridable)."""
    path = folder / "sources.yml"
    path.write_text(
        yaml.safe_dump({"sources": sources, "fetch": {**FETCH_OPTIONS, **fetch}}),
        encoding="utf-8",
    )
    return path


def tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and its descendants (Linux ``/proc``), in bytes; the
    same measure as the bench's (``newsevents.bench``): extraction runs in child processes."""
    page = os.sysconf("SC_PAGE_SIZE")
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:  # ended while we looked
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * page
    family = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in family)


@dataclass
class Measure:
    """Wall seconds and the growth of the test process tree's memory over the block."""

    seconds: float = 0.0
    growth_mib: float = 0.0


@contextmanager
def measured(interval: float = 0.05) -> Iterator[Measure]:
    """Time a block and sample this process tree's summed RSS meanwhile (peak - start)."""
    result = Measure()
    pid = os.getpid()
    start = tree_rss_bytes(pid)
    peak = [start]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(interval):
            peak[0] = max(peak[0], tree_rss_bytes(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - began
        stop.set()
        sampler.join()
        peak[0] = max(peak[0], tree_rss_bytes(pid))
        result.growth_mib = (peak[0] - start) / 2**20


class HardeningKit:
    """Helpers handed to the tests (test modules cannot import conftest)."""

    fetch_options = FETCH_OPTIONS
    write_sources = staticmethod(write_sources)
    measured = staticmethod(measured)


@pytest.fixture(scope="session")
def hkit() -> HardeningKit:
    return HardeningKit()
