{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Resolution chain, first hit wins:
    1. exact alias (names, aliases, country names, demonyms, capitals/seats of government)
    2. the antecedent the annotator linked (surname short forms, role references)
    3. dated role: a ROLE_REF ("the Russian defense minister") resolves to the holder
       of that role in that country on the article's date; then a bare surname of a
       dictionary person named elsewhere in the article (short_form)
    4. fuzzy: Jaro-Winkler similarity above var('fuzzy_match_threshold')
    5. a new actor for PERSON/ORG/GPE/LOC/FAC mentions outside the dictionary, and a
       group actor for an unnamed collective (GROUP: "Georgian protesters", country from
       the demonym)
    6. a role reference with no holder resolves to the country/organisation named
       by its modifier ("United States officials" -> United States)
    Mentions left unresolved stay here with resolution_method 'unresolved' or
    'not_an_actor_label'; nothing is dropped. -#}

with

mentions as (

    select * from {{ ref('int_mentions_current') }}

),

aliases as (

    select * from {{ ref('int_actor_aliases_unioned') }}

),

roles as (

    select * from {{ ref('int_actor_roles_dated') }}

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
        case
            when mentions.label = 'PERSON' then 'person'
            when mentions.label = 'ORG' then 'organization'
            when mentions.label in ('GPE', 'LOC', 'FAC') then 'location'
            when mentions.label = 'GROUP' then 'group'
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

usable_aliases as (

    select * from aliases

    where not is_ambiguous

),

alias_matches as (

    select
        current_mentions.article_id,
        current_mentions.mention_index,
        usable_aliases.actor_id,
        usable_aliases.alias_kind

    from current_mentions

    inner join usable_aliases
        on current_mentions.name_normalized = usable_aliases.alias_normalized

    -- The small spaCy model often labels a bare surname GPE ("Scholz", "Modi"), so a
    -- person alias may match any label; a type-compatible alias is preferred below.
    where current_mentions.is_actor_label

    qualify row_number() over (
        partition by current_mentions.article_id, current_mentions.mention_index
        order by
            (usable_aliases.actor_type = 'person') != (current_mentions.label = 'PERSON'),
            usable_aliases.match_priority,
            usable_aliases.actor_id
    ) = 1

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
        coalesce(modifier_lookup.actor_id, affiliation_lookup.actor_id) as context_actor_id,
        (
            coalesce(coalesce(modifier_lookup.actor_type, affiliation_lookup.actor_type) = 'country', false)
            or modifier_places.country_code is not null
        ) as is_context_a_country,
        coalesce(
            modifier_lookup.country_code, affiliation_lookup.country_code, modifier_places.country_code
        ) as context_country_code

    from current_mentions

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

    -- "protesters in Caracas": a place as modifier gives its country.
    left join places as modifier_places
        on current_mentions.role_modifier_normalized = modifier_places.place_normalized

    left join context_lookup as modifier_lookup
        on current_mentions.role_modifier_normalized = modifier_lookup.alias_normalized

    left join context_lookup as affiliation_lookup
        on current_mentions.affiliation_normalized = affiliation_lookup.alias_normalized

),

role_matches as (

    select
        mention_context.article_id,
        mention_context.mention_index,
        roles.actor_id

    from mention_context

    inner join roles
        on
            mention_context.role_family = roles.role
            and (
                mention_context.context_country_code = roles.country_code
                or mention_context.context_actor_id = roles.organization_actor_id
            )
            and mention_context.article_date >= roles.valid_from
            and (roles.valid_to is null or mention_context.article_date < roles.valid_to)

    where
        mention_context.label = 'ROLE_REF'
        and not mention_context.is_collective_role

    qualify row_number() over (
        partition by mention_context.article_id, mention_context.mention_index
        order by roles.valid_from desc, roles.actor_id asc
    ) = 1

),

unmatched_names as (

    select current_mentions.*

    from current_mentions

    left join alias_matches
        on
            current_mentions.article_id = alias_matches.article_id
            and current_mentions.mention_index = alias_matches.mention_index

    where
        alias_matches.actor_id is null
        and current_mentions.label in ('PERSON', 'ORG')
        and current_mentions.name_normalized is not null

),

fuzzy_matches as (

    select
        unmatched_names.article_id,
        unmatched_names.mention_index,
        usable_aliases.actor_id,
        jaro_winkler_similarity(unmatched_names.name_normalized, usable_aliases.alias_normalized)
            as similarity

    from unmatched_names

    inner join usable_aliases
        on
            -- Curated names only: among tens of thousands of imported office holders a
            -- close spelling is more often another person than a variant.
            usable_aliases.match_priority <= 3
            and length(usable_aliases.alias_normalized) >= {{ var('fuzzy_min_alias_length') }}
            -- Jaro-Winkler rewards a shared prefix: a truncated span ("Group of") must not
            -- take a longer alias ("Group of 20"); spelling variants have similar lengths.
            and least(length(unmatched_names.name_normalized), length(usable_aliases.alias_normalized))
            >= {{ var('fuzzy_min_length_ratio', 0.85) }}
            * greatest(length(unmatched_names.name_normalized), length(usable_aliases.alias_normalized))
            and (usable_aliases.actor_type = 'person') = (unmatched_names.label = 'PERSON')
            and jaro_winkler_similarity(unmatched_names.name_normalized, usable_aliases.alias_normalized)
            >= {{ var('fuzzy_match_threshold') }}

    qualify row_number() over (
        partition by unmatched_names.article_id, unmatched_names.mention_index
        order by similarity desc, usable_aliases.actor_id asc
    ) = 1

),

article_people as (

    select
        alias_matches.article_id,
        usable_aliases.actor_id,
        {{ normalize_name("regexp_extract(usable_aliases.alias, '(\\S+)$')") }} as surname

    from alias_matches

    inner join usable_aliases
        on
            alias_matches.actor_id = usable_aliases.actor_id
            and usable_aliases.alias_kind = 'canonical'

    where usable_aliases.actor_type = 'person'

),

-- A bare surname of a person named earlier in the same article, when the annotator
-- did not link it (spaCy often labels it GPE or ORG: "Leyen", "Modi").
short_form_matches as (

    select
        current_mentions.article_id,
        current_mentions.mention_index,
        min(article_people.actor_id) as actor_id

    from current_mentions

    inner join article_people
        on
            current_mentions.article_id = article_people.article_id
            and current_mentions.name_normalized = article_people.surname

    where
        current_mentions.is_actor_label
        and current_mentions.label != 'ROLE_REF'

    group by current_mentions.article_id, current_mentions.mention_index

    having count(distinct article_people.actor_id) = 1

),

-- A place outside the alias tables (a city, a US state) gives a new location actor
-- its country: "Kigali" -> RWA, "Indiana" -> USA.
place_matches as (

    select
        current_mentions.article_id,
        current_mentions.mention_index,
        min(places.country_code) as country_code

    from current_mentions

    inner join places
        on current_mentions.name_normalized = places.place_normalized

    where current_mentions.label in ('GPE', 'LOC', 'FAC')

    group by current_mentions.article_id, current_mentions.mention_index

),

-- The country the article is set in (int_articles_located_in_countries): an unknown
-- person or body the sentence gives no country takes it.
article_countries as (

    select * from {{ ref('int_articles_located_in_countries') }}

),

own_resolution as (

    select
        mention_context.*,
        fuzzy_matches.similarity as fuzzy_similarity,
        case
            when alias_matches.actor_id is not null then alias_matches.actor_id
            when role_matches.actor_id is not null then role_matches.actor_id
            when short_form_matches.actor_id is not null then short_form_matches.actor_id
            when fuzzy_matches.actor_id is not null then fuzzy_matches.actor_id
            when mention_context.is_generic_term and mention_context.label != 'GROUP' then null
            -- A group is an actor when its country is named ("Georgian protesters"), not
            -- a party or another body ("Democratic voters").
            when mention_context.label = 'GROUP' and not mention_context.is_context_a_country then null
            when mention_context.new_actor_type is not null and mention_context.display_name is not null
                then {{ actor_id('mention_context.new_actor_type', 'mention_context.display_name') }}
            when mention_context.label = 'ROLE_REF' then mention_context.context_actor_id
        end as own_actor_id,
        case
            when alias_matches.alias_kind = 'demonym' then 'demonym'
            when alias_matches.alias_kind in ('capital', 'seat_of_government', 'metonym') then 'metonym'
            when alias_matches.actor_id is not null then 'exact_alias'
            when role_matches.actor_id is not null then 'dated_role'
            when short_form_matches.actor_id is not null then 'short_form'
            when fuzzy_matches.actor_id is not null then 'fuzzy'
            when mention_context.is_generic_term and mention_context.label != 'GROUP' then 'generic_term'
            when mention_context.label = 'GROUP' and not mention_context.is_context_a_country
                then 'unresolved'
            when mention_context.new_actor_type is not null and mention_context.display_name is not null
                then 'new_actor'
            when mention_context.label = 'ROLE_REF' and mention_context.context_actor_id is not null
                then 'role_context'
            when mention_context.is_actor_label then 'unresolved'
            else 'not_an_actor_label'
        end as own_method

    from mention_context

    left join alias_matches
        on
            mention_context.article_id = alias_matches.article_id
            and mention_context.mention_index = alias_matches.mention_index

    left join role_matches
        on
            mention_context.article_id = role_matches.article_id
            and mention_context.mention_index = role_matches.mention_index

    left join short_form_matches
        on
            mention_context.article_id = short_form_matches.article_id
            and mention_context.mention_index = short_form_matches.mention_index

    left join fuzzy_matches
        on
            mention_context.article_id = fuzzy_matches.article_id
            and mention_context.mention_index = fuzzy_matches.mention_index

),

with_countries as (

    select
        own_resolution.*,
        coalesce(
            own_resolution.context_country_code,
            place_matches.country_code,
            article_countries.country_code
        ) as inferred_country_code

    from own_resolution

    left join place_matches
        on
            own_resolution.article_id = place_matches.article_id
            and own_resolution.mention_index = place_matches.mention_index

    left join article_countries
        on own_resolution.article_id = article_countries.article_id

),

with_antecedents as (

    select
        with_countries.*,
        antecedents.own_actor_id as antecedent_actor_id

    from with_countries

    left join with_countries as antecedents
        on
            with_countries.article_id = antecedents.article_id
            and with_countries.antecedent_mention_index = antecedents.mention_index
            and with_countries.is_actor_label

),

final as (

    select
        md5(article_id || '|' || cast(mention_index as varchar)) as mention_id,
        article_id,
        annotator_version,
        annotated_at,
        article_date,
        mention_index,
        sentence_index,
        text_part,
        start_char,
        end_char,
        mention_text,
        label,
        role,
        role_modifier,
        affiliation,
        antecedent_mention_index,
        antecedent_link,
        -- A surname the annotator linked to a full name in the article follows that name,
        -- even when it is a dictionary alias of someone else ("Morrison" after "Tim
        -- Morrison" is not Scott Morrison).
        case
            when
                antecedent_link = 'surname'
                and antecedent_actor_id is not null
                and coalesce(antecedent_actor_id != own_actor_id, true)
                then antecedent_actor_id
            when own_method in ('exact_alias', 'metonym', 'demonym') then own_actor_id
            when antecedent_actor_id is not null then antecedent_actor_id
            else own_actor_id
        end as actor_id,
        case
            when
                antecedent_link = 'surname'
                and antecedent_actor_id is not null
                and coalesce(antecedent_actor_id != own_actor_id, true)
                then 'antecedent'
            when own_method in ('exact_alias', 'metonym', 'demonym') then own_method
            when antecedent_actor_id is not null then 'antecedent'
            else own_method
        end as resolution_method,
        case when own_method = 'fuzzy' then fuzzy_similarity end as match_score,
        case when own_method = 'new_actor' and antecedent_actor_id is null then display_name end as new_actor_name,
        case when own_method = 'new_actor' and antecedent_actor_id is null then new_actor_type end as new_actor_type,
        case when own_method = 'new_actor' and antecedent_actor_id is null then inferred_country_code end
            as new_actor_country_code,
        case when own_method = 'new_actor' and antecedent_actor_id is null then role_sector end as new_actor_sector,
        role_family,
        role_sector

    from with_antecedents

)

select * from final
