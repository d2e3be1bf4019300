"""Event candidates from the dependency parse (pure functions of a spaCy ``Doc``).

One candidate per (predicate, agent, patient): every verb with at least an agent
or a patient. What dbt gets, and how it is derived:

* agent / patient: the subject and direct object; in the passive ("was welcomed
  by Xi") the ``by`` phrase is the agent and the subject the patient. A headline's
  passive without auxiliary ("X accused of Y", "X charged with Y": a verb of
  :data:`REDUCED_PASSIVE_PREPS` with its passive preposition before any object) is a
  passive too: X is the patient. Coordinated
  subjects or objects ("Xi and Putin pledged") give one row each. A verb without
  its own subject takes it from the verb it is coordinated with ("met and
  signed"), from its governing verb when it is an ``xcomp`` ("pledged to deepen":
  the object of the governor when it has one, "urged Russia to withdraw"), or
  when it is a subjectless participle ("..., noting ..."). Relative pronouns are
  replaced by the noun they modify. Spans are the noun phrase up to its head;
  ``*_mention_index`` is the entity mention containing the head (PERSON first),
  else one overlapping the phrase ("Russia's invasion" → Russia), but not for a relative,
  aide or lawyer (:data:`DEPENDANT_NOUNS`: "Ruiz's husband" is not Ruiz).
* ``object_lemma``: the lemma of the logical object's head; when that head is an
  amount ("$2 billion in financing", "a number of troops") the head of its
  ``in``/``of`` phrase is used instead ("financing").
* ``prepositions``: the non-temporal prepositions on the verb and on the object,
  in text order ("in"); ``participants``: JSON list of their objects,
  ``{"prep", "text", "lemma", "mention_index"}``, so dbt can match
  "meet with X" or "send weapons to X". Also counted: phrases on the object's
  content ("$1 billion in aid to Ukraine"), coordinated prepositions ("on Monday and
  with Y"), a gerund's object ("talks on joining the EU"), a named place inside an
  aimed phrase ("at cities across Ukraine"), and the beneficiary of a purpose clause
  ("... to help Ukraine", prep "to"). With a reciprocal verb ("X and Y signed a pact";
  sign, conclude, reach and exchange only with an agreement-like object)
  each subject gets the others as "with" participants; several named objects of one
  preposition ("met with X and Y") give one candidate each.
* datelines ("LONDON, June 21 (Reuters) -") are never part of an agent; a dateline
  the parser made the subject gives way to the phrase after it. A directive verb
  without an object ("demanded that Russia withdraw") takes the demanded clause's
  subject as patient; a naming verb with two objects ("which China calls X") gives
  no candidate.
* ``is_negated``: a ``neg`` dependent ("never", "not"), a negated governor or
  one like "refused to" for an ``xcomp``, or an object determined by "no".
* ``modality``: a modal auxiliary (will, would, may, might, could, should, can,
  must, shall), else the governing verb of an ``xcomp`` ("expected_to",
  "plans_to", "hopes_to", "pledges_to", "urged_to", ...; also for a "to" clause parsed
  with its own subject, "want Congress to investigate") or "demanded_that" for a
  clause a directive verb demands, else inherited from the governing verb of an
  ``xcomp``/shared-subject ``conj``.
* reported speech: a clause under a reporting verb ("Putin says he and Xi will
  discuss ...") gets ``reported_by_*`` from that verb's subject; "according to X"
  counts too. A bare he/she agent inside it is linked to the speaker's mention.
* the person object of "tell"/"say" in a clause that reports speech ("Smith told
  Jones, '...'", "she told Lee she believes ...") is the interviewer: the patient keeps
  its text but no mention, so it is never the target (the press is no counterpart).
* any other he/she agent ("He urged ...") is linked to the nearest person named
  before it: in its own sentence, else in up to :data:`PRONOUN_SENTENCES_BACK`
  earlier sentences with words; in the nearest sentence with a person, a person who
  is a subject wins over one who is not, and an earlier he/she or role-noun subject
  counts as the person it stands for (:class:`PersonAntecedents`). ``agent_text``
  stays the pronoun; no actor is ever named "He".
* a first-person "I" agent inside quotation marks, of a verb in the present or after
  a modal, is the named subject of the reporting verb of its quotation, in its sentence
  or an earlier one of the same quotation (:meth:`PersonAntecedents.quote_speaker`);
  "I'd call on X to ..." / "we would urge Y" is a performative appeal (modality none).
* the gerund after "pleaded guilty / admitted / confessed to" and a for/by gerund on
  an object that is a reaction to the subject ("made headlines for backing X", "faced
  criticism for blocking Y") share the verb's subject (:func:`_gerund_controller`).
* a subjectless -ing adjunct that reports nothing shares its main clause's named
  addressee ("X told Y, again pressing for a full account", "X met with Y, urging
  ..."): :func:`shared_addressees`, a "to" participant after its own, unless its patient
  is named.
* a definite role noun as agent or patient ("the two-term congressman", "the group",
  "the ministry") with no name, possessor or linked role reference of its own stands
  for the actor named before it (:class:`RoleAntecedents`): a person whose role fits
  (a "Rep." is a congressman; someone holding another role never), an organisation
  named with that word (any one for "the group"); within its paragraph, at most
  :data:`PRONOUN_SENTENCES_BACK` sentences back (a person whose role fits, or one named
  in the sentence just before, also across a paragraph; a party or nation describing
  the noun, "the Labour MP", is no name of its own), never the act's other participant
  nor the subject of the clause it is said or asked in. Bare plural "lawmakers" /
  "ministers" (:data:`MEMBER_BODIES`) are the chamber or committee / the government
  named before, as agent, patient or object of a preposition. ``*_text`` keeps the noun.
* a conduct noun (:data:`CONDUCT_NOUNS`: "the judgment of X") takes the named actor of
  its "of" phrase, as a possessor would ("X's judgment").
* ``modality`` also marks a future act in a relative clause ("the summit that Japan
  will host": 'described', it describes the summit and states no intent), a clause
  under "if"/"unless" ('if': conditional), a
  verb in a sentence that ends with a question mark ('question'), and a result of an
  election, match or game ("beat X in the primary", "defeated Y 3-1": 'contest'):
  none of them is an event.
* a passive without a ``by`` phrase that adds to or removes from a list takes the
  list's named keeper as agent ("X was struck off the Ministry's register", "X put
  on Ruritania travel blacklist").
* an unnamed common-noun agent or patient stands for the named places or bodies of
  its "of" phrase when it names places ("the islands of X, Y and Z": one row each; not
  an act noun: "the invasion of X" is the act's object), and a noun of people
  for those it is "in" or "from" ("people in the north of Ruritania" -> Ruritania,
  "three deputies from the Acme Union" -> the Acme Union).
* a common-noun subject with named appositions ("five moderates, Ann Ruiz
  and Tom Okafor, are backing ...") or named members after "including" / "such as"
  ("five moderates, including the caucus' two chairs, X and Y, ...") acts through
  the people it names: one agent each. An apposition "members of X" makes the noun
  stand for X ("the nurses, members of X, proposed ..."), and a party name the
  recogniser missed stands for its acronym in apposition ("deputies from the
  League of Z (LoZ)" -> LoZ).
* a proposal or decision (:data:`PROPOSAL_NOUNS`: motion, offer, request, plan ...) stands for who
  made it: "the motion brought by X" -> X, and "the offer" / "the proposal" with no
  maker in its phrase -> the named agent of the nearest earlier act of that kind ("X
  offered ... Y rejected the offer": Y -> X; that agent through its stand-ins, "the
  nurses, members of X, offered"). ``object_lemma`` stays the proposal's.
  A passive vote verb on a proposal takes the chamber of its "in" phrase as agent
  ("the bill was voted down in the Assembly"), a vote count is no "by" agent, and a
  proposal voted down is no contest result. A stated, negated acceptance of a proposal
  ("did not approve the request", "refused to approve the plan") is a rejection:
  ``trigger_lemma`` 'reject', not negated; hedged ("would not accept") it stays negated.
* nominal events: a noun of :data:`NOMINAL_TRIGGERS` ("the Ruritanian shelling of Tarsis",
  "Russia's invasion of Ukraine", "airstrikes by X") with a named agent (possessor,
  demonym or name modifier, or a "by" phrase) is a candidate of its own, with the
  lemma of its verb ("invasion" -> invade) so the verb patterns code it, the noun's
  prepositional phrases as participants, and the negation, modality and date of the
  clause it sits in. A noun in a phrase of time or cause ("since Russia's invasion",
  "on the anniversary of the attack") is background and gives no candidate.
* dates: the first time-point expression in the verb's own clause (nested
  clauses excluded, ``xcomp`` included; ``xcomp``/``conj`` inherit their
  governor's), resolved by :mod:`newsevents.annotate.dates`; none → the article
  date with ``date_resolution`` 'article_date'.
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from spacy.strings import get_string_id
from spacy.symbols import ADP, NOUN, VERB
from spacy.tokens import Doc, Token

from newsevents.annotate.dates import WEEKDAYS, article_date, is_time_point, resolve_date
from newsevents.annotate.mentions import (
    Mention,
    dateline_tokens,
    doc_text,
    sentence_bounds,
    sentence_index_by_token,
    token_lowers,
    token_table,
    word_ids,
)
from newsevents.annotate.roles import ROLE_LAST_WORDS

LOGGER = logging.getLogger(__name__)

OFFICE_PLACE_LABELS = frozenset({"GPE", "LOC", "ORG"})  # where an office is held
# Prepositions whose gerund shares the subject of the verb they modify.
ADJUNCT_GERUND_PREPS = frozenset(
    {"after", "before", "since", "upon", "without", "by", "despite", "while", "for"}
)
# Verbs of owning up to an act: the gerund after their "to" is the subject's own act
# ("pleaded guilty to threatening X", "admitted to lying").
ADMISSION_LEMMAS = frozenset({"plead", "admit", "confess"})
# Objects that are the world's reaction to the subject: a for/by gerund on them is what
# the subject did ("made headlines for backing X", "faced criticism for blocking Y").
REACTION_NOUNS = frozenset(
    {"headline", "headlines", "criticism", "praise", "attention", "backlash", "condemnation",
     "fire", "flak", "scrutiny", "credit", "blame", "applause", "award", "prize", "history",
     "news", "wave", "waves", "outrage", "ire", "anger", "rebuke", "censure", "fine",
     "penalty", "suspension", "ban", "reprimand", "thanks", "plaudit", "plaudits", "kudos"}
)  # fmt: skip
# Verbs of a consequence ("resulting in X being rejected", "leading to Y being freed").
RESULT_LEMMAS = frozenset({"result", "lead"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
OBJECT_DEPS = frozenset({"dobj"})
PREP_DEPS = frozenset({"prep", "dative"})
# Dependents that start a clause of their own: their dates, negation and
# arguments are not the governing verb's.
FINITE_TAGS = frozenset({"VBD", "VBZ"})  # past and 3rd-person present: never infinitives
CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "parataxis", "csubj", "conj"})
RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that"})
PERSONAL_PRONOUNS = frozenset({"he", "she"})
# Quotation marks (a first-person "I" between them is the one quoted), and how many
# earlier sentences of a quotation are searched for who says it.
QUOTE_MARKS = frozenset({'"', "“", "”", "«", "»", "``", "''"})
QUOTE_SENTENCES_BACK = 3
# Tags of a verb in the present or bare (after a modal or "to"): a quoted "I" acting now.
PRESENT_TAGS = frozenset({"VBP", "VBZ", "VB"})
# How far back a he/she agent looks for the person it stands for.
PRONOUN_SENTENCES_BACK = 2
# Subordinators of a condition: the act in the clause has not happened.
CONDITIONAL_MARKERS = frozenset({"if", "unless"})
# Verbs that report the result of a contest, and words that say the contest was an
# election, a vote or a game: "beat the incumbent in the primary" is not an attack.
CONTEST_LEMMAS = frozenset(
    {"beat", "defeat", "win", "lose", "edge", "rout", "crush", "trounce", "thrash", "top",
     "upset", "outscore", "outpoll", "sweep", "overcome", "eliminate", "knock"}
)  # fmt: skip
CONTEST_WORDS = frozenset(
    {"election", "elections", "vote", "votes", "poll", "polls", "race", "primary", "ballot",
     "runoff", "caucus", "seat", "match", "game", "games", "cup", "league", "tournament",
     "season", "championship", "final", "finals", "semifinal", "quarterfinal", "score",
     "goal", "goals", "points", "set", "sets", "round", "%", "percent", "inning", "innings",
     "medal", "derby", "playoff", "playoffs", "contest", "nomination"}
)  # fmt: skip
# Nouns that name an act, with the verb whose patterns code it ("invasion" -> invade).
NOMINAL_TRIGGERS = {
    "attack": "attack",
    "assault": "assault",
    "airstrike": "bomb",
    "bombing": "bomb",
    "bombardment": "bomb",
    "shelling": "shell",
    "invasion": "invade",
    "incursion": "invade",
    "raid": "raid",
    "siege": "besiege",
    "blockade": "blockade",
    "offensive": "attack",
    "sanction": "sanction",
    "visit": "visit",
    "criticism": "criticize",
    "condemnation": "condemn",
    "accusation": "accuse",
    "threat": "threaten",
    "boycott": "boycott",
    "arrest": "arrest",
    "indictment": "indict",
    "endorsement": "endorse",
    "deportation": "deport",
    "expulsion": "expel",
}
# Nouns of people that a place or body they are "in" or "from" stands for.
COLLECTIVE_NOUNS = frozenset(
    {"people", "resident", "civilian", "citizen", "inhabitant", "population", "villager",
     "family", "migrant", "refugee", "worker", "voter", "lawmaker", "legislator", "member",
     "delegate", "representative", "activist", "supporter", "protester", "demonstrator",
     "student", "soldier", "troop", "fighter", "militant", "politician", "deputy", "mp"}
)  # fmt: skip
# Nouns of places whose "of" phrase names them ("the islands of X and Y").
PLACE_NOUNS = frozenset(
    {"island", "country", "nation", "state", "city", "town", "village", "region",
     "province", "territory", "republic", "kingdom", "capital", "district", "county",
     "government", "leadership", "member"}
)  # fmt: skip
# Proposals put to a vote or to a counterpart; a proposal stands for whoever made it
# ("the bill tabled by X was voted down", "did not approve the request").
PROPOSAL_NOUNS = frozenset(
    {"motion", "amendment", "bill", "resolution", "proposal", "offer", "request", "petition",
     "plan", "demand", "invitation", "measure", "appeal", "bid", "ultimatum", "initiative",
     "decision"}
)  # fmt: skip
# Verbs of a vote that passes or defeats a proposal.
VOTE_LEMMAS = frozenset(
    {"defeat", "reject", "pass", "approve", "adopt", "carry", "ratify", "vote", "block",
     "table", "endorse", "uphold", "overturn", "kill", "sink"}
)  # fmt: skip
# Verbs that make each kind of proposal: "the offer" stands for whoever offered last.
PROPOSAL_VERBS = {
    "offer": frozenset({"offer"}),
    "proposal": frozenset({"propose"}),
    "request": frozenset({"request"}),
    "demand": frozenset({"demand"}),
    "invitation": frozenset({"invite"}),
    "appeal": frozenset({"appeal"}),
    "petition": frozenset({"petition"}),
    "bid": frozenset({"bid"}),
    "plan": frozenset({"propose", "unveil"}),
    "motion": frozenset({"move", "table", "file"}),
    "amendment": frozenset({"propose", "table", "move"}),
    "resolution": frozenset({"propose", "table", "introduce", "draft"}),
    "bill": frozenset({"introduce", "sponsor", "table"}),
    "decision": frozenset({"decide"}),
}
# How far back "the offer" looks for the act that made it.
PROPOSAL_SENTENCES_BACK = 3
# Determiners of a definite reference back to something named before ("the offer").
ROLE_NOUN_DETERMINERS = frozenset({"the", "this", "that"})
# A negated acceptance of a proposal is coded as this verb's rejection (CAMEO 12).
ACCEPTING_LEMMAS = frozenset({"accept", "approve"})
REJECTING_LEMMA = "reject"
# Nouns of an office one person holds in a story: "the congressman" is the person named
# before it (RoleAntecedents); with the role words that fit each (a "Rep." is a congressman).
_LEGISLATOR = frozenset(
    {"congressman", "congresswoman", "representative", "rep", "lawmaker", "legislator",
     "senator", "sen", "congressmember"}
)  # fmt: skip
ROLE_SYNONYMS = {
    "congressman": _LEGISLATOR - {"senator", "sen"},
    "congresswoman": _LEGISLATOR - {"senator", "sen"},
    "lawmaker": _LEGISLATOR,
    "legislator": _LEGISLATOR,
    "senator": frozenset({"senator", "sen"}),
    "governor": frozenset({"governor", "gov"}),
    "president": frozenset({"president"}),
    "minister": frozenset({"minister", "secretary"}),
    "ambassador": frozenset({"ambassador", "envoy"}),
    "envoy": frozenset({"ambassador", "envoy"}),
    "mayor": frozenset({"mayor"}),
    "chancellor": frozenset({"chancellor"}),
    "premier": frozenset({"premier", "minister"}),
    "judge": frozenset({"judge", "justice"}),
    "prosecutor": frozenset({"prosecutor", "attorney"}),
    "chairman": frozenset({"chairman", "chairwoman", "chair"}),
    "chairwoman": frozenset({"chairman", "chairwoman", "chair"}),
    "spokesman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokeswoman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "candidate": frozenset({"candidate", "challenger", "nominee"}),
    "incumbent": frozenset({"incumbent"}),
    "sheriff": frozenset({"sheriff"}),
    "commissioner": frozenset({"commissioner"}),
    "mp": frozenset({"mp"}),
}
# Labels of a party, nation or body that describes a role noun ("the Labour MP").
PARTY_LABELS = frozenset({"NORP", "ORG"})
PERSON_ROLE_NOUNS = frozenset(ROLE_SYNONYMS)
# Members of a body, and words of the body's name: bare "lawmakers" are the chamber or
# committee named before ("X testified before the Y Committee. ... He urged lawmakers to
# ...": the committee), bare "ministers" the government; at most this many sentences back.
_LEGISLATURE_WORDS = frozenset(
    {"committee", "house", "senate", "congress", "parliament", "assembly", "legislature",
     "chamber", "council", "commons"}
)  # fmt: skip
MEMBER_BODIES = {
    "lawmaker": _LEGISLATURE_WORDS,
    "legislator": _LEGISLATURE_WORDS,
    "parliamentarian": _LEGISLATURE_WORDS,
    "mp": _LEGISLATURE_WORDS,
    "minister": frozenset({"government", "cabinet"}),
}
BODY_SENTENCES_BACK = 8
# Nouns of a body: "the ministry" is the organisation named before it with that word,
# "the group" / "the organization" any organisation named before it.
GENERIC_ORG_NOUNS = frozenset({"group", "organization", "organisation", "coalition"})
ORG_ROLE_NOUNS = GENERIC_ORG_NOUNS | frozenset(
    {"ministry", "agency", "department", "party", "union", "association", "commission",
     "committee", "council", "bureau", "office", "court", "foundation", "institute"}
)  # fmt: skip
# A participle shares its main clause's addressee ("X told Y, calling for ..."), given to
# dbt as a participant of this preposition (one of var target_prepositions); the main
# clause's objects of these prepositions count as its addressee ("met with Y, urging").
ADDRESSEE_PREP = "to"
ADDRESSEE_SOURCE_PREPS = frozenset({"with", "to"})
# Verbs whose active use needs an object before these prepositions: without auxiliary
# and object ("X accused of Y", "X charged with Y") a headline states them in the passive.
REDUCED_PASSIVE_PREPS = {
    "accuse": frozenset({"of"}),
    "charge": frozenset({"with"}),
    "convict": frozenset({"of", "on"}),
    "suspect": frozenset({"of"}),
    "indict": frozenset({"on", "for"}),
    "sentence": frozenset({"to", "for"}),
    "arrest": frozenset({"for", "on", "over"}),
    "jail": frozenset({"for", "over"}),
    "fine": frozenset({"for", "over"}),
    "sue": frozenset({"over", "for"}),
    "ban": frozenset({"from"}),
    "bar": frozenset({"from"}),
    "expel": frozenset({"from"}),
    "deport": frozenset({"to", "from"}),
    "sanction": frozenset({"for", "over"}),
    "impeach": frozenset({"for", "over"}),
    "detain": frozenset({"for", "over", "on"}),
}
# People named through someone else ("Ruiz's husband", "a senator's aide", "Kremlin critics"):
# the phrase's named possessor or modifier is not who they are. A spokesman speaks for
# the one named, and "NATO allies" / "EU partners" are the members acting together.
DEPENDANT_NOUNS = frozenset(
    {"wife", "husband", "son", "daughter", "child", "brother", "sister", "father", "mother",
     "parent", "family", "friend", "relative", "lawyer", "attorney", "staffer", "aide",
     "assistant", "adviser", "advisor", "employee", "bodyguard", "girlfriend", "boyfriend",
     "niece", "nephew", "cousin", "widow", "children", "supervisor", "boss",
     "deputy", "successor", "predecessor", "rival", "opponent", "challenger", "critic",
     "colleague"}
)  # fmt: skip
# Nouns of someone's conduct or standing: their "of" phrase names whose it is, as a
# possessor would ("doubts about the judgment of X": about X's judgment). Act nouns
# are not among them: "the invasion of X" names what was invaded.
CONDUCT_NOUNS = frozenset(
    {"judgment", "judgement", "conduct", "behavior", "behaviour", "handling", "credibility",
     "integrity", "competence", "leadership", "record", "motives", "motive", "honesty",
     "fitness", "actions", "remarks", "comments", "statements", "policies", "policy",
     "decisions", "tactics", "stance", "position", "role"}
)  # fmt: skip
OWNER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "ROLE_REF"})
# Heads of a "by" phrase that counts votes instead of naming who voted.
TALLY_NOUNS = frozenset({"vote", "majority", "margin", "tally", "show"})
# Verbs of making a proposal: "the motion brought by X" stands for X.
PROPOSING_LEMMAS = frozenset(
    {"bring", "table", "move", "propose", "introduce", "file", "sponsor", "submit", "present",
     "make", "put", "draft", "author", "offer", "lodge", "issue", "send", "extend"}
)  # fmt: skip
# Heads of the names of legislatures and their chambers ("the Senate", "the House of
# Commons", "the National Assembly", "the Bundestag").
LEGISLATURE_NOUNS = frozenset(
    {"senate", "house", "parliament", "assembly", "congress", "chamber", "legislature",
     "council", "commons", "lords", "committee", "duma", "knesset", "bundestag", "bundesrat",
     "diet", "sejm", "majlis", "rada", "storting", "riksdag", "folketing", "cortes", "dáil",
     "seanad", "legislative", "lok", "rajya"}
)  # fmt: skip
# Lists a government keeps: who adds to or removes from one acts on what is listed.
LIST_NOUNS = frozenset({"list", "blacklist", "watchlist", "register", "registry", "roster"})
NOMINAL_AGENT_LABELS = frozenset({"NORP", "GPE", "ORG", "PERSON"})
# Labels of a name that can act in place of a common noun ("five moderates, X and Y").
NAMED_AGENT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Labels of the place or body an unnamed noun of people or places stands for.
STAND_IN_LABELS = frozenset({"GPE", "LOC", "ORG", "NORP"})
# Words that put an act noun in the background ("since Russia's invasion", "on the
# anniversary of the attack", "after the US airstrikes"): it dates the story, it is
# not what the story reports.
BACKGROUND_WORDS = frozenset(
    {"since", "after", "before", "amid", "following", "during", "anniversary", "eve", "until",
     "despite", "prior", "because", "wake", "aftermath", "start", "beginning", "outbreak",
     "years", "months", "weeks", "history"}
)  # fmt: skip
MODAL_LEMMAS = {
    "will": "will",
    "'ll": "will",
    "wo": "will",
    "would": "would",
    "'d": "would",
    "’d": "would",
    "’ll": "will",
    "may": "may",
    "might": "might",
    "could": "could",
    "can": "can",
    "ca": "can",
    "should": "should",
    "must": "must",
    "shall": "shall",
}
# Governing verbs of an xcomp that make it a plan, hope or expectation.
CONTROL_MODALITY = {
    "expect": "expected_to",
    "plan": "plans_to",
    "hope": "hopes_to",
    "intend": "intends_to",
    "want": "wants_to",
    "aim": "aims_to",
    "seek": "seeks_to",
    "try": "tries_to",
    "attempt": "attempts_to",
    "promise": "promises_to",
    "pledge": "pledges_to",
    "vow": "vows_to",
    "threaten": "threatens_to",
    "agree": "agrees_to",
    "offer": "offers_to",
    "propose": "proposes_to",
    "prepare": "prepares_to",
    "schedule": "scheduled_to",
    "set": "set_to",
    "likely": "likely_to",
    # Directives: what someone is urged to do has not happened (dbt codes these 'hedged').
    "urge": "urged_to",
    "ask": "asked_to",
    "call": "called_to",
    "appeal": "appealed_to",
    "press": "pressed_to",
    "encourage": "encouraged_to",
    "demand": "demanded_to",
}
# Verbs of an appeal that a first person makes by saying "I would ..." ("I'd urge
# ministers to act", "we would urge the council to ...").
APPEAL_LEMMAS = frozenset(
    {"call", "urge", "ask", "appeal", "encourage", "implore", "beg", "invite", "request"}
)  # fmt: skip
FIRST_PERSON_PRONOUNS = frozenset({"i", "we"})
# Governing verbs of an xcomp that deny it happened ("refused to meet").
NEGATING_CONTROL = frozenset({"refuse", "decline", "fail"})
REPORTING_LEMMAS = frozenset(
    {
        "say",
        "tell",
        "claim",
        "announce",
        "state",
        "add",
        "note",
        "insist",
        "warn",
        "declare",
        "report",
        "allege",
        "argue",
        "stress",
        "suggest",
        "write",
        "proclaim",
        "confirm",
        "reaffirm",
        "assert",
        "believe",
        "think",
    }
)
AMOUNT_ENTITY_LABELS = frozenset({"MONEY", "CARDINAL", "QUANTITY", "PERCENT"})
AMOUNT_NOUNS = frozenset(
    {"number", "lot", "amount", "total", "sum", "package", "batch", "thousands", "hundreds",
     "dozens", "millions", "scores", "tens", "crowd", "crowds", "group", "groups"}
)  # fmt: skip
TEMPORAL_LABELS = frozenset({"DATE", "TIME"})
DATE_WORDS = frozenset({"yesterday", "today", "tomorrow", "tonight"})
# Single words the NER sometimes leaves untagged but that name a day.
BARE_DATE_WORDS = DATE_WORDS | frozenset(WEEKDAYS)
LABEL_PRIORITY = {
    "PERSON": 0,
    "ROLE_REF": 1,
    "GROUP": 2,
    "GPE": 3,
    "ORG": 4,
    "NORP": 5,
    "FAC": 6,
    "LOC": 7,
}
MAX_CLIMB = 8  # levels climbed looking for a reporting verb; deeper is a parse accident
# Verbs that direct someone to act: the subject of the demanded clause is who they
# address ("demanded that Russia withdraw", "urged that Israel allow ...").
DIRECTIVE_LEMMAS = frozenset(
    {"demand", "urge", "request", "order", "require", "ask", "recommend"}
)  # fmt: skip
# Purpose clauses whose object is the beneficiary of the act ("... to help Ukraine").
BENEFIT_LEMMAS = frozenset({"help", "support", "assist", "aid", "protect", "defend", "rebuild"})
# Verbs that name something when they take two objects ("which China calls Ren'ai Jiao").
NAMING_LEMMAS = frozenset({"call", "name", "dub", "label", "term", "brand", "rename"})
# Negative evaluative predicates of a naming verb: "called X a liar", "called Y's vote
# 'shameful'" disapproves of X (or of Y, the owner); any other predicate ("called the
# strike a success", "called the group The Porch Sitters") is naming, not an event. The
# predicate becomes the candidate's object lemma so a verb pattern codes it (111).
EVALUATIVE_PREDICATES = frozenset(
    {
        "terrorist", "liar", "criminal", "crook", "thug", "traitor", "racist", "fraud",
        "disgrace", "disgraceful", "shameful", "shame", "heartbreaking", "reckless",
        "outrageous", "irresponsible", "dishonest", "corrupt", "incompetent", "despicable",
        "appalling", "unacceptable", "cowardly", "coward", "hypocrite", "hypocritical",
    }
)  # fmt: skip
# Prepositions that aim an act at something ("fired at", "strikes on", "sanctions
# against"); a named place inside their unnamed object ("cities across Ukraine") is
# added with the same preposition, as the place is what the act is aimed at.
AIMED_PREPS = frozenset({"at", "on", "against"})
PLACE_PREPS = frozenset({"in", "across", "throughout", "near", "around", "of"})
# Prepositions of an amount or content phrase on the object whose own prepositional
# phrases still belong to the verb ("pledged $1 billion in aid to Ukraine").
OBJECT_CONTENT_PREPS = frozenset({"in", "of"})
# Objects that are documents: the phrases of their content ("the transcript of a call
# with X") describe the document, they do not name whom the act is for.
DOCUMENT_NOUNS = frozenset(
    {"transcript", "report", "record", "recording", "letter", "statement", "summary", "memo",
     "memorandum", "document", "video", "footage", "photo", "photograph", "readout",
     "minutes", "copy", "account", "log", "email", "tape", "audio", "text"}
)  # fmt: skip
# Verbs whose coordinated subjects act on each other ("Kishida and Sunak signed a
# pact", "X and Y met"): each subject gets the others as "with" participants.
RECIPROCAL_LEMMAS = frozenset(
    {"meet", "sign", "agree", "talk", "negotiate", "discuss", "conclude", "hold", "ink",
     "exchange", "reach", "cooperate", "clash"}
)  # fmt: skip
RECIPROCAL_PREP = "with"
# Reciprocal verbs that are reciprocal only with an agreement as object: "X and Y signed
# a pact" is an act between them, "X and Y signed false certifications" is not.
AGREEMENT_OBJECT_LEMMAS = frozenset({"sign", "ink", "conclude", "reach", "exchange"})
AGREEMENT_NOUNS = frozenset(
    {"agreement", "deal", "pact", "treaty", "accord", "memorandum", "declaration", "contract",
     "partnership", "ceasefire", "truce", "communique", "charter", "protocol", "convention",
     "plan", "framework", "roadmap", "alliance", "understanding", "settlement", "compromise",
     "prisoner", "prisoners", "view", "views", "letter", "letters", "greeting", "gift"}
)  # fmt: skip
# Reporting verbs whose person object, when the clause quotes what was said, is the
# interviewer ("Smith told Jones, '...'", "she told King she believes ..."): the press,
# never the target of the statement.
INTERVIEW_LEMMAS = frozenset({"tell", "say"})
# At most this many participants of one preposition are split into separate
# candidates ("met with X, Y and Z" → three rows); more is a list of places or names.
MAX_SPLIT_PARTICIPANTS = 6
# Prepositions whose objects can be targets, in the order dbt prefers them
# (var target_prepositions); a coordinated phrase of the first one present is split.
SPLIT_PREPOSITIONS = (
    "with", "to", "against", "on", "upon", "for", "toward", "towards", "over", "from", "into"
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """One row of raw.event_candidates (without article id and annotator version)."""

    candidate_index: int
    sentence_index: int
    trigger_text: str
    trigger_lemma: str
    trigger_start_char: int
    trigger_end_char: int
    particle: str | None
    prepositions: str | None
    object_lemma: str | None
    agent_text: str | None
    agent_start_char: int | None
    agent_end_char: int | None
    agent_mention_index: int | None
    patient_text: str | None
    patient_start_char: int | None
    patient_end_char: int | None
    patient_mention_index: int | None
    participants: str | None
    is_passive: bool
    is_negated: bool
    modality: str | None
    reported_by_text: str | None
    reported_by_mention_index: int | None
    date_text: str | None
    event_date: date | None
    event_date_start: date | None
    event_date_end: date | None
    date_resolution: str


class MentionIndex:
    """Find the entity mention for a token or a token range."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self._by_token: dict[int, list[Mention]] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                self._by_token.setdefault(i, []).append(m)
        # _phrase of a token, by token index: an index serves one Doc, and the same agent
        # or object comes back for every candidate it is part of.
        self.phrases: dict[int, _Phrase] = {}

    @staticmethod
    def _best(found: Iterable[Mention]) -> Mention | None:
        ranked = sorted(found, key=lambda m: (LABEL_PRIORITY.get(m.label, 9), m.start))
        return ranked[0] if ranked else None

    def person_after_office(self, role: Token) -> Mention | None:
        """The person named right after the place or body of an office, parsed into its
        "to"/"of"/"for" phrase ("former ambassador to France Jane Doe testified": Jane Doe
        testified, not the office). A title between the place and the name ("adviser to
        U.S. President Jo Bloggs") leaves the adviser as the one meant."""
        for prep in role.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"to", "of", "for"}:
                continue
            for pobj in prep.children:
                if pobj.dep_ != "pobj":
                    continue
                person = self._best(
                    m for m in self._by_token.get(pobj.i, []) if m.label == "PERSON"
                )
                if person is None or person.end != pobj.i + 1 or person.start <= pobj.left_edge.i:
                    continue
                if any(
                    m.label in OFFICE_PLACE_LABELS for m in self._by_token.get(person.start - 1, [])
                ):
                    return person
        return None

    def for_phrase(
        self, head: int, start: int, end: int, appositions: Sequence[int] = ()
    ) -> Mention | None:
        """Mention containing ``head``, else one of its appositions ("Navalny's widow, Yulia
        Navalnaya"), else the best one overlapping [start, end). A role reference on the
        head gives way to a person in apposition ("the envoy, Ann Ruiz")."""
        best = self._best(self._by_token.get(head, []))
        if best is not None and best.label == "ROLE_REF":
            # "the former envoy, Ann Ruiz": the named person in apposition
            # acts, not the office the role refers to.
            for i in appositions:
                person = self._best(m for m in self._by_token.get(i, []) if m.label == "PERSON")
                if person is not None:
                    return person
        if best is not None:
            return best
        for i in appositions:
            best = self._best(self._by_token.get(i, []))
            if best is not None:
                return best
        return self._best(m for i in range(start, end) for m in self._by_token.get(i, []))


