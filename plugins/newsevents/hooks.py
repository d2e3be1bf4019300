"""Named points inside the stages where a caller can hook in; none by default.

``point(name)`` calls every installed hook with the point's name, in the order they
were installed; with none installed it is one empty-tuple check. Production code never
installs one. Points: ``fetch`` (after the first spool file is written, before the
rest of the batches), ``load`` (inside a spool file's open transaction, rows inserted,
not committed), ``annotate``, ``transform``, ``docs``, ``publish`` (at the start of
those stages). The crash tests run the CLI through ``tests/hardening/crash_runner.py``,
which installs a hook that announces each point and pauses at one of them.
"""

from __future__ import annotations

from collections.abc import Callable

Hook = Callable[[str], None]

_hooks: tuple[Hook, ...] = ()


def install(hook: Hook) -> None:
    """Call ``hook(name)`` at every point from now on (in this process)."""
    global _hooks
    _hooks = (*_hooks, hook)


def remove(hook: Hook) -> None:
    """Stop calling ``hook`` (no error when it was not installed)."""
    global _hooks
    _hooks = tuple(installed for installed in _hooks if installed != hook)


def point(name: str) -> None:
    """A hook point: call the installed hooks with ``name``."""
    for hook in _hooks:
        hook(name)
