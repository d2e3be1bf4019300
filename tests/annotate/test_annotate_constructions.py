"""Constructions of real news the annotator handles (issue 12), on invented sentences.

Each test parses its sentences with the real spaCy model and checks the candidate rows
dbt codes: who acts (pronouns, appositions, act nouns), and which acts are no events
(conditions, questions, election and game results, background act nouns).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from newsevents.annotate.events import Candidate
from newsevents.annotate.mentions import Mention

Analyse = Callable[..., tuple[list[Mention], list[Candidate]]]


def _rows(candidates: list[Candidate], lemma: str) -> list[Candidate]:
    return [c for c in candidates if c.trigger_lemma == lemma]


def _mention(mentions: list[Mention], index: int | None) -> str | None:
    return None if index is None else mentions[index].text


def test_pronoun_agent_is_the_person_named_before_it(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Senator Jane Holloway met the trade delegation on Monday. "
        "She urged Canada to lift the tariffs."
    )
    (urge,) = _rows(candidates, "urge")
    assert urge.agent_text == "She"  # the evidence keeps the pronoun ...
    assert _mention(mentions, urge.agent_mention_index) == "Jane Holloway"  # ... the actor
    assert _mention(mentions, urge.patient_mention_index) == "Canada"


def test_pronoun_without_a_named_person_before_it_stays_unresolved(analyse: Analyse) -> None:
    _, candidates = analyse("She urged Canada to lift the tariffs.")
    (urge,) = _rows(candidates, "urge")
    assert urge.agent_text == "She"
    assert urge.agent_mention_index is None  # never an actor named "She"


def test_pronoun_prefers_the_subject_of_the_nearest_sentence(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Governor Tom Reyes criticised Mayor Lisa Wong on Friday. He accused Ottawa of delays."
    )
    (accuse,) = _rows(candidates, "accuse")
    assert _mention(mentions, accuse.agent_mention_index) == "Tom Reyes"


def test_conditional_clause_is_marked(analyse: Analyse) -> None:
    _, candidates = analyse("If Peru agrees to the plan, Chile will sign the treaty.")
    (agree,) = _rows(candidates, "agree")
    assert agree.modality == "if"
    (sign,) = _rows(candidates, "sign")
    assert sign.modality == "will"  # the main clause is an intent, coded under 03x by dbt


def test_question_is_marked(analyse: Analyse) -> None:
    _, candidates = analyse("Did Brazil sanction Argentina?")
    assert candidates
    assert {c.modality for c in candidates} == {"question"}
    _, statements = analyse("Brazil sanctioned Argentina.")
    (sanction,) = _rows(statements, "sanction")
    assert sanction.modality is None


def test_election_or_game_result_is_a_contest_not_an_attack(analyse: Analyse) -> None:
    _, candidates = analyse("Smith beat Jones in the Senate primary on Tuesday.")
    (beat,) = _rows(candidates, "beat")
    assert beat.modality == "contest"
    _, attacks = analyse("Soldiers beat the prisoners in the courtyard on Tuesday.")
    (assault,) = _rows(attacks, "beat")
    assert assault.modality is None


def test_act_noun_with_a_named_agent_is_a_candidate(analyse: Analyse) -> None:
    mentions, candidates = analyse("The Chilean assault on Arica drew criticism from Peru.")
    (assault,) = _rows(candidates, "assault")
    assert assault.trigger_text == "assault"
    assert _mention(mentions, assault.agent_mention_index) == "Chilean"
    participants = json.loads(assault.participants or "[]")
    assert [(p["prep"], p["text"]) for p in participants] == [("on", "Arica")]


def test_act_noun_takes_the_lemma_of_its_verb(analyse: Analyse) -> None:
    mentions, candidates = analyse("Israeli airstrikes hit the port on Monday.")
    (strikes,) = _rows(candidates, "bomb")
    assert strikes.trigger_text == "airstrikes"
    assert _mention(mentions, strikes.agent_mention_index) == "Israeli"


def test_act_noun_in_the_background_is_no_candidate(analyse: Analyse) -> None:
    _, candidates = analyse("Since Peru's invasion of Bolivia, trade has collapsed.")
    assert not _rows(candidates, "invade")


def test_named_appositions_of_a_common_noun_subject_act(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Two senators, Maria Lopez and John Kent, are supporting Ann Lee."
    )
    rows = _rows(candidates, "support")
    assert sorted(_mention(mentions, c.agent_mention_index) or "" for c in rows) == [
        "John Kent",
        "Maria Lopez",
    ]
    assert {_mention(mentions, c.patient_mention_index) for c in rows} == {"Ann Lee"}


def test_person_told_in_reported_speech_is_the_interviewer(analyse: Analyse) -> None:
    mentions, candidates = analyse('Senator Anna Berg told Michael Lane, "We will not wait."')
    (tell,) = _rows(candidates, "tell")
    assert _mention(mentions, tell.agent_mention_index) == "Anna Berg"
    assert tell.patient_text == "Michael Lane"
    assert tell.patient_mention_index is None  # never the target of the statement
    _, plain = analyse("Senator Anna Berg told Michael Lane about the budget.")
    (told,) = _rows(plain, "tell")
    assert told.patient_mention_index is not None


def test_signing_is_reciprocal_only_for_agreements(analyse: Analyse) -> None:
    _, pact = analyse("Peru and Chile signed a trade agreement on Monday.")
    assert any(c.participants and '"prep": "with"' in c.participants for c in _rows(pact, "sign"))
    _, forms = analyse("Peru and Chile signed false customs forms on Monday.")
    assert all(not c.participants for c in _rows(forms, "sign"))


def test_passive_list_change_takes_the_list_keeper_as_agent(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The islands of Aruba and Curacao were removed on Friday from Germany's list of safe areas."
    )
    rows = _rows(candidates, "remove")
    assert {_mention(mentions, c.agent_mention_index) for c in rows} == {"Germany"}
    assert sorted(_mention(mentions, c.patient_mention_index) or "" for c in rows) == [
        "Aruba",
        "Curacao",
    ]
    _, plain = analyse("The statue was removed from the square on Monday.")
    assert all(c.agent_mention_index is None for c in _rows(plain, "remove"))


def test_people_in_a_place_stand_for_the_place(analyse: Analyse) -> None:
    mentions, candidates = analyse("Chile urged people in southern Peru to stay indoors.")
    (warn,) = _rows(candidates, "urge")
    assert _mention(mentions, warn.patient_mention_index) == "Peru"
    _, own = analyse("US officials criticised China on Monday.")
    (criticise,) = _rows(own, "criticise")
    assert criticise.agent_text == "US officials"  # a mention keeps its own resolution


def test_future_act_in_a_relative_clause_is_described_not_intended(analyse: Analyse) -> None:
    _, candidates = analyse("Kishida flew to Paris ahead of the summit that Japan will host.")
    (host,) = _rows(candidates, "host")
    assert host.modality == "described"
    _, stated = analyse("Japan will host the summit in May.")
    (intent,) = _rows(stated, "host")
    assert intent.modality == "will"


def test_person_in_apposition_to_a_role_acts(analyse: Analyse) -> None:
    mentions, candidates = analyse("The foreign minister, Anna Berg, criticised Norway.")
    (criticise,) = _rows(candidates, "criticise")
    assert _mention(mentions, criticise.agent_mention_index) == "Anna Berg"


def test_named_members_listed_with_including_act(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "But nine conservatives, including the caucus's two chairs, Linda Ostrow and "
        "Peter Vance, are backing Carla Mendes."
    )
    rows = _rows(candidates, "back")
    assert sorted(_mention(mentions, c.agent_mention_index) or "" for c in rows) == [
        "Linda Ostrow",
        "Peter Vance",
    ]
    assert {_mention(mentions, c.patient_mention_index) for c in rows} == {"Carla Mendes"}


def test_people_from_a_party_the_recogniser_missed_stand_for_its_acronym(
    analyse: Analyse,
) -> None:
    mentions, candidates = analyse(
        "Three senators from the conservative Liberty for Arcadia (LfA) invited French "
        "economist Paul Morel to Vienna."
    )
    (invite,) = _rows(candidates, "invite")
    assert _mention(mentions, invite.agent_mention_index) == "LfA"
    assert _mention(mentions, invite.patient_mention_index) == "Paul Morel"


def test_people_in_apposition_to_members_of_a_body_stand_for_it(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The two pilots, members of the Airline Pilots Association, have criticised Delta."
    )
    (criticise,) = _rows(candidates, "criticise")
    assert _mention(mentions, criticise.agent_mention_index) == "the Airline Pilots Association"
    assert _mention(mentions, criticise.patient_mention_index) == "Delta"


def test_passive_vote_in_a_chamber_is_the_chamber_against_the_proposer(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The amendment brought by Senator Ravi Persad was voted down in the Senate on Friday."
    )
    (defeat,) = _rows(candidates, "vote")
    assert _mention(mentions, defeat.agent_mention_index) == "Senate"
    assert _mention(mentions, defeat.patient_mention_index) == "Ravi Persad"
    assert defeat.object_lemma == "amendment"  # the verb patterns still see what was defeated
    (bring,) = _rows(candidates, "bring")  # the proposer does not bring himself
    assert _mention(mentions, bring.agent_mention_index) == "Ravi Persad"
    assert bring.patient_mention_index is None
    _, tally = analyse("The bill was passed in the National Assembly by 120 votes to 40.")
    (passed,) = _rows(tally, "pass")
    assert passed.agent_text == "the National Assembly"  # a vote count is no agent
    assert passed.modality is None  # a proposal voted down is no contest result
    _, place = analyse("The statue was rejected in the town square on Monday.")
    assert all(c.agent_text is None for c in _rows(place, "reject"))


def test_the_proposal_stands_for_who_made_it(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Chile proposed a ceasefire on Monday. Peru rejected the proposal."
    )
    (reject,) = _rows(candidates, "reject")
    assert _mention(mentions, reject.agent_mention_index) == "Peru"
    assert _mention(mentions, reject.patient_mention_index) == "Chile"
    assert reject.object_lemma == "proposal"
    decided_mentions, decided = analyse(
        "Hungary decided on Monday to close its border. Austria criticised the decision."
    )
    (criticise,) = _rows(decided, "criticise")
    assert _mention(decided_mentions, criticise.patient_mention_index) == "Hungary"
    _, unknown = analyse("Peru rejected the proposal.")
    (alone,) = _rows(unknown, "reject")
    assert alone.patient_mention_index is None


def test_negated_acceptance_of_an_offer_is_a_rejection(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The Red Cross offered to vaccinate the detainees. "
        "The Interior Ministry refused to accept the offer."
    )
    (reject,) = _rows(candidates, "reject")
    assert reject.trigger_text == "accept"
    assert not reject.is_negated
    assert _mention(mentions, reject.patient_mention_index) == "The Red Cross"
    _, hedged = analyse("Chile would not accept the plan.")
    (accept,) = _rows(hedged, "accept")  # a hedge is no rejection
    assert accept.is_negated
    _, other = analyse("Chile did not accept responsibility for the crash.")
    assert _rows(other, "accept") and not _rows(other, "reject")


def test_role_noun_agent_is_the_office_holder_named_before(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Rep. Tom Hale of Ohio announced his retirement on Monday. "
        "The two-term congressman will join the cabinet of President Ann Ruiz."
    )
    (join,) = _rows(candidates, "join")
    assert join.agent_text == "The two-term congressman"  # the evidence keeps the noun
    assert _mention(mentions, join.agent_mention_index) == "Tom Hale"


def test_role_noun_patient_is_never_the_agent_of_the_act(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Ben Cole said he phoned Tom Hale and requested that the congressman quit the primary."
    )
    (ask,) = _rows(candidates, "request")
    assert _mention(mentions, ask.agent_mention_index) == "Ben Cole"
    assert _mention(mentions, ask.patient_mention_index) == "Tom Hale"
    (withdraw,) = _rows(candidates, "quit")  # nor the one who asked
    assert _mention(mentions, withdraw.agent_mention_index) == "Tom Hale"


def test_body_noun_is_the_body_named_before_with_that_word(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Greenpeace staged a protest in Oslo. The group accused Norway of hypocrisy."
    )
    (accuse,) = _rows(candidates, "accuse")
    assert _mention(mentions, accuse.agent_mention_index) == "Greenpeace"
    _, other = analyse("Greenpeace staged a protest in Oslo. The ministry accused Norway of lying.")
    (ministry,) = _rows(other, "accuse")
    assert ministry.agent_mention_index is None  # Greenpeace is no ministry


def test_role_noun_without_a_fitting_person_stays_unresolved(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Chairman Ben Cole met reporters on Monday. The senator criticised Ottawa."
    )
    (criticise,) = _rows(candidates, "criticise")
    assert _mention(mentions, criticise.agent_mention_index) != "Ben Cole"  # a chairman


def test_participle_shares_the_main_clause_addressee(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        '"You failed," Senator Ann Berg told Director Paul Lee, again calling for a '
        "review of the escape."
    )
    (call,) = _rows(candidates, "call")
    assert _mention(mentions, call.agent_mention_index) == "Ann Berg"
    participants = json.loads(call.participants or "[]")
    assert ("to", "Director Paul Lee") in [(p["prep"], p["text"]) for p in participants]
    assert call.prepositions == "for"  # the verb's own phrases still choose its pattern
    _, report = analyse("Israel bombed Gaza on Monday, saying it targeted militants.")
    (say,) = _rows(report, "say")
    assert not say.participants  # a report is addressed to no one in particular


def test_headline_passive_without_auxiliary_makes_the_name_the_patient(analyse: Analyse) -> None:
    mentions, candidates = analyse("Mark Rowe accused of hiding donations from the party")
    (accuse,) = _rows(candidates, "accuse")
    assert accuse.is_passive
    assert accuse.agent_mention_index is None
    assert _mention(mentions, accuse.patient_mention_index) == "Mark Rowe"
    _, charged = analyse("Two guards charged with falsifying records")
    (charge,) = _rows(charged, "charge")
    assert charge.is_passive and charge.agent_text is None
    active_mentions, active = analyse("Chile accused Peru of lying.")
    (accused,) = _rows(active, "accuse")  # the active keeps its agent
    assert not accused.is_passive
    assert _mention(active_mentions, accused.agent_mention_index) == "Chile"
    assert _mention(active_mentions, accused.patient_mention_index) == "Peru"


def test_a_relative_or_aide_is_not_the_person_named_through_them(analyse: Analyse) -> None:
    _, candidates = analyse("The rebels attacked Ruiz's husband on Monday.")
    (attack,) = _rows(candidates, "attack")
    assert attack.patient_text == "Ruiz's husband"
    assert attack.patient_mention_index is None  # not Ruiz
    spoke_mentions, spoke = analyse("Putin's spokesman criticised Kyiv.")
    (criticise,) = _rows(spoke, "criticise")  # a spokesman speaks for the one named
    assert _mention(spoke_mentions, criticise.agent_mention_index) == "Putin"
    _, critics = analyse("Kremlin critics accused Putin of fraud.")
    (accused,) = _rows(critics, "accuse")
    assert accused.agent_mention_index is None  # critics of the Kremlin are not the Kremlin
    widow_mentions, widow = analyse("Navalny's widow, Yulia Navalnaya, met Biden.")
    (meet,) = _rows(widow, "meet")  # a name in apposition still counts
    assert _mention(widow_mentions, meet.agent_mention_index) == "Yulia Navalnaya"


def test_wish_with_its_own_subject_is_still_a_wish(analyse: Analyse) -> None:
    _, candidates = analyse("Most Kenyans want Parliament to investigate Ruto if he lied.")
    (investigate,) = _rows(candidates, "investigate")
    assert investigate.modality == "wants_to"  # what they want has not happened
    _, done = analyse("Parliament investigated Ruto last year.")
    (investigated,) = _rows(done, "investigate")
    assert investigated.modality is None


def test_pronoun_keeps_the_person_an_earlier_pronoun_subject_stands_for(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Tomas Varga faces ten years in prison. "
        "He was detained last spring over a call to the office of Senator Ann Holloway. "
        "During the call, he insulted the senator's staff and threatened Holloway."
    )
    # the subject "He" of the middle sentence is Varga: the person named in it (not a
    # subject) is not whom the next "he" stands for
    (threaten,) = _rows(candidates, "threaten")
    assert _mention(mentions, threaten.agent_mention_index) == "Tomas Varga"
    assert _mention(mentions, threaten.patient_mention_index) == "Holloway"


def test_pronoun_looks_past_a_stray_quote_mark_and_bare_lawmakers_are_the_committee(
    analyse: Analyse,
) -> None:
    mentions, candidates = analyse(
        'Jane Doe told the Senate Finance Committee, "I warned the ministry in May. '
        'My warnings were ignored."\n"\nShe urged lawmakers to reject the tax bill.'
    )
    (urge,) = _rows(candidates, "urge")
    assert _mention(mentions, urge.agent_mention_index) == "Jane Doe"
    assert urge.patient_text == "lawmakers"
    assert _mention(mentions, urge.patient_mention_index) == "the Senate Finance Committee"


def test_modified_lawmakers_are_not_the_committee(analyse: Analyse) -> None:
    _, candidates = analyse(
        "Jane Doe testified before the Senate Finance Committee on Tuesday. "
        "She urged two lawmakers to reject the tax bill."
    )
    (urge,) = _rows(candidates, "urge")
    assert urge.patient_mention_index is None


def test_role_noun_subject_across_a_paragraph_and_the_pronoun_after_it(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Rep. Tom Reyes criticised the plan on Monday.\n"
        "The three-term congressman will quit Congress to work for Governor Lisa Wong, "
        "a decision he announced on Tuesday."
    )
    (quit_,) = _rows(candidates, "quit")
    assert _mention(mentions, quit_.agent_mention_index) == "Tom Reyes"  # a Rep. fits
    (announce,) = _rows(candidates, "announce")
    # "he" follows the congressman, the subject, not the governor named just before it
    assert _mention(mentions, announce.agent_mention_index) == "Tom Reyes"


def test_role_noun_across_a_paragraph_needs_a_fitting_role(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Tom Reyes criticised the plan on Monday.\nThe vote on it was delayed.\n"
        "The congressman accused Ottawa of lying."
    )
    (accuse,) = _rows(candidates, "accuse")
    # a person without a role in another paragraph, beyond the sentence just before, is
    # not "the congressman"
    assert _mention(mentions, accuse.agent_mention_index) != "Tom Reyes"


def test_gerund_of_an_admission_or_of_a_for_phrase_on_the_object_shares_the_subject(
    analyse: Analyse,
) -> None:
    mentions, candidates = analyse(
        "Jane Doe pleaded guilty on Monday to threatening Senator Tom Reyes. "
        "The Acme Union made headlines for backing Lisa Wong. "
        "Tom Reyes thanked Lisa Wong for helping the refugees."
    )
    (threaten,) = _rows(candidates, "threaten")
    assert _mention(mentions, threaten.agent_mention_index) == "Jane Doe"
    assert _mention(mentions, threaten.patient_mention_index) == "Tom Reyes"
    (back,) = _rows(candidates, "back")
    assert _mention(mentions, back.agent_mention_index) == "The Acme Union"
    assert _mention(mentions, back.patient_mention_index) == "Lisa Wong"
    (help_,) = _rows(candidates, "help")
    assert help_.agent_mention_index is None  # thanked for Wong's help: not Reyes' act


def test_quoted_first_person_is_the_speaker_and_would_call_on_is_an_appeal(
    analyse: Analyse,
) -> None:
    mentions, candidates = analyse(
        "The Ruritanian Government announced new quarantine rules on Friday.\n"
        "Ann Holloway criticised the rules on Monday.\n"
        'Speaking in Parliament, the Labour MP said: "These rules will cost jobs.\n'
        '"I would call on ministers to talk to the airlines.\n'
        '"I went to the airport last week and saw the queues."'
    )
    # "the Labour MP": the person named just before, not the party
    (say,) = _rows(candidates, "say")
    assert _mention(mentions, say.agent_mention_index) == "Ann Holloway"
    (call,) = _rows(candidates, "call")
    assert call.agent_text == "I"
    assert _mention(mentions, call.agent_mention_index) == "Ann Holloway"  # the one quoted
    assert call.modality is None  # "I would call on": the appeal is made, not hypothetical
    # bare "ministers" are the government named before
    assert _mention(mentions, call.patient_mention_index) == "The Ruritanian Government"
    # a story told in the past tense is an anecdote: that "I" stays unnamed
    (go,) = _rows(candidates, "go")
    assert go.agent_mention_index is None


def test_quoted_first_person_of_an_unnamed_speaker_stays_unnamed(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        'Jane Doe said she opposed the plan. "I\'d call on the mayor to resign," a resident said. '
        '"We would urge the council to act," Tom Reyes said. "I would not ask for more."'
    )
    call = next(c for c in _rows(candidates, "call"))
    assert call.agent_mention_index is None  # "a resident" is no one named
    (ask,) = _rows(candidates, "ask")
    # the quotation goes on from the sentence that names its speaker
    assert _mention(mentions, ask.agent_mention_index) == "Tom Reyes"
    assert ask.is_negated and ask.modality == "would"  # no performative when negated


def test_the_offer_of_people_standing_for_a_body_is_the_body_s(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The nurses, members of the Northland Nurses Union, offered to staff the clinic for "
        "free.\nThe Northland Health Board has not accepted the offer."
    )
    (reject,) = _rows(candidates, "reject")  # a stated refusal of the offer
    assert _mention(mentions, reject.agent_mention_index) == "The Northland Health Board"
    assert _mention(mentions, reject.patient_mention_index) == "the Northland Nurses Union"
    assert reject.object_lemma == "offer"


def test_conduct_noun_of_phrase_names_whose_conduct_act_noun_of_phrase_does_not(
    analyse: Analyse,
) -> None:
    mentions, candidates = analyse(
        "Senator Tom Reyes raised questions about the conduct of a fellow official, Jane Doe, "
        "on Monday. He also condemned the invasion of Ruritania."
    )
    (raise_,) = _rows(candidates, "raise")
    (about,) = [p for p in json.loads(raise_.participants or "[]") if p["prep"] == "about"]
    assert about["text"] == "the conduct"
    assert _mention(mentions, about["mention_index"]) == "Jane Doe"  # as "Doe's conduct"
    (condemn,) = _rows(candidates, "condemn")
    assert condemn.patient_mention_index is None  # "the invasion of X" names what was invaded


def test_for_gerund_on_a_plan_is_not_the_subject_s_act(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Governor Lisa Wong faced criticism for blocking the Acme Union. "
        "Governor Lisa Wong announced a plan for building a new hospital."
    )
    (block,) = _rows(candidates, "block")
    assert _mention(mentions, block.agent_mention_index) == "Lisa Wong"
    (build,) = _rows(candidates, "build")
    assert build.agent_mention_index is None  # planned, not done: no agent lent


def test_a_plea_of_not_guilty_admits_no_act(analyse: Analyse) -> None:
    _, candidates = analyse("Jane Doe pleaded not guilty on Monday to threatening Tom Reyes.")
    (threaten,) = _rows(candidates, "threaten")
    assert threaten.agent_mention_index is None


def test_result_clause_parsed_as_subject_gives_the_patient(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "The Senate met on Tuesday.\n"
        "Holloway then voted with the majority, resulting in Reyes's amendment being rejected."
    )
    (reject,) = _rows(candidates, "reject")
    # the parse makes "resulting" the subject of "rejected": the amendment was rejected
    assert reject.is_passive
    assert reject.patient_text == "Reyes's amendment"
    assert reject.object_lemma == "amendment"
    assert reject.patient_mention_index is not None
    assert _mention(mentions, reject.patient_mention_index) == "Reyes"


def test_phrases_inside_a_document_s_content_are_not_the_act_s_participants(
    analyse: Analyse,
) -> None:
    _, candidates = analyse(
        "The White House released the transcript of the call with Jane Doe on Friday. "
        "Ruritania pledged $1 billion in aid to Tarsia."
    )
    (release,) = _rows(candidates, "release")
    preps = [p["prep"] for p in json.loads(release.participants or "[]")]
    assert "with" not in preps  # the call was with Doe; the transcript went to no one
    (pledge,) = _rows(candidates, "pledge")
    to = [p["text"] for p in json.loads(pledge.participants or "[]") if p["prep"] == "to"]
    assert to == ["Tarsia"]  # an amount's content keeps its phrases


def test_naming_with_a_negative_evaluative_predicate_disapproves(analyse: Analyse) -> None:
    mentions, candidates = analyse("Senator Jo Bloggs called Governor Ann Roe a liar on Tuesday.")
    (call,) = _rows(candidates, "call")
    assert _mention(mentions, call.agent_mention_index) == "Jo Bloggs"
    assert _mention(mentions, call.patient_mention_index) == "Ann Roe"
    assert call.object_lemma == "liar"  # the verb pattern codes call + liar as 111


def test_evaluated_small_clause_subject_is_the_patient(analyse: Analyse) -> None:
    _, candidates = analyse("Ann Roe called Jo Bloggs's decision heartbreaking.")
    (call,) = _rows(candidates, "call")
    assert call.object_lemma == "heartbreaking"
    assert call.patient_text is not None and "Bloggs" in call.patient_text


def test_neutral_naming_is_no_event(analyse: Analyse) -> None:
    _, candidates = analyse(
        "The Acme Union called the strike a success. Ann Roe called the group The Porch Sitters."
    )
    for call in _rows(candidates, "call"):
        assert call.patient_text is None  # naming addresses no one: no target, no 111
        assert call.object_lemma not in {"success", "sitters"}
