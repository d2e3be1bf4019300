"""The real-corpus scoring rules, one by one, on tiny invented gold and predictions.

Every name here is made up; nothing comes from ../shared/corpus/real.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from newsevents import evaluate, evaluate_real
from newsevents.evaluate_real import Predicted, normalise_name, score_article


def _actor(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "aliases": extra.pop("aliases", []),
        "also_matches": extra.pop("also_matches", []),
        "actor_type": extra.pop("actor_type", "person"),
        "country_code": extra.pop("country_code", None),
        "required": extra.pop("required", True),
    }


def _pred_actor(name: str, actor_type: str = "person", country: str | None = None) -> Any:
    return {"actor_id": name, "name": name, "actor_type": actor_type, "country_code": country}


def _pred_event(source: str, target: str | None, code: str, quad: int = 1) -> dict[str, Any]:
    return {
        "source": source,
        "target": target,
        "event_code": code,
        "root": code[:2],
        "quad_class": quad,
        "sentence": f"{source} did something",
        "trigger": "did",
    }


# --- names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zorblat Quenn", "zorblat quenn"),
        ("  ZORBLAT   Quenn ", "zorblat quenn"),
        ("Élodie Márchetti", "elodie marchetti"),  # accents dropped
        ("Vandoria's", "vandoria"),  # possessive
        ("Vandoria’s", "vandoria"),  # curly possessive
        ("Fen-Rho Alliance, Inc.", "fen rho alliance inc"),  # punctuation -> space
        ("The Glimmer Accord", "glimmer accord"),  # leading "the"
        ("Sen. Orla Pembrook", "orla pembrook"),  # title with a dot
        ("Prime Minister Dr. Ana Quill", "ana quill"),  # two titles
        ("the Interim President Tobias Wren", "tobias wren"),
        ("Theodora Vale", "theodora vale"),  # "the" only as a whole word
        ("Generalissimo Pax", "generalissimo pax"),  # "general" only as a whole word
        (None, ""),
    ],
)
def test_normalise_name(raw: str | None, expected: str) -> None:
    assert normalise_name(raw) == expected


# --- actors -------------------------------------------------------------------------


def test_actors_aliases_also_matches_and_precision_over_optional() -> None:
    gold = {
        "id": "t1",
        "actors": [
            _actor("Orla Pembrook", aliases=["Pembrook"], country_code="VDR"),
            _actor(
                "Vandorian Senate", also_matches=["Senate of Vandoria"], actor_type="organization"
            ),
            _actor("Tobias Wren", required=True),
            _actor("Kestrel Bay", actor_type="location", required=False),
        ],
    }
    pred = Predicted(
        "a1",
        actors=[
            _pred_actor("Senator Pembrook", country="VDR"),  # alias after title stripping
            _pred_actor("the Senate of Vandoria", "organization"),  # also_matches
            _pred_actor("Kestrel Bay", "location"),  # optional: correct, not recalled
            _pred_actor("Lumen Drift"),  # not in gold
        ],
    )
    art = score_article(gold, pred)
    assert art["actors"] == {"required": 3, "matched": 2, "extracted": 4, "correct": 3}
    assert art["missed_actors"] == ["Tobias Wren"]
    assert art["false_positive_actors"] == [{"name": "Lumen Drift", "actor_type": "person"}]
    # Without places: the optional place leaves both counts.
    assert art["actors_no_locations"] == {
        "required": 3,
        "matched": 2,
        "extracted": 3,
        "correct": 2,
    }


def test_country_code_accuracy_on_matched_required_actors() -> None:
    gold = {
        "id": "t2",
        "actors": [
            _actor("Orla Pembrook", country_code="VDR"),
            _actor("Tobias Wren", country_code="KST"),
            _actor("Glimmer Accord", country_code=None, actor_type="organization"),
            _actor("Lumen Drift", country_code="VDR"),  # not extracted: not scored
            _actor("Fen Rho", country_code="VDR", required=False),  # optional: not scored
        ],
    }
    pred = Predicted(
        "a2",
        actors=[
            _pred_actor("Orla Pembrook", country="VDR"),
            _pred_actor("Tobias Wren", country="VDR"),
            _pred_actor("Glimmer Accord", "organization", None),
            _pred_actor("Fen Rho", country="KST"),
        ],
    )
    art = score_article(gold, pred)
    assert art["country"] == {"matched": 3, "right": 2}
    assert art["wrong_country_codes"] == [
        {"actor": "Tobias Wren", "expected": "KST", "got": ["VDR"]}
    ]


# --- events -------------------------------------------------------------------------

NAMES = {
    "Orla Pembrook": {"orla pembrook", "pembrook"},
    "Vandoria": {"vandoria"},
    "Kestria": {"kestria"},
    "Tobias Wren": {"tobias wren"},
}


def _gold_event(source: str, target: str | None, roots: str, **extra: Any) -> dict[str, Any]:
    return {"source": source, "target": target, "acceptable_root_codes": roots, **extra}


def test_event_fits_source_target_and_roots() -> None:
    g = _gold_event("Orla Pembrook", "Kestria", "11 12")
    assert evaluate_real.event_fits(_pred_event("Pembrook", "Kestria", "112"), g, NAMES)
    assert evaluate_real.event_fits(_pred_event("Orla Pembrook", "Kestria", "120"), g, NAMES)
    # root not acceptable
    assert not evaluate_real.event_fits(_pred_event("Orla Pembrook", "Kestria", "042"), g, NAMES)
    # wrong source, wrong target, no target
    assert not evaluate_real.event_fits(_pred_event("Vandoria", "Kestria", "112"), g, NAMES)
    assert not evaluate_real.event_fits(_pred_event("Pembrook", "Vandoria", "112"), g, NAMES)
    assert not evaluate_real.event_fits(_pred_event("Pembrook", None, "112"), g, NAMES)
    # not symmetric: the swapped direction does not fit
    assert not evaluate_real.event_fits(_pred_event("Kestria", "Pembrook", "112"), g, NAMES)


def test_event_fits_source_also_and_target_also() -> None:
    g = _gold_event(
        "Orla Pembrook",
        "Kestria",
        "04",
        source_also=["Vandoria"],
        target_also=["Tobias Wren"],
    )
    assert evaluate_real.event_fits(_pred_event("Vandoria", "Kestria", "040"), g, NAMES)
    assert evaluate_real.event_fits(_pred_event("Pembrook", "Tobias Wren", "043"), g, NAMES)
    assert evaluate_real.event_fits(_pred_event("Vandoria", "Tobias Wren", "042"), g, NAMES)
    assert not evaluate_real.event_fits(_pred_event("Tobias Wren", "Kestria", "040"), g, NAMES)


def test_null_gold_target_accepts_any_target_or_none() -> None:
    g = _gold_event("Vandoria", None, "14")
    assert evaluate_real.event_fits(_pred_event("Vandoria", None, "141"), g, NAMES)
    assert evaluate_real.event_fits(_pred_event("Vandoria", "Kestria", "145"), g, NAMES)
    assert not evaluate_real.event_fits(_pred_event("Kestria", None, "141"), g, NAMES)


def test_symmetric_gold_event_accepts_the_swapped_direction() -> None:
    g = _gold_event("Orla Pembrook", "Kestria", "04 03", symmetric=True)
    assert evaluate_real.event_fits(_pred_event("Kestria", "Pembrook", "040"), g, NAMES)
    assert evaluate_real.event_fits(_pred_event("Pembrook", "Kestria", "036"), g, NAMES)
    assert not evaluate_real.event_fits(_pred_event("Kestria", "Vandoria", "040"), g, NAMES)


def test_max_matching_beats_greedy() -> None:
    # Left 0 could take right 0 or 1; left 1 only right 0. Greedy (0->0) leaves left 1
    # unmatched; augmenting paths find both.
    owner = evaluate_real.max_matching([[0, 1], [0]], 2)
    assert sorted(o for o in owner if o is not None) == [0, 1]
    assert owner == [1, 0]
    assert evaluate_real.max_matching([[0], [0], []], 2) == [0, None]


def _event_gold(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "t3",
        "actors": [
            _actor("Orla Pembrook", aliases=["Pembrook"]),
            _actor("Vandoria", actor_type="country"),
            _actor("Kestria", actor_type="country"),
            _actor("Tobias Wren"),
        ],
        "events": events,
    }


def test_event_recall_is_a_maximum_one_to_one_matching() -> None:
    gold = _event_gold(
        [
            # the first extracted event fits both; the second only this one
            _gold_event("Orla Pembrook", "Kestria", "11 12", required=True),
            _gold_event("Orla Pembrook", None, "11", required=True),
        ]
    )
    pred = Predicted(
        "a3",
        events=[
            _pred_event("Pembrook", "Kestria", "111"),
            _pred_event("Pembrook", "Kestria", "120"),
        ],
    )
    art = score_article(gold, pred)
    assert art["events"] == {"required": 2, "matched": 2, "extracted": 2, "correct": 2}
    assert art["missed_events"] == []


def test_event_precision_is_not_one_to_one_and_counts_optional_events() -> None:
    gold = _event_gold(
        [
            _gold_event("Vandoria", "Kestria", "17", required=True, description="seizure"),
            _gold_event("Tobias Wren", "Vandoria", "04", required=False),
            _gold_event("Kestria", "Vandoria", "11", required=True, description="a complaint"),
        ]
    )
    pred = Predicted(
        "a4",
        events=[
            _pred_event("Vandoria", "Kestria", "173", quad=4),
            _pred_event("Vandoria", "Kestria", "171", quad=4),  # a second mention: still right
            _pred_event("Tobias Wren", "Vandoria", "040"),  # optional: right, not recalled
            _pred_event("Kestria", "Tobias Wren", "010"),  # fits nothing
        ],
    )
    art = score_article(gold, pred)
    assert art["events"] == {"required": 2, "matched": 1, "extracted": 4, "correct": 3}
    assert art["missed_events"] == [
        {
            "source": "Kestria",
            "target": "Vandoria",
            "roots": "11",
            "description": "a complaint",
            "sentence": None,
        }
    ]
    assert [(e["source"], e["target"], e["event_code"]) for e in art["false_positive_events"]] == [
        ("Kestria", "Tobias Wren", "010")
    ]
    assert art["false_positive_events"][0]["sentence"] == "Kestria did something"


def test_articles_without_required_events_add_only_to_precision() -> None:
    quiet = {"id": "q", "actors": [_actor("Vandoria", actor_type="country")], "events": []}
    busy = _event_gold([_gold_event("Vandoria", "Kestria", "17", required=True)])
    result = evaluate_real.score(
        [quiet, busy],
        [
            Predicted("q1", events=[_pred_event("Vandoria", "Kestria", "173", quad=4)]),
            Predicted("b1", events=[_pred_event("Vandoria", "Kestria", "173", quad=4)]),
        ],
    )
    assert result["events"]["recall"] == 1.0
    assert result["events"]["precision"] == 0.5
    assert result["missing_articles"] == []


# --- relations ----------------------------------------------------------------------


def test_relations_by_kind_either_order_and_also() -> None:
    rel = {
        "source": "Orla Pembrook",
        "target": "Vandoria",
        "kind": "affiliation",
        "target_also": ["Kestria"],
    }
    found = evaluate_real.relation_found
    assert found(rel, [{"source": "Pembrook", "target": "Vandoria", "kind": "affiliation"}], NAMES)
    assert found(rel, [{"source": "Vandoria", "target": "Pembrook", "kind": "affiliation"}], NAMES)
    assert found(
        rel, [{"source": "Kestria", "target": "Orla Pembrook", "kind": "affiliation"}], NAMES
    )
    assert not found(
        rel, [{"source": "Pembrook", "target": "Vandoria", "kind": "cooperative"}], NAMES
    )
    assert not found(
        rel, [{"source": "Tobias Wren", "target": "Vandoria", "kind": "affiliation"}], NAMES
    )


def test_relation_recall_counts_required_relations_only() -> None:
    gold = {
        "id": "t5",
        "actors": [_actor("Vandoria"), _actor("Kestria"), _actor("Tobias Wren")],
        "relations": [
            {"source": "Vandoria", "target": "Kestria", "kind": "conflictual", "required": True},
            {"source": "Tobias Wren", "target": "Kestria", "kind": "affiliation", "required": True},
            {
                "source": "Tobias Wren",
                "target": "Vandoria",
                "kind": "cooperative",
                "required": False,
            },
        ],
    }
    pred = Predicted(
        "a5", relations=[{"source": "Kestria", "target": "Vandoria", "kind": "conflictual"}]
    )
    art = score_article(gold, pred)
    assert art["relations"] == {"required": 2, "matched": 1}
    assert art["missed_relations"] == [
        {"source": "Tobias Wren", "target": "Kestria", "kind": "affiliation"}
    ]


# --- a hand-made warehouse and corpus ----------------------------------------------


def _corpus(root: Path) -> Path:
    corpus = root / "corpus"
    (corpus / "gold").mkdir(parents=True)
    (corpus / "pages").mkdir()
    articles = [
        {
            "id": "d01",
            "file": "pages/d01.html",
            "url": "https://news.example/one",
            "actors": [
                _actor("Orla Pembrook", country_code="VDR"),
                _actor("Vandoria", actor_type="country", country_code="VDR"),
                _actor("Kestria", actor_type="country", country_code="KST"),
            ],
            "events": [
                _gold_event("Vandoria", "Kestria", "17 18", required=True),
                _gold_event("Orla Pembrook", "Kestria", "04", required=True, symmetric=True),
            ],
            "relations": [
                {
                    "source": "Orla Pembrook",
                    "target": "Vandoria",
                    "kind": "affiliation",
                    "required": True,
                },
                {
                    "source": "Vandoria",
                    "target": "Kestria",
                    "kind": "conflictual",
                    "required": True,
                },
            ],
        },
        {
            # found by its page_url (no fetch_log row for its file)
            "id": "d02",
            "file": "pages/d02.html",
            "url": "https://news.example/canonical-two",
            "page_url": "https://mirror.example/two",
            "actors": [_actor("Tobias Wren", country_code="KST")],
            "events": [],
            "relations": [],
        },
        {
            "id": "d03",
            "file": "pages/d03.html",
            "url": "https://news.example/never-loaded",
            "actors": [_actor("Lumen Drift")],
            "events": [],
            "relations": [],
        },
    ]
    for art in articles:
        (corpus / "gold" / f"{art['id']}.yml").write_text(yaml.safe_dump(art), encoding="utf-8")
        (corpus / "pages" / f"{art['id']}.html").write_text("<html></html>", encoding="utf-8")
    return corpus


def _warehouse(path: Path, corpus: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.fetch_log (url varchar, article_id varchar, fetched_at timestamp)"
    )
    con.execute(
        "insert into marts.fetch_log values (?, 'a1', now())",
        [(corpus / "pages" / "d01.html").resolve().as_uri()],
    )
    con.execute(
        "create table marts.articles (article_id varchar, url varchar, canonical_url varchar)"
    )
    con.execute(
        "insert into marts.articles values"
        " ('a1', 'https://other.example/x', 'https://other.example/x'),"
        " ('a2', 'https://mirror.example/two', 'https://mirror.example/two')"
    )
    con.execute(
        "create table marts.actors (actor_id varchar, name varchar, actor_type varchar,"
        " country_code varchar)"
    )
    con.execute(
        "insert into marts.actors values ('p', 'Orla Pembrook', 'person', 'VDR'),"
        " ('v', 'Vandoria', 'country', 'VDR'), ('k', 'Kestria', 'country', 'KST'),"
        " ('w', 'Tobias Wren', 'person', null), ('x', 'Pleasant Valley', 'location', null)"
    )
    con.execute("create table marts.actor_mentions (actor_id varchar, article_id varchar)")
    con.execute(
        "insert into marts.actor_mentions values ('p', 'a1'), ('v', 'a1'), ('k', 'a1'),"
        " ('x', 'a1'), ('w', 'a2')"
    )
    con.execute(
        "create table marts.events (event_id varchar, quad_class integer, event_root_code varchar)"
    )
    con.execute("insert into marts.events values ('e1', 4, '17'), ('e2', 1, '04')")
    con.execute(
        "create table marts.event_mentions (event_id varchar, article_id varchar,"
        " source_actor_id varchar, target_actor_id varchar, event_code varchar,"
        " sentence_index integer, sentence_text varchar, trigger varchar)"
    )
    con.execute(
        "insert into marts.event_mentions values"
        " ('e1', 'a1', 'v', 'k', '173', 0, 'Vandoria seized it.', 'seized'),"
        " ('e2', 'a1', 'k', 'p', '040', 1, 'Kestria met Pembrook.', 'met')"
    )
    con.execute(
        "create table marts.relations (source_actor_id varchar, target_actor_id varchar,"
        " relation_kind varchar, source_actor_name varchar, target_actor_name varchar)"
    )
    con.execute(
        "insert into marts.relations values ('p', 'v', 'affiliation', 'Orla Pembrook', 'Vandoria'),"
        " ('w', 'k', 'affiliation', 'Tobias Wren', 'Kestria'),"
        " ('v', 'k', 'event', 'Vandoria', 'Kestria')"
    )
    con.close()


def test_run_eval_on_a_hand_made_warehouse(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    db = tmp_path / "w.duckdb"
    _warehouse(db, corpus)
    result = evaluate_real.run_eval(db, corpus)
    by_id = {a["id"]: a for a in result["per_article"]}
    # d01 by its page file, d02 by its page_url, d03 missing
    assert by_id["d01"]["article_id"] == "a1"
    assert by_id["d02"]["article_id"] == "a2"
    assert result["missing_articles"] == ["d03"]
    # Actors: 5 required (3 + 1 + 1 missing); the place is a false positive.
    assert (result["actors"]["matched"], result["actors"]["required"]) == (4, 5)
    assert (result["actors"]["correct"], result["actors"]["extracted"]) == (4, 5)
    assert by_id["d01"]["false_positive_actors"] == [
        {"name": "Pleasant Valley", "actor_type": "location"}
    ]
    # Country: Wren has none in the warehouse.
    assert result["country"] == {"matched": 4, "right": 3, "accuracy": 0.75}
    # Events: the seizure fits; the meeting fits the symmetric gold event swapped.
    assert result["events"]["recall"] == 1.0 and result["events"]["precision"] == 1.0
    # Relations: the conflictual pair from the article's events, the affiliation from marts.
    assert result["relations"] == {"required": 2, "matched": 2, "recall": 1.0}
    report = evaluate_real.format_report(result)
    assert "country: Tobias Wren: expected KST, got [None]" in report
    assert "false-positive actors: Pleasant Valley (location)" in report


def test_main_scores_without_rebuilding_and_checks_floors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path)
    db = tmp_path / "w.duckdb"
    _warehouse(db, corpus)
    out = tmp_path / "result.json"
    argv = ["--corpus", "real", "--corpus-dir", str(corpus), "--warehouse", str(db)]
    assert evaluate.main([*argv, "--no-rebuild", "--json", str(out), "--details"]) == 0
    printed = capsys.readouterr().out
    assert "actors    R=0.800 (4/5)" in printed
    assert "== d03" in printed and "not in the warehouse" in printed
    data = json.loads(out.read_text())
    assert data["events"]["recall"] == 1.0 and data["build_seconds"] is None
    # --check fails when a floor is above what was measured.
    monkeypatch.setitem(evaluate_real.REAL_EVAL_FLOORS, "actors_recall", 0.9)
    assert evaluate.main([*argv, "--no-rebuild", "--check"]) == 1
    assert "BELOW actors_recall 0.800 < 0.900" in capsys.readouterr().out
    # Without --check the same result exits 0; a missing corpus or warehouse is a usage error.
    assert evaluate.main([*argv, "--no-rebuild"]) == 0
    assert evaluate.main(["--corpus", "real", "--corpus-dir", str(tmp_path / "none")]) == 2
    missing = ["--corpus", "real", "--corpus-dir", str(corpus), "--warehouse", str(tmp_path / "x")]
    assert evaluate.main([*missing, "--no-rebuild"]) == 2


def test_default_corpus_dir_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(evaluate_real.ENV_REAL_CORPUS, "/somewhere/corpus")
    assert evaluate_real.default_corpus_dir() == Path("/somewhere/corpus")
    monkeypatch.delenv(evaluate_real.ENV_REAL_CORPUS)
    expected = Path(evaluate_real.__file__).resolve().parents[2].parent / "shared/corpus/real"
    assert evaluate_real.default_corpus_dir() == expected


def test_floors_are_real_floors() -> None:
    floors = evaluate_real.REAL_EVAL_FLOORS
    assert set(floors) == {
        "actors_recall",
        "actors_precision",
        "country_accuracy",
        "events_recall",
        "events_precision",
        "relations_recall",
    }
    assert all(v > 0 for v in floors.values())


# --- why a gold event was missed ----------------------------------------------------


def test_explain_miss_lists_the_sentence_candidates_and_their_coding(tmp_path: Path) -> None:
    path = tmp_path / "why.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema raw; create schema intermediate; create schema marts")
    con.execute("create table raw.sentences (article_id varchar, sentence_index int, text varchar)")
    con.execute(
        "insert into raw.sentences values "
        "('a1', 0, 'Vandoria’s envoy Orla Pembrook pleaded with Zorblat, citing the drought.'),"
        "('a1', 1, 'Nothing else happened.'), ('a2', 0, 'Orla Pembrook pleaded with Zorblat.')"
    )
    con.execute(
        """create table intermediate.int_event_candidates_coded (
            article_id varchar, sentence_index int, candidate_index int, trigger_text varchar,
            agent_text varchar, patient_text varchar, prepositions varchar,
            coding_status varchar, event_code varchar, source_actor_id varchar,
            target_actor_id varchar)"""
    )
    con.execute(
        "insert into intermediate.int_event_candidates_coded values "
        "('a1', 0, 1, 'citing', 'Orla Pembrook', 'the drought', null, 'no_pattern', null,"
        " 'p1', null),"
        "('a1', 0, 0, 'pleaded', 'Orla Pembrook', null, 'with', 'untargeted_statement', '020',"
        " 'p1', null),"
        "('a2', 0, 0, 'pleaded', 'Orla Pembrook', null, 'with', 'coded', '020', 'p1', 'z1')"
    )
    con.execute("create table marts.actors (actor_id varchar, name varchar)")
    con.execute("insert into marts.actors values ('p1', 'Orla Pembrook'), ('z1', 'Zorblat')")
    # punctuation and case differ from the stored sentence: matched on a normalised fragment
    found = evaluate_real.explain_miss(con, "a1", "envoy ORLA Pembrook pleaded with Zorblat")
    assert [f["sentence"][:16] for f in found] == ["Vandoria’s envoy"]
    first, second = found[0]["candidates"]
    assert (first["trigger"], first["status"], first["code"], first["source"]) == (
        "pleaded",
        "untargeted_statement",
        "020",
        "Orla Pembrook",
    )
    assert first["target"] is None and second["trigger"] == "citing"
    assert evaluate_real.explain_miss(con, "a1", "a sentence the extraction never kept") == []
    lines = evaluate_real._why_lines({"why": found})
    assert "untargeted_statement 020 [Orla Pembrook -> None]" in lines[1]
    assert evaluate_real._why_lines({"why": []})[0].strip().startswith("sentence not in")
    con.close()
