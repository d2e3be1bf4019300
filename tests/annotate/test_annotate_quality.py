"""Constructions news uses that the annotator must not get wrong (hand-written sentences).

Datelines, particles inside names, recipients inside amount phrases, reciprocal verbs
with coordinated subjects and coordinated prepositional objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from newsevents.annotate.events import Candidate
from newsevents.annotate.mentions import Mention, dateline_tokens
from spacy.tokens import Doc

Analyse = Callable[..., tuple[list[Mention], list[Candidate]]]


def _rows(candidates: list[Candidate], lemma: str) -> list[Candidate]:
    rows = [c for c in candidates if c.trigger_lemma == lemma]
    assert rows, f"no {lemma!r} in {[c.trigger_lemma for c in candidates]}"
    return rows


def _mention(mentions: list[Mention], index: int | None) -> str | None:
    return None if index is None else mentions[index].text


def _participant_texts(mentions: list[Mention], candidate: Candidate) -> list[tuple[str, str]]:
    items = json.loads(candidate.participants or "[]")
    return [(p["prep"], _mention(mentions, p["mention_index"]) or p["text"]) for p in items]


def test_dateline_is_neither_a_mention_nor_part_of_the_agent(
    parse: Callable[[str], Doc], analyse: Analyse
) -> None:
    text = (
        "OSLO, March 3 (Wirepress) - Norwegian Foreign Minister Espen Barth Eide "
        "condemned Iran on Tuesday.\n"
        "CAIRO (Wirepress) — Egypt recalled its ambassador from Israel.\n"
    )
    doc = parse(text)
    dateline = dateline_tokens(doc)
    assert {doc[i].text for i in dateline} >= {"OSLO", "Wirepress", "CAIRO", "-", "—"}
    assert "condemned" not in {doc[i].text for i in dateline}
    mentions, candidates = analyse(text)
    assert "Wirepress" not in {m.text for m in mentions}  # the agency credit is no actor
    (condemn,) = _rows(candidates, "condemn")
    assert condemn.agent_text is not None and not condemn.agent_text.startswith("OSLO")
    assert _mention(mentions, condemn.patient_mention_index) == "Iran"
    recall = _rows(candidates, "recall")
    assert all(c.agent_text == "Egypt" for c in recall)


def test_an_all_capital_subject_is_not_a_dateline(parse: Callable[[str], Doc]) -> None:
    doc = parse("NATO said on Monday that it would send more jets - a first for the alliance.")
    assert dateline_tokens(doc) == frozenset()


def test_person_name_split_at_a_particle_is_merged(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Commission President Ursula von der Leyen warned Moscow on Friday."
    )
    person = [m for m in mentions if m.label == "PERSON"]
    assert [m.text for m in person] == ["Ursula von der Leyen"]
    assert "Leyen" not in {m.text for m in mentions if m.label != "PERSON"}
    (warn,) = _rows(candidates, "warn")
    assert _mention(mentions, warn.agent_mention_index) == "Ursula von der Leyen"


def test_recipient_inside_an_amount_phrase_is_a_participant(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Canada pledged $500 million in humanitarian aid to Sudan on Thursday."
    )
    (pledge,) = _rows(candidates, "pledge")
    assert ("to", "Sudan") in _participant_texts(mentions, pledge)
    assert pledge.object_lemma == "aid"


def test_reciprocal_verb_gives_each_subject_the_other_as_partner(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Kenyan President William Ruto and Ethiopian Prime Minister Abiy Ahmed signed "
        "a trade accord in Nairobi."
    )
    rows = _rows(candidates, "sign")
    pairs = {
        (_mention(mentions, c.agent_mention_index), _participant_texts(mentions, c)[0])
        for c in rows
    }
    assert pairs == {
        ("William Ruto", ("with", "Abiy Ahmed")),
        ("Abiy Ahmed", ("with", "William Ruto")),
    }


def test_non_reciprocal_verb_with_coordinated_subjects_gets_no_partner(analyse: Analyse) -> None:
    mentions, candidates = analyse("Germany and France condemned the attack.")
    for row in _rows(candidates, "condemn"):
        assert all(prep != "with" for prep, _ in _participant_texts(mentions, row))


def test_each_coordinated_named_object_gets_its_own_candidate(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Prime Minister Fumio Kishida held talks with Emmanuel Macron in Paris on Monday "
        "and with Giorgia Meloni in Rome on Tuesday."
    )
    rows = _rows(candidates, "hold")
    partners = [
        [text for prep, text in _participant_texts(mentions, c) if prep == "with"] for c in rows
    ]
    assert sorted(partners) == [["Emmanuel Macron"], ["Giorgia Meloni"]]


def test_coordinated_common_nouns_are_not_split(analyse: Analyse) -> None:
    _, candidates = analyse("The bank offered loans in grants and credits to farmers.")
    assert len(_rows(candidates, "offer")) == 1


def test_middle_name_short_form_links_to_the_full_name(analyse: Analyse) -> None:
    mentions, _ = analyse(
        "Mexican President Andres Manuel Lopez Obrador met Justin Trudeau. "
        "Manuel appealed to Canada for help."
    )
    short = [m for m in mentions if m.text == "Manuel"]
    assert short and short[0].label == "PERSON"
    antecedent = short[0].antecedent_mention_index
    assert antecedent is not None and mentions[antecedent].text == "Andres Manuel Lopez Obrador"


def test_unnamed_ministry_is_a_role_reference_to_its_country(analyse: Analyse) -> None:
    mentions, _ = analyse(
        "The Russian Defence Ministry said its forces hit military targets. "
        "Georgia's Interior Ministry said 100 people were detained. "
        "The Interior Ministry gave no figures."
    )
    refs = {m.text: m for m in mentions if m.label == "ROLE_REF"}
    russian = next(m for text, m in refs.items() if "Defence Ministry" in text)
    assert russian.role == "Defence Ministry"
    assert "Russian" in {russian.role_modifier, russian.affiliation}  # tagger: ADJ or PROPN
    georgian = next(m for m in refs.values() if m.affiliation == "Georgia")
    assert georgian.role == "Interior Ministry"
    bare = [m for text, m in refs.items() if text == "The Interior Ministry"]
    assert bare and bare[0].role_modifier is None and bare[0].affiliation is None
    assert not any(m.label == "ORG" and "Ministry" in m.text for m in mentions)


def test_counterpart_takes_the_role_of_the_titled_person(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Indian Foreign Minister Subrahmanyam Jaishankar arrived in Tokyo on Sunday. "
        "Japanese Foreign Minister Yoko Kamikawa met her Indian counterpart on Monday."
    )
    (ref,) = [m for m in mentions if m.label == "ROLE_REF"]
    assert (ref.role, ref.role_modifier) == ("Foreign Minister", "Indian")
    assert ref.antecedent_mention_index is not None
    assert mentions[ref.antecedent_mention_index].text == "Subrahmanyam Jaishankar"
    (meet,) = _rows(candidates, "meet")
    assert meet.patient_mention_index == ref.mention_index


def test_directive_addresses_the_subject_of_the_demanded_clause(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The Security Council demanded on Friday that Israel open the border crossings."
    )
    (demand,) = _rows(candidates, "demand")
    assert _mention(mentions, demand.patient_mention_index) == "Israel"
    (open_,) = _rows(candidates, "open")
    assert open_.modality is not None  # demanded, not done


def test_urged_action_is_not_a_fact(analyse: Analyse) -> None:
    _, candidates = analyse("Egypt urged Hamas to release the hostages.")
    (release,) = _rows(candidates, "release")
    assert release.modality == "urged_to"


def test_demonym_with_a_group_noun_is_a_group_mention(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Hundreds of Kenyan demonstrators marched against President William Ruto on Sunday. "
        "Russian troops shelled the town."
    )
    groups = [m for m in mentions if m.label == "GROUP"]
    assert [(g.text, g.role, g.role_modifier) for g in groups] == [
        ("Kenyan demonstrators", "demonstrators", "Kenyan")
    ]  # troops act for their country: no group
    (march,) = _rows(candidates, "march")
    # The amount's "of" phrase is the agent, not "Hundreds".
    assert _mention(mentions, march.agent_mention_index) == "Kenyan demonstrators"
    assert ("against", "William Ruto") in _participant_texts(mentions, march)


def test_agreement_tagged_org_is_not_an_actor_label(analyse: Analyse) -> None:
    mentions, _ = analyse("The United States reaffirmed the Mutual Defense Treaty with Manila.")
    treaty = [m for m in mentions if "Treaty" in m.text]
    assert treaty and all(m.label == "LAW" for m in treaty)


def test_naming_verb_with_two_objects_is_no_event(analyse: Analyse) -> None:
    _, candidates = analyse("Vietnam disputes the islands, which China calls Xisha.")
    assert not [c for c in candidates if c.trigger_lemma == "call"]


def test_object_misparsed_as_subject_of_a_participle(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Washington announced sanctions against Iran covering 200 companies."
    )
    (announce,) = _rows(candidates, "announce")
    assert announce.object_lemma == "sanction"
    assert ("against", "Iran") in _participant_texts(mentions, announce)


def test_gerund_object_after_a_preposition_is_a_participant(analyse: Analyse) -> None:
    mentions, candidates = analyse("Serbia suspended talks on joining the European Union.")
    (suspend,) = _rows(candidates, "suspend")
    assert ("on", "the European Union") in _participant_texts(mentions, suspend)


def test_named_place_inside_an_aimed_phrase_is_a_participant(analyse: Analyse) -> None:
    mentions, candidates = analyse("Israel fired rockets at targets across Lebanon on Monday.")
    (fire,) = _rows(candidates, "fire")
    assert ("at", "Lebanon") in _participant_texts(mentions, fire)


def test_apposition_names_the_agent(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Navalny's widow, Yulia Navalnaya, met European Union foreign ministers in Brussels."
    )
    (meet,) = _rows(candidates, "meet")
    assert _mention(mentions, meet.agent_mention_index) == "Yulia Navalnaya"


def test_organisation_name_cut_after_of_is_completed(analyse: Analyse) -> None:
    mentions, _ = analyse("Kishida is visiting five of the Group of Seven countries.")
    assert any(m.text.endswith("Group of Seven") for m in mentions)
    assert not any(m.text.endswith("of") for m in mentions)


def test_purpose_clause_names_the_beneficiary(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Japan announced $2 billion in loans to help Ghana repay its debts. "
        "Germany sent engineers to help rebuild Iraq."
    )
    (announce,) = _rows(candidates, "announce")
    assert ("to", "Ghana") in _participant_texts(mentions, announce)
    (send,) = _rows(candidates, "send")
    assert ("to", "Iraq") in _participant_texts(mentions, send)


def test_transitive_fight_gives_no_partner(analyse: Analyse) -> None:
    mentions, candidates = analyse("Iraq and Iran fought Islamic State militants in 2017.")
    for row in candidates:
        assert all(prep != "with" for prep, _ in _participant_texts(mentions, row))


def test_capitalised_subject_with_a_dash_is_not_a_dateline(parse: Callable[[str], Doc]) -> None:
    doc = parse("NATO leaders - meeting in Vilnius - pledged more support for Ukraine.")
    assert dateline_tokens(doc) == frozenset()
    mid = parse("The talks ended.\nWASHINGTON, May 2 (Wirepress) - The Senate passed the bill.")
    assert {mid[i].text for i in dateline_tokens(mid)} >= {"WASHINGTON", "Wirepress", "-"}
    inline = parse("He said so. BEIJING (Wirepress) - China objected.")
    assert dateline_tokens(inline) == frozenset()  # not at a paragraph start
