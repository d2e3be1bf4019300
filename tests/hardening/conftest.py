"""Hardening fixtures: a module-scoped 127.0.0.1 server and sources-file helpers."""

from __future__ import annotations

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


class HardeningKit:
    """Helpers handed to the tests (test modules cannot import conftest)."""

    fetch_options = FETCH_OPTIONS
    write_sources = staticmethod(write_sources)


@pytest.fixture(scope="session")
def hkit() -> HardeningKit:
    return HardeningKit()
