"""Event candidates from the dependency parse on hand-written sentences."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from newsevents.annotate.events import Candidate
from newsevents.annotate.mentions import Mention

Analyse = Callable[..., tuple[list[Mention], list[Candidate]]]


def _rows(candidates: list[Candidate], lemma: str) -> list[Candidate]:
    rows = [c for c in candidates if c.trigger_lemma == lemma]
    assert rows, f"no {lemma!r} in {[c.trigger_lemma for c in candidates]}"
    return rows


def _mention(mentions: list[Mention], index: int | None) -> str | None:
    return None if index is None else mentions[index].text


def test_active_clause_agent_patient_preposition_and_date(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday."
    )
    (meet,) = _rows(candidates, "meet")
    assert _mention(mentions, meet.agent_mention_index) == "Olaf Scholz"
    assert _mention(mentions, meet.patient_mention_index) == "Emmanuel Macron"
    assert meet.agent_text == "German Chancellor Olaf Scholz"
    assert meet.prepositions == "in"  # the temporal "on Monday" is not an argument
    participants = json.loads(meet.participants or "[]")
    assert participants == [
        {
            "prep": "in",
            "text": "Paris",
            "lemma": "paris",
            "mention_index": participants[0]["mention_index"],
        }
    ]
    assert _mention(mentions, participants[0]["mention_index"]) == "Paris"
    assert (meet.date_text, meet.event_date, meet.date_resolution) == (
        "on Monday",
        date(2024, 5, 13),
        "exact",
    )
    assert not meet.is_passive and not meet.is_negated and meet.modality is None


def test_coordinated_subjects_give_one_row_each(analyse: Analyse) -> None:
    mentions, candidates = analyse("France and Germany agreed to expand their defense cooperation.")
    agree = _rows(candidates, "agree")
    assert sorted(_mention(mentions, c.agent_mention_index) or "" for c in agree) == [
        "France",
        "Germany",
    ]
    expand = _rows(candidates, "expand")
    # The xcomp takes the subjects of "agreed"; its object gives object_lemma.
    assert sorted(_mention(mentions, c.agent_mention_index) or "" for c in expand) == [
        "France",
        "Germany",
    ]
    assert {c.object_lemma for c in expand} == {"cooperation"}
    assert {c.modality for c in expand} == {"agrees_to"}


def test_coordinated_verbs_share_the_subject(analyse: Analyse) -> None:
    _, candidates = analyse("The rebels seized the town and killed three soldiers.")
    (seize,) = _rows(candidates, "seize")
    (kill,) = _rows(candidates, "kill")
    assert seize.agent_text == kill.agent_text == "The rebels"
    assert (seize.object_lemma, kill.object_lemma) == ("town", "soldier")


def test_passive_takes_the_agent_from_the_by_phrase(analyse: Analyse) -> None:
    mentions, candidates = analyse("The minister was received by King Charles at Windsor Castle.")
    (receive,) = _rows(candidates, "receive")
    assert receive.is_passive
    assert _mention(mentions, receive.agent_mention_index) == "Charles"
    assert receive.patient_text == "The minister"
    participants = json.loads(receive.participants or "[]")
    assert [(p["prep"], p["text"]) for p in participants] == [("at", "Windsor Castle")]


def test_negation_is_flagged(analyse: Analyse) -> None:
    mentions, candidates = analyse("Turkey has never recognized the Cypriot government.")
    (recognize,) = _rows(candidates, "recognize")
    assert recognize.is_negated
    assert _mention(mentions, recognize.agent_mention_index) == "Turkey"
    _, candidates = analyse("Iran did not attack Israel.")
    assert _rows(candidates, "attack")[0].is_negated


def test_refusal_negates_the_complement(analyse: Analyse) -> None:
    _, candidates = analyse("Canada refused to sign the agreement.")
    (sign,) = _rows(candidates, "sign")
    assert sign.is_negated and sign.object_lemma == "agreement"
    assert not _rows(candidates, "refuse")[0].is_negated


def test_modal_auxiliary(analyse: Analyse) -> None:
    _, candidates = analyse("Brazil may impose new tariffs on Chinese steel.")
    (impose,) = _rows(candidates, "impose")
    assert impose.modality == "may"
    assert impose.prepositions == "on"


def test_hedges_from_the_governing_verb(analyse: Analyse) -> None:
    mentions, candidates = analyse("The senator is expected to visit Taiwan next month.")
    (visit,) = _rows(candidates, "visit")
    assert visit.modality == "expected_to"
    assert visit.agent_text == "The senator"
    assert _mention(mentions, visit.patient_mention_index) == "Taiwan"
    assert (visit.event_date, visit.event_date_start, visit.event_date_end) == (
        None,
        date(2024, 6, 1),
        date(2024, 6, 30),
    )
    assert visit.date_resolution == "range"
    _, candidates = analyse("Egypt plans to host a peace summit.")
    assert _rows(candidates, "host")[0].modality == "plans_to"


def test_reported_speech_and_pronoun_agent(analyse: Analyse) -> None:
    mentions, candidates = analyse("Erdogan says he will meet Zelensky in Istanbul next Thursday.")
    (meet,) = _rows(candidates, "meet")
    assert meet.reported_by_text == "Erdogan"
    assert _mention(mentions, meet.reported_by_mention_index) == "Erdogan"
    assert meet.agent_text == "he"
    assert _mention(mentions, meet.agent_mention_index) == "Erdogan"
    assert _mention(mentions, meet.patient_mention_index) == "Zelensky"
    assert meet.modality == "will"
    assert (meet.date_text, meet.event_date) == ("next Thursday", date(2024, 5, 23))
    (say,) = _rows(candidates, "say")
    assert say.reported_by_text is None
    assert say.date_resolution == "article_date" and say.event_date == date(2024, 5, 16)


def test_quoted_speech_after_the_quote(analyse: Analyse) -> None:
    _, candidates = analyse('"We will not accept this," Macron said on Tuesday.')
    (accept,) = _rows(candidates, "accept")
    assert accept.reported_by_text == "Macron"
    assert accept.is_negated and accept.modality == "will"
    (say,) = _rows(candidates, "say")
    assert (say.date_text, say.event_date) == ("on Tuesday", date(2024, 5, 14))


def test_amount_object_uses_the_in_phrase_head(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The European Union pledged $500 million in humanitarian aid to Sudan."
    )
    (pledge,) = _rows(candidates, "pledge")
    assert pledge.object_lemma == "aid"
    assert pledge.patient_text == "$500 million"
    assert pledge.prepositions == "in to"
    participants = json.loads(pledge.participants or "[]")
    assert [(p["prep"], p["lemma"]) for p in participants] == [("in", "aid"), ("to", "sudan")]
    assert _mention(mentions, participants[1]["mention_index"]) == "Sudan"


def test_relative_pronoun_and_clause_dates(analyse: Analyse) -> None:
    _, candidates = analyse(
        "The talks, which are expected to resume in Geneva, collapsed on May 3."
    )
    (resume,) = _rows(candidates, "resume")
    assert resume.agent_text == "The talks"
    assert resume.modality == "expected_to"
    assert resume.date_resolution == "article_date"  # "on May 3" belongs to "collapsed"
    (collapse,) = _rows(candidates, "collapse")
    assert (collapse.date_text, collapse.event_date) == ("on May 3", date(2024, 5, 3))


def test_when_clause_takes_the_date_it_hangs_on(analyse: Analyse) -> None:
    _, candidates = analyse(
        "The town became a major trade hub in 1884, when Governor Alan Pike hosted "
        "the regional summit."
    )
    (host,) = _rows(candidates, "host")
    assert host.date_resolution == "range"
    assert (host.event_date_start, host.event_date_end) == (date(1884, 1, 1), date(1884, 12, 31))
    # a clause without "when" keeps the article's date
    _, candidates = analyse("Governor Alan Pike hosted the regional summit, which began in 1902.")
    (host,) = _rows(candidates, "host")
    assert host.date_resolution == "article_date"


def test_particle_and_last_week_range(analyse: Analyse) -> None:
    _, candidates = analyse("Scholz and Macron set up a task force last week.")
    rows = _rows(candidates, "set")
    assert {c.particle for c in rows} == {"up"}
    assert {(c.event_date, c.event_date_start, c.event_date_end) for c in rows} == {
        (None, date(2024, 5, 6), date(2024, 5, 12))
    }


def test_no_published_date_leaves_dates_unresolved(analyse: Analyse) -> None:
    _, candidates = analyse("Iran attacked Israel on Thursday.", published=None)
    (attack,) = _rows(candidates, "attack")
    assert attack.event_date is None
    assert attack.date_resolution == "unresolved"
    assert attack.date_text == "on Thursday"


def test_trigger_offsets(analyse: Analyse) -> None:
    text = "Iran did not attack Israel."
    _, candidates = analyse(text)
    (attack,) = _rows(candidates, "attack")
    assert text[attack.trigger_start_char : attack.trigger_end_char] == "attack"
    assert text[attack.agent_start_char : attack.agent_end_char] == "Iran"  # type: ignore[index]


def test_object_control_gives_the_complement_its_agent(analyse: Analyse) -> None:
    mentions, candidates = analyse("The United Nations urged Russia to withdraw its troops.")
    (urge,) = _rows(candidates, "urge")
    assert _mention(mentions, urge.patient_mention_index) == "Russia"
    (withdraw,) = _rows(candidates, "withdraw")
    assert _mention(mentions, withdraw.agent_mention_index) == "Russia"
    assert withdraw.object_lemma == "troop"


def test_according_to_is_reported_speech(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Hamas released two hostages on Sunday, according to the Red Cross."
    )
    (release,) = _rows(candidates, "release")
    assert release.reported_by_text == "the Red Cross"
    assert _mention(mentions, release.reported_by_mention_index) == "the Red Cross"
    assert release.event_date == date(2024, 5, 12)


def test_coordinated_verbs_share_the_modal(analyse: Analyse) -> None:
    _, candidates = analyse("The two ministers will meet in Geneva and sign a trade deal.")
    assert _rows(candidates, "meet")[0].modality == "will"
    (sign,) = _rows(candidates, "sign")
    assert (sign.modality, sign.agent_text) == ("will", "The two ministers")


def test_finite_verb_beside_an_infinitive_keeps_its_own_reality(analyse: Analyse) -> None:
    _, candidates = analyse(
        "The mayor promised to cut taxes and attacked his rival over the budget."
    )
    assert _rows(candidates, "cut")[0].modality == "promises_to"
    (attack,) = _rows(candidates, "attack")
    assert (attack.modality, attack.agent_text) == (None, "The mayor")
    _, candidates = analyse("The minister plans to visit Paris and meet the president.")
    assert _rows(candidates, "meet")[0].modality == "plans_to"


def test_adjective_complement_is_the_object_lemma(analyse: Analyse) -> None:
    _, candidates = analyse("A Texas man pleaded guilty to wire fraud on Monday.")
    (plead,) = _rows(candidates, "plead")
    assert (plead.object_lemma, plead.patient_text, plead.is_negated) == ("guilty", None, False)
    _, candidates = analyse("The former mayor pleads not guilty to bribery charges.")
    assert _rows(candidates, "plead")[0].object_lemma == "not guilty"
    _, candidates = analyse("The union pleaded with the minister for more time.")
    assert _rows(candidates, "plead")[0].object_lemma is None


def test_person_named_after_the_place_of_an_office_is_the_agent(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Former U.S. ambassador to Ruritania Mary Jones testified before the committee"
        " on Friday. Jones said she was shocked."
    )
    assert _mention(mentions, _rows(candidates, "testify")[0].agent_mention_index) == "Mary Jones"
    mentions, candidates = analyse(
        "An adviser to U.S. President Jo Bloggs criticized the plan. Bloggs said nothing."
    )
    assert _rows(candidates, "criticize")[0].agent_mention_index is None


def test_gerund_of_a_time_phrase_shares_the_clause_subject(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Jo Bloggs returned home on Friday after being arrested by French police in Lyon."
    )
    (arrest,) = _rows(candidates, "arrest")
    assert (arrest.agent_text, _mention(mentions, arrest.patient_mention_index)) == (
        "French police",
        "Jo Bloggs",
    )
    _, candidates = analyse("Jo Bloggs left Paris after meeting the president.")
    assert _rows(candidates, "meet")[0].agent_text == "Jo Bloggs"
    _, candidates = analyse("The mayor thanked Jo Bloggs for helping the city.")
    assert _rows(candidates, "help")[0].agent_text is None


def test_object_determined_by_no_is_negated(analyse: Analyse) -> None:
    _, candidates = analyse("Japan has signed no agreement with China.")
    (sign,) = _rows(candidates, "sign")
    assert sign.is_negated
