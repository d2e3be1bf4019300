with

source as (

    select * from {{ source('raw', 'event_candidates') }}

),

renamed as (

    select
        article_id,
        annotator_version,
        candidate_index,
        sentence_index,
        trigger_text,
        lower(trigger_lemma) as trigger_lemma,
        trigger_start_char,
        trigger_end_char,
        lower(particle) as particle,
        lower(prepositions) as prepositions,
        lower(object_lemma) as object_lemma,
        agent_text,
        agent_start_char,
        agent_end_char,
        agent_mention_index,
        patient_text,
        patient_start_char,
        patient_end_char,
        patient_mention_index,
        participants,
        is_passive,
        is_negated,
        lower(modality) as modality,
        reported_by_text,
        reported_by_mention_index,
        date_text,
        event_date,
        event_date_start,
        event_date_end,
        date_resolution,
        text_part

    from source

)

select * from renamed
