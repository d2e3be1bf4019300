with

source as (

    select * from {{ source('raw', 'articles') }}

),

renamed as (

    select
        article_id,
        url,
        canonical_url,
        source_name,
        domain,
        title,
        author,
        description,
        site_name,
        published_at,
        language,
        text as article_text,
        word_count,
        content_hash,
        fetched_at,
        loaded_at,
        extractor_version,
        cast(coalesce(published_at, fetched_at) as date) as article_date

    from source

)

select * from renamed
