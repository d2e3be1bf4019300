#!/usr/bin/env bash
# System packages some tests need beyond the Python venv (Debian/Ubuntu).
# tests/deploy validates docker-compose.yml with docker-compose 1.29 (Debian's
# package) in addition to the compose-spec JSON schema. Safe to re-run: it
# installs only what is missing and needs root (or sudo).
set -euo pipefail

# tests/analysts opens the dbt docs site and the HTML report in headless Chromium
# (Debian's package). Installed first: the docker-compose part below exits early
# when it has nothing to install.
if ! command -v chromium >/dev/null 2>&1; then
    CHROMIUM_SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        CHROMIUM_SUDO="sudo"
    fi
    DEBIAN_FRONTEND=noninteractive $CHROMIUM_SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $CHROMIUM_SUDO apt-get install -y -qq --no-install-recommends chromium
    echo "ci_system_deps: installed chromium"
fi

PACKAGES=(docker-compose)

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "ci_system_deps: nothing to install"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "ci_system_deps: installed ${missing[*]}"
