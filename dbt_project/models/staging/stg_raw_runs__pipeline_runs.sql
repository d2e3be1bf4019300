{#- raw.pipeline_runs is created here when missing (same DDL as newsevents.runs):
    the pipeline records its run after dbt build, and this view must read the real
    table even on a fresh work database. -#}

{{
    config(
        pre_hook=[
            'create schema if not exists raw',
            '{{ create_pipeline_runs_table() }}',
        ],
    )
}}

with

source as (

    select * from {{ source('raw_runs', 'pipeline_runs') }}

),

renamed as (

    select
        run_id,
        started_at,
        finished_at,
        status,
        error,
        sources_file,
        source_names,
        warehouse,
        discovered_count,
        fetched_count,
        articles_loaded_count,
        duplicate_count,
        failed_count,
        articles_total,
        discover_seconds,
        fetch_seconds,
        load_seconds,
        annotate_seconds,
        transform_seconds,
        docs_seconds,
        publish_seconds,
        total_seconds,
        fetch_statuses,
        failures_by_status,
        stage_counts,
        source_article_counts,
        discover_errors,
        warnings,
        recorded_at

    from source

)

select * from renamed
