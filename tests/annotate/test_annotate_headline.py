"""Headlines are text: parsed with the body, their rows marked 'title', offsets honest.

Every headline and body here is invented.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from newsevents.annotate import annotate_warehouse
from newsevents.annotate.headline import (
    BODY_PART,
    TITLE_PART,
    append_headline,
    headline_text,
    is_title_case,
    split_glued_entities,
    strip_outlet,
)
from newsevents.annotate.stage import DocAnnotation, annotate_article, annotate_doc
from newsevents.schema import ALL_DDL
from spacy.tokens import Doc

PUBLISHED = date(2024, 5, 16)  # a Thursday
BODY = (
    "Germany condemned Iran on Tuesday over a missile test near the border, "
    "the foreign ministry said.\n"
    "Iran rejected the criticism."
)


@pytest.mark.parametrize(
    ("title", "site_name", "domain", "expected"),
    [
        ("Ministers agree budget | The Daily Example", "The Daily Example", None,
         "Ministers agree budget"),
        ("Ministers agree budget - Daily Example", "The Daily EXAMPLE inc.", "dailyexample.com",
         "Ministers agree budget"),
        ("Ministers agree budget | DE | 19.01.2021", "DE.COM", "de.com", "Ministers agree budget"),
        ("Ministers agree budget – dailyexample.com", None, "dailyexample.com",
         "Ministers agree budget"),
        # a dash inside the headline whose tail does not name the outlet stays
        ("Budget talks - a new round begins", "The Daily Example", "dailyexample.com",
         "Budget talks - a new round begins"),
        # the outlet's name inside a longer tail is not the outlet ("The Hill")
        ("Capitol Hill braces - lawmakers return", "The Hill", "thehill.com",
         "Capitol Hill braces - lawmakers return"),
    ],
)  # fmt: skip
def test_outlet_suffix_is_cut_only_when_it_names_the_outlet(
    title: str, site_name: str | None, domain: str | None, expected: str
) -> None:
    assert strip_outlet(title, site_name, domain) == expected
    assert headline_text(title, "Unrelated body.", site_name, domain) == expected


@pytest.mark.parametrize(
    ("title", "body", "site_name"),
    [
        (None, BODY, None),
        ("   ", BODY, None),
        ("The Daily Example", BODY, "The Daily Example"),  # the site's name, not a headline
        ("Home", BODY, None),  # too short to state anything
        # repeats the first sentence (case, quotes and final stop aside)
        ("Germany condemned Iran on Tuesday over a missile test near the border, "
         "the foreign ministry said", BODY, None),
        # the extracted text starts with the headline again, after a kicker line
        ("Iran rejects criticism", "World\nIran rejects criticism\nMore text.", None),
    ],
)  # fmt: skip
def test_no_headline_when_empty_outlet_or_repeated(
    title: str | None, body: str, site_name: str | None
) -> None:
    assert headline_text(title, body, site_name, None) == ""


def test_title_case_headline_is_not_parsed() -> None:
    title = "Cargo Ship Returning To Port Seized By Coast Guard, Officials Say"
    assert is_title_case(title)
    assert headline_text(title, BODY) == ""
    assert not is_title_case("Germany condemns Iran over missile test")
    assert not is_title_case("Xi hosts Putin")  # too few long words to tell


def test_kicker_is_blanked_and_offsets_stay_those_of_the_title() -> None:
    title = "Opinion | Germany is wrong about Iran"
    headline = headline_text(title, BODY, None, None)
    assert headline.strip() == "Germany is wrong about Iran"
    start = headline.index("Germany")
    assert title[start : start + len("Germany")] == "Germany"


def _annotate(parse: Callable[[str], Doc], title: str, body: str) -> DocAnnotation:
    headline = headline_text(title, body)
    return annotate_article(parse(body), parse(headline) if headline else None, PUBLISHED)


def test_headline_rows_are_marked_and_offsets_point_into_their_part(
    parse: Callable[[str], Doc],
) -> None:
    title = "Germany condemns Iran over missile test"
    result = _annotate(parse, title, BODY)
    texts = {TITLE_PART: title, BODY_PART: BODY}
    # the body's rows, then the headline's, indexes continuing
    assert result.sentence_parts == [BODY_PART, BODY_PART, TITLE_PART]
    assert [s.sentence_index for s in result.sentences] == [0, 1, 2]
    assert [m.mention_index for m in result.mentions] == list(range(len(result.mentions)))
    assert [c.candidate_index for c in result.candidates] == list(range(len(result.candidates)))
    for sentence, part in zip(result.sentences, result.sentence_parts, strict=True):
        assert texts[part][sentence.start_char : sentence.end_char] == sentence.text
    for mention, part in zip(result.mentions, result.mention_parts, strict=True):
        assert texts[part][mention.start_char : mention.end_char] == mention.text
        assert part == result.sentence_parts[mention.sentence_index]
    headline_mentions = [
        m.text
        for m, p in zip(result.mentions, result.mention_parts, strict=True)
        if p == TITLE_PART
    ]
    assert headline_mentions == ["Germany", "Iran"]
    condemn = [
        (c, p)
        for c, p in zip(result.candidates, result.candidate_parts, strict=True)
        if c.trigger_lemma == "condemn"
    ]
    assert [(c.sentence_index, p) for c, p in condemn] == [(0, BODY_PART), (2, TITLE_PART)]
    for candidate, part in condemn:
        text = texts[part]
        assert (
            text[candidate.trigger_start_char : candidate.trigger_end_char]
            == candidate.trigger_text
        )
        assert candidate.agent_start_char is not None and candidate.agent_end_char is not None
        assert text[candidate.agent_start_char : candidate.agent_end_char] == "Germany"
        assert candidate.patient_text == "Iran"
        # references point at the rows of the candidate's own part
        by_index = dict(
            zip(
                (m.mention_index for m in result.mentions),
                zip(result.mentions, result.mention_parts, strict=True),
                strict=True,
            )
        )
        assert candidate.agent_mention_index is not None
        assert candidate.patient_mention_index is not None
        agent, agent_part = by_index[candidate.agent_mention_index]
        patient, patient_part = by_index[candidate.patient_mention_index]
        assert (agent.text, agent_part, patient.text, patient_part) == (
            "Germany",
            part,
            "Iran",
            part,
        )
    # the headline has no date of its own; the body's act is dated by "on Tuesday"
    assert [c.date_resolution for c, _ in condemn] == ["exact", "article_date"]


def test_body_rows_are_the_same_with_or_without_the_headline(
    parse: Callable[[str], Doc],
) -> None:
    alone = annotate_doc(parse(BODY), PUBLISHED)
    with_headline = _annotate(parse, "Germany condemns Iran over missile test", BODY)
    body = [
        (s.start_char, s.end_char, s.text)
        for s, p in zip(with_headline.sentences, with_headline.sentence_parts, strict=True)
        if p == BODY_PART
    ]
    assert body == [(s.start_char, s.end_char, s.text) for s in alone.sentences]
    assert set(alone.sentence_parts) == {BODY_PART}
    body_triggers = [
        (c.trigger_lemma, c.trigger_start_char, c.agent_text, c.patient_text, c.event_date)
        for c, p in zip(with_headline.candidates, with_headline.candidate_parts, strict=True)
        if p == BODY_PART
    ]
    assert body_triggers == [
        (c.trigger_lemma, c.trigger_start_char, c.agent_text, c.patient_text, c.event_date)
        for c in alone.candidates
    ]


def test_headline_surname_links_to_the_full_name_in_the_body(
    parse: Callable[[str], Doc],
) -> None:
    body = "Finance Minister Jane Doe resigned on Monday after weeks of protests in the capital."
    result = _annotate(parse, "Doe resigns after protests", body)
    by_index = {m.mention_index: m for m in result.mentions}
    (doe,) = [
        m for m, p in zip(result.mentions, result.mention_parts, strict=True) if p == TITLE_PART
    ]
    assert (doe.text, doe.label, doe.antecedent_link) == ("Doe", "PERSON", "surname")
    assert doe.antecedent_mention_index is not None
    assert by_index[doe.antecedent_mention_index].text == "Jane Doe"
    # the headline's clause now has "Doe" as its agent mention
    (resign,) = [
        c for c, p in zip(result.candidates, result.candidate_parts, strict=True) if p == TITLE_PART
    ]
    assert (resign.trigger_lemma, resign.agent_mention_index) == ("resign", doe.mention_index)
    assert (doe.start_char, doe.end_char, doe.sentence_index) == (0, 3, 1)


def _warehouse(path: Path, rows: list[tuple[str, str | None, str]]) -> None:
    published = datetime(2024, 5, 16, 9, 30)
    with duckdb.connect(str(path)) as con:
        for ddl in ALL_DDL:
            con.execute(ddl)
        for article_id, title, text in rows:
            con.execute(
                """
                insert into raw.articles (
                    article_id, url, canonical_url, source_name, domain, title, site_name,
                    published_at, language, text, word_count, content_hash, fetched_at,
                    loaded_at, extractor_version
                )
                values (?, ?, ?, 'test', 'example.org', ?, 'The Example Times', ?, 'en', ?, ?,
                        ?, ?, ?, 'test')
                """,
                [
                    article_id,
                    f"https://example.org/{article_id}",
                    f"https://example.org/{article_id}",
                    title,
                    published,
                    text,
                    len(text.split()),
                    f"hash-{article_id}",
                    published,
                    published,
                ],
            )


def test_stage_writes_headline_rows_and_body_offsets_slice_the_article_text(
    tmp_path: Path,
) -> None:
    path = tmp_path / "warehouse.work.duckdb"
    _warehouse(
        path,
        [
            ("h-1", "Germany condemns Iran over missile test - The Example Times", BODY),
            ("h-2", "The Example Times", "Iran rejected the criticism on Friday."),
        ],
    )
    result = annotate_warehouse(str(path), workers=1)
    assert result["annotated"] == 2
    with duckdb.connect(str(path), read_only=True) as con:
        # every body offset slices raw.articles.text, every headline offset the title
        for table, start, end, text in (
            ("raw.sentences", "start_char", "end_char", "text"),
            ("raw.entity_mentions", "start_char", "end_char", "text"),
            ("raw.event_candidates", "trigger_start_char", "trigger_end_char", "trigger_text"),
            ("raw.event_candidates", "agent_start_char", "agent_end_char", "agent_text"),
        ):
            rows = con.execute(
                f"""
                select r.text_part,
                    substr(case r.text_part when 'title' then a.title else a.text end,
                           r.{start} + 1, r.{end} - r.{start}) = r.{text} as sliced,
                    count(*)
                from {table} as r join raw.articles as a using (article_id)
                where r.{start} is not null
                group by all order by all
                """
            ).fetchall()
            assert {(part, sliced) for part, sliced, _ in rows} == {
                ("body", True),
                ("title", True),
            }, (table, rows)
        headline = con.execute(
            """
            select s.text, m.text, c.trigger_text
            from raw.sentences as s
            join raw.entity_mentions as m using (article_id, annotator_version, sentence_index)
            join raw.event_candidates as c using (article_id, annotator_version, sentence_index)
            where s.text_part = 'title' and m.text_part = 'title' and c.text_part = 'title'
            order by m.mention_index
            """
        ).fetchall()
        assert headline == [
            ("Germany condemns Iran over missile test", "Germany", "condemns"),
            ("Germany condemns Iran over missile test", "Iran", "condemns"),
        ]
        # the headline's rows follow the body's; the site's name is no headline
        parts = con.execute(
            "select article_id, list(text_part order by sentence_index) from raw.sentences "
            "group by all order by 1"
        ).fetchall()
        assert parts == [("h-1", ["body", "body", "title"]), ("h-2", ["body"])]


@dataclass(frozen=True)
class _Row:
    sentence_index: int
    mention_index: int | None = None
    agent_mention_index: int | None = None
    candidate_index: int | None = None
    participants: str | None = None


def test_headline_indexes_and_references_continue_the_body() -> None:
    body = ([_Row(0), _Row(1)], [_Row(0, 0), _Row(1, 1), _Row(1, 2)], [_Row(1, None, 2, 0)])
    participants = json.dumps(
        [{"prep": "with", "text": "X", "mention_index": 1, "inherited_from_sentence": 0,
          "inherited_from_candidate": 0}, {"prep": "in", "text": "Y", "mention_index": None}]
    )  # fmt: skip
    headline = ([_Row(0)], [_Row(0, 0), _Row(0, 1)], [_Row(0, None, 0, 0, participants)])
    (sentences, s_parts), (mentions, m_parts), (candidates, c_parts) = append_headline(
        body, headline
    )
    assert sentences[:2] == body[0] and mentions[:3] == body[1] and candidates[:1] == body[2]
    assert (s_parts, m_parts, c_parts) == (
        ["body", "body", "title"],
        ["body", "body", "body", "title", "title"],
        ["body", "title"],
    )
    assert sentences[2] == _Row(2)
    assert mentions[3:] == [_Row(2, 3), _Row(2, 4)]
    moved = candidates[1]
    assert (moved.sentence_index, moved.agent_mention_index, moved.candidate_index) == (2, 3, 1)
    assert json.loads(moved.participants or "") == [
        {"prep": "with", "text": "X", "mention_index": 4, "inherited_from_sentence": 2,
         "inherited_from_candidate": 1}, {"prep": "in", "text": "Y", "mention_index": None},
    ]  # fmt: skip


def test_names_glued_across_a_headline_verb_are_split(parse: Callable[[str], Doc]) -> None:
    headline = parse("Biden welcomes Modi to the White House for talks")
    split_glued_entities(headline)
    assert all(t.tag_ not in {"VBZ", "VBP", "VBD"} for e in headline.ents for t in e)
    assert {"Biden", "Modi"} <= {e.text for e in headline.ents}
    body = "President Joe Biden welcomed Prime Minister Narendra Modi to Washington on Thursday."
    result = _annotate(parse, "Biden welcomes Modi to the White House for talks", body)
    by_index = {m.mention_index: m for m in result.mentions}
    (welcome,) = [
        c for c, p in zip(result.candidates, result.candidate_parts, strict=True) if p == TITLE_PART
    ]
    assert welcome.agent_mention_index is not None and welcome.patient_mention_index is not None
    agent, patient = by_index[welcome.agent_mention_index], by_index[welcome.patient_mention_index]
    assert (agent.text, patient.text) == ("Biden", "Modi")
    assert agent.antecedent_mention_index is not None
    assert patient.antecedent_mention_index is not None
    assert by_index[agent.antecedent_mention_index].text == "Joe Biden"
    assert by_index[patient.antecedent_mention_index].text == "Narendra Modi"


def test_headline_common_noun_of_a_person_is_the_body_s_named_agent_of_that_act(
    parse: Callable[[str], Doc],
) -> None:
    body = (
        "A Ruritanian man pleaded guilty on Monday to plotting against a senator, police said.\n"
        "Tomas Varga, 41, pleaded guilty to plotting to harm Senator Ann Holloway.\n"
        "Ann Holloway thanked the police."
    )
    result = _annotate(parse, "Ruritanian man pleads guilty to plotting to kill Holloway", body)
    by_index = {m.mention_index: m for m in result.mentions}
    title = [
        c for c, p in zip(result.candidates, result.candidate_parts, strict=True) if p == TITLE_PART
    ]
    rows = {c.trigger_lemma: c for c in title}
    # the plea, the plot and the plotted killing are the pleader's, named in the body
    for lemma in ("plead", "plot", "kill"):
        assert rows[lemma].agent_text == "Ruritanian man"  # the evidence keeps the noun
        assert by_index[rows[lemma].agent_mention_index].text == "Tomas Varga"
    # the body's own rows are untouched: the unnamed man of its first sentence stays unnamed
    body_plea = next(
        c
        for c, p in zip(result.candidates, result.candidate_parts, strict=True)
        if p == BODY_PART and c.trigger_lemma == "plead"
    )
    assert body_plea.agent_text == "A Ruritanian man"
    assert body_plea.agent_mention_index is None or (
        by_index[body_plea.agent_mention_index].label != "PERSON"
    )


def test_headline_common_noun_without_the_same_act_in_the_body_stays_unnamed(
    parse: Callable[[str], Doc],
) -> None:
    body = "Tomas Varga, 41, resigned from the board on Monday.\nThe board thanked him."
    result = _annotate(parse, "Ruritanian man pleads guilty to fraud", body)
    by_index = {m.mention_index: m for m in result.mentions}
    (plea,) = [
        c
        for c, p in zip(result.candidates, result.candidate_parts, strict=True)
        if p == TITLE_PART and c.trigger_lemma == "plead"
    ]
    assert plea.agent_mention_index is None or by_index[plea.agent_mention_index].label != "PERSON"
