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
