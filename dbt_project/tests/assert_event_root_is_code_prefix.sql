-- Assert every event's root code is the first two characters of its code and its quad class follows GDELT's grouping.
with

events as (

    select * from {{ ref('events') }}

),

final as (

    select *
    from events
    where
        event_root_code != left(event_code, 2)
        or quad_class != case
            when event_root_code between '01' and '05' then 1
            when event_root_code between '06' and '09' then 2
            when event_root_code between '10' and '14' then 3
            else 4
        end

)

select * from final
