{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

coded_candidates as (

    select * from {{ ref('int_event_candidates_coded') }}

),

sentences as (

    select * from {{ ref('stg_raw__sentences') }}

),

final as (

    select
        coded_candidates.event_mention_id,
        coded_candidates.event_id,
        coded_candidates.article_id,
        coded_candidates.source_name,
        coded_candidates.candidate_index,
        coded_candidates.sentence_index,
        coded_candidates.text_part,
        sentences.sentence_text,
        coded_candidates.trigger_text as trigger,
        coded_candidates.trigger_lemma,
        coded_candidates.pattern_id,
        coded_candidates.event_code,
        coded_candidates.source_actor_id,
        coded_candidates.target_actor_id,
        coded_candidates.event_date,
        coded_candidates.confidence,
        coded_candidates.annotated_at

    from coded_candidates

    left join sentences
        on
            coded_candidates.article_id = sentences.article_id
            and coded_candidates.annotator_version = sentences.annotator_version
            and coded_candidates.sentence_index = sentences.sentence_index

    where
        coded_candidates.is_coded
        {% if is_incremental() %}
            and coded_candidates.annotated_at >= (
                select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
                from {{ this }} as this
            )
        {% endif %}

)

select * from final
