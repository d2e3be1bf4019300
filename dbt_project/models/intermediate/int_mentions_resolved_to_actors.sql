{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
    )
}}

{#- Step 3 of actor resolution: the choice among the dictionary's offers
    (int_mentions_matched_to_dictionary), first hit wins: exact alias, dated role,
    short form, fuzzy; else a new actor for a PERSON/ORG/GPE/LOC/FAC mention outside the
    dictionary or a group actor for an unnamed collective whose country is named
    ("Georgian protesters"); else a role reference with no holder resolves to the
    country or organisation its modifier names ("United States officials"). Then the
    antecedent the annotator linked (surname short forms, role references) decides,
    except over an exact alias, metonym or demonym; a new actor takes the country its
    context, its place or the article (int_articles_located_in_countries) gives.
    Mentions left unresolved stay here with resolution_method 'unresolved' or
    'not_an_actor_label'; nothing is dropped. -#}

with

matched as (

    select * from {{ ref('int_mentions_matched_to_dictionary') }}

    {% if is_incremental() %}
        where annotated_at >= (
            select coalesce(max(this.annotated_at), cast('1900-01-01' as timestamp))
            from {{ this }} as this
        )
    {% endif %}

),

article_countries as (

    select * from {{ ref('int_articles_located_in_countries') }}

),

-- The country a new actor takes: the one its context names, its place's, else the
-- article's.
located as (

    select
        matched.*,
        coalesce(
            matched.context_country_code,
            matched.place_country_code,
            article_countries.country_code
        ) as inferred_country_code

    from matched

    left join article_countries
        on matched.article_id = article_countries.article_id

),

own_resolution as (

    select
        located.*,
        case
            when located.alias_actor_id is not null then located.alias_actor_id
            when located.role_actor_id is not null then located.role_actor_id
            when located.short_form_actor_id is not null then located.short_form_actor_id
            when located.fuzzy_actor_id is not null then located.fuzzy_actor_id
            when located.is_generic_term and located.label != 'GROUP' then null
            -- A group is an actor when its country is named ("Georgian protesters"), not
            -- a party or another body ("Democratic voters").
            when located.label = 'GROUP' and not located.is_context_a_country then null
            -- A generic body name is one actor per country: "Senate" in a Trinidad and
            -- Tobago story is not the Senate of a US story.
            when
                located.new_actor_type is not null and located.display_name is not null
                and located.is_national_body and located.inferred_country_code is not null
                then {{ actor_id(
                    'located.new_actor_type',
                    "located.display_name || ' (' || located.inferred_country_code || ')'",
                ) }}
            when located.new_actor_type is not null and located.display_name is not null
                then {{ actor_id('located.new_actor_type', 'located.display_name') }}
            when located.label = 'ROLE_REF' then located.context_actor_id
        end as own_actor_id,
        case
            when located.alias_kind = 'demonym' then 'demonym'
            when located.alias_kind in ('capital', 'seat_of_government', 'metonym') then 'metonym'
            when located.alias_actor_id is not null then 'exact_alias'
            when located.role_actor_id is not null then 'dated_role'
            when located.short_form_actor_id is not null then 'short_form'
            when located.fuzzy_actor_id is not null then 'fuzzy'
            when located.is_generic_term and located.label != 'GROUP' then 'generic_term'
            when located.label = 'GROUP' and not located.is_context_a_country
                then 'unresolved'
            when located.new_actor_type is not null and located.display_name is not null
                then 'new_actor'
            when located.label = 'ROLE_REF' and located.context_actor_id is not null
                then 'role_context'
            when located.is_actor_label then 'unresolved'
            else 'not_an_actor_label'
        end as own_method

    from located

),

with_antecedents as (

    select
        own_resolution.*,
        antecedents.own_actor_id as antecedent_actor_id

    from own_resolution

    left join own_resolution as antecedents
        on
            own_resolution.article_id = antecedents.article_id
            and own_resolution.antecedent_mention_index = antecedents.mention_index
            and own_resolution.is_actor_label

),

final as (

    select
        md5(article_id || '|' || cast(mention_index as varchar)) as mention_id,
        article_id,
        annotator_version,
        annotated_at,
        article_date,
        mention_index,
        sentence_index,
        text_part,
        start_char,
        end_char,
        mention_text,
        label,
        role,
        role_modifier,
        affiliation,
        antecedent_mention_index,
        antecedent_link,
        -- A surname the annotator linked to a full name in the article follows that name,
        -- even when it is a dictionary alias of someone else ("Morrison" after "Tim
        -- Morrison" is not Scott Morrison).
        case
            when
                antecedent_link = 'surname'
                and antecedent_actor_id is not null
                and coalesce(antecedent_actor_id != own_actor_id, true)
                then antecedent_actor_id
            when own_method in ('exact_alias', 'metonym', 'demonym') then own_actor_id
            when antecedent_actor_id is not null then antecedent_actor_id
            else own_actor_id
        end as actor_id,
        case
            when
                antecedent_link = 'surname'
                and antecedent_actor_id is not null
                and coalesce(antecedent_actor_id != own_actor_id, true)
                then 'antecedent'
            when own_method in ('exact_alias', 'metonym', 'demonym') then own_method
            when antecedent_actor_id is not null then 'antecedent'
            else own_method
        end as resolution_method,
        case when own_method = 'fuzzy' then fuzzy_similarity end as match_score,
        case when own_method = 'new_actor' and antecedent_actor_id is null then display_name end as new_actor_name,
        case when own_method = 'new_actor' and antecedent_actor_id is null then new_actor_type end as new_actor_type,
        case when own_method = 'new_actor' and antecedent_actor_id is null then inferred_country_code end
            as new_actor_country_code,
        case when own_method = 'new_actor' and antecedent_actor_id is null then role_sector end as new_actor_sector,
        role_family,
        role_sector

    from with_antecedents

)

select * from final
