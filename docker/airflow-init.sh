#!/usr/bin/env bash
# One-shot setup for docker-compose (the airflow-init service); safe to re-run.
# Migrates the metadata DB, writes the admin password for the simple auth
# manager, creates the single-writer DuckDB pool and renders the dbt manifest
# that the news_nightly DAG reads at parse time.
set -euo pipefail

: "${AIRFLOW_ADMIN_PASSWORD:?set AIRFLOW_ADMIN_PASSWORD in .env}"
AIRFLOW_UID="${AIRFLOW_UID:-50000}"
POOL_NAME="newsevents_warehouse"
# DuckDB allows a single writer: every task that writes the warehouse takes this one slot.
POOL_SLOTS=1

# dbt opens dbt_project/logs (and target) at start, as the Airflow user (AIRFLOW_UID).
mkdir -p /opt/airflow/data/docs /opt/airflow/logs /opt/airflow/auth \
    /opt/airflow/dbt_project/target /opt/airflow/dbt_project/logs

airflow db migrate

python - <<'PY'
import json
import os

path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
with open(path, "w", encoding="utf-8") as fh:
    json.dump({"admin": os.environ["AIRFLOW_ADMIN_PASSWORD"]}, fh)
os.chmod(path, 0o600)
PY

airflow pools set "$POOL_NAME" "$POOL_SLOTS" "DuckDB single writer: tasks that write the warehouse"

(cd /opt/airflow/dbt_project && dbt parse --profiles-dir . --target-path target --quiet)

chown -R "${AIRFLOW_UID}:0" /opt/airflow/data /opt/airflow/logs /opt/airflow/auth \
    /opt/airflow/dbt_project/target /opt/airflow/dbt_project/logs
echo "airflow-init: done (pool ${POOL_NAME}=${POOL_SLOTS}, admin user 'admin')"
