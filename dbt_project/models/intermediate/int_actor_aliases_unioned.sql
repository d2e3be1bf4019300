with

dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

actor_aliases as (

    select * from {{ ref('actor_aliases') }}

),

countries as (

    select * from {{ ref('countries') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

imported_aliases as (

    select * from {{ ref('phoenix_actor_aliases') }}

),

country_actors as (

    select * from dictionary

    where actor_type = 'country'

),

-- Curated and country names first (1); imported Phoenix names (4) and aliases (5)
-- come after every curated form, so a curated row always wins a shared alias.
canonical_names as (

    select
        name as alias,
        actor_id,
        'canonical' as alias_kind,
        case when dictionary_seed = 'phoenix' then 4 else 1 end as match_priority

    from dictionary

),

seeded_actor_aliases as (

    select
        actor_aliases.alias,
        dictionary.actor_id,
        'alias' as alias_kind,
        2 as match_priority

    from actor_aliases

    inner join dictionary
        on
            actor_aliases.name = dictionary.name
            and dictionary.dictionary_seed = 'actors'

),

country_columns as (

    select
        countries.demonym as alias,
        country_actors.actor_id,
        'demonym' as alias_kind,
        3 as match_priority

    from countries

    inner join country_actors
        on countries.country_code = country_actors.country_code

    union all

    -- The people of a country in the plural ("200 Kenyans", "Peruvians"): a demonym in -s
    -- where English adds one (not "Chinese", "Swiss", "British", "Dutch").
    select
        countries.demonym || 's' as alias,
        country_actors.actor_id,
        'demonym' as alias_kind,
        3 as match_priority

    from countries

    inner join country_actors
        on countries.country_code = country_actors.country_code

    where
        countries.demonym not like '% %'
        and not regexp_matches(countries.demonym, '(se|sh|ch|ss|s|x|z)$')

    union all

    select
        countries.capital as alias,
        country_actors.actor_id,
        'capital' as alias_kind,
        3 as match_priority

    from countries

    inner join country_actors
        on countries.country_code = country_actors.country_code

),

phoenix_aliases as (

    select
        imported_aliases.alias,
        dictionary.actor_id,
        'alias' as alias_kind,
        5 as match_priority

    from imported_aliases

    inner join dictionary
        on
            imported_aliases.name = dictionary.name
            and dictionary.dictionary_seed = 'phoenix'

),

seeded_country_aliases as (

    select
        country_aliases.alias,
        country_actors.actor_id,
        country_aliases.alias_type as alias_kind,
        case when country_aliases.alias_type = 'name_variant' then 2 else 3 end as match_priority

    from country_aliases

    inner join country_actors
        on country_aliases.country_code = country_actors.country_code

),

all_aliases as (

    select * from canonical_names
    union all
    select * from seeded_actor_aliases
    union all
    select * from country_columns
    union all
    select * from seeded_country_aliases
    union all
    select * from phoenix_aliases

),

normalized as (

    select
        {{ normalize_name('all_aliases.alias') }} as alias_normalized,
        all_aliases.alias,
        all_aliases.actor_id,
        all_aliases.alias_kind,
        all_aliases.match_priority

    from all_aliases

    where all_aliases.alias is not null

    qualify row_number() over (
        partition by {{ normalize_name('all_aliases.alias') }}, all_aliases.actor_id
        order by all_aliases.match_priority, all_aliases.alias_kind, all_aliases.alias
    ) = 1

),

final as (

    select
        md5(normalized.alias_normalized || '|' || normalized.actor_id) as alias_id,
        normalized.alias_normalized,
        normalized.alias,
        normalized.actor_id,
        dictionary.name as actor_name,
        dictionary.actor_type,
        dictionary.country_code,
        dictionary.sector,
        normalized.alias_kind,
        normalized.match_priority,
        count(*) over (
            partition by normalized.alias_normalized, normalized.match_priority
        ) > 1 as is_ambiguous

    from normalized

    inner join dictionary
        on normalized.actor_id = dictionary.actor_id

)

select * from final
