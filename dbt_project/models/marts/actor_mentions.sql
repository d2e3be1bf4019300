{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- Mentions that name an actor. A demonym ("Hungarian Prime Minister", "Russian
    assets") is resolved to its country in int_mentions_resolved_to_actors, where event
    coding can use it as an agent ("Russian forces shelled ..."), but it does not name
    the country, so it is not an actor mention here. -#}

with

resolved_mentions as (

    select * from {{ ref('int_mentions_resolved_to_actors') }}

),

final as (

    select
        mention_id,
        actor_id,
        article_id,
        sentence_index,
        text_part,
        start_char,
        end_char,
        mention_text,
        label,
        role,
        resolution_method,
        match_score,
        article_date,
        annotated_at

    from resolved_mentions

    where
        actor_id is not null
        and resolution_method != 'demonym'
        {% if is_incremental() %}
            and annotated_at >= (
                select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
                from {{ this }} as this
            )
        {% endif %}

)

select * from final
