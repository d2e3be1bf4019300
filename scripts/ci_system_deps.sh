#!/usr/bin/env bash
# Debian packages some tests check against, beyond the Python venv:
#   docker-compose  tests/deploy validates docker-compose.yml with Debian's 1.29
#                   (besides the compose-spec JSON schema)
#   chromium        tests/analysts renders the dbt docs site and the HTML report headless
# Installs only what is missing; needs root (or sudo). `make test` runs it.
set -euo pipefail

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
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
