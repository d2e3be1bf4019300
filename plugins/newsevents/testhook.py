"""Crash-test hook: inert unless ``NEWSEVENTS_TEST_PAUSE_AT`` is set.

The crash-safety tests (``tests/hardening/test_crash.py``) need to SIGKILL a run at a
known point inside a stage. With ``NEWSEVENTS_TEST_PAUSE_AT=<point>`` in the
environment, every hook point prints ``newsevents-test: at <point>`` to stderr, and
the named point then sleeps ``NEWSEVENTS_TEST_PAUSE_S`` seconds (default 600) so the
test can kill the process there. Points: ``fetch`` (after the first spool file is
written, before the rest of the batches), ``load`` (inside a spool file's open
transaction, rows inserted, not committed), ``annotate``, ``transform``, ``publish``
(at the start of those stages). Without the variable a hook is one dict lookup.
"""

from __future__ import annotations

import logging
import os
import sys
import time

LOGGER = logging.getLogger(__name__)

ENV_PAUSE_AT = "NEWSEVENTS_TEST_PAUSE_AT"
ENV_PAUSE_S = "NEWSEVENTS_TEST_PAUSE_S"
# Long enough for any test to notice the pause and kill the process.
DEFAULT_PAUSE_S = 600.0
MARKER = "newsevents-test: at "


def point(name: str) -> None:
    """A hook point: announce it, and pause there when it is the configured one."""
    wanted = os.environ.get(ENV_PAUSE_AT)
    if not wanted:
        return
    print(f"{MARKER}{name}", file=sys.stderr, flush=True)
    if wanted == name:
        pause = float(os.environ.get(ENV_PAUSE_S) or DEFAULT_PAUSE_S)
        LOGGER.warning("test hook: pausing %.0fs at %s", pause, name)
        time.sleep(pause)
