# newsevents on Airflow 3. The base image brings the Postgres driver and the
# Celery/Redis providers that docker-compose.yml uses; on top of it we install
# exactly the pinned, hashed lock file that `make` installs locally, so the DAG
# runs against the same Airflow, dbt, Cosmos, trafilatura and spaCy versions.
FROM apache/airflow:3.3.2-python3.11

ENV AIRFLOW__CORE__LOAD_EXAMPLES=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSEVENTS_HOME=/opt/airflow

USER airflow
COPY --chown=airflow:0 requirements.lock /tmp/requirements.lock
# --no-deps: the lock is complete (uv pip compile), and every line carries its hashes.
# The lock replaces some of the base image's packages (providers among them): `pip check`
# fails the build if what is left over no longer fits together.
RUN pip install --no-cache-dir --require-hashes --no-deps -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock \
    && pip check

# The package is also importable from the mounted plugins/ folder (Airflow puts
# it on sys.path); the copy makes the image usable without the bind mounts.
COPY --chown=airflow:0 plugins/newsevents /opt/airflow/plugins/newsevents
COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 dbt_project /opt/airflow/dbt_project
COPY --chown=airflow:0 seeds /opt/airflow/seeds
COPY --chown=airflow:0 docker/airflow-init.sh /opt/airflow/docker/airflow-init.sh

HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=5 \
    CMD airflow version || exit 1
