{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Step 1 of actor resolution: each mention of the selected annotation with its
    normalised name, display name and new-actor type, and the context its words give:
    the role family and sector of its role, whether the mention is itself a generic
    noun, and the country or organisation its role modifier or affiliation names
    ("the Russian defense minister" -> RUS; "protesters in Caracas" -> VEN).
    int_mentions_matched_to_dictionary matches these mentions to the dictionary. -#}

with

mentions as (

    select * from {{ ref('int_mentions_current') }}

),

usable_aliases as (

    select * from {{ ref('int_actor_aliases_unioned') }}

    where not is_ambiguous

),

role_terms as (

    select * from {{ ref('role_terms') }}

),

places as (

    select
        {{ normalize_name('place') }} as place_normalized,
        country_code

    from {{ ref('places') }}

),

agents as (

    select * from {{ ref('phoenix_agents') }}

),

sentences as (

    select * from {{ ref('stg_raw__sentences') }}

),

current_mentions as (

    select
        mentions.*,
        {{ normalize_name('mentions.mention_text') }} as name_normalized,
        {{ normalize_name('mentions.role') }} as role_normalized,
        {{ normalize_name('mentions.role_modifier') }} as role_modifier_normalized,
        {{ normalize_name('mentions.affiliation') }} as affiliation_normalized,
        nullif(trim(regexp_replace(regexp_replace(
            replace(trim(mentions.mention_text), '’', ''''), '''s?$', ''
        ), '^[Tt]he\s+', '')), '')
            as display_name,
        -- "the Interior Ministry" with no country word: the ministry of the story's
        -- country (a national body below), not a role reference with no holder.
        coalesce(
            mentions.label = 'ROLE_REF'
            and mentions.role_modifier is null
            and mentions.affiliation is null
            and regexp_matches(lower(mentions.role), '(?:^|\s)ministry(?:\s|$)'),
            false
        ) as is_unnamed_ministry,
        case
            when mentions.label = 'PERSON' then 'person'
            when mentions.label = 'ORG' then 'organization'
            when mentions.label in ('GPE', 'LOC', 'FAC') then 'location'
            when mentions.label = 'GROUP' then 'group'
            when is_unnamed_ministry then 'organization'
        end as new_actor_type,
        mentions.label in ('PERSON', 'ORG', 'NORP', 'GPE', 'LOC', 'FAC', 'ROLE_REF', 'GROUP') as is_actor_label

    from mentions

    {% if is_incremental() %}
        where mentions.annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

),

context_lookup as (

    select
        alias_normalized,
        actor_id,
        actor_type,
        country_code

    from usable_aliases

    where actor_type in ('country', 'organization')

    qualify row_number() over (
        partition by alias_normalized
        order by match_priority, actor_type, actor_id
    ) = 1

),

mention_context as (

    select
        current_mentions.*,
        role_terms.role as role_family,
        coalesce(role_terms.sector, agents.sector) as role_sector,
        coalesce(role_terms.is_collective, false) as is_collective_role,
        name_agents.agent_term is not null as is_generic_term,
        body_agents.agent_term is not null
        or current_mentions.name_normalized in ('house', 'house of representatives')
        or current_mentions.is_unnamed_ministry
            as is_national_body,
        coalesce(modifier_lookup.actor_id, affiliation_lookup.actor_id) as context_actor_id,
        (
            coalesce(coalesce(modifier_lookup.actor_type, affiliation_lookup.actor_type) = 'country', false)
            or modifier_places.country_code is not null
        ) as is_context_a_country,
        coalesce(
            modifier_lookup.country_code, affiliation_lookup.country_code, modifier_places.country_code
        ) as context_country_code,
        -- A place on a route or named as a city ("via Paris", "the city of Berlin") or
        -- in a dateline ("WASHINGTON —") is the place, not its government
        -- (int_mentions_matched_to_dictionary leaves out a capital's metonym for it).
        -- "in Moscow" stays the country: "arrived in Moscow" is a visit to Russia.
        coalesce(
            current_mentions.label in ('GPE', 'LOC')
            and not regexp_matches(
                substr(sentences.sentence_text, current_mentions.end_char - sentences.start_char + 1, 2),
                '^[''’]s?'
            )
            and (
                regexp_matches(
                    substr(
                        sentences.sentence_text,
                        greatest(current_mentions.start_char - sentences.start_char - 20, 0) + 1,
                        least(current_mentions.start_char - sentences.start_char, 20)
                    ),
                    '(?i)(?:^|\W)(?:via|city of)\s+$'
                )
                or (
                    current_mentions.start_char = sentences.start_char
                    and current_mentions.mention_text = upper(current_mentions.mention_text)
                    and regexp_matches(
                        substr(sentences.sentence_text, current_mentions.end_char - sentences.start_char + 1, 3),
                        '^\s*(?:[,:(—–-]|$)'
                    )
                )
            ),
            false
        ) as is_place_by_context

    from current_mentions

    left join sentences
        on
            current_mentions.article_id = sentences.article_id
            and current_mentions.annotator_version = sentences.annotator_version
            and current_mentions.text_part = sentences.text_part
            and current_mentions.sentence_index = sentences.sentence_index

    left join role_terms
        on current_mentions.role_normalized = role_terms.role_term

    -- Generic agent nouns ("police", "lawmakers") give a group its sector.
    left join agents
        on lower(current_mentions.role) = agents.agent_term

    -- A mention that is itself a generic noun ("Prison", "Protesters") names no one;
    -- national bodies ("Senate", "Congress", "Supreme Court") are the story's own.
    left join agents as name_agents
        on
            current_mentions.name_normalized = name_agents.agent_term
            and coalesce(name_agents.sector, '') not in ('LEG', 'JUD', 'GOV')

    -- A national body named by its generic name ("Senate", "Parliament", "Supreme Court",
    -- "Ministry of Finance") is the body of the article's country.
    left join agents as body_agents
        on
            current_mentions.name_normalized = body_agents.agent_term
            and body_agents.sector in ('LEG', 'JUD', 'GOV')

    -- "protesters in Caracas": a place as modifier gives its country.
    left join places as modifier_places
        on current_mentions.role_modifier_normalized = modifier_places.place_normalized

    left join context_lookup as modifier_lookup
        on current_mentions.role_modifier_normalized = modifier_lookup.alias_normalized

    left join context_lookup as affiliation_lookup
        on current_mentions.affiliation_normalized = affiliation_lookup.alias_normalized

),

final as (

    select * from mention_context

)

select * from final
