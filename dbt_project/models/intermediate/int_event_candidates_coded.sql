{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Every event candidate of the selected annotation with its CAMEO coding, or the reason
    it is not coded: negated; a modality that is no intent (seed modalities: hypothetical,
    conditional, question, wish, contest, hedged, or planned for a root without an intent
    code); no matching pattern; no resolved source actor; no target for an act CAMEO codes
    only with one (untargeted_statement; vars null_target_code_prefixes,
    null_target_object_codes); subsumed by the same act coded with a target. Intended acts
    are coded under their root's intent code (seed intent_codes). The pattern comes from
    int_event_candidates_matched_to_patterns, the source and target from
    int_event_candidates_resolved_to_actors. -#}

with

-- Read again where it is used, not copied whole first ("not materialized": DuckDB
-- materialises a CTE used twice, and at scale that copy spilled past the memory cap).
candidates as not materialized (

    select * from {{ ref('int_event_candidates_resolved_to_actors') }}

    {% if is_incremental() %}
        where annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

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

intended as (

    -- An intended, promised or planned act (modality with codes_as_intent) is coded
    -- under CAMEO's intent code for its root ("will provide aid" -> 033, "plans to
    -- meet" -> 036); roots 03 and 13 already are intents and threats and keep their code.
    select
        candidates.article_id,
        candidates.candidate_index,
        coalesce(modalities.codes_as_intent, false) as is_intent_modality,
        case
            when not coalesce(modalities.codes_as_intent, false) then candidates.act_event_code
            when intent_codes.keeps_own_code then candidates.act_event_code
            else intent_codes.intent_event_code
        end as coded_event_code

    from candidates

    left join modalities
        on candidates.modality = modalities.modality

    left join intent_codes
        on left(candidates.act_event_code, 2) = intent_codes.event_root_code

    where candidates.act_event_code is not null

),

coded as (

    select
        candidates.*,
        coalesce(intended.is_intent_modality and intended.coded_event_code is not null, false)
            as is_intent,
        event_codes.event_code,
        event_codes.event_label,
        event_codes.event_root_code,
        event_codes.quad_class,
        event_codes.goldstein,
        coalesce(candidates.event_date, candidates.event_date_start, candidates.article_date)
            as coded_event_date,
        case
            when candidates.is_negated then 'negated'
            when
                candidates.modality is not null
                and not coalesce(modalities.codes_as_intent, false)
                then coalesce(modalities.reason, 'hedged')
            when candidates.act_event_code is null then 'no_pattern'
            when event_codes.event_code is null then coalesce(modalities.reason, 'hedged')
            when candidates.source_actor_id is null then 'no_source_actor'
            -- an act the article dates years before its publication ("in 1990, when the
            -- minister signed the accord", "in 2015 the ministry had signed a deal") is
            -- the story's background, not news of this article
            when
                candidates.event_date_end
                < candidates.article_date - {{ var('background_event_days') }}
                then 'background'
            when
                candidates.target_actor_id is null
                -- acts CAMEO codes without a counterpart keep a null target
                and not list_has_any(
                    {{ var('null_target_code_prefixes') }},
                    [left(event_codes.event_code, 2), left(event_codes.event_code, 3)]
                )
                -- "claimed responsibility": only with the pattern's object or particle
                and not (
                    list_contains({{ var('null_target_object_codes') }}, left(event_codes.event_code, 3))
                    and candidates.pattern_specificity > 0
                )
                then 'untargeted_statement'
            else 'coded'
        end as coding_status

    from candidates

    left join intended
        on
            candidates.article_id = intended.article_id
            and candidates.candidate_index = intended.candidate_index

    left join event_codes
        on intended.coded_event_code = event_codes.event_code

    left join modalities
        on candidates.modality = modalities.modality

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
