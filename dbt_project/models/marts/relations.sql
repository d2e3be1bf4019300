{#- Directed actor pairs. Event relations aggregate marts.events with a target;
    relation_type is the dominant quad class (most events; ties go to the higher,
    more conflictual class). Affiliations add person -> official_of -> country or
    organisation from dated roles. -#}

with

events as (

    select * from {{ ref('events') }}

),

affiliations as (

    select * from {{ ref('int_actor_affiliations_derived') }}

),

actors as (

    select * from {{ ref('actors') }}

),

targeted_events as (

    select * from events

    where target_actor_id is not null

),

dominant_quads as (

    select
        source_actor_id,
        target_actor_id,
        quad_class

    from targeted_events

    group by source_actor_id, target_actor_id, quad_class

    qualify row_number() over (
        partition by source_actor_id, target_actor_id
        order by count(*) desc, quad_class desc
    ) = 1

),

event_pairs as (

    select
        source_actor_id,
        target_actor_id,
        count(*) as event_count,
        sum(num_mentions) as mention_count,
        -- summed as decimals: a double sum's order (DuckDB adds in parallel) would move
        -- the last bits between two builds of the same rows
        cast(avg(cast(goldstein as decimal(18, 6))) as double) as avg_goldstein,
        min(event_date) as first_date,
        max(event_date) as last_date

    from targeted_events

    group by source_actor_id, target_actor_id

),

event_relations as (

    select
        md5(event_pairs.source_actor_id || '|' || event_pairs.target_actor_id || '|event')
            as relation_id,
        event_pairs.source_actor_id,
        event_pairs.target_actor_id,
        'event' as relation_kind,
        case dominant_quads.quad_class
            when 1 then 'verbal_cooperation'
            when 2 then 'material_cooperation'
            when 3 then 'verbal_conflict'
            when 4 then 'material_conflict'
        end as relation_type,
        event_pairs.event_count,
        event_pairs.mention_count,
        event_pairs.avg_goldstein,
        event_pairs.first_date,
        event_pairs.last_date,
        cast(null as varchar) as detail

    from event_pairs

    inner join dominant_quads
        on
            event_pairs.source_actor_id = dominant_quads.source_actor_id
            and event_pairs.target_actor_id = dominant_quads.target_actor_id

),

affiliation_relations as (

    select
        md5(person_actor_id || '|' || affiliated_actor_id || '|affiliation') as relation_id,
        person_actor_id as source_actor_id,
        affiliated_actor_id as target_actor_id,
        'affiliation' as relation_kind,
        affiliation_type as relation_type,
        0 as event_count,
        0 as mention_count,
        cast(null as double) as avg_goldstein,
        first_date,
        last_date,
        titles as detail

    from affiliations

),

relations_unioned as (

    select * from event_relations
    union all
    select * from affiliation_relations

),

final as (

    select
        relations_unioned.*,
        source_actors.name as source_actor_name,
        target_actors.name as target_actor_name

    from relations_unioned

    left join actors as source_actors
        on relations_unioned.source_actor_id = source_actors.actor_id

    left join actors as target_actors
        on relations_unioned.target_actor_id = target_actors.actor_id

)

select * from final
