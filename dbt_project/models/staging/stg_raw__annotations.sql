with

source as (

    select * from {{ source('raw', 'annotations') }}

),

renamed as (

    select
        article_id,
        annotator_version,
        model_name,
        model_version,
        code_version,
        status,
        skip_reason,
        sentence_count,
        mention_count,
        candidate_count,
        annotated_at

    from source

)

select * from renamed
