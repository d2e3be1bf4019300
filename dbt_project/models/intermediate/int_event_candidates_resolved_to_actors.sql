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
    order of var target_prepositions. Places that are not dictionary actors are never a
    source, and a target only of force aimed at them (vars place_target_roots,
    place_target_prepositions); the press is never a target (var press_name_pattern, sector
    MED; the one a speaker tells something "in a statement" or "in an interview", var
    press_channel_prep_objects). A patient that names a people ("200 Kenyans", "Kenyan
    nationals") is their country. A body named by one word of a fuller name ("the Court"
    and "the European Court of ...") does not act on itself. An agentless passive state
    act ("X was arrested", var state_act_lemmas) is the state's: the source is the
    authority the article names (var state_authority_pattern), else the country of the
    patient, else the article's country. A guilty plea (var court_pleas) is made to the
    state: its target is the pleader's country, else the article's. -#}

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

mentions as (

    select
        *,
        coalesce(resolution_method = 'new_actor' and new_actor_type = 'location', false) as is_unlisted_place

    from {{ ref('int_mentions_resolved_to_actors') }}

),

-- Places outside the dictionary ("the Black Sea", "Rustaveli Avenue") are where
-- something happens, not who acts; they are acted on only by force (see target_mentions).
resolved_mentions as (

    select * from mentions

    where not is_unlisted_place

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

demonyms as (

    select
        alias as demonym,
        country_code

    from {{ ref('country_aliases') }}

    where alias_type = 'demonym'

),

-- A patient that names a people, not a person ("more than 200 Kenyans", "two Kenyan
-- nationals", "the British"), is their country, as CAMEO codes a country's civilians
-- (used when the patient's mention resolved to no actor).
demonym_patients as (

    select
        patient_keys.article_id,
        patient_keys.candidate_index,
        country_actors.actor_id

    -- An equi-join on words cut with constant patterns: a pattern built from each
    -- candidate x demonym pair was compiled per pair (seconds for 25 articles, hours
    -- for a first night of 10,000).
    from (
        select distinct
            keyed.article_id,
            keyed.candidate_index,
            demonym_key.word
        from (
            select
                article_id,
                candidate_index,
                regexp_extract(patient_text, '(\S+)$', 1) as last_word,
                regexp_extract(
                    patient_text,
                    '^(.*) (?:nationals|citizens|migrants|immigrants|people|workers|students'
                    || '|tourists|civilians|pilgrims)$',
                    1
                ) as people_prefix
            from candidates
            where patient_text is not null
        ) as keyed
        cross join
            unnest([
                keyed.last_word,
                nullif(regexp_extract(keyed.last_word, '^(.+)s$', 1), ''),
                nullif(regexp_extract(keyed.people_prefix, '(?:^|\s)(\S+)$', 1), ''),
                nullif(regexp_extract(keyed.people_prefix, '(?:^|\s)(\S+ \S+)$', 1), ''),
                nullif(regexp_extract(keyed.people_prefix, '(?:^|\s)(\S+ \S+ \S+)$', 1), '')
            ]) as demonym_key (word)
        where demonym_key.word is not null
    ) as patient_keys

    inner join demonyms
        on patient_keys.word = demonyms.demonym

    inner join country_actors
        on demonyms.country_code = country_actors.country_code

    qualify count(*) over (partition by patient_keys.article_id, patient_keys.candidate_index) = 1

),

-- Who can be acted on: not the press. A reporter, outlet or platform that a source
-- talks to ("told Reuters", "an interview with the Daily Post", "said on Twitter") is
-- where the news comes from, not the counterpart of an act: dictionary actors of
-- sector MED, role sector MED, or a name matching var press_name_pattern. A place
-- outside the dictionary is a target only of force aimed at it (roots in var
-- place_target_roots, as the patient or the object of var place_target_prepositions:
-- "the shelling of the valley town of Tarsis", "shelled the port of X").
target_mentions as (

    select mentions.*

    from mentions

    left join actor_dictionary
        on mentions.actor_id = actor_dictionary.actor_id

    where not (
        coalesce(actor_dictionary.sector, mentions.new_actor_sector, mentions.role_sector, '')
        = 'MED'
        or regexp_matches(coalesce(mentions.mention_text, ''), '{{ var("press_name_pattern") }}')
    )

),

with_agents as (

    select
        candidates.*,
        agents.actor_id as source_actor_id,
        -- a one-word body name that is not a person's ("the Court"), to tell a body
        -- acting on itself
        case
            when agents.label != 'PERSON'
                then nullif(regexp_extract(agents.mention_text, '^(?:[Tt]he )?([A-Z][a-z]+)$', 1), '')
        end as agent_body_word,
        -- what a speaker says "in a statement" or "in an interview" goes to the press
        coalesce(
            left(candidates.act_event_code, 2) = '01'
            and list_has_any(candidates.prep_objects, {{ var('press_channel_prep_objects') }}),
            false
        ) as is_said_to_press,
        coalesce(patients.actor_id, demonym_patients.actor_id) as patient_actor_id,
        patients.mention_text as patient_mention_text

    from candidates

    left join resolved_mentions as agents
        on
            candidates.article_id = agents.article_id
            and candidates.agent_mention_index = agents.mention_index

    left join target_mentions as patients
        on
            candidates.article_id = patients.article_id
            and candidates.patient_mention_index = patients.mention_index
            and (
                not patients.is_unlisted_place
                or list_contains({{ var('place_target_roots') }}, left(candidates.act_event_code, 2))
            )

    left join demonym_patients
        on
            candidates.article_id = demonym_patients.article_id
            and candidates.candidate_index = demonym_patients.candidate_index

),

participant_lists as (

    select
        article_id,
        candidate_index,
        trigger_lemma,
        source_actor_id,
        agent_body_word,
        is_said_to_press,
        string_split(coalesce(pattern_target_prepositions, ''), ' ') as pattern_prepositions,
        left(act_event_code, 2) as pattern_root_code,
        from_json(
            participants,
            '[{"prep":"VARCHAR","lemma":"VARCHAR","mention_index":"INTEGER","inherited_from_sentence":"INTEGER"}]'
        ) as participant_list

    from with_agents

    where participants is not null

),

participant_rows as (

    select
        article_id,
        candidate_index,
        trigger_lemma,
        source_actor_id,
        agent_body_word,
        is_said_to_press,
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
        and not participant_rows.is_said_to_press
        -- a phrase of time ("on Wikipedia's birthday", "on the anniversary of X") says when
        and not coalesce(list_contains(
            {{ var('time_noun_lemmas') }}, lower(struct_extract(participant_rows.participant, 'lemma'))
        ), false)
        -- the post one resigns from, the manner one speaks with, is no counterpart
        and not coalesce(list_contains(
            {{ var('non_target_verb_prepositions') }},
            participant_rows.trigger_lemma || ' ' || lower(struct_extract(participant_rows.participant, 'prep'))
        ), false)
        and (
            not participant_mentions.is_unlisted_place
            or (
                list_contains({{ var('place_target_roots') }}, participant_rows.pattern_root_code)
                and list_contains(
                    {{ var('place_target_prepositions') }},
                    lower(struct_extract(participant_rows.participant, 'prep'))
                )
            )
        )
        and not coalesce(
            regexp_matches(participant_mentions.mention_text, '\b' || participant_rows.agent_body_word || '\b'),
            false
        )
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

-- The authority an article names for the state's acts on people (police, prosecutors,
-- immigration; var state_authority_pattern): the most mentioned, then the first named.
article_authorities as (

    select
        article_id,
        actor_id

    from resolved_mentions

    where
        actor_id is not null
        and regexp_matches(coalesce(mention_text, ''), '{{ var("state_authority_pattern") }}')

    group by article_id, actor_id

    qualify row_number() over (
        partition by article_id
        order by count(*) desc, min(mention_index) asc
    ) = 1

),

-- An act done to someone with no agent named ("X was arrested", "Y is charged with
-- fraud") is the state's, as CAMEO coders and GDELT code it to the country's
-- authorities: the authority the article names, else the country of the patient, else
-- the article's country.
state_sources as (

    select
        with_agents.article_id,
        with_agents.candidate_index,
        coalesce(article_authorities.actor_id, country_actors.actor_id) as actor_id

    from with_agents

    left join resolved_mentions as patients
        on
            with_agents.article_id = patients.article_id
            and with_agents.patient_mention_index = patients.mention_index

    left join actor_dictionary as patient_actors
        on patients.actor_id = patient_actors.actor_id

    left join articles_located
        on with_agents.article_id = articles_located.article_id

    left join country_actors
        on
            coalesce(
                patient_actors.country_code, patients.new_actor_country_code, articles_located.country_code
            )
            = country_actors.country_code

    left join article_authorities
        on with_agents.article_id = article_authorities.article_id

    where
        with_agents.is_passive
        and with_agents.agent_text is null
        and with_agents.agent_mention_index is null
        and with_agents.patient_actor_id is not null
        and list_contains({{ var('state_act_lemmas') }}, with_agents.trigger_lemma)
        and coalesce(article_authorities.actor_id, country_actors.actor_id) is not null

),

-- A guilty plea ("X pleaded guilty"; var court_pleas) is made to the state that
-- prosecutes, in its court: the country of the pleader, else the article's country (not
-- the police that investigated).
plea_targets as (

    select
        with_agents.article_id,
        with_agents.candidate_index,
        country_actors.actor_id

    from with_agents

    left join actor_dictionary as source_actors
        on with_agents.source_actor_id = source_actors.actor_id

    left join articles_located
        on with_agents.article_id = articles_located.article_id

    left join country_actors
        on coalesce(source_actors.country_code, articles_located.country_code) = country_actors.country_code

    where
        with_agents.source_actor_id is not null
        and list_contains(
            {{ var('court_pleas') }}, with_agents.trigger_lemma || ' ' || coalesce(with_agents.object_lemma, '')
        )
        and country_actors.actor_id is not null

),

-- the patient unless it is the source itself, the press or the source's own body ("the
-- Court" and "the European Court of ..."); else the preferred participant
patient_targets as (

    select
        with_agents.* exclude (source_actor_id),
        coalesce(with_agents.source_actor_id, state_sources.actor_id) as source_actor_id,
        state_sources.actor_id is not null as is_source_state,
        case
            when
                not with_agents.is_said_to_press
                and not coalesce(
                    regexp_matches(with_agents.patient_mention_text, '\b' || with_agents.agent_body_word || '\b'),
                    false
                )
                then nullif(with_agents.patient_actor_id, coalesce(with_agents.source_actor_id, state_sources.actor_id))
        end as patient_target_actor_id

    from with_agents

    left join state_sources
        on
            with_agents.article_id = state_sources.article_id
            and with_agents.candidate_index = state_sources.candidate_index

),

final as (

    select
        patient_targets.*,
        coalesce(
            patient_targets.patient_target_actor_id,
            participant_targets.actor_id,
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