def _own_object(verb: Token, patient: Token | None, passive: bool) -> Token | None:
    """The patient whose phrases are the verb's participants: not a passive's subject, nor
    a stand-in named outside the verb's clause ("rejected the offer" -> who offered)."""
    if passive or patient is None:
        return None
    return patient if verb.left_edge.i <= patient.i <= verb.right_edge.i else None


def expand_conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the tokens coordinated with it ("Xi and Putin" → [Xi, Putin]); a conjunct
    inside the same name ("the Bureau of Fish and Wildlife") is no other actor."""
    out = [tok]
    table = token_table(tok.doc)
    deps, pos = table.dep, table.pos
    for c in table.children(tok.i):
        if deps[c] == _CONJ and pos[c] != VERB:
            child = tok.doc[c]
            if not _same_name(tok, child):
                out.extend(expand_conjuncts(child))
    return out


def _same_name(tok: Token, other: Token) -> bool:
    """``other`` continues the entity ``tok`` is part of (no "B" tag between them)."""
    if not tok.ent_type_ or other.ent_iob_ != "I" or other.i < tok.i:
        return False
    return all(t.ent_iob_ == "I" for t in tok.doc[tok.i + 1 : other.i + 1])


# String ids of dependency labels and words the child loops below compare with the
# Doc's TokenTable (no Token is built for a child that does not match).
_SUBJECT_DEP_IDS = word_ids(SUBJECT_DEPS)
_OBJECT_DEP_IDS = word_ids(OBJECT_DEPS)
_PREP_DEP_IDS = word_ids(PREP_DEPS)
_PASSIVE_DEP_IDS = word_ids({"auxpass", "nsubjpass", "csubjpass"})
_BENEFIT_CLAUSE_DEP_IDS = word_ids({"advcl", "xcomp"})
_CONJ, _NEG, _DET, _APPOS, _PRT, _POBJ, _PCOMP, _DOBJ, _AUX, _MARK = (
    get_string_id(w)
    for w in ("conj", "neg", "det", "appos", "prt", "pobj", "pcomp", "dobj", "aux", "mark")
)
_NO, _TO = get_string_id("no"), get_string_id("to")
_PREP = get_string_id("prep")
_PEOPLE_PREP_IDS = word_ids({"of", "in", "from"})  # stand_ins: after nouns of people
_PLACE_PREP_IDS = word_ids({"of"})  # and of places
_CONDITIONAL_IDS = word_ids(CONDITIONAL_MARKERS)


def _has_child(tok: Token, dep: int, lower: int | None = None) -> bool:
    """``tok`` has a child of dependency ``dep`` (and of word ``lower`` when given)."""
    table = token_table(tok.doc)
    deps, lowers = table.dep, token_lowers(tok.doc)
    return any(
        deps[c] == dep and (lower is None or lowers[c] == lower) for c in table.children(tok.i)
    )


BOUNDS_CACHE_KEY = "newsevents_phrase_bounds"


def doc_cache(doc: Doc, key: str) -> dict[Any, Any]:
    """The dict a per-Doc cache keeps under ``key`` in ``doc.user_data`` (made on first use)."""
    cache = doc.user_data.get(key)
    if cache is None:
        cache = doc.user_data[key] = {}
    return cache  # type: ignore[no-any-return]


def phrase_bounds(head: Token) -> tuple[int, int]:
    """Token range of the noun phrase ending at ``head`` (its left dependents, no conjuncts);
    remembered per token."""
    cache = doc_cache(head.doc, BOUNDS_CACHE_KEY)
    found = cache.get(head.i)
    if found is None:
        found = cache[head.i] = _phrase_bounds(head)
    return found  # type: ignore[no-any-return]


def _phrase_bounds(head: Token) -> tuple[int, int]:
    left = head.i
    for child in head.lefts:
        if child.dep_ not in {"cc", "conj", "punct", "preconj"}:
            left = min(left, child.left_edge.i)
    end = head.i + 1
    if head.ent_iob_ in {"B", "I"}:
        while end < len(head.doc) and head.doc[end].ent_iob_ == "I":
            end += 1
    dateline = dateline_tokens(head.doc)
    if dateline and head.i not in dateline:
        # A dateline parsed as a modifier of the first subject is not part of it.
        while left < head.i and left in dateline:
            left += 1
    return left, end


def resolve_relative(tok: Token) -> Token:
    """A relative pronoun stands for the noun its clause modifies."""
    if tok.lower_ not in RELATIVE_PRONOUNS:
        return tok
    cur = tok
    for _ in range(MAX_CLIMB):
        if cur.dep_ == "relcl":
            return cur.head
        if cur.head.i == cur.i:
            break
        cur = cur.head
    return tok


PASSIVE_CACHE_KEY = "newsevents_passive"


def is_passive(verb: Token) -> bool:
    """The verb is in the passive (remembered per token of the Doc: asked once per
    candidate and again by the agent and patient rules)."""
    cache = doc_cache(verb.doc, PASSIVE_CACHE_KEY)
    found = cache.get(verb.i)
    if found is None:
        found = cache[verb.i] = _is_passive(verb)
    return found  # type: ignore[no-any-return]


def _is_passive(verb: Token) -> bool:
    table = token_table(verb.doc)
    deps = table.dep
    if any(deps[c] in _PASSIVE_DEP_IDS for c in table.children(verb.i)):
        return True
    return (verb.dep_ == "acl" and verb.tag_ == "VBN") or _reduced_passive(verb)


def _reduced_passive(verb: Token) -> bool:
    """A headline's passive without its auxiliary ("X accused of Y", "X charged with Y"):
    a verb of :data:`REDUCED_PASSIVE_PREPS` with a subject, no auxiliary, and its passive
    preposition before any object (active, "X accused Z of Y" has the object first)."""
    preps = REDUCED_PASSIVE_PREPS.get(verb.lemma_.lower())
    if not preps or verb.tag_ not in {"VBD", "VBN"} or verb.dep_ not in {"ROOT", "conj"}:
        return False
    children = list(verb.children)
    if any(c.dep_ in {"aux", "auxpass"} for c in children) or not own_subjects(verb):
        return False
    prep = next((c for c in children if c.dep_ == "prep" and c.lower_ in preps), None)
    if prep is None:
        return False
    return not any(c.dep_ in OBJECT_DEPS and c.i < prep.i for c in children)


def own_subjects(verb: Token) -> list[Token]:
    table = token_table(verb.doc)
    deps, doc = table.dep, verb.doc
    return [doc[c] for c in table.children(verb.i) if deps[c] in _SUBJECT_DEP_IDS]


def subjects(verb: Token, depth: int = 0) -> list[Token]:
    """Grammatical subjects of ``verb``, inherited where English leaves them out."""
    found = own_subjects(verb)
    if found or depth > MAX_CLIMB:
        return found
    head = verb.head
    if head.i == verb.i:
        return []
    if verb.dep_ == "conj" and head.pos_ in {"VERB", "AUX"}:
        return subjects(head, depth + 1)
    if verb.dep_ == "xcomp":
        objects = [c for c in head.children if c.dep_ in OBJECT_DEPS]
        return objects or subjects(head, depth + 1)
    if verb.dep_ == "advcl" and verb.tag_ in {"VBG", "VBN"} and not _has_marker(verb):
        return subjects(head, depth + 1)
    if (
        verb.dep_ == "pcomp"
        and verb.tag_ in {"VBG", "VBN"}
        and head.lower_ in ADJUNCT_GERUND_PREPS
        and head.head.pos_ in {"VERB", "AUX"}
        and not (head.lower_ == "for" and any(c.dep_ in OBJECT_DEPS for c in head.head.children))
    ):
        # "returned home after being deported", "left Paris after meeting X": the gerund
        # of a time or manner phrase shares the clause's subject ("thanked Y for helping"
        # is Y's help: "for" after an object is left alone).
        return subjects(head.head, depth + 1)
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG":
        governor = _gerund_controller(head)
        if governor is not None:
            return subjects(governor, depth + 1)
    if verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN", "PRON"} and not is_passive(verb):
        return [head]
    return []


def _gerund_controller(prep: Token) -> Token | None:
    """The verb whose subject a gerund after ``prep`` shares, beyond time and manner phrases.

    "pleaded guilty to threatening X", "admitted to lying": what is admitted is the
    admitter's act (:data:`ADMISSION_LEMMAS`). "made headlines for backing X", "drew
    criticism by blocking Y": a "for"/"by" gerund on the verb's object that is a reaction
    to the subject (:data:`REACTION_NOUNS`) says what the subject did ("thanked Ann for
    helping": Ann's help; "a plan for building X": not done; both left alone).
    """
    governor = prep.head
    if prep.lower_ == "to":
        if governor.dep_ == "acomp" and governor.head.pos_ == "VERB":
            if any(c.dep_ == "neg" for c in governor.children):
                return None  # "pleaded not guilty to killing X": nothing admitted
            governor = governor.head  # "pleaded guilty to ..."
        if (
            governor.pos_ == "VERB"
            and governor.lemma_.lower() in ADMISSION_LEMMAS
            and complement_lemma(governor) != "not guilty"
            and not is_negated(governor)
        ):
            return governor
        return None
    if (
        prep.lower_ in {"for", "by"}
        and governor.dep_ in OBJECT_DEPS
        and governor.lemma_.lower() in REACTION_NOUNS
        and governor.head.pos_ == "VERB"
    ):
        return governor.head
    return None


def _has_marker(verb: Token) -> bool:
    return any(c.dep_ == "mark" for c in verb.children)


def _amount_content(tok: Token) -> Token:
    """The head of an amount's "of" phrase ("Thousands of Georgian protesters" → protesters)."""
    if not is_amount(tok):
        return tok
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return tok


def _participle_clause_subjects(verb: Token) -> list[Token]:
    """The object the parser made subject of a participle clause.

    "announced sanctions against Russia covering 500 people" is parsed as if
    "sanctions covering ..." were a clause of its own; "sanctions" is the object.
    """
    for child in verb.children:
        if (
            child.dep_ == "ccomp"
            and child.tag_ == "VBG"
            and not any(c.dep_ in {"aux", "auxpass", "mark"} for c in child.children)
        ):
            return [
                t
                for s in own_subjects(child)
                if s.pos_ == "NOUN" and s.i > verb.i
                for t in expand_conjuncts(s)
            ]
    return []


def _directive_addressees(verb: Token) -> list[Token]:
    """Subjects of the clause a directive verb demands ("demanded that Russia withdraw")."""
    for child in verb.children:
        if child.dep_ == "ccomp" and child.pos_ in {"VERB", "AUX"}:
            return [
                resolve_relative(t)
                for s in own_subjects(child)
                if s.dep_ == "nsubj" and s.pos_ in {"PROPN", "NOUN"}
                for t in expand_conjuncts(s)
            ]
    return []


def _subject_after_dateline(tok: Token, dateline: frozenset[int]) -> Token:
    """The noun phrase right after a dateline that the parser hung on it as the subject.

    "OSLO, March 3 (Wirepress) - Minister Espen Eide condemned ...": the parser makes
    "OSLO" the subject and "Eide" its apposition. Returns ``tok`` when there is none.
    """
    if tok.i not in dateline:
        return tok
    end = tok.i
    while end in dateline:
        end += 1
    for other in tok.doc[end:]:
        if other.head.i in dateline and other.pos_ in {"NOUN", "PROPN", "PRON"}:
            return other
        if other.pos_ in {"VERB", "AUX"}:
            break
    return tok


def _named_appositions(tok: Token, depth: int = 0) -> list[Token]:
    """Named appositions of a common noun ("five moderates, X and Y") and their
    conjuncts, and the named members it lists with "including" / "such as" ("five
    moderates, including the caucus' two chairs, X and Y"); ``[tok]`` when it has
    none or is itself a name."""
    if tok.ent_type_ or tok.pos_ != "NOUN":
        return [tok]
    named: list[Token] = []
    for c in tok.children:
        if c.dep_ == "appos":
            named.extend(t for t in expand_conjuncts(c) if t.ent_type_ in NAMED_AGENT_LABELS)
        elif c.dep_ == "prep" and _lists_members(c) and depth < 2:
            for pobj in c.children:
                if pobj.dep_ != "pobj":
                    continue
                for t in expand_conjuncts(pobj):
                    if t.ent_type_ in NAMED_AGENT_LABELS:
                        named.append(t)
                    elif t.pos_ == "NOUN":
                        named.extend(m for m in _named_appositions(t, depth + 1) if m.i != t.i)
    return named or [tok]


def _lists_members(prep: Token) -> bool:
    """The preposition lists members of the noun it modifies ("including X", "such as X")."""
    if prep.lower_ == "including":
        return True
    return prep.lower_ == "as" and prep.i > 0 and prep.doc[prep.i - 1].lower_ == "such"


def agents_and_patients(verb: Token) -> tuple[list[Token], list[Token]]:
    """Heads of the logical agents and patients (relative pronouns resolved)."""
    dateline = dateline_tokens(verb.doc)
    subj = [
        named
        for t in _subjects_plain(verb, dateline)
        for result in _result_subjects(t)
        for named in _named_appositions(result)
    ]
    return _agents_and_patients(verb, subj)


def _result_subjects(tok: Token) -> list[Token]:
    """The subject of a result clause the parser made a clausal subject: in "voted
    with the majority, resulting in X's amendment being rejected" the parse has "resulting" as the
    subject of "rejected"; the amendment is. ``[tok]`` for any other subject."""
    if tok.dep_ not in {"csubj", "csubjpass"} or tok.lemma_.lower() not in RESULT_LEMMAS:
        return [tok]
    found = [
        t
        for prep in tok.children
        if prep.dep_ == "prep" and prep.lower_ in {"in", "to"}
        for pobj in prep.children
        if pobj.dep_ == "pobj" and pobj.pos_ in {"NOUN", "PROPN"}
        for t in expand_conjuncts(pobj)
    ]
    return found or [tok]


def _subjects_plain(verb: Token, dateline: frozenset[int]) -> list[Token]:
    return [
        _amount_content(
            resolve_relative(t if t.i not in dateline else _subject_after_dateline(t, dateline))
        )
        for s in subjects(verb)
        for t in expand_conjuncts(s)
        if t.i not in dateline or _subject_after_dateline(t, dateline) is not t
    ]


def evaluative_predicate(verb: Token) -> Token | None:
    """The negative evaluative predicate of a naming verb ("called X a liar" -> liar,
    "called X a terrorist state" -> terrorist), or None."""
    if verb.lemma_.lower() not in NAMING_LEMMAS:
        return None
    for c in verb.children:
        if c.dep_ in {"oprd", "acomp", "xcomp", "ccomp"}:
            words = [c, *(a for a in c.children if a.dep_ in {"amod", "compound"})]
        elif c.dep_ in OBJECT_DEPS:
            # "called Y's remarks 'reckless'": an adjective after its noun is the predicate.
            words = [a for a in c.children if a.dep_ == "amod" and a.i > c.i]
        else:
            continue
        for t in words:
            if t.lower_ in EVALUATIVE_PREDICATES or t.lemma_.lower() in EVALUATIVE_PREDICATES:
                return t
    return None


def _evaluated(verb: Token) -> list[Token]:
    """What a naming verb evaluates: its object, or the subject of its small clause
    ("called Y's decision heartbreaking")."""
    for c in verb.children:
        if c.dep_ in OBJECT_DEPS:
            return [resolve_relative(t) for t in expand_conjuncts(c)]
    for c in verb.children:
        if c.dep_ in {"oprd", "acomp", "xcomp", "ccomp"}:
            for s in c.children:
                if s.dep_ in {"nsubj", "poss"}:  # "called Y's reversal 'heartbreaking'"
                    return expand_conjuncts(s)
    return []


def _agents_and_patients(verb: Token, subj: list[Token]) -> tuple[list[Token], list[Token]]:
    if not is_passive(verb) and evaluative_predicate(verb) is not None:
        return subj, _evaluated(verb)  # "X called Y a liar": X disapproves of Y
    table, doc = token_table(verb.doc), verb.doc
    deps = table.dep
    objects = [
        resolve_relative(t)
        for c in table.children(verb.i)
        if deps[c] in _OBJECT_DEP_IDS
        for t in expand_conjuncts(doc[c])
    ]
    if verb.lemma_.lower() in NAMING_LEMMAS and (
        len([c for c in verb.children if c.dep_ in OBJECT_DEPS]) > 1
        or any(c.dep_ == "oprd" for c in verb.children)
    ):
        return [], []  # "which China calls Ren'ai Jiao": naming, not addressing anyone
    if not is_passive(verb):
        if not objects and verb.lemma_.lower() in DIRECTIVE_LEMMAS:
            objects = _directive_addressees(verb)
        if not objects:
            objects = _participle_clause_subjects(verb)
        return subj, objects
    reduced = _reduced_passive(verb)
    by_agents = [
        t
        for c in verb.children
        if c.dep_ == "agent" or (reduced and c.dep_ == "prep" and c.lower_ == "by")
        for p in c.children
        if p.dep_ == "pobj" and not _is_tally(p)
        for t in expand_conjuncts(p)
    ]
    patients = subj
    if verb.dep_ == "acl" and not patients and verb.head.pos_ in {"NOUN", "PROPN"}:
        patients = expand_conjuncts(verb.head)
    return by_agents or _list_owner(verb) or _chamber(verb, patients), patients + objects


def stand_ins(
    tok: Token, index: MentionIndex, depth: int = 0, verb: Token | None = None
) -> list[Token]:
    """The named places or bodies an unnamed common noun stands for.

    "the islands of X, Y and Z" -> X, Y, Z; "people in the north of Ruritania" ->
    Ruritania; "three deputies from the Acme Union" -> the Acme Union; "the nurses,
    members of X" -> X (through the apposition). "of" counts for nouns of places
    (:data:`PLACE_NOUNS`) and people, "in" and "from" for nouns of people
    (:data:`COLLECTIVE_NOUNS`). A noun that is itself part of a mention ("US officials",
    "the foreign ministry") keeps its own resolution.
    """
    if tok.ent_type_ or tok.pos_ != "NOUN" or index.for_phrase(tok.i, tok.i, tok.i + 1):
        return [tok]
    lemma = tok.lemma_.lower()
    if lemma in PROPOSAL_NOUNS:
        return _proposers(tok, verb) or _earlier_proposers(tok, verb, index) or [tok]
    if lemma in COLLECTIVE_NOUNS:
        preps = _PEOPLE_PREP_IDS
    elif lemma in PLACE_NOUNS:
        preps = _PLACE_PREP_IDS
    else:
        preps = frozenset()  # "Russia's invasion of Ukraine": the "of" phrase is the act's object
    doc, table = tok.doc, token_table(tok.doc)
    deps, pos, lowers, children = table.dep, table.pos, token_lowers(tok.doc), table.children
    named = [
        t
        for prep in children(tok.i)
        if deps[prep] == _PREP and lowers[prep] in preps
        for pobj in children(prep)
        if deps[pobj] == _POBJ
        for conjunct in expand_conjuncts(doc[pobj])
        for t in _named_body(conjunct)
    ]
    if not named and depth == 0:
        # "The nurses, members of X, proposed ...": the apposition says whom they stand for.
        named = [
            t
            for c in [doc[i] for i in children(tok.i) if deps[i] == _APPOS and pos[i] == NOUN]
            if c.lemma_.lower() in COLLECTIVE_NOUNS
            for t in stand_ins(c, index, depth + 1)
            if t.i != c.i
        ]
    return named or [tok]


def _declines_proposal(
    verb: Token,
    lemma: str,
    negated: bool,
    mode: str | None,
    passive: bool,
    patients: Sequence[Token],
) -> bool:
    """A stated, negated acceptance of a proposal ("did not approve the request", "refused to
    approve the plan"): a rejection, not a non-event. Not when hedged ("would not accept")."""
    return (
        negated
        and mode is None
        and not passive
        and lemma in ACCEPTING_LEMMAS
        and verb.pos_ == "VERB"
        and any(p.lemma_.lower() in PROPOSAL_NOUNS for p in patients)
    )


def _proposers(noun: Token, verb: Token | None = None) -> list[Token]:
    """Who made a proposal, named in its participle clause ("a motion brought by X"); not
    for that participle itself (``verb``): X brought the motion, not X."""
    return [
        t
        for acl in noun.children
        if acl.dep_ == "acl"
        and acl.tag_ == "VBN"
        and acl.lemma_.lower() in PROPOSING_LEMMAS
        and (verb is None or acl.i != verb.i)
        for agent in acl.children
        if agent.dep_ == "agent"
        for pobj in agent.children
        if pobj.dep_ == "pobj"
        for t in expand_conjuncts(pobj)
        if t.ent_type_ in NAMED_AGENT_LABELS
    ]


def _earlier_proposers(
    noun: Token, verb: Token | None, index: MentionIndex | None = None
) -> list[Token]:
    """Who made "the offer" / "the proposal" / "this request": the named agent of the
    nearest earlier act of that kind (a verb of :data:`PROPOSAL_VERBS`, or the same noun
    with a named possessor or "by"/"from" phrase) in its sentence or the
    :data:`PROPOSAL_SENTENCES_BACK` before it; never the agent of ``verb`` itself."""
    if not any(c.dep_ == "det" and c.lower_ in ROLE_NOUN_DETERMINERS for c in noun.children):
        return []
    if any(c.dep_ in {"poss", "compound", "nmod", "acl", "relcl"} for c in noun.children):
        return []
    lemma = noun.lemma_.lower()
    verbs = PROPOSAL_VERBS.get(lemma, frozenset())
    doc = noun.doc
    sent_of = sentence_index_by_token(doc)
    own = {t.lower_ for t in (agents_and_patients(verb)[0] if verb is not None else [])}
    first = noun.i
    while first > 0 and sent_of[first - 1] >= sent_of[noun.i] - PROPOSAL_SENTENCES_BACK:
        first -= 1
    for tok in reversed(doc[first : noun.i]):
        found: list[Token] = []
        if tok.pos_ == "VERB" and tok.lemma_.lower() in verbs and not is_negated(tok):
            found = agents_and_patients(tok)[0]
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() == lemma and tok.i != noun.i:
            found = [
                t
                for c in tok.children
                if c.dep_ == "poss" or (c.dep_ in {"prep", "agent"} and c.lower_ in {"by", "from"})
                for t in ([c] if c.dep_ == "poss" else [p for p in c.children if p.dep_ == "pobj"])
            ]
        if index is not None:
            # "The nurses, members of X, offered ...": the body the proposer stands for.
            found = [n for t in found for n in stand_ins(t, index)]
        named = [t for t in found if t.ent_type_ in NAMED_AGENT_LABELS and t.lower_ not in own]
        if found:
            return named  # the nearest act decides, named or not
    return []


def _named_body(tok: Token) -> list[Token]:
    """``[tok]`` when it names a place or body; for a name the recogniser missed ("the
    centrist League of Somewhere (LoS)"), its acronym in apposition; else []."""
    if tok.ent_type_ in STAND_IN_LABELS:
        return [tok]
    if tok.pos_ != "PROPN" or tok.ent_type_:
        return []
    return [d for d in tok.subtree if d.dep_ == "appos" and d.ent_type_ in {"ORG", "NORP"}][:1]


def _is_tally(tok: Token) -> bool:
    """A vote count, not who acted ("passed by 120 votes to 40", "by a wide margin")."""
    return tok.lemma_.lower() in TALLY_NOUNS or tok.like_num


def _chamber(verb: Token, patients: list[Token]) -> list[Token]:
    """The legislature a proposal was voted on in ("the bill was voted down in the Assembly",
    "the bill was passed in Parliament"): a passive vote verb whose patient is a proposal
    (:data:`PROPOSAL_NOUNS`) takes the chamber of its "in" phrase as agent."""
    if verb.lemma_.lower() not in VOTE_LEMMAS or not any(
        p.lemma_.lower() in PROPOSAL_NOUNS for p in patients
    ):
        return []
    return [
        pobj
        for prep in verb.children
        if prep.dep_ == "prep" and prep.lower_ == "in"
        for pobj in prep.children
        if pobj.dep_ == "pobj"
        and pobj.lemma_.lower() in LEGISLATURE_NOUNS
        and pobj.ent_type_ in {"ORG", "GPE", ""}
    ]


def _list_owner(verb: Token) -> list[Token]:
    """Who keeps the list a passive adds to or removes from ("struck off the
    Ministry's register", "put on Ruritania travel blacklist"): the list's named possessor or
    modifier is the agent."""
    out: list[Token] = []
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in {"to", "from", "onto", "off"}:
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj" or pobj.lemma_.lower() not in LIST_NOUNS:
                continue
            out.extend(
                c
                for c in pobj.children
                if c.dep_ in {"poss", "compound", "nmod", "amod"}
                and c.ent_type_ in {"GPE", "ORG", "NORP"}
            )
    return out


def is_amount(tok: Token) -> bool:
    return tok.like_num or tok.ent_type_ in AMOUNT_ENTITY_LABELS or tok.lower_ in AMOUNT_NOUNS


def object_lemma(patient: Token | None) -> str | None:
    """Lemma of the object's head; for an amount, the head of its in/of phrase."""
    if patient is None:
        return None
    if is_amount(patient):
        for prep in patient.children:
            if prep.dep_ == "prep" and prep.lower_ in {"in", "of"}:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        return pobj.lemma_.lower()
    return patient.lemma_.lower()


def complement_lemma(verb: Token) -> str | None:
    """Lemma of an adjective the verb takes as its complement when it has no object
    ("pleaded guilty" → "guilty", "pleads not guilty" → "not guilty"), so a pattern can
    tell the plea from a plea for help."""
    for c in verb.children:
        if c.dep_ == "acomp" and c.pos_ == "ADJ":
            negated = any(d.dep_ == "neg" for d in c.children)
            return ("not " if negated else "") + c.lemma_.lower()
    return None


def _is_temporal(pobj: Token) -> bool:
    return pobj.ent_type_ in TEMPORAL_LABELS or pobj.lower_ in DATE_WORDS


def _with_coordinated_preps(head: Token) -> list[Token]:
    """Prepositions on ``head`` and those coordinated with them ("on Monday and with Y")."""
    out: list[Token] = []
    table, doc = token_table(head.doc), head.doc
    deps, pos, children = table.dep, table.pos, table.children
    stack = [doc[c] for c in children(head.i) if deps[c] in _PREP_DEP_IDS and pos[c] == ADP]
    while stack:
        prep = stack.pop()
        out.append(prep)
        stack.extend(doc[c] for c in children(prep.i) if deps[c] == _CONJ and pos[c] == ADP)
    return out


PREP_PHRASES_CACHE_KEY = "newsevents_prep_phrases"


def _prep_phrases(heads: Iterable[Token | None]) -> list[tuple[Token, Token]]:
    """(preposition, object) pairs attached to the given heads, non-temporal, in text order."""
    pairs: list[tuple[Token, Token]] = []
    for head in heads:
        if head is None:
            continue
        doc = head.doc
        cache = doc_cache(doc, PREP_PHRASES_CACHE_KEY)
        found = cache.get(head.i)
        if found is None:
            # token indexes (no Token kept in the Doc's user_data)
            found = cache[head.i] = [(p.i, t.i) for p, t in _head_prep_phrases(head)]
        pairs.extend((doc[p], doc[t]) for p, t in found)
    pairs.sort(key=lambda pair: (pair[0].i, pair[1].i))
    return pairs


def _head_prep_phrases(head: Token) -> list[tuple[Token, Token]]:
    """The (preposition, object) pairs of one head, unsorted."""
    pairs: list[tuple[Token, Token]] = []
    table, doc = token_table(head.doc), head.doc
    deps, pos, children = table.dep, table.pos, table.children
    for prep in _with_coordinated_preps(head):
        for c in children(prep.i):
            if deps[c] == _POBJ:
                pobj = doc[c]
                if not _is_temporal(pobj):
                    pairs.extend((prep, t) for t in expand_conjuncts(pobj))
            elif deps[c] == _PCOMP and pos[c] == VERB:
                # "talks on joining the European Union": the gerund's object.
                pairs.extend(
                    (prep, t)
                    for obj in children(c)
                    if deps[obj] == _DOBJ
                    for t in expand_conjuncts(doc[obj])
                )
    return pairs


def _participant_pairs(verb: Token, patient: Token | None) -> list[tuple[Token, Token]]:
    """Prepositional phrases on the verb and the object, and on the object's content phrase.

    "pledged $1 billion in aid to Ukraine": "to Ukraine" hangs on "aid", the object of
    the amount's "in"; it still names whom the verb is for. Not for a document
    (:data:`DOCUMENT_NOUNS`): in "released the transcript of a call with X" the call's
    phrases say what the document is about, not whom it was released to.
    """
    heads: list[Token | None] = [verb, patient]
    if patient is not None and patient.lemma_.lower() not in DOCUMENT_NOUNS:
        heads.extend(
            pobj for prep, pobj in _prep_phrases([patient]) if prep.lower_ in OBJECT_CONTENT_PREPS
        )
    pairs = _prep_phrases(heads)
    # "fired missiles at cities across Ukraine": a place inside an unnamed aim.
    pairs.extend(
        (prep, place)
        for prep, pobj in list(pairs)
        if prep.lower_ in AIMED_PREPS and not pobj.ent_type_ and pobj.pos_ == "NOUN"
        for inner, place in _prep_phrases([pobj])
        if inner.lower_ in PLACE_PREPS and place.ent_type_ in {"GPE", "LOC"}
    )
    pairs.extend(_beneficiaries(verb))
    pairs.sort(key=lambda pair: (pair[0].i, pair[1].i))
    return pairs


def _beneficiaries(verb: Token) -> list[tuple[Token, Token]]:
    """("to", X) for a purpose clause "to help X" on the verb ("announced $3 billion ... to
    help Ukraine borrow"): X is whom the act is for. The "to" is the clause's marker."""
    out: list[tuple[Token, Token]] = []
    table, doc = token_table(verb.doc), verb.doc
    deps = table.dep
    for c in table.children(verb.i):
        if deps[c] not in _BENEFIT_CLAUSE_DEP_IDS:
            continue
        clause = doc[c]
        if clause.lemma_.lower() not in BENEFIT_LEMMAS:
            continue
        marker = next((c for c in clause.children if c.dep_ == "aux" and c.lower_ == "to"), None)
        if marker is None:
            continue
        # "to help X", "to help X borrow" (X subject of the bare infinitive), "to help
        # rebuild X" (object of the infinitive).
        heads = [clause] + [c for c in clause.children if c.dep_ in {"ccomp", "xcomp"}]
        out.extend(
            (marker, t)
            for head in heads
            for obj in head.children
            if obj.dep_ in OBJECT_DEPS | {"nsubj"} and obj.pos_ in {"PROPN", "NOUN"}
            for t in expand_conjuncts(obj)
        )
    return out


def _split_participants(
    pairs: list[tuple[Token, Token]], index: MentionIndex
) -> list[list[tuple[Token, Token]]]:
    """One participant list per object of a coordinated phrase ("met with X and Y").

    The first preposition with several objects that are entity mentions is split, so
    every object can become the target of its own event; the other phrases stay in
    every list. Coordinated common nouns ("in grants and loans") are not split.
    """
    by_prep: dict[str, list[tuple[Token, Token]]] = {}
    for prep, pobj in pairs:
        by_prep.setdefault(prep.lower_, []).append((prep, pobj))
    for word in SPLIT_PREPOSITIONS:
        group = by_prep.get(word, [])
        if not 1 < len(group) <= MAX_SPLIT_PARTICIPANTS:
            continue
        named = sum(index.for_phrase(pobj.i, *phrase_bounds(pobj)) is not None for _, pobj in group)
        if named > 1:
            rest = [pair for pair in pairs if pair not in group]
            return [sorted([pair, *rest], key=lambda p: (p[0].i, p[1].i)) for pair in group]
    return [pairs]


def is_negated(verb: Token, depth: int = 0) -> bool:
    table = token_table(verb.doc)
    deps, lowers, children = table.dep, token_lowers(verb.doc), table.children
    if any(deps[c] == _NEG for c in children(verb.i)):
        return True
    for c in children(verb.i):
        if deps[c] in _OBJECT_DEP_IDS and any(
            deps[d] == _DET and lowers[d] == _NO for d in children(c)
        ):
            return True
    if verb.dep_ == "xcomp" and depth < MAX_CLIMB:
        head = verb.head
        return head.lemma_.lower() in NEGATING_CONTROL or is_negated(head, depth + 1)
    return False


def _quotes_speech(verb: Token) -> bool:
    """The verb reports speech: it has a clausal complement or its sentence quotes."""
    if any(c.dep_ in {"ccomp", "parataxis"} for c in verb.children):
        return True
    start, end = sentence_bounds(verb.doc, verb.i)
    return any(t.is_quote for t in verb.doc[start:end])


QUESTION_CACHE_KEY = "newsevents_questions"


def is_question(verb: Token) -> bool:
    """The verb's sentence is a question (its last non-quote token is "?"); remembered
    per sentence."""
    start, end = sentence_bounds(verb.doc, verb.i)
    cache = doc_cache(verb.doc, QUESTION_CACHE_KEY)
    found = cache.get(start)
    if found is None:
        found = cache[start] = _is_question(verb, start, end)
    return found  # type: ignore[no-any-return]


def _is_question(verb: Token, start: int, end: int) -> bool:
    for tok in reversed(verb.doc[start:end]):
        if tok.is_quote or tok.is_space or tok.text in {")", "]"}:
            continue
        return tok.text == "?"
    return False


def _in_contest(verb: Token) -> bool:
    """The verb's sentence talks about an election, vote or game, and what was beaten is
    no proposal ("the bill was voted down by 52 votes to 31" is a rejection)."""
    if any(
        c.dep_ in {"nsubjpass", "dobj"} and c.lemma_.lower() in PROPOSAL_NOUNS
        for c in verb.children
    ):
        return False
    start, end = sentence_bounds(verb.doc, verb.i)
    return any(t.lower_ in CONTEST_WORDS for t in verb.doc[start:end])


def modality(verb: Token, depth: int = 0) -> str | None:
    table = token_table(verb.doc)
    deps, lowers = table.dep, token_lowers(verb.doc)
    for i in table.children(verb.i):
        if deps[i] != _AUX:
            continue
        c = verb.doc[i]
        if c.tag_ == "MD":
            found = MODAL_LEMMAS.get(c.lower_, c.lower_)
            if found in {"will", "shall"} and verb.dep_ == "relcl":
                return "described"  # "the summit that Japan will host": no stated intent
            if found == "would" and _performative_appeal(verb):
                return None  # "I'd urge ministers to ...": the appeal is made by saying it
            return found
    if verb.dep_ == "advcl" and any(
        deps[c] == _MARK and lowers[c] in _CONDITIONAL_IDS for c in table.children(verb.i)
    ):
        return "if"  # "if Russia agrees to talks": a condition, not an act
    if depth == 0 and is_question(verb):
        return "question"
    if depth == 0 and verb.lemma_.lower() in CONTEST_LEMMAS and _in_contest(verb):
        return "contest"
    if depth >= MAX_CLIMB:
        return None
    head = verb.head
    if (
        verb.dep_ == "ccomp"
        and head.lemma_.lower() in CONTROL_MODALITY
        and _has_child(verb, _AUX, _TO)
    ):
        # "want Congress to investigate" parsed as a clause with its own subject: the
        # same wish or plan as the xcomp reading.
        return CONTROL_MODALITY[head.lemma_.lower()]
    if verb.dep_ == "ccomp" and head.lemma_.lower() in DIRECTIVE_LEMMAS:
        return "demanded_that"  # "demanded that Russia withdraw": not (yet) done
    if verb.dep_ == "xcomp":
        lemma = head.lemma_.lower()
        if lemma in CONTROL_MODALITY:
            return CONTROL_MODALITY[lemma]
        if lemma == "go" and head.tag_ == "VBG":
            return "will"
        return modality(head, depth + 1)
    if verb.dep_ == "conj" and not own_subjects(verb) and head.pos_ in {"VERB", "AUX"}:
        if (
            verb.tag_ in FINITE_TAGS
            and head.tag_ == "VB"
            and head.dep_ == "xcomp"
            and _has_child(head, _AUX, _TO)
        ):
            # "promised to cut taxes and attacked his rival": a finite verb cannot sit
            # under "to"; it is coordinated with the governing verb and is as real as it.
            return modality(head.head, depth + 1)
        return modality(head, depth + 1)
    return None


def _performative_appeal(verb: Token) -> bool:
    """A first-person appeal softened by "would" ("I'd call on X to ...", "we would urge
    Y"): saying it is making the appeal, not a hypothetical one."""
    return (
        verb.lemma_.lower() in APPEAL_LEMMAS
        and verb.dep_ in {"ROOT", "ccomp", "parataxis", "conj"}
        and any(s.lower_ in FIRST_PERSON_PRONOUNS for s in own_subjects(verb))
        and not any(c.dep_ == "neg" for c in verb.children)
    )


_ACCORDING_ID = get_string_id("according")


def reporter(verb: Token) -> Token | None:
    """Subject head of the reporting verb this clause is said under, or of "according to"."""
    cur = verb
    for _ in range(MAX_CLIMB):
        head = cur.head
        if head.i == cur.i:
            break
        if cur.dep_ in {"ccomp", "parataxis"} and head.lemma_.lower() in REPORTING_LEMMAS:
            subj = own_subjects(head)
            if subj:
                return resolve_relative(subj[0])
            break
        if cur.dep_ not in {"conj", "xcomp", "ccomp", "advcl"}:
            break
        cur = head
    if "ccording to" not in doc_text(verb.doc):
        return None
    start, end = sentence_bounds(verb.doc, verb.i)
    lowers = token_lowers(verb.doc)
    for i in range(start, end):
        if lowers[i] != _ACCORDING_ID:
            continue  # (no Token built for the other words)
        tok = verb.doc[i]
        if tok.lower_ == "according":
            for to in tok.children:
                if to.lower_ == "to":
                    for pobj in to.children:
                        if pobj.dep_ == "pobj":
                            return pobj
    return None


def clause_tokens(verb: Token) -> list[Token]:
    """Tokens of the verb's own clause: its subtree minus nested clauses (xcomp kept)."""
    out: list[Token] = []
    stack = [verb]
    while stack:
        tok = stack.pop()
        out.append(tok)
        for child in tok.children:
            if child.dep_ in CLAUSE_DEPS and (
                child.pos_ in {"VERB", "AUX"} or child.dep_ != "conj"
            ):
                continue
            stack.append(child)
    return sorted(out, key=lambda t: t.i)


DATED_SENTENCES_KEY = "newsevents_dated_sentences"
_TEMPORAL_IDS = word_ids(TEMPORAL_LABELS)
_DAY_WORD_IDS = word_ids(BARE_DATE_WORDS)


def _sentence_may_hold_date(verb: Token) -> bool:
    """Cheap pre-check: does the verb's sentence hold any DATE/TIME entity or day word?"""
    doc = verb.doc
    dated = doc.user_data.get(DATED_SENTENCES_KEY)
    if dated is None:
        sent_of = sentence_index_by_token(doc)
        day_words, temporal = _DAY_WORD_IDS, _TEMPORAL_IDS
        # Array access avoids building a Token object per token (and ``doc.ents`` a
        # Span per entity): an entity starts at an ENT_IOB of 3 ("B") with a type.
        lowers = token_lowers(doc)
        types = doc.to_array("ENT_TYPE").tolist() if len(doc) else []
        iobs = doc.to_array("ENT_IOB").tolist() if len(doc) else []
        dated = doc.user_data[DATED_SENTENCES_KEY] = {
            sent_of[i]
            for i, (lower, ent_type, iob) in enumerate(zip(lowers, types, iobs, strict=True))
            if lower in day_words or (iob == 3 and ent_type in temporal)
        }
    return sentence_index_by_token(doc)[verb.i] in dated


DATE_STARTS_KEY = "newsevents_date_starts"


def _date_starts(doc: Doc) -> list[int]:
    """Indexes, in order, of the tokens :func:`date_expression` can start at: the first
    token of a DATE/TIME entity, or a bare day word outside any entity."""
    starts = doc.user_data.get(DATE_STARTS_KEY)
    if starts is None:
        temporal, day_words = _TEMPORAL_IDS, _DAY_WORD_IDS
        # ENT_IOB 3 is "B"; an ENT_TYPE of 0 is no entity.
        types = doc.to_array("ENT_TYPE").tolist() if len(doc) else []
        iobs = doc.to_array("ENT_IOB").tolist() if len(doc) else []
        lowers = token_lowers(doc)
        starts = doc.user_data[DATE_STARTS_KEY] = [
            i
            for i, (ent_type, iob, lower) in enumerate(zip(types, iobs, lowers, strict=True))
            if (ent_type in temporal and iob == 3) or (ent_type == 0 and lower in day_words)
        ]
    return starts  # type: ignore[no-any-return]


def _in_clause(tok: Token, verb: Token) -> bool:
    """``tok`` is one of :func:`clause_tokens` of ``verb``: on its way up to ``verb``
    no token hangs on its head as a nested clause."""
    cur = tok
    while cur.i != verb.i:
        head = cur.head
        if head.i == cur.i:
            return False
        if cur.dep_ in CLAUSE_DEPS and (cur.pos_ in {"VERB", "AUX"} or cur.dep_ != "conj"):
            return False
        cur = head
    return True


def _clause_date_tokens(verb: Token) -> Iterable[Token]:
    """The tokens of :func:`clause_tokens` that may start a date, in order (the clause
    lies within the verb's subtree: only the date starts there are checked)."""
    doc = verb.doc
    starts = _date_starts(doc)
    lo, hi = verb.left_edge.i, verb.right_edge.i
    for i in starts[bisect_left(starts, lo) : bisect_right(starts, hi)]:
        tok = doc[i]
        if _in_clause(tok, verb):
            yield tok


def date_expression(verb: Token, depth: int = 0) -> tuple[int, int] | None:
    """Token range of the first time-point expression in the verb's clause."""
    if not _sentence_may_hold_date(verb):
        return None
    doc = verb.doc
    for tok in _clause_date_tokens(verb):
        if tok.ent_type_ in TEMPORAL_LABELS and tok.ent_iob_ == "B":
            end = tok.i + 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            if is_time_point(doc[tok.i : end].text):
                return tok.i, end
        elif not tok.ent_type_ and tok.lower_ in BARE_DATE_WORDS:
            return tok.i, tok.i + 1
    if verb.dep_ in {"xcomp", "conj"} and depth < MAX_CLIMB and verb.head.i != verb.i:
        return date_expression(verb.head, depth + 1)
    return _when_clause_date(verb)


def _when_clause_date(verb: Token) -> tuple[int, int] | None:
    """The date a "when" clause hangs on ("in 1990, when the minister signed the
    accord"): that date is the clause's time, so it dates the clause's act."""
    head = verb.head
    if (
        verb.dep_ not in {"relcl", "advcl"}
        or head.i == verb.i
        or head.ent_type_ not in TEMPORAL_LABELS
        or not any(c.dep_ == "advmod" and c.lower_ == "when" for c in verb.children)
    ):
        return None
    doc = verb.doc
    start = head.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = head.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return (start, end) if is_time_point(doc[start:end].text) else None


@dataclass(frozen=True)
class _Phrase:
    text: str | None = None
    start_char: int | None = None
    end_char: int | None = None
    mention_index: int | None = None


def _phrase(tok: Token | None, index: MentionIndex) -> _Phrase:
    if tok is None:
        return _Phrase()
    found = index.phrases.get(tok.i)
    if found is None:
        found = index.phrases[tok.i] = _token_phrase(tok, index)
    return found


def _token_phrase(tok: Token, index: MentionIndex) -> _Phrase:
    start, end = phrase_bounds(tok)
    doc = tok.doc
    table = token_table(doc)
    deps = table.dep
    start_char, end_char = table.idx[start], table.end[end - 1]
    appositions = [c for c in table.children(tok.i) if deps[c] == _APPOS]
    mention = (
        index.person_after_office(tok)
        if tok.pos_ == "NOUN" and tok.lower_ in ROLE_LAST_WORDS and not appositions
        else None
    ) or index.for_phrase(tok.i, start, end, appositions)
    if (
        mention is not None
        and tok.lemma_.lower() in DEPENDANT_NOUNS
        and not any(mention.start <= i < mention.end for i in [tok.i, *appositions])
    ):
        mention = None  # "Ruiz's husband", "an Okafor staffer": someone else than Ruiz
    if mention is None and tok.lemma_.lower() in CONDUCT_NOUNS:
        mention = _of_owner(tok, index)  # "the judgment of X" as "X's judgment"
    return _Phrase(
        doc_text(doc)[start_char:end_char],
        start_char,
        end_char,
        mention.mention_index if mention else None,
    )


def _of_owner(noun: Token, index: MentionIndex) -> Mention | None:
    """The named actor of a conduct noun's "of" phrase ("the judgment of X", "the conduct
    of the ministry"), as its possessor would be ("X's judgment")."""
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ != "of":
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            appositions = [c.i for c in pobj.children if c.dep_ == "appos"]
            owner = index.for_phrase(pobj.i, *phrase_bounds(pobj), appositions)
            if owner is not None and owner.label in OWNER_LABELS:
                return owner
    return None


# What json.dumps(items, ensure_ascii=False) builds on every call, built once.
PARTICIPANTS_JSON = json.JSONEncoder(ensure_ascii=False)


def _participants(
    pairs: list[tuple[Token, Token]],
    index: MentionIndex,
    partners: Sequence[Token] = (),
    addressees: Sequence[Token] = (),
    bodies: Callable[[Token], int | None] | None = None,
) -> str | None:
    """JSON participant list; reciprocal co-subjects come first as "with" participants,
    the addressee a participle shares with its main clause last, as a "to" participant.
    ``bodies`` gives the body an unnamed object of a preposition stands for ("called on
    ministers": the government named before, :meth:`RoleAntecedents.members_body`)."""
    items = []
    for partner in partners:
        phrase = _phrase(partner, index)
        items.append(
            {
                "prep": RECIPROCAL_PREP,
                "text": phrase.text,
                "lemma": partner.lemma_.lower(),
                "mention_index": phrase.mention_index,
            }
        )
    for prep, pobj in pairs:
        phrase = _phrase(pobj, index)
        mention_index = phrase.mention_index
        if mention_index is None and bodies is not None:
            mention_index = bodies(pobj)
        items.append(
            {
                "prep": prep.lower_,
                "text": phrase.text,
                "lemma": pobj.lemma_.lower(),
                "mention_index": mention_index,
            }
        )
    for addressee in addressees:
        phrase = _phrase(addressee, index)
        items.append(
            {
                "prep": ADDRESSEE_PREP,
                "text": phrase.text,
                "lemma": addressee.lemma_.lower(),
                "mention_index": phrase.mention_index,
            }
        )
    return PARTICIPANTS_JSON.encode(items) if items else None


def shared_addressees(verb: Token, index: MentionIndex) -> list[Token]:
    """Whom the main clause of a participial adjunct is aimed at ("X told Y, again
    pressing for a full account", "X met with Y, urging ..."): the main verb's named direct
    object, else its named "with"/"to" objects. Only for a subjectless -ing adjunct that is
    no report ("..., saying ...") and has no clause of its own; a candidate whose patient
    is named keeps its own target."""
    if (
        verb.dep_ != "advcl"
        or verb.tag_ != "VBG"
        or _has_marker(verb)
        or own_subjects(verb)
        or verb.lemma_.lower() in REPORTING_LEMMAS
        or any(c.dep_ == "ccomp" for c in verb.children)
    ):
        return []
    head = verb.head
    if head.pos_ not in {"VERB", "AUX"}:
        return []
    objects = [t for c in head.children if c.dep_ in OBJECT_DEPS for t in expand_conjuncts(c)]
    if not objects:
        objects = [
            t
            for prep, pobj in _prep_phrases([head])
            if prep.lower_ in ADDRESSEE_SOURCE_PREPS
            for t in [pobj]
        ]
    return [t for t in objects if index.for_phrase(t.i, *phrase_bounds(t)) is not None]


def _date_fields(verb: Token, published: date | None) -> dict[str, object]:
    found = date_expression(verb)
    if found is None:
        resolved = article_date(published)
        date_text = None
    else:
        start, end = found
        doc = verb.doc
        root = doc[start:end].root
        # Keep the preposition governing the expression ("on Thursday"), not one
        # that governs a larger phrase ("in Thursday's statement").
        has_prep = start > 0 and doc[start - 1].pos_ == "ADP" and root.head.i == start - 1
        text_start = start - 1 if has_prep else start
        date_text = doc[text_start:end].text.strip()
        resolved = resolve_date(doc[start:end].text, published)
    return {
        "date_text": date_text,
        "event_date": resolved.event_date,
        "event_date_start": resolved.start,
        "event_date_end": resolved.end,
        "date_resolution": resolved.resolution,
    }


def in_background(noun: Token) -> bool:
    """The act noun sits in a phrase of time or cause ("since Russia's invasion")."""
    cur = noun
    for _ in range(MAX_CLIMB):
        if cur.head.i == cur.i or cur.head.pos_ in {"VERB", "AUX"}:
            return False
        cur = cur.head
        if cur.lower_ in BACKGROUND_WORDS:
            return True
    return False


def nominal_agents(noun: Token) -> list[Token]:
    """Named agents of an act noun: possessor ("Russia's invasion"), demonym or name
    modifier ("the Ruritanian shelling", "US airstrikes"), or a "by" phrase; none for a
    noun in the background (:func:`in_background`)."""
    out: list[Token] = []
    if in_background(noun):
        return out
    for c in noun.children:
        if c.dep_ == "poss" and c.ent_type_ in NOMINAL_AGENT_LABELS:
            out.extend(expand_conjuncts(c))
        elif c.dep_ in {"amod", "compound", "nmod"} and c.ent_type_ in NOMINAL_AGENT_LABELS:
            out.append(c)
        elif c.dep_ == "prep" and c.lower_ == "by":
            out.extend(t for p in c.children if p.dep_ == "pobj" for t in expand_conjuncts(p))
    return out


def governing_verb(tok: Token) -> Token | None:
    """The verb whose clause a noun sits in (negation, modality and date come from it)."""
    cur = tok
    for _ in range(4):
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        if cur.pos_ in {"VERB", "AUX"}:
            return cur
    return None


_PRONOUN_SUBJECT_DEP_IDS = word_ids({"nsubj", "nsubjpass"})


class PersonAntecedents:
    """The person a he/she pronoun stands for: the nearest named person before it.

    Sentences are counted back from the pronoun's, skipping those without a word (a
    stray quote mark the sentence splitter cut off). An earlier he/she subject of the
    same word counts as the person it stands for ("Doe faces ten years. He was arrested
    over a call to Roe. During the call, he ...": Doe, the subject, not Roe), so a story
    that goes on about one person by pronoun keeps that person; so does a role noun
    subject ("The congressman will retire, a decision he disclosed": the congressman,
    through :class:`RoleAntecedents`).
    """

    def __init__(self, doc: Doc, mentions: Sequence[Mention]) -> None:
        self._by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            if m.label == "PERSON":
                self._by_sentence.setdefault(m.sentence_index, []).append(m)
        self._doc = doc
        self._sent_of = sentence_index_by_token(doc)
        self._pronouns: dict[int, list[Token]] = {}
        self._worded: set[int] = set()
        self._first_token: dict[int, int] = {}
        sent_of = self._sent_of
        # Arrays, not a Token per word: only subjects are looked at more closely.
        alphas = doc.to_array("IS_ALPHA").tolist() if len(doc) else []
        self._worded = {sentence for sentence, alpha in zip(sent_of, alphas, strict=True) if alpha}
        before = None
        for i, sentence in enumerate(sent_of):
            if sentence != before:  # a sentence is a run of tokens (blank ones share -1)
                self._first_token.setdefault(sentence, i)
                before = sentence
        deps = token_table(doc).dep
        for i in [i for i, dep in enumerate(deps) if dep in _PRONOUN_SUBJECT_DEP_IDS]:
            tok = doc[i]
            if tok.lower_ in PERSONAL_PRONOUNS or tok.lemma_.lower() in PERSON_ROLE_NOUNS:
                self._pronouns.setdefault(sent_of[i], []).append(tok)
        self._found: dict[int, Mention | None] = {}
        self._index = MentionIndex(mentions)
        self.roles: RoleAntecedents | None = None  # set by RoleAntecedents

    def _is_subject(self, m: Mention) -> bool:
        span = self._doc[m.start : m.end]
        return span.root.dep_ in {"nsubj", "nsubjpass"}

    def sentences_back(self, sentence_index: int, back: int = PRONOUN_SENTENCES_BACK) -> list[int]:
        """The pronoun's sentence and up to ``back`` worded ones before it."""
        out = [sentence_index]
        cur = sentence_index - 1
        while cur >= 0 and len(out) <= back:
            if cur in self._worded:
                out.append(cur)
            cur -= 1
        return out

    def find(self, pronoun: Token, sentence_index: int) -> Mention | None:
        if pronoun.i in self._found:
            return self._found[pronoun.i]
        self._found[pronoun.i] = None  # a cycle finds nothing
        found = self._find(pronoun, sentence_index)
        self._found[pronoun.i] = found
        return found

    def person_of(self, subject: Token) -> Mention | None:
        """The named person a subject is: a name, a he/she pronoun or a role noun."""
        sentence = self._sent_of[subject.i]
        if subject.lower_ in PERSONAL_PRONOUNS:
            return self.find(subject, sentence)
        current = self._index.for_phrase(subject.i, *phrase_bounds(subject))
        if current is not None and current.label == "PERSON":
            return current
        if self.roles is None:
            return None
        found = self.roles.find(subject, current.mention_index if current else None, set())
        return found if found is not None and found.label == "PERSON" else None

    def quote_speaker(self, tok: Token) -> Mention | None:
        """Who says the quotation a first-person ``tok`` is in: the named subject of a
        reporting verb in its sentence, else in the nearest earlier sentence of the same
        quotation ('Doe said: "It need not be so. <newline> "I'd call on ...': Doe). Only
        for a token inside quotation marks (an opening mark before it in its sentence);
        an earlier sentence without a quotation mark ends the search."""
        doc = tok.doc
        start, _ = sentence_bounds(doc, tok.i)
        if sum(t.text in QUOTE_MARKS for t in doc[start : tok.i]) % 2 == 0:
            return None
        sentence = self._sent_of[tok.i]
        for earlier in self.sentences_back(sentence)[: QUOTE_SENTENCES_BACK + 1]:
            first, end = sentence_bounds(doc, self._first_token[earlier])
            toks = doc[first:end]
            if earlier != sentence and not any(t.text in QUOTE_MARKS for t in toks):
                return None
            subjects = [
                subject
                for verb in toks
                if verb.pos_ == "VERB" and verb.lemma_.lower() in REPORTING_LEMMAS
                for subject in own_subjects(verb)[:1]
                if subject.lower_ not in FIRST_PERSON_PRONOUNS
            ]
            if subjects:
                return self.person_of(subjects[-1])  # the attribution, named or not
        return None

    def _find(self, pronoun: Token, sentence_index: int) -> Mention | None:
        for sentence in self.sentences_back(sentence_index):
            # (position, is subject, mention): named people and earlier he/she subjects
            found: list[tuple[int, bool, Mention]] = [
                (m.start, self._is_subject(m), m)
                for m in self._by_sentence.get(sentence, [])
                if m.end <= pronoun.i
            ]
            for earlier in self._pronouns.get(sentence, []):
                if earlier.i >= pronoun.i:
                    continue
                if earlier.lower_ == pronoun.lower_:
                    person = self.find(earlier, sentence)
                elif earlier.lower_ not in PERSONAL_PRONOUNS and self.roles is not None:
                    # "The congressman will leave, a decision he disclosed": the person
                    # the role noun subject stands for.
                    current = self._index.for_phrase(earlier.i, *phrase_bounds(earlier))
                    person = self.roles.find(
                        earlier, current.mention_index if current else None, set()
                    )
                else:
                    person = None
                if person is not None and person.label == "PERSON":
                    found.append((earlier.i, True, person))
            if found:
                subjects = [f for f in found if f[1]]
                return max(subjects or found, key=lambda f: f[0])[2]
        return None


def _role_word(role: str | None) -> str | None:
    """Last word of a role, lower-case and without a full stop ("Rep." -> "rep")."""
    words = (role or "").lower().replace(".", "").split()
    return words[-1] if words else None


def _entity_key(mention: Mention, by_index: dict[int, Mention]) -> str:
    """The end of the mention's antecedent chain, by its last word ("Okafor")."""
    seen = {mention.mention_index}
    while (
        mention.antecedent_mention_index is not None
        and mention.antecedent_mention_index in by_index
        and mention.antecedent_mention_index not in seen
    ):
        mention = by_index[mention.antecedent_mention_index]
        seen.add(mention.mention_index)
    words = mention.text.casefold().split()
    return words[-1] if words else ""


def _governing_subject_keys(
    verb: Token, roles: RoleAntecedents, index: MentionIndex, antecedents: PersonAntecedents
) -> set[str]:
    """Entities of the subjects of the clauses ``verb`` is said, demanded or planned in
    ("Cole requested that the congressman withdraw": Cole); a role noun there is someone else."""
    keys: set[str] = set()
    cur = verb
    for _ in range(MAX_CLIMB):
        if cur.dep_ not in {"ccomp", "xcomp", "advcl"} or cur.head.i == cur.i:
            break
        cur = cur.head
        for subject in own_subjects(cur):
            if subject.lower_ in PERSONAL_PRONOUNS:
                person = antecedents.find(subject, sentence_index_by_token(verb.doc)[subject.i])
                found = person.mention_index if person is not None else None
            else:
                found = _phrase(subject, index).mention_index
            key = roles.key(found)
            if key:
                keys.add(key)
    return keys


class RoleAntecedents:
    """The actor a definite role noun stands for ("the congressman", "the group").

    A person noun of :data:`PERSON_ROLE_NOUNS` ("the two-term congressman") is the
    nearest person named before it in its sentence or up to :data:`PRONOUN_SENTENCES_BACK`
    earlier ones of its paragraph: in the nearest sentence with a candidate, one whose
    role fits (:data:`ROLE_SYNONYMS`: a "Rep." is a congressman) wins, a person holding
    another role never fits. An organisation noun of :data:`ORG_ROLE_NOUNS` is the
    nearest organisation named with that word ("the ministry" -> "the Ministry of
    Finance"; "the group" -> any organisation). The other participant of the act is
    never its antecedent ("he requested that the congressman ...": not himself). Only for a
    noun with "the"/"this"/"that", no name or possessor of its own, and no mention or an
    unlinked role reference.
    """

    def __init__(
        self, doc: Doc, mentions: Sequence[Mention], antecedents: PersonAntecedents
    ) -> None:
        self._doc = doc
        self._antecedents = antecedents
        antecedents.roles = self
        self._by_index = {m.mention_index: m for m in mentions}
        self._by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            if m.label in {"PERSON", "ORG", "ROLE_REF"}:
                self._by_sentence.setdefault(m.sentence_index, []).append(m)
        self._text = doc_text(doc)

    def key(self, mention_index: int | None) -> str | None:
        if mention_index is None or mention_index not in self._by_index:
            return None
        return _entity_key(self._by_index[mention_index], self._by_index)

    def _same_paragraph(self, earlier: Mention, noun: Token) -> bool:
        return "\n" not in self._text[earlier.end_char : noun.idx]

    def find(self, noun: Token, current: int | None, exclude: set[str]) -> Mention | None:
        """The mention ``noun`` stands for, or None (see the class docstring)."""
        lemma = noun.lemma_.lower()
        if lemma in MEMBER_BODIES and noun.tag_ == "NNS" and current is None:
            return self._body(noun, MEMBER_BODIES[lemma], exclude)
        person = lemma in PERSON_ROLE_NOUNS
        if not person and lemma not in ORG_ROLE_NOUNS:
            return None
        if current is not None:
            mention = self._by_index.get(current)
            modifier = (
                person
                and mention is not None
                and mention.label in PARTY_LABELS
                and not mention.start <= noun.i < mention.end
            )  # "the Conservative MP": the party or nation describes the one named before
            if mention is None or (
                not modifier and (mention.label != "ROLE_REF" or mention.antecedent_mention_index)
            ):
                return None
        if not any(c.dep_ == "det" and c.lower_ in ROLE_NOUN_DETERMINERS for c in noun.children):
            return None
        if any(
            c.dep_ in {"poss", "appos"}
            or (c.ent_type_ and not (person and c.ent_type_ in PARTY_LABELS))
            or (
                c.dep_ in {"compound", "nmod"}
                and c.pos_ == "PROPN"
                and not (person and c.ent_type_ in PARTY_LABELS)
            )
            for c in noun.children
        ):
            return None  # "the House committee", "the party's chairman": named already
        sentence = sentence_index_by_token(self._doc)[noun.i]
        for back, earlier in enumerate(self._antecedents.sentences_back(sentence)):
            found = [
                m
                for m in self._by_sentence.get(earlier, [])
                if m.end <= noun.i
                and (person or self._same_paragraph(m, noun))
                and _entity_key(m, self._by_index) not in exclude
            ]
            fits = (
                self._persons(found, lemma, noun, back <= 1)
                if person
                else self._organisations(found, lemma)
            )
            if fits:
                return fits[-1]
        return None

    def members_body_finder(self, exclude: set[str]) -> Callable[[Token], int | None]:
        """For a participant: the mention index of the body bare "lawmakers" or "ministers"
        stand for (:meth:`_body`), else None."""

        def find(noun: Token) -> int | None:
            lemma = noun.lemma_.lower()
            if lemma not in MEMBER_BODIES or noun.tag_ != "NNS":
                return None
            found = self._body(noun, MEMBER_BODIES[lemma], exclude)
            return found.mention_index if found is not None else None

        return find

    def _body(self, noun: Token, words: frozenset[str], exclude: set[str]) -> Mention | None:
        """The body bare "lawmakers" or "ministers" stand for: the nearest organisation
        named before whose name holds one of ``words`` (a chamber or committee, a government),
        at most :data:`BODY_SENTENCES_BACK` sentences back."""
        if any(
            c.dep_ in {"det", "poss", "compound", "nmod", "nummod", "appos", "prep"} or c.ent_type_
            for c in noun.children
        ):
            return None  # "two lawmakers", "Ruritanian lawmakers", "lawmakers from X"
        sentence = sentence_index_by_token(self._doc)[noun.i]
        for earlier in self._antecedents.sentences_back(sentence, BODY_SENTENCES_BACK):
            bodies = [
                m
                for m in self._by_sentence.get(earlier, [])
                if m.label == "ORG"
                and m.end <= noun.i
                and _entity_key(m, self._by_index) not in exclude
                and words.intersection(m.text.lower().split())
            ]
            if bodies:
                return bodies[-1]
        return None

    def _persons(
        self, found: list[Mention], lemma: str, noun: Token, adjacent: bool
    ) -> list[Mention]:
        """People whose role fits (in any paragraph), else people without a role in the
        noun's paragraph or its sentence's (``adjacent``: the nearest worded one before)."""
        people = [m for m in found if m.label == "PERSON"]
        synonyms = ROLE_SYNONYMS.get(lemma, frozenset({lemma}))
        fitting = [m for m in people if _role_word(m.role) in synonyms]
        return fitting or [
            m for m in people if m.role is None and (adjacent or self._same_paragraph(m, noun))
        ]

    @staticmethod
    def _organisations(found: list[Mention], lemma: str) -> list[Mention]:
        orgs = [m for m in found if m.label == "ORG"]
        if lemma in GENERIC_ORG_NOUNS:
            return orgs
        # "the Ministry of Finance" is a role reference to a body (mentions.py).
        bodies = orgs + [m for m in found if m.label == "ROLE_REF" and m.role]
        return [m for m in bodies if lemma in m.text.lower().replace(".", "").split()]


def _patient_parts(
    verb: Token,
    patient_tok: Token | None,
    passive: bool,
    evaluated: Token | None,
    stood_for: dict[int, Token],
    index: MentionIndex,
) -> tuple[str | None, str | None, list[list[tuple[Token, Token]]]]:
    """Of one patient of ``verb``: the candidate's ``object_lemma``, its ``prepositions``
    and its participant lists (:func:`_split_participants`), the same for every agent."""
    lemma: str | None
    if evaluated is not None:
        lemma = (
            evaluated.lower_
            if evaluated.lower_ in EVALUATIVE_PREDICATES
            else evaluated.lemma_.lower()
        )
    elif patient_tok is not None:
        lemma = object_lemma(stood_for[patient_tok.i])
    else:
        lemma = complement_lemma(verb)
    pairs = _participant_pairs(verb, _own_object(verb, patient_tok, passive))
    preps = " ".join(dict.fromkeys(p.lower_ for p, _ in pairs)) or None
    return lemma, preps, _split_participants(pairs, index)


def extract_candidates(
    doc: Doc, mentions: Sequence[Mention], published: date | None
) -> list[Candidate]:
    """Event candidates of ``doc``; see the module docstring for every field."""
    index = MentionIndex(mentions)
    mention_by_index = {m.mention_index: m for m in mentions}
    sent_of = sentence_index_by_token(doc)
    antecedents = PersonAntecedents(doc, mentions)
    roles = RoleAntecedents(doc, mentions, antecedents)
    out: list[Candidate] = []
    # Only verbs and nouns can be triggers: the part-of-speech array picks them without
    # building a Token for every other word.
    table = token_table(doc)
    for i, pos in enumerate(table.pos):
        if pos != VERB and pos != NOUN:
            continue
        verb = doc[i]
        nominal = verb.pos_ == "NOUN" and verb.lemma_.lower() in NOMINAL_TRIGGERS
        if verb.pos_ != "VERB" and not nominal:
            continue
        if nominal:
            agents = nominal_agents(verb)
            patients: list[Token] = []
            if not agents:
                continue
            clause = governing_verb(verb)
            lemma = NOMINAL_TRIGGERS[verb.lemma_.lower()]
        else:
            agents, patients = agents_and_patients(verb)
            if not agents and not patients:
                continue
            clause = verb
            lemma = verb.lemma_.lower()
        speaker_tok = reporter(clause) if clause is not None else None
        speaker = _phrase(speaker_tok, index)
        passive = not nominal and is_passive(verb)
        negated = is_negated(clause) if clause is not None else False
        mode = modality(clause) if clause is not None else None
        if _declines_proposal(verb, lemma, negated, mode, passive, patients):
            # "X did not approve the request": the act reported is a rejection.
            lemma, negated = REJECTING_LEMMA, False
        shared = {
            "sentence_index": sent_of[verb.i],
            "trigger_text": verb.text,
            "trigger_lemma": lemma,
            "trigger_start_char": verb.idx,
            "trigger_end_char": verb.idx + len(verb.text),
            "particle": None
            if nominal
            else next((doc[c].lower_ for c in table.children(i) if table.dep[c] == _PRT), None),
            "is_passive": passive,
            "is_negated": negated,
            "modality": mode,
            "reported_by_text": speaker.text,
            "reported_by_mention_index": speaker.mention_index,
            **_date_fields(clause if clause is not None else verb, published),
        }
        agents = [named for t in agents for named in stand_ins(t, index, verb=verb)]
        # What the verb acted on, by the stand-in's position: its lemma is the object's.
        stood_for: dict[int, Token] = {}
        named_patients: list[Token] = []
        for t in patients:
            for named in stand_ins(t, index, verb=verb):
                stood_for.setdefault(named.i, t)
                named_patients.append(named)
        patients = named_patients
        agent_toks: list[Token | None] = [*agents] or [None]
        patient_toks: list[Token | None] = [*patients] or [None]
        reciprocal = (
            len(agents) > 1
            and lemma in RECIPROCAL_LEMMAS
            and not passive
            and (
                lemma not in AGREEMENT_OBJECT_LEMMAS
                or any(object_lemma(p) in AGREEMENT_NOUNS for p in patients)
            )
        )
        interview = not nominal and lemma in INTERVIEW_LEMMAS and _quotes_speech(verb)
        addressees = [] if nominal else shared_addressees(verb, index)
        patient_keys = {
            key for t in patients if (key := roles.key(_phrase(t, index).mention_index))
        }
        # Per patient, what no agent changes: the object's lemma and the participant
        # phrases (split per coordinated object).
        evaluated = evaluative_predicate(verb)
        per_patient = [
            _patient_parts(verb, patient_tok, passive, evaluated, stood_for, index)
            for patient_tok in patient_toks
        ]
        for agent_tok in agent_toks:
            agent = _phrase(agent_tok, index)
            if (
                agent_tok is not None
                and agent_tok.lower_ in PERSONAL_PRONOUNS
                and speaker.mention_index is not None
                and mention_by_index[speaker.mention_index].label == "PERSON"
            ):
                # "Putin says he ...": the pronoun is the speaker.
                agent = _Phrase(agent.text, agent.start_char, agent.end_char, speaker.mention_index)
            elif (
                agent_tok is not None
                and agent_tok.lower_ in PERSONAL_PRONOUNS
                and agent.mention_index is None
                and (person := antecedents.find(agent_tok, sent_of[agent_tok.i])) is not None
            ):
                # "He urged ...": the person named last before the pronoun.
                agent = _Phrase(agent.text, agent.start_char, agent.end_char, person.mention_index)
            elif (
                agent_tok is not None
                and agent_tok.lower_ == "i"
                and agent.mention_index is None
                and not nominal
                and verb.tag_ in PRESENT_TAGS
                and (person := antecedents.quote_speaker(agent_tok)) is not None
            ):
                # '"I'd urge ministers to ...," Doe said': the one quoted, for what the
                # quote does now (an appeal, a stance); a story told in the past ("I went
                # to the clinic") is an anecdote, left unnamed.
                agent = _Phrase(agent.text, agent.start_char, agent.end_char, person.mention_index)
            elif agent_tok is not None and (
                ref := roles.find(
                    agent_tok,
                    agent.mention_index,
                    patient_keys | _governing_subject_keys(verb, roles, index, antecedents),
                )
            ):
                # "The two-term congressman will ...": the person named before.
                agent = _Phrase(agent.text, agent.start_char, agent.end_char, ref.mention_index)
            agent_key = roles.key(agent.mention_index)
            bodies = roles.members_body_finder({agent_key} if agent_key else set())
            partners = [t for t in agents if t is not agent_tok] if reciprocal else []
            for patient_tok, (obj_lemma, preps, splits) in zip(
                patient_toks, per_patient, strict=True
            ):
                patient = _phrase(patient_tok, index)
                if (
                    interview
                    and patient.mention_index is not None
                    and mention_by_index[patient.mention_index].label == "PERSON"
                ):
                    # "Scott told King, '...'": the person told is the interviewer.
                    patient = _Phrase(patient.text, patient.start_char, patient.end_char, None)
                elif patient_tok is not None and (
                    ref := roles.find(
                        patient_tok, patient.mention_index, {agent_key} if agent_key else set()
                    )
                ):
                    # "requested that the congressman withdraw": the person named before.
                    patient = _Phrase(
                        patient.text, patient.start_char, patient.end_char, ref.mention_index
                    )
                for split in splits:
                    out.append(
                        Candidate(
                            candidate_index=len(out),
                            prepositions=preps,
                            object_lemma=obj_lemma,
                            agent_text=agent.text,
                            agent_start_char=agent.start_char,
                            agent_end_char=agent.end_char,
                            agent_mention_index=agent.mention_index,
                            patient_text=patient.text,
                            patient_start_char=patient.start_char,
                            patient_end_char=patient.end_char,
                            patient_mention_index=patient.mention_index,
                            participants=_participants(
                                split,
                                index,
                                partners,
                                addressees if patient.mention_index is None else (),
                                bodies,
                            ),
                            **shared,  # type: ignore[arg-type]
                        )
                    )
    return out
