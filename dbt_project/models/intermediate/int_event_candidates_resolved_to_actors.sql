{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Every pattern-matched event candidate with its source and target actors. The source
    and the patient's actor come from int_event_candidates_sources_resolved, the
    preferred prepositional participant from int_event_candidates_participant_targets.
    The target is the patient's actor unless it is the source, the press channel of a
    statement ("in a statement") or the fuller body holding the agent's one-word body name
    ("the Court" and "the European Court of ..."); else the preferred participant; else,
    for a guilty plea (var court_pleas), the state it is made to: the pleader's country,
    else the article's. -#}

with

candidates as (

    select * from {{ ref('int_event_candidates_sources_resolved') }}

    {% if is_incremental() %}
        where annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

),

participant_targets as (

    select * from {{ ref('int_event_candidates_participant_targets') }}

),

actor_dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

articles_located as (

    select * from {{ ref('int_articles_located_in_countries') }}

),

country_actors as (

    select
        actor_id,
        country_code

    from actor_dictionary

    where actor_type = 'country'

),

-- A guilty plea ("X pleaded guilty"; var court_pleas) is made to the state that
-- prosecutes, in its court: the country of the pleader, else the article's country (not
-- the police that investigated).
plea_targets as (

    select
        candidates.article_id,
        candidates.candidate_index,
        country_actors.actor_id

    from candidates

    left join actor_dictionary as source_actors
        on candidates.agent_actor_id = source_actors.actor_id

    left join articles_located
        on candidates.article_id = articles_located.article_id

    left join country_actors
        on coalesce(source_actors.country_code, articles_located.country_code) = country_actors.country_code

    where
        candidates.agent_actor_id is not null
        and list_contains(
            {{ var('court_pleas') }}, candidates.trigger_lemma || ' ' || coalesce(candidates.object_lemma, '')
        )
        and country_actors.actor_id is not null

),

-- the patient unless it is the source itself, the press or the source's own body ("the
-- Court" and "the European Court of ...": the body word as a word of the patient's name,
-- on words cut with a constant pattern as \b cuts them); else the preferred participant
patient_targets as (

    select
        * exclude (
            agent_actor_id,
            article_country_actor_id,
            agent_body_word,
            is_said_to_press,
            patient_actor_id,
            patient_mention_text,
            source_actor_id,
            is_source_state
        ),
        agent_body_word,
        is_said_to_press,
        patient_actor_id,
        patient_mention_text,
        source_actor_id,
        is_source_state,
        case
            when
                not is_said_to_press
                and not coalesce(
                    list_contains(
                        string_split_regex(patient_mention_text, '[^0-9A-Za-z_]+'),
                        agent_body_word
                    ),
                    false
                )
                then nullif(patient_actor_id, source_actor_id)
        end as patient_target_actor_id

    from candidates

),

final as (

    select
        patient_targets.*,
        coalesce(
            patient_targets.patient_target_actor_id,
            participant_targets.target_actor_id,
            nullif(plea_targets.actor_id, patient_targets.source_actor_id)
        ) as target_actor_id,
        coalesce(
            patient_targets.patient_target_actor_id is null and participant_targets.is_inherited,
            false
        ) as is_target_inherited

    from patient_targets

    left join participant_targets
        on
            patient_targets.article_id = participant_targets.article_id
            and patient_targets.candidate_index = participant_targets.candidate_index

    left join plea_targets
        on
            patient_targets.article_id = plea_targets.article_id
            and patient_targets.candidate_index = plea_targets.candidate_index

)

select * from final
