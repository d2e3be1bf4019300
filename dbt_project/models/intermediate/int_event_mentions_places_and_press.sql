{#- Every resolved mention with what it can be in an event: a place outside the dictionary
    ("the Black Sea", "Rustaveli Avenue": a new actor of type location) is where something
    happens, never a source, and a target only of force aimed at it; the press (dictionary
    actors of sector MED, a new actor or role of sector MED, or a name matching var
    press_name_pattern: "told Reuters", "an interview with the Daily Post", "said on
    Twitter") is where the news comes from, never a target. -#}

with

mentions as (

    select * from {{ ref('int_mentions_resolved_to_actors') }}

),

actor_dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

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
        ) as is_press

    from mentions

    left join actor_dictionary
        on mentions.actor_id = actor_dictionary.actor_id

)

select * from final
