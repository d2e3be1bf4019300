"""``newsevents`` CLI with a pausing hook installed: the crash tests' child process.

``python tests/hardening/crash_runner.py run ...`` runs ``newsevents.cli.main`` after
installing a ``newsevents.hooks`` hook that prints ``newsevents-test: at <point>`` to
stderr at every hook point and sleeps ``NEWSEVENTS_TEST_PAUSE_S`` seconds (default
600) at the point ``NEWSEVENTS_TEST_PAUSE_AT`` names, so the test can SIGKILL the run
there. These variables are read here only: the package itself knows no test switch.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

ENV_PAUSE_AT = "NEWSEVENTS_TEST_PAUSE_AT"
ENV_PAUSE_S = "NEWSEVENTS_TEST_PAUSE_S"
# Long enough for any test to notice the pause and kill the process.
DEFAULT_PAUSE_S = 600.0
MARKER = "newsevents-test: at "


def pausing_hook(wanted: str, pause_s: float) -> Callable[[str], None]:
    """A hook that announces every point and sleeps ``pause_s`` at ``wanted``."""

    def hook(name: str) -> None:
        print(f"{MARKER}{name}", file=sys.stderr, flush=True)
        if name == wanted:
            time.sleep(pause_s)

    return hook


def main() -> int:
    from newsevents import hooks
    from newsevents.cli import main as cli_main

    wanted = os.environ.get(ENV_PAUSE_AT, "")
    pause_s = float(os.environ.get(ENV_PAUSE_S) or DEFAULT_PAUSE_S)
    hooks.install(pausing_hook(wanted, pause_s))
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
