{#- Every resolved mention with what it can be in an event: a place outside the dictionary
    ("the Black Sea", "Rustaveli Avenue": a new actor of type location) is where something
    happens, never a source, and a target only of force aimed at it; the press (dictionary
    actors of sector MED, a new actor or role of sector MED, or a name matching var
    press_name_pattern: "told Reuters", "an interview with the Daily Post", "said on
    Twitter") is where the news comes from, never a target. A person the article
    introduces by an interviewer's role noun (var interviewer_role_pattern: "co-host Jo
    Bloggs", "anchor ...", "correspondent ...") is an interviewer: the questions and
    remarks an interviewer puts to the interviewee are not events
    (int_event_candidates_sources_resolved). -#}

with

-- Read again where it is used, not copied whole first ("not materialized": DuckDB
-- materialises a CTE used twice, and at scale that copy spilled past the memory cap).
mentions as not materialized (

    select * from {{ ref('int_mentions_resolved_to_actors') }}

),

actor_dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

-- the actors of an article a role noun of an interviewer introduces (the words just
-- before a person's mention in the body)
interviewers as (

    select distinct
        mentions.article_id,
        mentions.actor_id

    from mentions

    inner join articles
        on mentions.article_id = articles.article_id

    where
        mentions.label = 'PERSON'
        and mentions.text_part = 'body'
        and mentions.actor_id is not null
        and regexp_matches(
            lower(
                substring(
                    articles.article_text,
                    greatest(mentions.start_char - 29, 1),
                    least(mentions.start_char, 30)
                )
            ),
            '{{ var("interviewer_role_pattern") }}'
        )

),

final as (

    select
        mentions.article_id,
        mentions.mention_index,
        mentions.actor_id,
        mentions.mention_text,
        mentions.label,
        mentions.new_actor_country_code,
        coalesce(
            mentions.resolution_method = 'new_actor' and mentions.new_actor_type = 'location', false
        ) as is_unlisted_place,
        coalesce(
            coalesce(actor_dictionary.sector, mentions.new_actor_sector, mentions.role_sector, '') = 'MED'
            or regexp_matches(coalesce(mentions.mention_text, ''), '{{ var("press_name_pattern") }}'),
            false
        ) as is_press,
        interviewers.actor_id is not null as is_interviewer

    from mentions

    left join actor_dictionary
        on mentions.actor_id = actor_dictionary.actor_id

    left join interviewers
        on
            mentions.article_id = interviewers.article_id
            and mentions.actor_id = interviewers.actor_id

)

select * from final
