with

annotations as (

    select * from {{ ref('stg_raw__annotations') }}

),

articles as (

    select * from {{ ref('stg_raw__articles') }}

),

latest_annotated as (

    select
        article_id,
        annotator_version,
        annotated_at

    from annotations

    where status = 'annotated'

    qualify row_number() over (
        partition by article_id
        order by annotated_at desc, annotator_version desc
    ) = 1

),

final as (

    select
        latest_annotated.article_id,
        latest_annotated.annotator_version,
        latest_annotated.annotated_at,
        articles.source_name,
        articles.article_date

    from latest_annotated

    inner join articles
        on latest_annotated.article_id = articles.article_id

)

select * from final
