with

source as (

    select * from {{ source('raw', 'sentences') }}

),

renamed as (

    select
        article_id,
        annotator_version,
        sentence_index,
        start_char,
        end_char,
        text as sentence_text,
        text_part

    from source

)

select * from renamed
