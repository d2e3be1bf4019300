{#- raw.pipeline_runs, as newsevents.runs.RUNS_DDL creates it (keep the two in step;
    tests/analysts checks that a run recorded by the Python code shows up in
    marts.pipeline_runs). A pre-hook (after `create schema if not exists raw`) of stg_raw_runs__pipeline_runs: the view must
    read the real table even on a fresh work database, because the pipeline records
    its run after dbt build. -#}
{% macro create_pipeline_runs_table() %}
    create table if not exists raw.pipeline_runs (
        run_id varchar primary key,
        started_at timestamp not null,
        finished_at timestamp,
        status varchar not null,
        error varchar,
        sources_file varchar,
        source_names json,
        warehouse varchar,
        discovered_count integer,
        fetched_count integer,
        articles_loaded_count integer,
        duplicate_count integer,
        failed_count integer,
        articles_total integer,
        discover_seconds double,
        fetch_seconds double,
        load_seconds double,
        annotate_seconds double,
        transform_seconds double,
        docs_seconds double,
        publish_seconds double,
        total_seconds double,
        fetch_statuses json,
        failures_by_status json,
        stage_counts json,
        source_article_counts json,
        discover_errors json,
        warnings json,
        recorded_at timestamp not null
    )
{% endmacro %}
