{#- Person -> organisation, party, country or legislature affiliations that the text
    states next to the name, in one sentence. Only an explicit link counts, never two
    names in one sentence:
    * a title between the two ("Acme Union President Jo Bloggs", "Ruritania's
      interior minister Jo Bloggs", "Republican Gov. Jo Bloggs", "Democrat Jo Bloggs");
    * an apposition ("Jo Bloggs, a former Acme Union official", "Jo Bloggs, director
      of the Acme Union", "Jo Bloggs, who was the acting head of the Acme Union",
      "the Democratic candidate, Jo Bloggs", "Jo Bloggs, a Republican, said");
    * "of" ("Jo Bloggs of the Acme Union"; "Gov. Jo Bloggs of Ruritania" only with a
      public-office title);
    * a party marker ("Rep. Jo Bloggs (D-Calif.)", "Jo Bloggs, R-Texas");
    * a legislator's title and the chamber the article names ("Sen. Jo Bloggs" and
      "the Senate"; not "state Sen.");
    * the annotator's affiliation text of the mention (the role's possessor, modifier
      or "of" object) when it names an actor of the article or the dictionary;
    * a dictionary person titled as an official ("Gov. Jo Bloggs", "Leader of the
      Assembly Jo Bloggs") whose dated roles do not cover the date: their country.
    Role words, public-office titles and modifiers come from macro affiliation_terms:
    a country or place is linked only through a public-office title. Every regular
    expression is a constant, so DuckDB compiles it once. -#}

{%- set any_role = affiliation_alternation(['role', 'office']) -%}
{%- set office_role = affiliation_alternation(['office']) -%}
{%- set modifier = affiliation_alternation(['modifier'], case_sensitive=true) -%}
{#- A capitalised word: a portfolio or an organisation's word ("Transport", "GOP"). -#}
{%- set capitalised = "\\p{Lu}[\\p{L}\\p{N}.&''’-]*" -%}
{%- set honorific = "(?:(?i:dr|mr|mrs|ms|sir|dame)\\.?\\s+)?" -%}

{#- What comes before and after the role word in each construction (see below). -#}
{%- set title_before = "^(?:[''’]s?)?\\s+(?:(?:" ~ modifier ~ "|" ~ capitalised ~ ")\\s+){0,2}" -%}
{%- set title_after = "(?:\\s+(?:to|for)\\s+(?:the\\s+)?(?:(?:"
    ~ capitalised
    ~ "|of)\\s+){0,4}"
    ~ capitalised
    ~ ")?\\s+"
    ~ honorific
    ~ "$" -%}
{%- set apposition_before_before = "^\\s+(?:" ~ modifier ~ "\\s+){0,2}" -%}
{%- set apposition_before_after = ",\\s+$" -%}
{%- set apposition_after_before = "^\\s+(?:" ~ capitalised ~ "\\s+){0,2}" -%}
{#- A plural role shares the link: "..., two Acme Union officials", "both members of". -#}
{%- set apposition_after_after = "s?(?:[^\\p{L}]|$)" -%}
{%- set role_of_before = "^\\s*,\\s+(?:who\\s+(?:is|was)\\s+|both\\s+)?(?:(?:a|an|the)\\s+)?"
    ~ "(?:(?:"
    ~ modifier
    ~ "|"
    ~ capitalised
    ~ ")\\s+){0,2}" -%}
{%- set role_of_after = "s?\\s+(?:of|at|for|with)\\s+(?:(?:the|its)\\s+)?(?:(?:"
    ~ capitalised
    ~ "|\\d[\\p{L}\\p{N}]*)\\s+){0,3}$" -%}

with

-- Read again where it is used, not copied whole first ("not materialized": DuckDB
-- materialises a CTE used twice, and at scale that copy spilled past the memory cap).
resolved_mentions as not materialized (

    select * from {{ ref('int_mentions_resolved_to_actors') }}

),

sentences as (

    select * from {{ ref('stg_raw__sentences') }}

),

dictionary as (

    select * from {{ ref('int_actor_dictionary') }}

),

aliases as (

    select * from {{ ref('int_actor_aliases_unioned') }}

),

roles as (

    select * from {{ ref('int_actor_roles_dated') }}

),

party_markers as (

    select * from {{ ref('party_markers') }}

),

legislature_titles as (

    select * from {{ ref('legislature_titles') }}

),

new_actors as (

    select
        actor_id,
        min(new_actor_type) as actor_type,
        min(new_actor_name) as actor_name

    from resolved_mentions

    where resolution_method = 'new_actor'

    group by actor_id

),

actor_attributes as (

    select
        actor_id,
        name as actor_name,
        actor_type

    from dictionary

    union all

    select
        new_actors.actor_id,
        new_actors.actor_name,
        new_actors.actor_type

    from new_actors

    left join dictionary
        on new_actors.actor_id = dictionary.actor_id

    where dictionary.actor_id is null

),

placed_mentions as (

    select
        resolved_mentions.mention_id,
        resolved_mentions.article_id,
        resolved_mentions.annotator_version,
        resolved_mentions.article_date,
        resolved_mentions.sentence_index,
        resolved_mentions.text_part,
        resolved_mentions.mention_text,
        resolved_mentions.label,
        resolved_mentions.role,
        resolved_mentions.affiliation,
        resolved_mentions.actor_id,
        actor_attributes.actor_name,
        actor_attributes.actor_type,
        sentences.sentence_text,
        resolved_mentions.start_char - sentences.start_char as sentence_start,
        resolved_mentions.end_char - sentences.start_char as sentence_end,
        -- The title is written right before the name ("Gov. Jo Bloggs"), not inferred
        -- from an apposition ("Jo Bloggs, the congressman's wife").
        coalesce(
            ends_with(
                ' ' || lower(rtrim(regexp_replace(
                    substr(sentences.sentence_text, 1, resolved_mentions.start_char - sentences.start_char),
                    '{{ honorific }}$',
                    ''
                ))),
                ' ' || lower(resolved_mentions.role)
            ),
            false
        ) as has_title_before,
        -- "Leader of Government Business Dr Jo Bloggs", "Minister of Finance Jo Bloggs":
        -- a title with its office's name, written before the name.
        regexp_matches(
            substr(sentences.sentence_text, 1, resolved_mentions.start_char - sentences.start_char),
            '(?:^|\s){{ any_role }}\s+(?:of|for|in)\s+(?:the\s+)?(?:{{ capitalised }}\s+){1,4}{{ honorific }}$'
        ) as has_role_of_title,
        coalesce(
            regexp_matches(resolved_mentions.role, '(?:^|\s){{ office_role }}$'),
            false
        ) as has_office_title

    from resolved_mentions

    inner join actor_attributes
        on resolved_mentions.actor_id = actor_attributes.actor_id

    inner join sentences
        on
            resolved_mentions.article_id = sentences.article_id
            and resolved_mentions.annotator_version = sentences.annotator_version
            and resolved_mentions.sentence_index = sentences.sentence_index
            and resolved_mentions.text_part = sentences.text_part

),

people as (

    select * from placed_mentions

    where label = 'PERSON' and actor_type = 'person'

),

affiliates as (

    select
        *,
        actor_type in ('country', 'location') as is_place,
        actor_type = 'organization'
        and (label = 'NORP' or regexp_matches(actor_name, '(?i)\bparty\b')) as is_party

    from placed_mentions

    where
        label not in ('PERSON', 'ROLE_REF', 'GROUP')
        and actor_type in ('organization', 'country', 'location')

),

-- The text between the two mentions, and the text after the second one.
pairs as (

    select
        people.mention_id,
        people.article_id,
        people.article_date,
        people.actor_id as person_actor_id,
        people.role,
        people.has_office_title and people.has_title_before as has_office_title,
        affiliates.actor_id as affiliated_actor_id,
        affiliates.is_place,
        affiliates.is_party,
        affiliates.sentence_end <= people.sentence_start as is_before_person,
        case
            when affiliates.sentence_end <= people.sentence_start
                then substr(
                    people.sentence_text,
                    affiliates.sentence_end + 1,
                    people.sentence_start - affiliates.sentence_end
                )
            else substr(
                people.sentence_text,
                people.sentence_end + 1,
                affiliates.sentence_start - people.sentence_end
            )
        end as gap_text,
        substr(affiliates.sentence_text, affiliates.sentence_end + 1, 80) as tail_text,
        substr(affiliates.sentence_text, 1, affiliates.sentence_start) as lead_text,
        -- "In Paris President Jo Bloggs ...": a place after a preposition is where, not whose.
        affiliates.is_place
        and regexp_matches(
            substr(affiliates.sentence_text, 1, affiliates.sentence_start),
            '(?i)(?:^|\s)(?:in|at|from|to|into|near|outside|inside|across|throughout|around|over'
            || '|via|through|towards?|on|by|visiting)\s+(?:the\s+)?$'
        ) as is_after_preposition

    from people

    inner join affiliates
        on
            people.article_id = affiliates.article_id
            and people.annotator_version = affiliates.annotator_version
            and people.text_part = affiliates.text_part
            and people.sentence_index = affiliates.sentence_index
            and people.actor_id != affiliates.actor_id
            and (
                people.sentence_start >= affiliates.sentence_end
                or people.sentence_end <= affiliates.sentence_start
            )

    where
        least(
            abs(people.sentence_start - affiliates.sentence_end),
            abs(affiliates.sentence_start - people.sentence_end)
        ) <= 80

),

matched_pairs as (

    select
        mention_id,
        article_id,
        article_date,
        person_actor_id,
        affiliated_actor_id,
        role,
        is_party,
        gap_text,
        tail_text,
        is_place,
        case
            -- "Acme Union President Jo Bloggs", "Ruritania's interior minister Jo Bloggs"
            when
                is_before_person
                and not is_after_preposition
                -- "ambassador to the Ukraine", "Attorney for the Southern District"
                and {{ affiliation_role_matches('gap_text', title_before, title_after) }}
                then 'title'
            -- "Chairman of the Acme Union Jo Bloggs", "Minister in the Ministry of X Jo Bloggs"
            when
                is_before_person
                and regexp_matches(gap_text, '^\s+{{ honorific }}$')
                and {{ affiliation_role_matches('lead_text', '(?:^|\\s)', '\\s+(?:of|in|at|for)\\s+(?:the\\s+)?$') }}
                then 'title'
            -- "Republican Jo Bloggs"
            when is_before_person and is_party and regexp_matches(gap_text, '^\s+$')
                then 'party_name'
            -- "the Democratic candidate, Jo Bloggs"
            when
                is_before_person
                and {{ affiliation_role_matches('gap_text', apposition_before_before, apposition_before_after) }}
                then 'apposition_before'
            -- "Jo Bloggs, a former Acme Union official"
            when
                not is_before_person
                and regexp_matches(
                    gap_text,
                    '^\s*,\s+(?:(?:a|an|the)\s+[^,;()]{1,40},\s+who\s+(?:is|was)\s+|who\s+(?:is|was)\s+|both\s+)?'
                    || '(?:(?:a|an|the)\s+)?(?:(?:{{ modifier }}|\d{4})\s+){0,3}$'
                )
                and {{ affiliation_role_matches('tail_text', apposition_after_before, apposition_after_after) }}
                then 'apposition_after'
            -- "Jo Bloggs, a Democrat, said"
            when
                not is_before_person
                and is_party
                and regexp_matches(
                    gap_text,
                    '^\s*,\s+(?:who\s+(?:is|was)\s+)?(?:a|an)\s+(?:{{ modifier }}\s+){0,2}$'
                )
                and regexp_matches(tail_text, '^(?:\s*(?:[,;:)—–]|\.(?:\s|$)|$)|\s+(?:from|of|who|and)\s)')
                then 'apposition_party'
            -- "Jo Bloggs, director of the Acme Union", "..., who was the head of ..."
            when
                not is_before_person
                and {{ affiliation_role_matches('gap_text', role_of_before, role_of_after) }}
                then 'role_of'
            -- "Jo Bloggs, assigned to a unit at the Acme Union", "..., who works for ..."
            when
                not is_before_person
                and not is_place
                and (
                    regexp_matches(
                        gap_text,
                        '^\s*,\s+(?:both\s+)?(?:assigned|posted|stationed|employed|working|serving)'
                        || '\s+(?:to|at|by|for|with|in)\s+(?:[^,;()]{0,50}?\s+(?:at|of|in)\s+)?(?:the\s+)?$'
                    )
                    or regexp_matches(
                        gap_text,
                        '^\s*,\s+who\s+(?:both\s+)?(?:works?|worked|serves?|served)\s+(?:at|for|with|in)'
                        || '\s+(?:the\s+)?$'
                    )
                )
                then 'participle'
            -- "Jo Bloggs of the Acme Union"; a place only after a public-office title
            when
                not is_before_person
                and (not is_place or has_office_title)
                and regexp_matches(gap_text, '^\s+of\s+(?:the\s+)?$')
                then 'of_phrase'
        end as link_kind

    from pairs

),

text_links as (

    select
        mention_id,
        article_id,
        article_date,
        person_actor_id,
        affiliated_actor_id,
        -- One constant pattern per branch: a pattern chosen per row (a CASE inside
        -- regexp_extract) is compiled again for every row.
        coalesce(
            role,
            nullif(
                case
                    when is_place
                        then regexp_extract(
                            case when link_kind = 'apposition_after' then tail_text else gap_text end,
                            '({{ office_role }})',
                            1
                        )
                    else regexp_extract(
                        case when link_kind = 'apposition_after' then tail_text else gap_text end,
                        '({{ any_role }})',
                        1
                    )
                end,
                ''
            )
        ) as title,
        case when is_party then 'member_of' else 'official_of' end as affiliation_type,
        link_kind,
        regexp_matches(gap_text, '^\s*,\s+(?:who\s+(?:are|were)\s+)?both\s') as is_shared

    from matched_pairs

    where link_kind is not null

),

-- "Jo Bloggs and Pat Doe, assigned to ..." / "..., both officials of ...": the first
-- name shares the second one's participle, or an apposition that says "both".
coordinated_links as (

    select
        first_people.mention_id,
        first_people.article_id,
        first_people.article_date,
        first_people.actor_id as person_actor_id,
        text_links.affiliated_actor_id,
        text_links.title,
        text_links.affiliation_type,
        'coordinated' as link_kind

    from text_links

    inner join people as second_people
        on text_links.mention_id = second_people.mention_id

    inner join people as first_people
        on
            second_people.article_id = first_people.article_id
            and second_people.annotator_version = first_people.annotator_version
            and second_people.text_part = first_people.text_part
            and second_people.sentence_index = first_people.sentence_index
            and second_people.sentence_start > first_people.sentence_end

    where
        (text_links.link_kind = 'participle' or text_links.is_shared)
        and first_people.actor_id != text_links.affiliated_actor_id
        and regexp_matches(
            substr(
                second_people.sentence_text,
                first_people.sentence_end + 1,
                second_people.sentence_start - first_people.sentence_end
            ),
            '^\s+and\s+$'
        )

),

-- "Rep. Jo Bloggs (D-Calif.)", "Jo Bloggs, R-Texas"
marker_links as (

    select
        people.mention_id,
        people.article_id,
        people.article_date,
        people.actor_id as person_actor_id,
        dictionary.actor_id as affiliated_actor_id,
        people.role as title,
        'member_of' as affiliation_type,
        'party_marker' as link_kind

    from people

    inner join party_markers
        on
            regexp_extract(
                substr(people.sentence_text, people.sentence_end + 1, 20),
                '^\s*[,(]\s*([A-Z])\s*[-–—]\s*\p{Lu}',
                1
            ) = party_markers.marker

    inner join dictionary
        on party_markers.party_name = dictionary.name

),

-- "Sen. Jo Bloggs" and "the Senate" in the same article; not "state Sen. Jo Bloggs".
article_actors as (

    select distinct
        article_id,
        actor_id,
        {{ normalize_name('actor_name') }} as actor_name_normalized,
        {{ normalize_name('mention_text') }} as mention_text_normalized

    from placed_mentions

    where label not in ('PERSON', 'ROLE_REF')

),

legislature_links as (

    select distinct
        people.mention_id,
        people.article_id,
        people.article_date,
        people.actor_id as person_actor_id,
        article_actors.actor_id as affiliated_actor_id,
        people.role as title,
        'member_of' as affiliation_type,
        'legislature_title' as link_kind

    from people

    inner join legislature_titles
        on lower(people.role) = legislature_titles.title

    inner join article_actors
        on
            people.article_id = article_actors.article_id
            and (
                legislature_titles.body_name = article_actors.actor_name_normalized
                or legislature_titles.body_name = article_actors.mention_text_normalized
            )

    where
        people.has_title_before
        and not regexp_matches(
            substr(people.sentence_text, 1, people.sentence_start),
            '(?i)\bstate\s+\S+\s+$'
        )

),

-- The annotator's affiliation text ("Kremlin" in "Kremlin spokesman Jo Bloggs").
stated_affiliations as (

    select
        people.mention_id,
        people.article_id,
        people.article_date,
        people.actor_id as person_actor_id,
        people.role,
        {{ normalize_name('people.affiliation') }} as affiliation_normalized

    from people

    where people.affiliation is not null

),

affiliation_text_links as (

    select distinct
        stated_affiliations.mention_id,
        stated_affiliations.article_id,
        stated_affiliations.article_date,
        stated_affiliations.person_actor_id,
        coalesce(article_actors.actor_id, aliases.actor_id) as affiliated_actor_id,
        stated_affiliations.role as title,
        'official_of' as affiliation_type,
        'affiliation_text' as link_kind

    from stated_affiliations

    left join article_actors
        on
            stated_affiliations.article_id = article_actors.article_id
            and stated_affiliations.affiliation_normalized = article_actors.mention_text_normalized

    left join aliases
        on
            stated_affiliations.affiliation_normalized = aliases.alias_normalized
            and not aliases.is_ambiguous
            and aliases.actor_type in ('country', 'organization')

    where
        coalesce(article_actors.actor_id, aliases.actor_id) is not null
        and coalesce(article_actors.actor_id, aliases.actor_id) != stated_affiliations.person_actor_id

),

-- A dictionary official titled in the text, on a date none of their dated roles covers.
dated_role_days as (

    select distinct
        roles.actor_id,
        people.article_date

    from roles

    inner join people
        on
            roles.actor_id = people.actor_id
            and roles.valid_from <= people.article_date
            and (roles.valid_to is null or roles.valid_to > people.article_date)

),

dictionary_country_links as (

    select
        people.mention_id,
        people.article_id,
        people.article_date,
        people.actor_id as person_actor_id,
        countries.actor_id as affiliated_actor_id,
        people.role as title,
        'official_of' as affiliation_type,
        'dictionary_country' as link_kind

    from people

    inner join dictionary as officials
        on people.actor_id = officials.actor_id

    inner join dictionary as countries
        on
            officials.country_code = countries.country_code
            and countries.actor_type = 'country'

    left join dated_role_days
        on
            people.actor_id = dated_role_days.actor_id
            and people.article_date = dated_role_days.article_date

    where
        (people.has_office_title and people.has_title_before or people.has_role_of_title)
        and officials.sector in ('GOV', 'MIL', 'LEG', 'JUD')
        and dated_role_days.actor_id is null

),

all_links as (

    select * exclude (is_shared) from text_links
    union all
    select * from coordinated_links
    union all
    select * from marker_links
    union all
    select * from legislature_links
    union all
    select * from affiliation_text_links
    union all
    select * from dictionary_country_links

),

final as (

    select distinct
        mention_id,
        article_id,
        article_date,
        person_actor_id,
        affiliated_actor_id,
        title,
        affiliation_type,
        link_kind

    from all_links

)

select * from final
