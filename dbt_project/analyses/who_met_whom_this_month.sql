-- Who met whom this month: CAMEO root 04 "consult" events (meet, visit, host,
-- mediate, negotiate) since the first day of the month of the latest event in the
-- warehouse (not of today: the warehouse may be days behind the calendar).

with

events as (

    select * from {{ ref('events') }}

),

actors as (

    select * from {{ ref('actors') }}

),

latest as (

    select date_trunc('month', max(event_date)) as month_start

    from events

),

meetings as (

    select events.*

    from events

    cross join latest

    where
        events.event_root_code = '04'
        and events.event_date >= latest.month_start

),

final as (

    select
        meetings.event_date,
        source_actors.name as source_actor,
        target_actors.name as target_actor,
        meetings.event_code,
        meetings.event_label,
        meetings.num_articles,
        meetings.num_sources,
        meetings.event_id

    from meetings

    inner join actors as source_actors
        on meetings.source_actor_id = source_actors.actor_id

    left join actors as target_actors
        on meetings.target_actor_id = target_actors.actor_id

)

select * from final

order by event_date desc, num_articles desc, source_actor asc, target_actor asc
