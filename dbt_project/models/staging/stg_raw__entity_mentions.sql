with

source as (

    select * from {{ source('raw', 'entity_mentions') }}

),

renamed as (

    select
        article_id,
        annotator_version,
        mention_index,
        sentence_index,
        start_char,
        end_char,
        text as mention_text,
        upper(label) as label,
        role,
        role_modifier,
        affiliation,
        role_source,
        antecedent_mention_index,
        antecedent_link,
        text_part

    from source

)

select * from renamed
