with

source as (

    select * from {{ source('raw', 'fetch_log') }}

),

renamed as (

    select
        source_name,
        url,
        final_url,
        fetched_at,
        status,
        http_status,
        detail,
        article_id,
        content_type,
        bytes as byte_count,
        etag,
        last_modified,
        attempts

    from source

)

select * from renamed
