-- Every event of one actor, as source or target, with the sentences that state
-- it. The actor is the dbt var `actor_name` (canonical name, case-insensitive):
--   newsevents analysis events_for_actor --vars '{actor_name: Narendra Modi}'

{% set actor_name = var('actor_name', 'Vladimir Putin') %}

with

events as (

    select * from {{ ref('events') }}

),

event_mentions as (

    select * from {{ ref('event_mentions') }}

),

actors as (

    select * from {{ ref('actors') }}

),

articles as (

    select * from {{ ref('articles') }}

),

chosen_actor as (

    select actor_id

    from actors

    where lower(name) = lower('{{ actor_name | replace("'", "''") }}')

),

actor_events as (

    select events.*

    from events

    where
        events.source_actor_id in (select chosen_actor.actor_id from chosen_actor)
        or events.target_actor_id in (select chosen_actor.actor_id from chosen_actor)

),

final as (

    select
        actor_events.event_date,
        source_actors.name as source_actor,
        target_actors.name as target_actor,
        actor_events.event_code,
        actor_events.event_label,
        actor_events.quad_class,
        actor_events.goldstein,
        event_mentions.sentence_text as evidence,
        event_mentions.trigger,
        event_mentions.confidence,
        articles.title as article_title,
        articles.url as article_url,
        articles.source_name,
        actor_events.event_id

    from actor_events

    inner join event_mentions
        on actor_events.event_id = event_mentions.event_id

    inner join articles
        on event_mentions.article_id = articles.article_id

    left join actors as source_actors
        on actor_events.source_actor_id = source_actors.actor_id

    left join actors as target_actors
        on actor_events.target_actor_id = target_actors.actor_id

)

select * from final

order by event_date desc, event_id asc, source_name asc, evidence asc
