{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Every pattern-matched event candidate with its source and target actors. The source
    is the agent mention's actor; the target is the patient's actor unless it is the
    source, else the preferred prepositional participant: the clause's own before one the
    annotator inherited from an earlier sentence of the paragraph (a target only for roots
    in var inherited_target_roots), the pattern's own target prepositions first, then the
    order of var target_prepositions. Places that are not dictionary actors are never
    source or target, and the press is never a target (var press_name_pattern, sector
    MED). -#}

with

candidates as (

    select * from {{ ref('int_event_candidates_matched_to_patterns') }}

    {% if is_incremental() %}
        where annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

),

resolved_mentions as (

    select * from {{ ref('int_mentions_resolved_to_actors') }}

    -- Places outside the dictionary ("the Black Sea", "Rustaveli Avenue") are where
    -- something happens, not who acts or is acted on.
    where not coalesce(resolution_method = 'new_actor' and new_actor_type = 'location', false)

),

actor_dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

-- Who can be acted on: not the press. A reporter, outlet or platform that a source
-- talks to ("told Reuters", "an interview with the Daily Post", "said on Twitter") is
-- where the news comes from, not the counterpart of an act: dictionary actors of
-- sector MED, role sector MED, or a name matching var press_name_pattern.
target_mentions as (

    select resolved_mentions.*

    from resolved_mentions

    left join actor_dictionary
        on resolved_mentions.actor_id = actor_dictionary.actor_id

    where not (
        coalesce(actor_dictionary.sector, resolved_mentions.new_actor_sector, resolved_mentions.role_sector, '')
        = 'MED'
        or regexp_matches(coalesce(resolved_mentions.mention_text, ''), '{{ var("press_name_pattern") }}')
    )

),

with_agents as (

    select
        candidates.*,
        agents.actor_id as source_actor_id,
        patients.actor_id as patient_actor_id

    from candidates

    left join resolved_mentions as agents
        on
            candidates.article_id = agents.article_id
            and candidates.agent_mention_index = agents.mention_index

    left join target_mentions as patients
        on
            candidates.article_id = patients.article_id
            and candidates.patient_mention_index = patients.mention_index

),

participant_lists as (

    select
        article_id,
        candidate_index,
        source_actor_id,
        string_split(coalesce(pattern_target_prepositions, ''), ' ') as pattern_prepositions,
        left(act_event_code, 2) as pattern_root_code,
        from_json(
            participants,
            '[{"prep": "VARCHAR", "text": "VARCHAR", "mention_index": "INTEGER", "inherited_from_sentence": "INTEGER"}]'
        ) as participant_list

    from with_agents

    where participants is not null

),

participant_rows as (

    select
        article_id,
        candidate_index,
        source_actor_id,
        pattern_prepositions,
        pattern_root_code,
        unnest(participant_list) as participant,
        generate_subscripts(participant_list, 1) as participant_position

    from participant_lists

),

participant_targets as (

    select
        participant_rows.article_id,
        participant_rows.candidate_index,
        participant_mentions.actor_id,
        struct_extract(participant_rows.participant, 'inherited_from_sentence') is not null
            as is_inherited

    from participant_rows

    inner join target_mentions as participant_mentions
        on
            participant_rows.article_id = participant_mentions.article_id
            and struct_extract(participant_rows.participant, 'mention_index')
            = participant_mentions.mention_index

    where
        participant_mentions.actor_id is not null
        and participant_mentions.actor_id is distinct from participant_rows.source_actor_id
        and (
            struct_extract(participant_rows.participant, 'inherited_from_sentence') is null
            or list_contains(
                {{ var('inherited_target_roots') }}, participant_rows.pattern_root_code
            )
        )
        and (
            list_contains(
                {{ var('target_prepositions') }},
                lower(struct_extract(participant_rows.participant, 'prep'))
            )
            or list_contains(
                participant_rows.pattern_prepositions,
                lower(struct_extract(participant_rows.participant, 'prep'))
            )
        )

    -- the clause's own participants before inherited ones, the verb's own target
    -- prepositions first, then the general preference order
    qualify row_number() over (
        partition by participant_rows.article_id, participant_rows.candidate_index
        order by
            struct_extract(participant_rows.participant, 'inherited_from_sentence') is not null,
            not list_contains(
                participant_rows.pattern_prepositions,
                lower(struct_extract(participant_rows.participant, 'prep'))
            ),
            list_position(
                {{ var('target_prepositions') }},
                lower(struct_extract(participant_rows.participant, 'prep'))
            ),
            participant_rows.participant_position
    ) = 1

),

final as (

    select
        with_agents.*,
        -- the patient, unless it is the source itself; else the preferred participant
        coalesce(
            nullif(with_agents.patient_actor_id, with_agents.source_actor_id),
            participant_targets.actor_id
        ) as target_actor_id,
        coalesce(
            nullif(with_agents.patient_actor_id, with_agents.source_actor_id) is null
            and participant_targets.is_inherited,
            false
        ) as is_target_inherited

    from with_agents

    left join participant_targets
        on
            with_agents.article_id = participant_targets.article_id
            and with_agents.candidate_index = participant_targets.candidate_index

)

select * from final
