with

actors as (

    select * from {{ ref('actor_dictionary') }}

),

countries as (

    select * from {{ ref('countries') }}

),

imported_actors as (

    select * from {{ ref('phoenix_actors') }}

),

dictionary_actors as (

    select
        {{ actor_id('actors.actor_type', 'actors.name') }} as actor_id,
        actors.name,
        actors.actor_type,
        actors.country_code,
        actors.sector,
        actors.wikidata_id,
        'actors' as dictionary_seed

    from actors

),

country_actors as (

    select
        {{ actor_id("'country'", 'countries.name') }} as actor_id,
        countries.name,
        'country' as actor_type,
        countries.country_code,
        cast(null as varchar) as sector,
        countries.wikidata_id,
        'countries' as dictionary_seed

    from countries

),

-- Phoenix / PETRARCH2 entries; the converter already left out every name the curated
-- seed uses, and the anti-join keeps it so if someone edits the CSVs by hand.
phoenix_actors as (

    select
        {{ actor_id('imported_actors.actor_type', 'imported_actors.name') }} as actor_id,
        imported_actors.name,
        imported_actors.actor_type,
        imported_actors.country_code,
        imported_actors.sector,
        cast(null as varchar) as wikidata_id,
        'phoenix' as dictionary_seed

    from imported_actors

    anti join dictionary_actors
        on {{ actor_id('imported_actors.actor_type', 'imported_actors.name') }} = dictionary_actors.actor_id

),

final as (

    select * from dictionary_actors
    union all
    select * from country_actors
    union all
    select * from phoenix_actors

)

select * from final
