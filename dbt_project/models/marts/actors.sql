{#- Every actor that is mentioned, that a mentioned person is an official of, or that
    an event names without a mention of its own (a bare "the government" is the
    article's country):
    dictionary actors with their seed attributes, and actors outside the dictionary
    with the type from the NER label and country/sector from the role found next to
    the name (the most frequent value across mentions; ties alphabetical). -#}

with

resolved_mentions as (

    select * from {{ ref('int_mentions_resolved_to_actors') }}

),

dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

affiliations as (

    select * from {{ ref('int_actor_affiliations_derived') }}

),

coded_candidates as (

    select * from {{ ref('int_event_candidates_coded') }}

),

event_actor_ids as (

    select source_actor_id as actor_id from coded_candidates
    where is_coded and source_actor_id is not null
    union
    select target_actor_id as actor_id from coded_candidates
    where is_coded and target_actor_id is not null

),

mention_stats as (

    select
        actor_id,
        count(*) as mention_count,
        count(distinct article_id) as article_count,
        min(article_date) as first_seen,
        max(article_date) as last_seen

    from resolved_mentions

    where actor_id is not null

    group by actor_id

),

actor_ids as (

    select actor_id from mention_stats
    union
    select affiliated_actor_id as actor_id from affiliations
    union
    select actor_id from event_actor_ids

),

new_actor_rows as (

    select * from resolved_mentions

    where resolution_method = 'new_actor'

),

new_actor_names as (

    select
        actor_id,
        min(new_actor_type) as actor_type,
        min(new_actor_name) as name

    from new_actor_rows

    group by actor_id

),

new_actor_countries as (

    select
        actor_id,
        new_actor_country_code as country_code

    from new_actor_rows

    where new_actor_country_code is not null

    group by actor_id, new_actor_country_code

    qualify row_number() over (
        partition by actor_id order by count(*) desc, new_actor_country_code
    ) = 1

),

new_actor_sectors as (

    select
        actor_id,
        new_actor_sector as sector

    from new_actor_rows

    where new_actor_sector is not null

    group by actor_id, new_actor_sector

    qualify row_number() over (
        partition by actor_id order by count(*) desc, new_actor_sector
    ) = 1

),

final as (

    select
        actor_ids.actor_id,
        coalesce(dictionary.name, new_actor_names.name) as name,
        coalesce(dictionary.actor_type, new_actor_names.actor_type) as actor_type,
        coalesce(dictionary.country_code, new_actor_countries.country_code) as country_code,
        coalesce(dictionary.sector, new_actor_sectors.sector) as sector,
        dictionary.wikidata_id,
        dictionary.actor_id is not null as is_in_dictionary,
        coalesce(mention_stats.mention_count, 0) as mention_count,
        coalesce(mention_stats.article_count, 0) as article_count,
        mention_stats.first_seen,
        mention_stats.last_seen

    from actor_ids

    left join dictionary
        on actor_ids.actor_id = dictionary.actor_id

    left join new_actor_names
        on actor_ids.actor_id = new_actor_names.actor_id

    left join new_actor_countries
        on actor_ids.actor_id = new_actor_countries.actor_id

    left join new_actor_sectors
        on actor_ids.actor_id = new_actor_sectors.actor_id

    left join mention_stats
        on actor_ids.actor_id = mention_stats.actor_id

)

select * from final
