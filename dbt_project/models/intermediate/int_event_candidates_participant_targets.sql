{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- The preferred prepositional participant of each event candidate that can be its
    target (one row per candidate; a null target where none can be): the clause's own participants before one
    the annotator inherited from an earlier sentence of the paragraph (a target only for
    roots in var inherited_target_roots), the pattern's own target prepositions first,
    then the order of var target_prepositions. Never the agent's own actor, the press, a
    phrase of time (var time_noun_lemmas), the object of a "verb preposition" pair of var
    non_target_verb_prepositions, the counterpart of a statement made "in a statement"
    (var press_channel_prep_objects), the fuller body holding the agent's one-word body
    name ("the Court" and "the European Court of ..."), or a place outside the dictionary
    except as the object of force aimed at it (vars place_target_roots,
    place_target_prepositions: "shelled the port of X"). -#}

with

-- Read again where it is used, not copied whole first ("not materialized": DuckDB
-- materialises a CTE used twice, and at scale that copy spilled past the memory cap).
candidates as not materialized (

    {{ rows_since_last_build(ref('int_event_candidates_sources_resolved')) }}

),

-- Who can be acted on: not the press (see int_event_mentions_places_and_press).
target_mentions as (

    select * from {{ ref('int_event_mentions_places_and_press') }}

    where not is_press

),

participant_lists as (

    select
        article_id,
        candidate_index,
        annotated_at,
        trigger_lemma,
        agent_actor_id,
        agent_body_word,
        is_said_to_press,
        article_country_actor_id,
        string_split(coalesce(pattern_target_prepositions, ''), ' ') as pattern_prepositions,
        left(act_event_code, 2) as pattern_root_code,
        from_json(
            participants,
            '[{"prep":"VARCHAR","text":"VARCHAR","lemma":"VARCHAR","mention_index":"INTEGER",'
            || '"inherited_from_sentence":"INTEGER"}]'
        ) as participant_list

    from candidates

    where participants is not null

),

participant_rows as (

    select
        article_id,
        candidate_index,
        annotated_at,
        trigger_lemma,
        agent_actor_id,
        agent_body_word,
        is_said_to_press,
        article_country_actor_id,
        pattern_prepositions,
        pattern_root_code,
        unnest(participant_list) as participant,
        generate_subscripts(participant_list, 1) as participant_position

    from participant_lists

),

-- A participant's actor: its mention's (not the press), or for a bare "the government"
-- with no mention (var generic_government_phrases) the article's country.
participant_actors as (

    select
        participant_rows.*,
        participant_mentions.mention_text,
        coalesce(participant_mentions.is_unlisted_place, false) as is_unlisted_place,
        coalesce(
            participant_mentions.actor_id,
            case
                when
                    struct_extract(participant_rows.participant, 'mention_index') is null
                    and list_contains(
                        {{ var('generic_government_phrases') }},
                        lower(struct_extract(participant_rows.participant, 'text'))
                    )
                    then participant_rows.article_country_actor_id
            end
        ) as participant_actor_id

    from participant_rows

    left join target_mentions as participant_mentions
        on
            participant_rows.article_id = participant_mentions.article_id
            and struct_extract(participant_rows.participant, 'mention_index')
            = participant_mentions.mention_index

),

chosen_participants as (

    select
        article_id,
        candidate_index,
        participant_actor_id as target_actor_id,
        struct_extract(participant, 'inherited_from_sentence') is not null as is_inherited

    from participant_actors

    where
        participant_actor_id is not null
        and participant_actor_id is distinct from agent_actor_id
        and not is_said_to_press
        -- a phrase of time ("on Wikipedia's birthday", "on the anniversary of X") says when
        and not coalesce(list_contains(
            {{ var('time_noun_lemmas') }}, lower(struct_extract(participant, 'lemma'))
        ), false)
        -- the post one resigns from, the manner one speaks with, is no counterpart
        and not coalesce(list_contains(
            {{ var('non_target_verb_prepositions') }},
            trigger_lemma || ' ' || lower(struct_extract(participant, 'prep'))
        ), false)
        and (
            not is_unlisted_place
            or (
                list_contains({{ var('place_target_roots') }}, pattern_root_code)
                and list_contains(
                    {{ var('place_target_prepositions') }},
                    lower(struct_extract(participant, 'prep'))
                )
            )
        )
        -- the agent's one-word body name as a word of the participant's name, on words
        -- cut with a constant pattern (as \b cuts them)
        and not coalesce(
            list_contains(
                string_split_regex(mention_text, '[^0-9A-Za-z_]+'),
                agent_body_word
            ),
            false
        )
        and (
            struct_extract(participant, 'inherited_from_sentence') is null
            or list_contains(
                {{ var('inherited_target_roots') }}, pattern_root_code
            )
        )
        and (
            list_contains(
                {{ var('target_prepositions') }},
                lower(struct_extract(participant, 'prep'))
            )
            or list_contains(
                pattern_prepositions,
                lower(struct_extract(participant, 'prep'))
            )
        )

    -- the clause's own participants before inherited ones, the verb's own target
    -- prepositions first, then the general preference order
    qualify row_number() over (
        partition by article_id, candidate_index
        order by
            struct_extract(participant, 'inherited_from_sentence') is not null,
            not list_contains(
                pattern_prepositions,
                lower(struct_extract(participant, 'prep'))
            ),
            list_position(
                {{ var('target_prepositions') }},
                lower(struct_extract(participant, 'prep'))
            ),
            participant_position
    ) = 1

),

-- One row per candidate (a null target where no participant can be one), so that an
-- article annotated again replaces all of its rows (delete+insert by article).
final as (

    select
        candidates.article_id,
        candidates.candidate_index,
        candidates.annotated_at,
        chosen_participants.target_actor_id,
        coalesce(chosen_participants.is_inherited, false) as is_inherited

    from candidates

    left join chosen_participants
        on
            candidates.article_id = chosen_participants.article_id
            and candidates.candidate_index = chosen_participants.candidate_index

)

select * from final
