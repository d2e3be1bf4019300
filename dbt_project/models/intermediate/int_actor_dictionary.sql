with

actors as (

    select * from {{ ref('actor_dictionary') }}

),

countries as (

    select * from {{ ref('countries') }}

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

final as (

    select * from dictionary_actors
    union all
    select * from country_actors

)

select * from final
