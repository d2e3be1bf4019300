{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Every event candidate of the selected annotation, with the verb pattern that
    codes it and the reason when it is not coded: negated; a modality that is no intent
    (seed modalities: hypothetical, conditional, question, wish, contest, hedged, or
    planned for a root without an intent code); no matching pattern; no resolved source
    actor; no target for an act CAMEO codes only with one (untargeted_statement; vars
    null_target_code_prefixes, null_target_object_codes); subsumed by the same act
    coded with a target. Intended acts are coded under their root's intent code (seed
    intent_codes). Places that are not dictionary actors are never source or target,
    and the press is never a target (var press_name_pattern, sector MED). Patterns come
    from int_verb_patterns_unioned: a curated pattern wins over an imported one, then the
    most specific (particle, preposition, object head, preposition's object), then the
    lower pattern_id. A participant the annotator inherited from an earlier sentence of
    the paragraph (inherited_from_sentence set) is a target only for roots in var
    inherited_target_roots, and only when the clause has no target of its own. -#}

with

candidates as (

    select * from {{ ref('stg_raw__event_candidates') }}

),

selected_annotations as (

    select * from {{ ref('int_annotations_selected') }}

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

verb_patterns as (

    select * from {{ ref('int_verb_patterns_unioned') }}

),

intent_codes as (

    select * from {{ ref('intent_codes') }}

),

event_codes as (

    select * from {{ ref('cameo_event_codes') }}

),

modalities as (

    select * from {{ ref('modalities') }}

),

current_candidates as (

    select
        candidates.*,
        selected_annotations.article_date,
        selected_annotations.annotated_at,
        selected_annotations.source_name,
        -- "prep lemma" of every participant, for patterns such as "* (FOR TALKS)"
        list_transform(
            coalesce(
                from_json(candidates.participants, '[{"prep": "VARCHAR", "lemma": "VARCHAR"}]'),
                []
            ),
            lambda p: lower(p.prep) || ' ' || lower(p.lemma)  -- noqa: RF01
        ) as prep_objects

    from candidates

    inner join selected_annotations
        on
            candidates.article_id = selected_annotations.article_id
            and candidates.annotator_version = selected_annotations.annotator_version

    {% if is_incremental() %}
        where selected_annotations.annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

),

pattern_candidates as (

    select
        current_candidates.article_id,
        current_candidates.candidate_index,
        verb_patterns.pattern_id,
        verb_patterns.event_code,
        verb_patterns.target_prepositions,
        verb_patterns.pattern_source,
        verb_patterns.pattern_rank,
        cast(verb_patterns.particle is not null as integer)
        + cast(verb_patterns.preposition is not null as integer)
        + cast(verb_patterns.object_lemmas is not null as integer)
        + cast(verb_patterns.prep_object_lemmas is not null as integer) as pattern_specificity

    from current_candidates

    inner join verb_patterns
        on
            current_candidates.trigger_lemma = verb_patterns.lemma
            and (
                verb_patterns.particle is null
                or current_candidates.particle = verb_patterns.particle
            )
            and (
                verb_patterns.preposition is null
                or list_contains(
                    string_split(coalesce(current_candidates.prepositions, ''), ' '),
                    verb_patterns.preposition
                )
            )
            and (
                verb_patterns.object_lemmas is null
                or list_contains(
                    string_split(verb_patterns.object_lemmas, '|'), current_candidates.object_lemma
                )
            )
            and (
                verb_patterns.prep_object_lemmas is null
                or len(list_intersect(
                    current_candidates.prep_objects,
                    list_transform(
                        string_split(verb_patterns.prep_object_lemmas, '|'),
                        lambda lemma: verb_patterns.preposition || ' ' || lemma  -- noqa: RF02
                    )
                )) > 0
            )

),

best_patterns as (

    select * from pattern_candidates

    qualify row_number() over (
        partition by article_id, candidate_index
        order by pattern_rank asc, pattern_specificity desc, pattern_id asc
    ) = 1

),

with_agents as (

    select
        current_candidates.*,
        agents.actor_id as source_actor_id,
        patients.actor_id as patient_actor_id

    from current_candidates

    left join resolved_mentions as agents
        on
            current_candidates.article_id = agents.article_id
            and current_candidates.agent_mention_index = agents.mention_index

    left join target_mentions as patients
        on
            current_candidates.article_id = patients.article_id
            and current_candidates.patient_mention_index = patients.mention_index

),

participant_lists as (

    select
        with_agents.article_id,
        with_agents.candidate_index,
        with_agents.source_actor_id,
        string_split(coalesce(best_patterns.target_prepositions, ''), ' ') as pattern_prepositions,
        left(best_patterns.event_code, 2) as pattern_root_code,
        from_json(
            with_agents.participants,
            '[{"prep": "VARCHAR", "text": "VARCHAR", "mention_index": "INTEGER", "inherited_from_sentence": "INTEGER"}]'
        ) as participant_list

    from with_agents

    left join best_patterns
        on
            with_agents.article_id = best_patterns.article_id
            and with_agents.candidate_index = best_patterns.candidate_index

    where with_agents.participants is not null

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

intended as (

    -- An intended, promised or planned act (modality with codes_as_intent) is coded
    -- under CAMEO's intent code for its root ("will provide aid" -> 033, "plans to
    -- meet" -> 036); roots 03 and 13 already are intents and threats and keep their code.
    select
        best_patterns.*,
        coalesce(modalities.codes_as_intent, false) as is_intent_modality,
        case
            when not coalesce(modalities.codes_as_intent, false) then best_patterns.event_code
            when intent_codes.keeps_own_code then best_patterns.event_code
            else intent_codes.intent_event_code
        end as coded_event_code

    from best_patterns

    inner join current_candidates as modality_rows
        on
            best_patterns.article_id = modality_rows.article_id
            and best_patterns.candidate_index = modality_rows.candidate_index

    left join modalities
        on modality_rows.modality = modalities.modality

    left join intent_codes
        on left(best_patterns.event_code, 2) = intent_codes.event_root_code

),

coded as (

    select
        with_agents.*,
        best_patterns.pattern_id,
        best_patterns.pattern_specificity,
        best_patterns.event_code as act_event_code,
        coalesce(intended.is_intent_modality and intended.coded_event_code is not null, false)
            as is_intent,
        event_codes.event_code,
        event_codes.event_label,
        event_codes.event_root_code,
        event_codes.quad_class,
        event_codes.goldstein,
        -- the patient, unless it is the source itself; else the preferred participant
        coalesce(
            nullif(with_agents.patient_actor_id, with_agents.source_actor_id),
            participant_targets.actor_id
        ) as target_actor_id,
        coalesce(
            nullif(with_agents.patient_actor_id, with_agents.source_actor_id) is null
            and participant_targets.is_inherited,
            false
        ) as is_target_inherited,
        coalesce(with_agents.event_date, with_agents.event_date_start, with_agents.article_date)
            as coded_event_date,
        case
            when with_agents.is_negated then 'negated'
            when
                with_agents.modality is not null
                and not coalesce(modalities.codes_as_intent, false)
                then coalesce(modalities.reason, 'hedged')
            when best_patterns.event_code is null then 'no_pattern'
            when event_codes.event_code is null then coalesce(modalities.reason, 'hedged')
            when with_agents.source_actor_id is null then 'no_source_actor'
            when
                coalesce(
                    nullif(with_agents.patient_actor_id, with_agents.source_actor_id),
                    participant_targets.actor_id
                ) is null
                -- acts CAMEO codes without a counterpart keep a null target
                and not list_has_any(
                    {{ var('null_target_code_prefixes') }},
                    [left(event_codes.event_code, 2), left(event_codes.event_code, 3)]
                )
                -- "claimed responsibility": only with the pattern's object or particle
                and not (
                    list_contains({{ var('null_target_object_codes') }}, left(event_codes.event_code, 3))
                    and best_patterns.pattern_specificity > 0
                )
                then 'untargeted_statement'
            else 'coded'
        end as coding_status

    from with_agents

    left join best_patterns
        on
            with_agents.article_id = best_patterns.article_id
            and with_agents.candidate_index = best_patterns.candidate_index

    left join intended
        on
            with_agents.article_id = intended.article_id
            and with_agents.candidate_index = intended.candidate_index

    left join event_codes
        on intended.coded_event_code = event_codes.event_code

    left join participant_targets
        on
            with_agents.article_id = participant_targets.article_id
            and with_agents.candidate_index = participant_targets.candidate_index

    left join modalities
        on with_agents.modality = modalities.modality

),

-- An act coded without a target ("protesters rallied") is the same act as one of the same
-- source and root coded with a target in the article ("protesters rallied against X"):
-- it is kept as 'subsumed', so the article gives one event, not two.
subsumed as (

    select
        * replace (
            case
                when
                    coding_status = 'coded'
                    and target_actor_id is null
                    and bool_or(coding_status = 'coded' and target_actor_id is not null) over (
                        partition by article_id, source_actor_id, event_root_code
                    )
                    then 'subsumed'
                else coding_status
            end as coding_status
        )

    from coded

),

-- A headline states an act without a date of its own ("Senate defeats motion"): it
-- takes the date of the same act (source, target, root) coded in the article's body,
-- the earliest if several, so headline and body are mentions of one event.
dated as (

    select
        *,
        case
            when text_part = 'title' and date_resolution not in ('exact', 'range')
                then coalesce(
                    min(case when text_part = 'body' and coding_status = 'coded' then coded_event_date end) over (
                        partition by article_id, source_actor_id, target_actor_id, event_root_code
                    ),
                    coded_event_date
                )
            else coded_event_date
        end as mention_event_date

    from subsumed

),

final as (

    select
        md5(article_id || '|' || cast(candidate_index as varchar)) as event_mention_id,
        case
            when coding_status = 'coded'
                then md5(
                    source_actor_id
                    || '|' || coalesce(target_actor_id, '')
                    || '|' || event_root_code
                    || '|' || cast(mention_event_date as varchar)
                )
        end as event_id,
        article_id,
        annotator_version,
        annotated_at,
        source_name,
        article_date,
        candidate_index,
        sentence_index,
        text_part,
        trigger_text,
        trigger_lemma,
        particle,
        prepositions,
        object_lemma,
        agent_text,
        patient_text,
        is_negated,
        modality,
        coding_status,
        coding_status = 'coded' as is_coded,
        pattern_id,
        act_event_code,
        is_intent,
        event_code,
        event_label,
        event_root_code,
        quad_class,
        goldstein,
        source_actor_id,
        target_actor_id,
        is_target_inherited,
        mention_event_date as event_date,
        date_resolution,
        -- Confidence: a lemma-only pattern on a clause with a source is 0.6; each extra
        -- pattern constraint that matched, a resolved target and an exact date add 0.1.
        cast(least(
            1.0,
            0.6
            + 0.1 * coalesce(pattern_specificity, 0)
            + case when target_actor_id is not null then 0.1 else 0.0 end
            + case when date_resolution = 'exact' then 0.1 else 0.0 end
        ) as double) as confidence

    from dated

)

select * from final
