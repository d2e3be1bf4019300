{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

final as (

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
        article_date,
        language,
        word_count,
        content_hash,
        fetched_at,
        loaded_at,
        extractor_version

    from articles

    {% if is_incremental() %}
        where loaded_at >= (
            select coalesce(max(this.loaded_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

)

select * from final
