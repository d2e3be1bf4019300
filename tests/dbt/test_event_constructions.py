"""Constructions coded on the dbt side, end to end: the real annotator and dbt on one
invented article.

- A detention or seizure named by its object keeps a null target when the detainee or
  the owner is unnamed ("took custody of two suspects", "seized 40 kilos of heroin",
  "found cocaine": var null_target_object_codes); a bare "arrested two men" does not.
- A bare "the government" with no country word names the article's country.
- A proposal rejected with no agent named, in an article that names a legislature, is
  that chamber's act ("Senator X's amendment was rejected" after a Senate debate).
- What a named speaker says another named actor should do is the speaker's demand on it
  ("X told a rally that the Senate should reject the bill").
- Naming with a negative evaluative predicate is a denunciation ("X called Y a liar":
  111 by X on Y); neutral naming ("called the debate a success") is no event.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import annotated_warehouse, article_row, query_rows

BODY = (
    "NAIROBI - Kenya's parliament met in Nairobi on Tuesday to debate the budget.\n"
    "The Drug Enforcement Administration seized 40 kilos of heroin at the port of "
    "Mombasa on Monday.\n"
    "The Drug Enforcement Administration took custody of two suspects on Sunday.\n"
    "The Federal Bureau of Investigation arrested two men on Saturday.\n"
    "Researchers found evidence of fraud in the accounts.\n"
    "Opposition leader Jane Wanjiku called on the government to publish the budget.\n"
    "Kenya's finance minister said the budget would be published in June.\n"
    "The Senate debated the finance bill on Wednesday.\n"
    "Senator Peter Otieno's amendment was rejected.\n"
    "Mary Njeri was taken into custody on Friday.\n"
    "Jane Wanjiku told a rally in Nairobi that the Senate should reject the finance bill.\n"
    "Jane Wanjiku called Peter Otieno a liar on Thursday.\n"
    "The finance minister called the debate a success."
)
PUBLISHED = datetime(2024, 5, 16, 8, 0)


@pytest.fixture(scope="module")
def constructions_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("constructions") / "warehouse.work.duckdb"
    row = article_row("constructions1", "example", PUBLISHED, BODY)
    row.update(title="Kenya budget debate", site_name="The Example Times", domain="example.com")
    assert annotated_warehouse(path, row, workers=1)["success"]
    return path


_rows = query_rows


def _candidates(path: Path, lemma: str) -> list[dict[str, Any]]:
    return _rows(
        path,
        f"""
        select c.trigger_lemma, c.object_lemma, c.coding_status, c.event_code,
            s.name as source_name, t.name as target_name
        from intermediate.int_event_candidates_coded as c
        left join marts.actors as s on c.source_actor_id = s.actor_id
        left join marts.actors as t on c.target_actor_id = t.actor_id
        where c.trigger_lemma = '{lemma}'
        """,
    )


def test_seizure_of_goods_keeps_a_null_target(constructions_db: Path) -> None:
    (seize,) = _candidates(constructions_db, "seize")
    assert seize["object_lemma"] == "heroin"
    assert (seize["coding_status"], seize["event_code"]) == ("coded", "171"), seize
    assert seize["target_name"] is None


def test_custody_of_unnamed_people_is_a_detention_with_a_null_target(
    constructions_db: Path,
) -> None:
    (take,) = [r for r in _candidates(constructions_db, "take") if r["target_name"] is None]
    assert (take["coding_status"], take["event_code"]) == ("coded", "173"), take
    assert take["source_name"] is not None
    events = _rows(
        constructions_db,
        """
        select source_actor_name, target_actor_name from marts.events
        where event_code = '173' and target_actor_name is null
        """,
    )
    assert len(events) == 1, events


def test_agentless_taken_into_custody_is_the_authority_s(constructions_db: Path) -> None:
    """'Mary Njeri was taken into custody': the state's act, by the authority the article
    names (var state_authority_pattern: the FBI, which arrested two men)."""
    rows = [r for r in _candidates(constructions_db, "take") if r["target_name"] == "Mary Njeri"]
    assert len(rows) == 1, _candidates(constructions_db, "take")
    (custody,) = rows
    assert (custody["coding_status"], custody["event_code"]) == ("coded", "173"), custody
    (arrest,) = _candidates(constructions_db, "arrest")
    assert arrest["source_name"] is not None
    assert custody["source_name"] == arrest["source_name"], (custody, arrest)


def test_bare_arrest_and_other_findings_are_not_coded_without_target(
    constructions_db: Path,
) -> None:
    (arrest,) = _candidates(constructions_db, "arrest")
    assert arrest["coding_status"] == "untargeted_statement", arrest
    assert all(row["coding_status"] != "coded" for row in _candidates(constructions_db, "find"))


def test_bare_government_is_the_article_country(constructions_db: Path) -> None:
    calls = [
        r
        for r in _candidates(constructions_db, "call")
        if r["coding_status"] == "coded" and r["event_code"][:2] == "02"
    ]
    assert [(r["event_code"][:2], r["target_name"]) for r in calls] == [("02", "Kenya")], calls


def test_naming_someone_a_liar_is_a_denunciation(constructions_db: Path) -> None:
    coded = [r for r in _candidates(constructions_db, "call") if r["coding_status"] == "coded"]
    denounced = [r for r in coded if r["event_code"] == "111"]
    assert [(r["source_name"], r["target_name"]) for r in denounced] == [
        ("Jane Wanjiku", "Peter Otieno")
    ], coded
    assert [r["object_lemma"] for r in denounced] == ["liar"]
    # "called the debate a success" names; it codes nothing.
    assert all(r["object_lemma"] != "success" for r in coded), coded
    assert len(coded) == 2, coded


def test_agentless_rejection_of_a_proposal_is_the_chamber_s(constructions_db: Path) -> None:
    rejections = [
        r for r in _candidates(constructions_db, "reject") if r["object_lemma"] == "amendment"
    ]
    assert len(rejections) == 1, rejections
    (rejection,) = rejections
    assert rejection["coding_status"] == "coded", rejection
    assert rejection["event_code"][:2] == "12"
    assert rejection["source_name"] == "Senate", rejection
    assert rejection["target_name"] == "Peter Otieno", rejection


def test_what_a_speaker_says_another_should_do_is_a_demand(constructions_db: Path) -> None:
    demands = [r for r in _candidates(constructions_db, "reject") if r["object_lemma"] == "bill"]
    assert len(demands) == 1, _candidates(constructions_db, "reject")
    (demand,) = demands
    assert (demand["coding_status"], demand["event_code"]) == ("coded", "100"), demand
    assert demand["source_name"] == "Jane Wanjiku", demand
    assert demand["target_name"] == "Senate", demand
