{{ config(materialized='view') }}

{#- The entity mentions of each article's selected annotation (int_annotations_selected),
    with the article's date and when the annotation was written. Every mention model
    reads its mentions here; an incremental one keeps the rows annotated since its own
    last build (annotated_at). A view: the selection is a join, and the incremental
    filter of the reader is pushed into it. -#}

with

mentions as (

    select * from {{ ref('stg_raw__entity_mentions') }}

),

selected_annotations as (

    select * from {{ ref('int_annotations_selected') }}

),

final as (

    select
        mentions.article_id,
        mentions.annotator_version,
        mentions.mention_index,
        mentions.sentence_index,
        mentions.start_char,
        mentions.end_char,
        mentions.mention_text,
        mentions.label,
        mentions.role,
        mentions.role_modifier,
        mentions.affiliation,
        mentions.role_source,
        mentions.antecedent_mention_index,
        mentions.antecedent_link,
        mentions.text_part,
        selected_annotations.article_date,
        selected_annotations.annotated_at

    from mentions

    inner join selected_annotations
        on
            mentions.article_id = selected_annotations.article_id
            and mentions.annotator_version = selected_annotations.annotator_version

)

select * from final
