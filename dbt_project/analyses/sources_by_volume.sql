-- Sources by volume: per source, the articles it yielded, their words, the events
-- found in them, and how its fetches went (marts.fetch_log), biggest source first.

with

articles as (

    select * from {{ ref('articles') }}

),

event_mentions as (

    select * from {{ ref('event_mentions') }}

),

fetch_log as (

    select * from {{ ref('fetch_log') }}

),

article_volume as (

    select
        source_name,
        count(*) as article_count,
        sum(word_count) as word_count,
        min(published_at) as first_published_at,
        max(published_at) as last_published_at

    from articles

    group by source_name

),

event_volume as (

    select
        articles.source_name,
        count(*) as event_mention_count,
        count(distinct event_mentions.event_id) as event_count

    from event_mentions

    inner join articles
        on event_mentions.article_id = articles.article_id

    group by articles.source_name

),

fetch_outcomes as (

    select
        source_name,
        count(*) as url_count,
        count(*) filter (where status in ('ok', 'duplicate', 'not_modified')) as fetched_ok,
        count(*) filter (
            where status not in ('ok', 'duplicate', 'not_modified')
        ) as fetch_failed

    from fetch_log

    group by source_name

),

source_names as (

    select source_name from article_volume
    union
    select source_name from fetch_outcomes

),

final as (

    select
        source_names.source_name,
        coalesce(article_volume.article_count, 0) as article_count,
        coalesce(article_volume.word_count, 0) as word_count,
        coalesce(event_volume.event_count, 0) as event_count,
        coalesce(event_volume.event_mention_count, 0) as event_mention_count,
        coalesce(fetch_outcomes.url_count, 0) as url_count,
        coalesce(fetch_outcomes.fetched_ok, 0) as fetched_ok,
        coalesce(fetch_outcomes.fetch_failed, 0) as fetch_failed,
        article_volume.first_published_at,
        article_volume.last_published_at

    from source_names

    left join article_volume
        on source_names.source_name = article_volume.source_name

    left join event_volume
        on source_names.source_name = event_volume.source_name

    left join fetch_outcomes
        on source_names.source_name = fetch_outcomes.source_name

)

select * from final

order by article_count desc, url_count desc, source_name asc
