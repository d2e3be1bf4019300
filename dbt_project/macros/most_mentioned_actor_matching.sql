{#- The one actor per article whose mention text matches a regular expression (a constant
    pattern, usually a var: state_authority_pattern, legislature_name_pattern): the most
    mentioned, then the first named. `mentions` is a relation (a CTE name) with article_id,
    actor_id, mention_index and mention_text; the query has one row per article that has
    such a mention, with columns article_id and actor_id
    (int_event_candidates_sources_resolved). -#}
{% macro most_mentioned_actor_matching(mentions, pattern) -%}
    select
        article_id,
        actor_id

    from {{ mentions }}

    where
        actor_id is not null
        and regexp_matches(coalesce(mention_text, ''), '{{ pattern }}')

    group by article_id, actor_id

    qualify row_number() over (
        partition by article_id
        order by count(*) desc, min(mention_index) asc
    ) = 1
{%- endmacro %}
