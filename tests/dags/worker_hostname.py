"""``[core] hostname_callable`` for the distributed test's Celery workers.

Both workers run on this one machine, so ``socket.getfqdn()`` would record the same
host for every task instance. Each worker process gets its own
``NEWSEVENTS_TEST_WORKER_HOSTNAME``; the task instances it runs carry that name in the
metadata DB's ``task_instance.hostname``, as on two real machines. Test-only: it is
put on the workers' PYTHONPATH by ``test_celery_distributed.py``.
"""

from __future__ import annotations

import os

ENV_NAME = "NEWSEVENTS_TEST_WORKER_HOSTNAME"


def from_env() -> str:
    return os.environ[ENV_NAME]
