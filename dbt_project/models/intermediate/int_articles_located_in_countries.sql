{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- The country each article is set in. One vote for each distinct actor of a country
    the article names (the country itself, its demonym or capital, a dictionary person
    or body of it), one for each distinct place in it (a city, a US state), and two for
    the outlet's country-code domain (".co.tt", ".co.uk"). The most votes win; a tie goes
    to the country named first (the headline and lede set the scene). An unknown person
    or body the sentence gives no country takes this one (int_mentions_resolved_to_actors):
    the local officials of a local story. -#}

with

mentions as (

    select * from {{ ref('int_mentions_current') }}

),

aliases as (

    select * from {{ ref('int_actor_aliases_unioned') }}

),

places as (

    select
        {{ normalize_name('place') }} as place_normalized,
        country_code

    from {{ ref('places') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

countries as (

    select * from {{ ref('countries') }}

),

current_mentions as (

    select
        article_id,
        mention_index,
        label,
        annotated_at,
        {{ normalize_name('mention_text') }} as name_normalized

    from mentions

    where
        label in ('PERSON', 'ORG', 'NORP', 'GPE', 'LOC', 'FAC')
        {% if is_incremental() %}
            and annotated_at >= (
                select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
                from {{ this }} as this
            )
        {% endif %}

),

actor_votes as (

    select
        current_mentions.article_id,
        aliases.country_code,
        count(distinct aliases.actor_id) as votes,
        min(current_mentions.mention_index) as first_mention_index

    from current_mentions

    inner join aliases
        on current_mentions.name_normalized = aliases.alias_normalized

    where not aliases.is_ambiguous and aliases.country_code is not null

    group by current_mentions.article_id, aliases.country_code

),

place_votes as (

    select
        current_mentions.article_id,
        places.country_code,
        count(distinct current_mentions.name_normalized) as votes,
        min(current_mentions.mention_index) as first_mention_index

    from current_mentions

    inner join places
        on current_mentions.name_normalized = places.place_normalized

    where current_mentions.label in ('GPE', 'LOC', 'FAC')

    group by current_mentions.article_id, places.country_code

),

domain_votes as (

    select
        articles.article_id,
        countries.country_code,
        2 as votes,
        cast(null as integer) as first_mention_index

    from articles

    inner join countries
        on
            regexp_extract(
                lower(coalesce(articles.canonical_url, articles.url)),
                '^[a-z]+://[^/:?#]*\.([a-z]{2})(?:[:/?#]|$)',
                1
            )
            = case when lower(countries.iso2) = 'gb' then 'uk' else lower(countries.iso2) end

    -- Country codes sold as generic names (.co, .tv, .io, .me) say nothing of the outlet.
    where lower(countries.iso2) not in ('co', 'tv', 'io', 'me', 'ly', 'fm', 'ai', 'cc', 'ws', 'to', 'nu', 'gg')

),

current_articles as (

    select
        article_id,
        max(annotated_at) as annotated_at

    from current_mentions

    group by article_id

),

all_votes as (

    select * from actor_votes
    union all
    select * from place_votes
    union all
    select domain_votes.*

    from domain_votes

    inner join current_articles
        on domain_votes.article_id = current_articles.article_id

),

final as (

    select
        all_votes.article_id,
        all_votes.country_code,
        sum(all_votes.votes) as country_votes,
        max(current_articles.annotated_at) as annotated_at

    from all_votes

    inner join current_articles
        on all_votes.article_id = current_articles.article_id

    group by all_votes.article_id, all_votes.country_code

    qualify row_number() over (
        partition by all_votes.article_id
        order by
            sum(all_votes.votes) desc,
            min(all_votes.first_mention_index) asc nulls last,
            all_votes.country_code
    ) = 1

)

select * from final
