"""The static dbt docs site of the published warehouse, for analysts
(``python -m newsevents.analyst docs``, ``make docs``, the ``news_docs`` DAG)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import os
import shutil
import tempfile
from pathlib import Path

LOGGER = logging.getLogger(__name__)

DOCS_HOST = "127.0.0.1"  # the docs server is for this machine only
DOCS_PORT = 8081
DOCS_FOLDER = "docs"  # next to the published warehouse, as the news_docs DAG does


def build_docs(warehouse: str | Path) -> Path:
    """Generate the static dbt docs site for the published warehouse; returns its index.

    dbt reads a private copy of the published file (same file name, so the catalog
    names match), so the docs never wait for, or block, a pipeline run holding the
    work database. The site is ``<warehouse folder>/docs/index.html``.
    """
    from newsevents.transform.dbt import docs_generate

    source = Path(warehouse)
    site = source.parent / DOCS_FOLDER
    site.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsevents-docs-") as folder:
        copy = Path(folder) / source.name
        if source.is_file():
            shutil.copyfile(source, copy)
        else:
            LOGGER.warning("no published warehouse at %s: docs without a catalog", source)
        static_index = Path(docs_generate(str(copy)))
        staged = site / ".index.html.tmp"
        shutil.copyfile(static_index, staged)
        os.replace(staged, site / "index.html")
    return site / "index.html"


def serve(folder: str | Path, port: int = DOCS_PORT) -> None:
    """Serve ``folder`` on http://127.0.0.1:<port>/ until interrupted."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer((DOCS_HOST, port), handler) as server:
        print(f"dbt docs on http://{DOCS_HOST}:{port}/ (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
