{#- One row per (source actor, target actor, CAMEO root, date): every mention of
    the same event, in any sentence or article, is folded in and the counts are
    recomputed from marts.event_mentions on every run. The event's code is the
    code most of its mentions carry (ties: the more specific, then the lower code). -#}

with

event_mentions as (

    select * from {{ ref('event_mentions') }}

),

event_codes as (

    select * from {{ ref('cameo_event_codes') }}

),

actors as (

    select * from {{ ref('actors') }}

),

code_votes as (

    select
        event_id,
        event_code

    from event_mentions

    group by event_id, event_code

    qualify row_number() over (
        partition by event_id
        order by count(*) desc, length(event_code) desc, event_code
    ) = 1

),

aggregated as (

    select
        event_id,
        min(event_date) as event_date,
        min(source_actor_id) as source_actor_id,
        min(target_actor_id) as target_actor_id,
        count(*) as num_mentions,
        count(distinct article_id) as num_articles,
        count(distinct source_name) as num_sources,
        max(confidence) as confidence

    from event_mentions

    group by event_id

),

final as (

    select
        aggregated.event_id,
        aggregated.event_date,
        aggregated.source_actor_id,
        aggregated.target_actor_id,
        event_codes.event_code,
        event_codes.event_root_code,
        event_codes.event_label,
        event_codes.quad_class,
        event_codes.goldstein,
        aggregated.num_mentions,
        aggregated.num_articles,
        aggregated.num_sources,
        aggregated.confidence,
        source_actors.name as source_actor_name,
        target_actors.name as target_actor_name,
        source_actors.country_code as source_country_code,
        target_actors.country_code as target_country_code

    from aggregated

    inner join code_votes
        on aggregated.event_id = code_votes.event_id

    inner join event_codes
        on code_votes.event_code = event_codes.event_code

    left join actors as source_actors
        on aggregated.source_actor_id = source_actors.actor_id

    left join actors as target_actors
        on aggregated.target_actor_id = target_actors.actor_id

)

select * from final
