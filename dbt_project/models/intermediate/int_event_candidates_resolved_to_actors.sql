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
    else the article's. An act a named speaker says another named actor should or must do
    ("X said the Legislature should fund schools"; var demand_modalities) is coded as the
    speaker's demand on that actor (var reported_demand_code; is_reported_demand). -#}

with

-- Read again where it is used, not copied whole first ("not materialized": DuckDB
-- materialises a CTE used twice, and at scale that copy spilled past the memory cap).
candidates as not materialized (

    {{ rows_since_last_build(ref('int_event_candidates_sources_resolved')) }}

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

targets_chosen as (

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

),

-- A statement by a named speaker (root 01, not negated or hedged) and in its sentence an
-- act that another named actor should or must do (var demand_modalities): "X told the
-- crowd that the Legislature should fund schools", "Russia must pay, X said" are X's
-- demand (var reported_demand_code, 100) on that actor, coded on the complement's
-- candidate (its own modality would leave it uncoded); the nearest statement speaks.
reported_demands as (

    select
        complements.article_id,
        complements.candidate_index,
        reports.source_actor_id as reporter_actor_id,
        complements.agent_actor_id as demanded_of_actor_id

    from candidates as complements

    inner join candidates as reports
        on
            complements.article_id = reports.article_id
            and complements.sentence_index = reports.sentence_index
            and complements.candidate_index != reports.candidate_index

    where
        list_contains({{ var('demand_modalities') }}, complements.modality)
        and not complements.is_negated
        and complements.agent_actor_id is not null
        -- a demand on "X's associates" is not one on X
        and not regexp_matches(coalesce(complements.agent_text, ''), '[''’]s\s')
        and left(reports.act_event_code, 2) = '01'
        and not reports.is_negated
        and reports.modality is null
        and reports.source_actor_id is not null
        and reports.source_actor_id != complements.agent_actor_id

    qualify row_number() over (
        partition by complements.article_id, complements.candidate_index
        order by abs(complements.trigger_start_char - reports.trigger_start_char), reports.candidate_index
    ) = 1

),

final as (

    select
        targets_chosen.* replace (
            case
                when reported_demands.reporter_actor_id is not null then '{{ var("reported_demand_code") }}'
                else targets_chosen.act_event_code
            end as act_event_code,
            case
                when reported_demands.reporter_actor_id is null then targets_chosen.modality
            end as modality,
            coalesce(reported_demands.reporter_actor_id, targets_chosen.source_actor_id) as source_actor_id,
            coalesce(
                reported_demands.reporter_actor_id is null and targets_chosen.is_source_state, false
            ) as is_source_state,
            coalesce(reported_demands.demanded_of_actor_id, targets_chosen.target_actor_id) as target_actor_id,
            coalesce(
                reported_demands.reporter_actor_id is null and targets_chosen.is_target_inherited, false
            ) as is_target_inherited
        ),
        reported_demands.reporter_actor_id is not null as is_reported_demand

    from targets_chosen

    left join reported_demands
        on
            targets_chosen.article_id = reported_demands.article_id
            and targets_chosen.candidate_index = reported_demands.candidate_index

)

select * from final
