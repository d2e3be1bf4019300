{#- Person -> official_of / member_of -> country, organisation, party or legislature,
    from three sources: dictionary roles held on the dates the person is mentioned
    ("Andrey Belousov" is an official of Russia); for people outside the dictionary,
    the government or military role the annotator found next to their name (their
    country); and the links the text states next to the name (int_affiliations_stated:
    titles, appositions, party markers, legislators' titles). An affiliation is
    official_of when any source says so, else member_of (parties, chambers). -#}

with

-- Read again where it is used, not copied whole first ("not materialized": DuckDB
-- materialises a CTE used twice, and at scale that copy spilled past the memory cap).
resolved_mentions as not materialized (

    select * from {{ ref('int_mentions_resolved_to_actors') }}

),

roles as (

    select * from {{ ref('int_actor_roles_dated') }}

),

dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

stated as (

    select * from {{ ref('int_affiliations_stated') }}

),

mentioned_actors as (

    select
        actor_id,
        article_date

    from resolved_mentions

    where actor_id is not null

),

dictionary_affiliations as (

    select
        roles.actor_id as person_actor_id,
        roles.affiliated_actor_id,
        roles.title,
        mentioned_actors.article_date,
        'official_of' as affiliation_type,
        'dictionary_role' as affiliation_source

    from roles

    inner join mentioned_actors
        on
            roles.actor_id = mentioned_actors.actor_id
            and roles.valid_from <= mentioned_actors.article_date
            and (roles.valid_to is null or roles.valid_to > mentioned_actors.article_date)

    where roles.affiliated_actor_id is not null

),

mention_affiliations as (

    select
        resolved_mentions.actor_id as person_actor_id,
        countries.actor_id as affiliated_actor_id,
        resolved_mentions.role_family as title,
        resolved_mentions.article_date,
        'official_of' as affiliation_type,
        'mention_role' as affiliation_source

    from resolved_mentions

    inner join dictionary as countries
        on
            resolved_mentions.new_actor_country_code = countries.country_code
            and countries.actor_type = 'country'

    where
        resolved_mentions.resolution_method = 'new_actor'
        and resolved_mentions.new_actor_type = 'person'
        and resolved_mentions.new_actor_sector in ('GOV', 'MIL')

),

stated_affiliations as (

    select
        person_actor_id,
        affiliated_actor_id,
        title,
        article_date,
        affiliation_type,
        'stated' as affiliation_source

    from stated

),

all_affiliations as (

    select * from dictionary_affiliations
    union all
    select * from mention_affiliations
    union all
    select * from stated_affiliations

),

final as (

    select
        md5(person_actor_id || '|' || affiliated_actor_id || '|official_of') as affiliation_id,
        person_actor_id,
        affiliated_actor_id,
        max(affiliation_type) as affiliation_type,
        string_agg(distinct title, '; ' order by title) as titles,
        min(affiliation_source) as affiliation_source,
        min(article_date) as first_date,
        max(article_date) as last_date

    from all_affiliations

    group by person_actor_id, affiliated_actor_id

)

select * from final
