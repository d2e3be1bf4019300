{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Every event candidate of the selected annotation with the verb pattern that codes its
    act, if any. Patterns come from int_verb_patterns_unioned and match on the trigger's
    lemma, then on each constraint the pattern sets (particle, one of the candidate's
    prepositions, the direct object's head, the object of the pattern's preposition). A
    curated pattern wins over an imported one, then the most specific (the most
    constraints matched), then the lower pattern_id. -#}

with

candidates as (

    select * from {{ ref('stg_raw__event_candidates') }}

),

selected_annotations as (

    select * from {{ ref('int_annotations_selected') }}

),

-- Each pattern's constraint lists split once here, not again for every candidate the
-- pattern's lemma meets in the join below.
verb_patterns as (

    select
        *,
        string_split(object_lemmas, '|') as object_lemma_list,
        list_transform(
            string_split(prep_object_lemmas, '|'),
            lambda lemma: preposition || ' ' || lemma  -- noqa: RF02
        ) as prep_object_list

    from {{ ref('int_verb_patterns_unioned') }}

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
        ) as prep_objects,
        string_split(coalesce(candidates.prepositions, ''), ' ') as preposition_list

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
                or list_contains(current_candidates.preposition_list, verb_patterns.preposition)
            )
            and (
                verb_patterns.object_lemmas is null
                or list_contains(verb_patterns.object_lemma_list, current_candidates.object_lemma)
            )
            and (
                verb_patterns.prep_object_lemmas is null
                or len(list_intersect(
                    current_candidates.prep_objects, verb_patterns.prep_object_list
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

final as (

    select
        current_candidates.* exclude (preposition_list),  -- noqa: RF02
        best_patterns.pattern_id,
        best_patterns.event_code as act_event_code,
        best_patterns.target_prepositions as pattern_target_prepositions,
        best_patterns.pattern_specificity

    from current_candidates

    left join best_patterns
        on
            current_candidates.article_id = best_patterns.article_id
            and current_candidates.candidate_index = best_patterns.candidate_index

)

select * from final
