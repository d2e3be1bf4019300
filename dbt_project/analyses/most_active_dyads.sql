-- The most active dyads: actor pairs (either direction) with the most events,
-- with their cooperation and conflict split and mean Goldstein score.
-- The number of rows is the dbt var `top_dyads` (default 25).

with

events as (

    select * from {{ ref('events') }}

),

actors as (

    select * from {{ ref('actors') }}

),

dyad_events as (

    select
        least(source_actor_id, target_actor_id) as actor_a_id,
        greatest(source_actor_id, target_actor_id) as actor_b_id,
        quad_class,
        goldstein,
        num_mentions,
        event_date

    from events

    where
        target_actor_id is not null
        and source_actor_id != target_actor_id

),

dyads as (

    select
        actor_a_id,
        actor_b_id,
        count(*) as event_count,
        sum(num_mentions) as mention_count,
        count(*) filter (where quad_class in (1, 2)) as cooperation_events,
        count(*) filter (where quad_class in (3, 4)) as conflict_events,
        round(avg(goldstein), 2) as avg_goldstein,
        min(event_date) as first_date,
        max(event_date) as last_date

    from dyad_events

    group by actor_a_id, actor_b_id

),

final as (

    select
        actor_a.name as actor_a,
        actor_b.name as actor_b,
        dyads.event_count,
        dyads.mention_count,
        dyads.cooperation_events,
        dyads.conflict_events,
        dyads.avg_goldstein,
        dyads.first_date,
        dyads.last_date,
        dyads.actor_a_id,
        dyads.actor_b_id

    from dyads

    inner join actors as actor_a
        on dyads.actor_a_id = actor_a.actor_id

    inner join actors as actor_b
        on dyads.actor_b_id = actor_b.actor_id

    order by dyads.event_count desc, dyads.mention_count desc, actor_a asc, actor_b asc

    limit {{ var('top_dyads', 25) }}

)

select * from final

order by event_count desc, mention_count desc, actor_a asc, actor_b asc
