-- Assert every event mention agrees with its event on source, target, date and root code.
with

event_mentions as (

    select * from {{ ref('event_mentions') }}

),

events as (

    select * from {{ ref('events') }}

),

final as (

    select event_mentions.*
    from event_mentions
    inner join events
        on event_mentions.event_id = events.event_id
    where
        event_mentions.source_actor_id != events.source_actor_id
        or event_mentions.target_actor_id is distinct from events.target_actor_id
        or event_mentions.event_date != events.event_date
        or left(event_mentions.event_code, 2) != events.event_root_code

)

select * from final
