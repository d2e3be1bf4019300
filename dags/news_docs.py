"""
### news_docs: the dbt docs site, rebuilt whenever the warehouse is published

Scheduled on the Asset `newsevents://warehouse`, which `news_nightly.publish`
updates; so the docs site (`docs/index.html` next to the published warehouse,
i.e. `data/docs/` served by docker-compose's `docs` service) never lags the data
analysts query. It can also be triggered by hand.

The warehouse it documents is the one that was published: the Asset event's
`warehouse` (news_nightly's publish names the file it wrote, whatever the run's
`warehouse` parameter was), else this DAG's own `warehouse` parameter (a manual
trigger), else the Airflow Variable / environment, as news_nightly resolves it.

`newsevents.analyst.docs.build_docs` runs `dbt docs generate --static` on a private copy
of the published warehouse (the same function as `make docs`): it never touches the
work DB, so it needs no slot in the `newsevents_warehouse` pool.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, Param, dag, task

# Same Asset as news_nightly's publish outlet (the DAG tests check both agree).
WAREHOUSE_ASSET = Asset(name="newsevents_warehouse", uri="newsevents://warehouse")
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


def published_warehouse(events: Any) -> str | None:
    """The ``warehouse`` the latest triggering Asset event names (news_nightly's publish)."""
    found: str | None = None
    for asset in events or {}:
        for event in events[asset]:
            value = (getattr(event, "extra", None) or {}).get("warehouse")
            if value:
                found = str(value)
    return found


@dag(
    dag_id="news_docs",
    schedule=[WAREHOUSE_ASSET],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["newsevents", "docs", "dbt"],
    doc_md=__doc__,
    params={
        "warehouse": Param(None, type=["null", "string"], description="published DuckDB file"),
    },
)
def news_docs() -> None:
    @task
    def resolve_settings() -> dict[str, Any]:
        """The published file: the Asset event's, the param, a Variable, the environment."""
        from airflow.sdk import Variable, get_current_context
        from newsevents import pipeline

        context = get_current_context()
        warehouse = published_warehouse(context.get("triggering_asset_events"))
        warehouse = warehouse or context["params"].get("warehouse")
        return pipeline.resolve_settings(
            sources=Variable.get(VARIABLE_SOURCES, default=None),
            warehouse=warehouse or Variable.get(VARIABLE_WAREHOUSE, default=None),
        )

    @task
    def docs_site(settings: dict[str, Any]) -> dict[str, Any]:
        """Regenerate the static docs into `<warehouse folder>/docs/index.html`.

        dbt reads a private copy of the published file, so this never waits for the
        work DB (no pool needed) and the page describes exactly what analysts query.
        """
        from newsevents.analyst.docs import build_docs

        index = build_docs(settings["warehouse"])
        return {"site": str(index), "bytes": index.stat().st_size}

    docs_site(resolve_settings())


dag = news_docs()

if __name__ == "__main__":
    dag.test()
