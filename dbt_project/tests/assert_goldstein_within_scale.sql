-- Assert every Goldstein value in the CAMEO seed and in relations lies within -10..10.
with

codes as (

    select * from {{ ref('cameo_event_codes') }}

),

relations as (

    select * from {{ ref('relations') }}

),

final as (

    select
        event_code as item,
        goldstein as value
    from codes
    where goldstein not between -10 and 10

    union all

    select
        relation_id as item,
        avg_goldstein as value
    from relations
    where avg_goldstein not between -10 and 10

)

select * from final
