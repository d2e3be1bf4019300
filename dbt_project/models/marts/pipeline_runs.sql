{#- A view, not a table: the pipeline records its own run in raw.pipeline_runs after
    dbt build and before publish, and the published copy must show that row. -#}

{{ config(materialized='view') }}

with

pipeline_runs as (

    select * from {{ ref('stg_raw_runs__pipeline_runs') }}

),

final as (

    select
        run_id,
        started_at,
        finished_at,
        status,
        error,
        date_diff('second', started_at, finished_at) as duration_seconds,
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
        json_array_length(warnings) > 0 as has_warnings,
        recorded_at

    from pipeline_runs

)

select * from final
