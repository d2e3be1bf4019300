-- New actors first seen this week: actors whose first mention falls in the seven
-- days ending on the latest first_seen in the warehouse (not today: the warehouse
-- may be days behind the calendar), most mentioned first.

with

actors as (

    select * from {{ ref('actors') }}

),

latest as (

    select max(first_seen) as last_first_seen

    from actors

),

final as (

    select
        actors.name,
        actors.actor_type,
        actors.country_code,
        actors.sector,
        actors.first_seen,
        actors.mention_count,
        actors.article_count,
        actors.actor_id

    from actors

    cross join latest

    where actors.first_seen > latest.last_first_seen - interval 7 day

)

select * from final

order by mention_count desc, first_seen desc, name asc
