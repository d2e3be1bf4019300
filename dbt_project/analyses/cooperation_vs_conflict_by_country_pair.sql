-- Cooperation vs conflict per country pair over time: events whose two actors
-- belong to different countries (marts.actors.country_code, so a president counts
-- for their country), per month and pair (either direction), split by quad class.

with

events as (

    select * from {{ ref('events') }}

),

actors as (

    select * from {{ ref('actors') }}

),

country_events as (

    select
        least(source_actors.country_code, target_actors.country_code) as country_a,
        greatest(source_actors.country_code, target_actors.country_code) as country_b,
        date_trunc('month', events.event_date) as event_month,
        events.quad_class,
        events.goldstein

    from events

    inner join actors as source_actors
        on events.source_actor_id = source_actors.actor_id

    inner join actors as target_actors
        on events.target_actor_id = target_actors.actor_id

    where
        source_actors.country_code is not null
        and target_actors.country_code is not null
        and source_actors.country_code != target_actors.country_code

),

final as (

    select
        country_a,
        country_b,
        cast(event_month as date) as event_month,
        count(*) filter (where quad_class = 1) as verbal_cooperation,
        count(*) filter (where quad_class = 2) as material_cooperation,
        count(*) filter (where quad_class = 3) as verbal_conflict,
        count(*) filter (where quad_class = 4) as material_conflict,
        count(*) as event_count,
        round(avg(goldstein), 2) as avg_goldstein

    from country_events

    group by country_a, country_b, event_month

)

select * from final

order by country_a, country_b, event_month
