{#- A view, not a table: every nightly run re-checks known URLs and updates their
    rows in raw.fetch_log; a view shows them without a dbt build (see
    newsevents.transform.dbt.watched_sources). -#}

{{ config(materialized='view') }}

with

fetch_log as (

    select * from {{ ref('stg_raw__fetch_log') }}

),

final as (

    select
        md5(source_name || '|' || url) as fetch_id,
        url,
        source_name,
        final_url,
        fetched_at,
        status,
        http_status,
        detail,
        article_id,
        content_type,
        byte_count,
        attempts

    from fetch_log

)

select * from final
