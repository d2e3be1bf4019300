{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Every pattern-matched event candidate with its source actor and its patient's actor.
    The source is the agent mention's actor (never a place outside the dictionary). An
    agentless passive state act ("X was arrested", "X was taken into custody"; vars
    state_act_lemmas, state_act_object_codes) is the state's: the source is the authority
    the article names (var state_authority_pattern), else the country of the patient, else
    the article's country. An agentless passive rejection or
    adoption of a proposal ("X's amendment was rejected") is the chamber's: the legislature
    the article names most (vars legislative_act_lemmas, legislative_proposal_lemmas,
    legislature_name_pattern). The patient's actor is never the press, and a place
    outside the dictionary only for force aimed at it (var place_target_roots); a patient
    that names a people ("200 Kenyans", "Kenyan nationals") is their country. A bare "the
    government" with no mention of its own (var generic_government_phrases) is the
    article's country, as agent or patient (and, through article_country_actor_id, as
    participant). Also what the target choice needs from the agent: its one-word body name
    and whether a statement went to the press. -#}

with

-- "not materialized": the CTEs that only read a model are read again where they are
-- used, not copied whole first (DuckDB materialises a CTE used twice; at 30,000
-- articles those copies of millions of wide rows spilled past the memory cap).
candidates as not materialized (

    {{ rows_since_last_build(ref('int_event_candidates_matched_to_patterns')) }}

),

mentions as not materialized (

    select * from {{ ref('int_event_mentions_places_and_press') }}

),

-- Places outside the dictionary are where something happens, not who acts.
resolved_mentions as not materialized (

    select * from mentions

    where not is_unlisted_place

),

-- Who can be acted on: not the press (see int_event_mentions_places_and_press).
target_mentions as not materialized (

    select * from mentions

    where not is_press

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

-- The article's country as an actor: what a bare "the government" names (var
-- generic_government_phrases), as agent or patient.
article_country_actors as (

    select
        articles_located.article_id,
        country_actors.actor_id

    from articles_located

    inner join country_actors
        on articles_located.country_code = country_actors.country_code

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

with_agents as (

    select
        candidates.*,
        coalesce(
            -- an interviewer's questions and remarks to the interviewee ("the anchor
            -- asked the voter") are not events (var interviewer_act_roots)
            case
                when
                    not coalesce(
                        agents.is_interviewer
                        and list_contains({{ var('interviewer_act_roots') }}, left(candidates.act_event_code, 2)),
                        false
                    )
                    then agents.actor_id
            end,
            case
                when
                    candidates.agent_mention_index is null
                    and list_contains({{ var('generic_government_phrases') }}, lower(candidates.agent_text))
                    then article_countries.actor_id
            end
        ) as agent_actor_id,
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
        coalesce(
            patients.actor_id,
            demonym_patients.actor_id,
            case
                when
                    candidates.patient_mention_index is null
                    and list_contains({{ var('generic_government_phrases') }}, lower(candidates.patient_text))
                    then article_countries.actor_id
            end
        ) as patient_actor_id,
        patients.mention_text as patient_mention_text,
        -- what a bare "the government" names (var generic_government_phrases)
        article_countries.actor_id as article_country_actor_id

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

    left join article_country_actors as article_countries
        on candidates.article_id = article_countries.article_id

),

-- The authority an article names for the state's acts on people (police, prosecutors,
-- immigration; var state_authority_pattern): the most mentioned, then the first named.
article_authorities as (

    {{ most_mentioned_actor_matching('resolved_mentions', var('state_authority_pattern')) }}

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
        and (
            list_contains({{ var('state_act_lemmas') }}, with_agents.trigger_lemma)
            -- "was taken into custody": a detention named by the pattern's object
            or (
                list_contains({{ var('state_act_object_codes') }}, left(with_agents.act_event_code, 3))
                and with_agents.pattern_specificity > 0
            )
        )
        and coalesce(article_authorities.actor_id, country_actors.actor_id) is not null

),

-- The legislature an article names (var legislature_name_pattern over the whole mention
-- text): the most mentioned, then the first named.
article_chambers as (

    {{ most_mentioned_actor_matching('resolved_mentions', var('legislature_name_pattern')) }}

),

-- A proposal rejected or adopted with no agent named ("Smith's amendment was rejected",
-- "the motion was defeated"; vars legislative_act_lemmas, legislative_proposal_lemmas)
-- is the act of the chamber whose vote decided it: the legislature the article names.
chamber_sources as (

    select
        with_agents.article_id,
        with_agents.candidate_index,
        article_chambers.actor_id

    from with_agents

    inner join article_chambers
        on with_agents.article_id = article_chambers.article_id

    where
        with_agents.is_passive
        and with_agents.agent_text is null
        and with_agents.agent_mention_index is null
        and list_contains({{ var('legislative_act_lemmas') }}, with_agents.trigger_lemma)
        and list_contains({{ var('legislative_proposal_lemmas') }}, with_agents.object_lemma)

),

final as (

    select
        with_agents.*,
        coalesce(with_agents.agent_actor_id, state_sources.actor_id, chamber_sources.actor_id) as source_actor_id,
        state_sources.actor_id is not null as is_source_state,
        with_agents.agent_actor_id is null
        and state_sources.actor_id is null
        and chamber_sources.actor_id is not null as is_source_chamber

    from with_agents

    left join state_sources
        on
            with_agents.article_id = state_sources.article_id
            and with_agents.candidate_index = state_sources.candidate_index

    left join chamber_sources
        on
            with_agents.article_id = chamber_sources.article_id
            and with_agents.candidate_index = chamber_sources.candidate_index

)

select * from final
