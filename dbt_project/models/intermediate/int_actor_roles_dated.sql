with

actor_roles as (

    select * from {{ ref('actor_roles') }}

),

dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

final as (

    select
        md5(
            actor_roles.name || '|' || actor_roles.title || '|' || cast(actor_roles.valid_from as varchar)
        ) as role_id,
        holders.actor_id,
        actor_roles.name as actor_name,
        actor_roles.role,
        actor_roles.title,
        actor_roles.country_code,
        coalesce(countries.actor_id, organizations.actor_id) as affiliated_actor_id,
        organizations.actor_id as organization_actor_id,
        actor_roles.sector,
        actor_roles.valid_from,
        actor_roles.valid_to

    from actor_roles

    inner join dictionary as holders
        on
            actor_roles.name = holders.name
            and holders.dictionary_seed = 'actors'

    left join dictionary as countries
        on
            actor_roles.country_code = countries.country_code
            and countries.actor_type = 'country'

    left join dictionary as organizations
        on
            actor_roles.organization = organizations.name
            and organizations.dictionary_seed = 'actors'

)

select * from final
