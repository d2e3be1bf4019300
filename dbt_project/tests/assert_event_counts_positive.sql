-- Assert every event has at least one mention, article and source, and never more articles than mentions.
with

events as (

    select * from {{ ref('events') }}

),

final as (

    select *
    from events
    where
        num_mentions < 1
        or num_articles < 1
        or num_sources < 1
        or num_articles > num_mentions
        or num_sources > num_articles

)

select * from final
