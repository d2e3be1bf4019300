"""Set-up shared by the stages' spawned worker processes (extraction, parsing)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from typing import Any

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def init_worker(log_level: int) -> None:
    """The parent's log level, Ctrl-C left to the parent, and an exit when the parent
    dies: a killed run must not leave processes behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=log_level, format=LOG_FORMAT)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: Any) -> None:
    parent.join()  # returns when the parent's end of the start-up pipe closes
    os._exit(1)
