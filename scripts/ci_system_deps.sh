#!/usr/bin/env bash
# Debian packages some tests check against, beyond the Python venv:
#   docker-compose  tests/deploy validates docker-compose.yml with Debian's 1.29
#                   (besides the compose-spec JSON schema)
#   chromium        tests/analysts renders the dbt docs site and the HTML report headless
#   redis-server    tests/dags/test_celery_distributed.py: the Celery broker and the
#   postgresql      Airflow metadata DB of a real CeleryExecutor run (the test starts
#                   its own servers on 127.0.0.1 in temp dirs and stops them)
# Installs only what is missing; needs root (or sudo). `make test` runs it.
set -euo pipefail

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<major>/bin, off PATH.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "ci_system_deps: installed ${missing[*]}"
