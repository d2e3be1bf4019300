{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Step 2 of actor resolution: what the dictionary offers each mention
    (int_mentions_in_context), one column per way of matching, each null when it finds
    nothing:
    1. exact alias (names, aliases, country names, demonyms, capitals/seats of government)
    2. dated role: a ROLE_REF ("the Russian defense minister") -> the holder of that
       role in that country or organisation on the article's date
    3. short form: a bare surname of a dictionary person named elsewhere in the article
    4. fuzzy: Jaro-Winkler similarity above var('fuzzy_match_threshold')
    and the country of a place outside the alias tables (a city, a US state).
    int_mentions_resolved_to_actors chooses among them. -#}

with

-- Read again where it is used, not copied whole first ("not materialized": DuckDB
-- materialises a CTE used twice, and at scale that copy spilled past the memory cap).
mentions as not materialized (

    select * from {{ ref('int_mentions_in_context') }}

    {% if is_incremental() %}
        where annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

),

usable_aliases as (

    select * from {{ ref('int_actor_aliases_unioned') }}

    where not is_ambiguous

),

roles as (

    select * from {{ ref('int_actor_roles_dated') }}

),

-- The seed places and every country's capital (a capital named as a place is a city).
places as (

    select
        {{ normalize_name('place') }} as place_normalized,
        country_code

    from {{ ref('places') }}

    union

    select
        {{ normalize_name('capital') }} as place_normalized,
        country_code

    from {{ ref('countries') }}

    where capital is not null

),

alias_matches as (

    select
        mentions.article_id,
        mentions.mention_index,
        usable_aliases.actor_id,
        usable_aliases.alias_kind

    from mentions

    inner join usable_aliases
        on mentions.name_normalized = usable_aliases.alias_normalized

    -- The small spaCy model often labels a bare surname GPE ("Scholz", "Modi"), so a
    -- person alias may match any label; a type-compatible alias is preferred below. A
    -- capital named as a place ("in Moscow", "WASHINGTON —") is the city, not the
    -- government its name stands for elsewhere.
    where
        mentions.is_actor_label
        and not coalesce(usable_aliases.alias_kind = 'capital' and mentions.is_place_by_context, false)

    qualify row_number() over (
        partition by mentions.article_id, mentions.mention_index
        order by
            (usable_aliases.actor_type = 'person') != (mentions.label = 'PERSON'),
            usable_aliases.match_priority,
            usable_aliases.actor_id
    ) = 1

),

role_matches as (

    select
        mentions.article_id,
        mentions.mention_index,
        roles.actor_id

    from mentions

    inner join roles
        on
            mentions.role_family = roles.role
            and (
                mentions.context_country_code = roles.country_code
                or mentions.context_actor_id = roles.organization_actor_id
            )
            and mentions.article_date >= roles.valid_from
            and (roles.valid_to is null or mentions.article_date < roles.valid_to)

    where
        mentions.label = 'ROLE_REF'
        and not mentions.is_collective_role

    qualify row_number() over (
        partition by mentions.article_id, mentions.mention_index
        order by roles.valid_from desc, roles.actor_id asc
    ) = 1

),

unmatched_names as (

    select mentions.*

    from mentions

    left join alias_matches
        on
            mentions.article_id = alias_matches.article_id
            and mentions.mention_index = alias_matches.mention_index

    where
        alias_matches.actor_id is null
        and mentions.label in ('PERSON', 'ORG')
        and mentions.name_normalized is not null

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
        mentions.article_id,
        mentions.mention_index,
        min(article_people.actor_id) as actor_id

    from mentions

    inner join article_people
        on
            mentions.article_id = article_people.article_id
            and mentions.name_normalized = article_people.surname

    where
        mentions.is_actor_label
        and mentions.label != 'ROLE_REF'

    group by mentions.article_id, mentions.mention_index

    having count(distinct article_people.actor_id) = 1

),

-- A place outside the alias tables (a city, a US state) gives a new location actor
-- its country: "Kigali" -> RWA, "Indiana" -> USA.
place_matches as (

    select
        mentions.article_id,
        mentions.mention_index,
        min(places.country_code) as country_code

    from mentions

    inner join places
        on mentions.name_normalized = places.place_normalized

    where mentions.label in ('GPE', 'LOC', 'FAC')

    group by mentions.article_id, mentions.mention_index

),

-- The country the article is set in (int_articles_located_in_countries): an unknown
-- person or body the sentence gives no country takes it.
final as (

    select
        mentions.*,
        alias_matches.actor_id as alias_actor_id,
        alias_matches.alias_kind,
        role_matches.actor_id as role_actor_id,
        short_form_matches.actor_id as short_form_actor_id,
        fuzzy_matches.actor_id as fuzzy_actor_id,
        fuzzy_matches.similarity as fuzzy_similarity,
        place_matches.country_code as place_country_code

    from mentions

    left join alias_matches
        on
            mentions.article_id = alias_matches.article_id
            and mentions.mention_index = alias_matches.mention_index

    left join role_matches
        on
            mentions.article_id = role_matches.article_id
            and mentions.mention_index = role_matches.mention_index

    left join short_form_matches
        on
            mentions.article_id = short_form_matches.article_id
            and mentions.mention_index = short_form_matches.mention_index

    left join fuzzy_matches
        on
            mentions.article_id = fuzzy_matches.article_id
            and mentions.mention_index = fuzzy_matches.mention_index

    left join place_matches
        on
            mentions.article_id = place_matches.article_id
            and mentions.mention_index = place_matches.mention_index

)

select * from final
