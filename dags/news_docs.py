"""
### news_docs: the dbt docs site, rebuilt whenever the warehouse is published

Scheduled on the Asset `newsevents://warehouse`, which `news_nightly.publish`
updates; so the docs site (`docs/index.html` next to the published warehouse,
i.e. `data/docs/` served by docker-compose's `docs` service) never lags the data
analysts query. It can also be triggered by hand.

`dbt docs generate --static` (via `newsevents.dbt.docs_generate`) reads the work
DB, so the task runs in the single-slot pool `newsevents_warehouse`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, task

# Same Asset as news_nightly's publish outlet (the DAG tests check both agree).
WAREHOUSE_ASSET = Asset(name="newsevents_warehouse", uri="newsevents://warehouse")
# DuckDB has a single writer: every task that opens the work DB takes this pool's one slot.
WAREHOUSE_POOL = "newsevents_warehouse"
# The docs site lives next to the published warehouse (data/docs for the default one),
# which is what docker-compose's `docs` web server serves.
DOCS_FOLDER = "docs"
VARIABLE_SOURCES = "newsevents_sources"
VARIABLE_WAREHOUSE = "newsevents_warehouse"

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "newsevents",
    # The work DB can be busy for a moment right after a publish; retry rather than fail.
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
}


@dag(
    dag_id="news_docs",
    schedule=[WAREHOUSE_ASSET],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newsevents", "docs", "dbt"],
    doc_md=__doc__,
)
def news_docs() -> None:
    @task
    def resolve_settings() -> dict[str, Any]:
        """Paths: Airflow Variables, then the environment (as news_nightly)."""
        from airflow.sdk import Variable
        from newsevents import pipeline

        return pipeline.resolve_settings(
            sources=Variable.get(VARIABLE_SOURCES, default=None),
            warehouse=Variable.get(VARIABLE_WAREHOUSE, default=None),
        )

    @task(pool=WAREHOUSE_POOL)
    def docs_site(settings: dict[str, Any]) -> dict[str, Any]:
        """Regenerate the static docs and swap them into `<warehouse folder>/docs/`."""
        import os
        import shutil
        from pathlib import Path

        from newsevents import dbt

        static_index = Path(dbt.docs_generate(settings["work_db"]))
        site = Path(settings["warehouse"]).parent / DOCS_FOLDER
        site.mkdir(parents=True, exist_ok=True)
        staged = site / ".index.html.tmp"
        shutil.copyfile(static_index, staged)
        os.replace(staged, site / "index.html")  # readers never see a half-written page
        return {"site": str(site / "index.html"), "bytes": (site / "index.html").stat().st_size}

    docs_site(resolve_settings())


dag = news_docs()

if __name__ == "__main__":
    dag.test()
