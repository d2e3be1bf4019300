"""Mentions that are not actors, and unnamed collectives that are (invented sentences).

Issue 11: junk the NER returns on real pages (glued words, hashtags, handles, numbers
glued to names, headline gerunds, doubled words) is no mention; a non-state collective
of a named country or place is a GROUP; agents of a state stay role references.
"""

from __future__ import annotations

from collections.abc import Callable

from newsevents.annotate.events import Candidate
from newsevents.annotate.mentions import Mention, clean_span, extract_mentions
from spacy.tokens import Doc, Span

Analyse = Callable[..., tuple[list[Mention], list[Candidate]]]


def _texts(mentions: list[Mention]) -> set[str]:
    return {m.text for m in mentions}


def test_glued_words_hashtags_and_handles_are_no_mentions(analyse: Analyse) -> None:
    mentions, _ = analyse(
        "Supporters of Lena MarkovaLena Markova rallied on Tuesday under #FreeTheValley, "
        "and @Markova thanked them. Lena Markova met the mayor of Ostrava."
    )
    texts = _texts(mentions)
    assert not any("MarkovaLena" in t for t in texts)
    assert not any("FreeTheValley" in t for t in texts)
    assert "@Markova" not in texts
    assert "Lena Markova" in texts  # the clean mention of the same person stays


def test_clean_span_trims_numbers_gerunds_possessives_and_doubled_words(
    parse: Callable[[str], Doc],
) -> None:
    def cleaned(text: str, tokens: int | None = None) -> str | None:
        doc = parse(text)
        span = clean_span(doc, 0, tokens or len(doc))
        return None if span is None else doc[span[0] : span[1]].text

    # A footnote number glued to the last word stays on the token; the mention leaves it out.
    assert cleaned("Pavel Horak2") == "Pavel Horak2"
    assert cleaned("Pavel Horak2x") == "Pavel"  # other glue: the word goes
    assert cleaned("Brno Police Department K-9") == "Brno Police Department"
    # A headline gerund the tagger reads as a verb before a name.
    assert cleaned("Recognizing Namibia is overdue.", tokens=2) == "Namibia"
    assert cleaned("Horak's 2016") == "Horak"
    assert cleaned("Punjab's Bhatinda") == "Bhatinda"
    # A possessive before a body's noun is inside the name.
    assert cleaned("Clark County Sheriff's Office") == "Clark County Sheriff's Office"
    assert cleaned("Northgate Northgate") == "Northgate"
    assert cleaned("Pavel Horak") == "Pavel Horak"
    assert cleaned("Ronald MacDonald") == "Ronald MacDonald"  # a name prefix is no glue
    assert cleaned("Kolonie-Allee") is None  # a one-word street name is an address
    assert cleaned("Downing Street") == "Downing Street"  # English streets may be metonyms


def test_demonym_and_place_make_groups_state_agents_stay_with_their_state(
    analyse: Analyse,
) -> None:
    mentions, _ = analyse(
        "Chilean protesters marched in Santiago on Monday. Later, demonstrators in Lima "
        "blocked a bridge. French troops left the base, and many voters stayed home."
    )
    groups = {m.text: m for m in mentions if m.label == "GROUP"}
    assert groups["Chilean protesters"].role_modifier == "Chilean"
    assert groups["Chilean protesters"].role == "protesters"
    assert groups["demonstrators"].role_modifier == "Lima"
    # Troops act for their state (the demonym resolves to France); voters are no group.
    assert not any("troops" in t for t in groups)
    assert not any("voters" in t for t in groups)


def _with_entity(parse: Callable[[str], Doc], text: str, entity: str, label: str) -> Doc:
    """``text`` parsed, with ``entity`` as the NER's only entity (as the model sometimes
    tags it on real pages)."""
    doc = parse(text)
    start_char = text.index(entity)
    span = doc.char_span(start_char, start_char + len(entity), label=label)
    assert span is not None
    doc.ents = [span]
    return doc


def test_title_before_an_honorific_is_cut_and_the_rest_is_a_person(
    parse: Callable[[str], Doc],
) -> None:
    text = "Leader of Government Business Dr Rhonda Pierre said the bill was ready."
    for label in ("PERSON", "ORG"):
        doc = _with_entity(parse, text, "Leader of Government Business Dr Rhonda Pierre", label)
        (mention,) = extract_mentions(doc)
        assert (mention.text, mention.label) == ("Rhonda Pierre", "PERSON")


def test_names_listed_in_one_person_span_keep_the_first(parse: Callable[[str], Doc]) -> None:
    doc = _with_entity(
        parse, "The ads named Mueller, Stormy and others.", "Mueller, Stormy", "PERSON"
    )
    assert [m.text for m in extract_mentions(doc)] == ["Mueller"]
    doc = _with_entity(
        parse, "Martin Luther King, Jr. spoke in 1963.", "Martin Luther King, Jr.", "PERSON"
    )
    assert [m.text for m in extract_mentions(doc)] == ["Martin Luther King, Jr."]


def test_lower_case_words_at_a_name_edge_are_cut(parse: Callable[[str], Doc]) -> None:
    def cleaned(text: str, entity: str, label: str = "ORG") -> str:
        (mention,) = extract_mentions(_with_entity(parse, text, entity, label))
        return mention.text

    assert cleaned("Later the state Freedom Party met.", "the state Freedom Party") == (
        "Freedom Party"
    )
    assert cleaned("The anti-Kovac ads ran.", "anti-Kovac", "PERSON") == "Kovac"
    assert cleaned("Many Ostrava-area voters came.", "Ostrava-area", "GPE") == "Ostrava"
    assert cleaned("The Daily Courier that day said so.", "The Daily Courier that") == (
        "The Daily Courier"
    )
    # Particles and a leading "the" belong to the name.
    assert cleaned("Leaders of al-Shabaab met.", "al-Shabaab") == "al-Shabaab"
    assert cleaned("Mayor Bill de Blasio spoke.", "Bill de Blasio", "PERSON") == "Bill de Blasio"
    assert cleaned("He met the Freedom Party on Monday.", "the Freedom Party") == (
        "the Freedom Party"
    )


def test_places_typed_person_and_programmes_or_diseases_are_no_mentions(
    parse: Callable[[str], Doc],
) -> None:
    for text, entity, label in [
        ("They played at Harbour Point on Sunday.", "Harbour Point", "PERSON"),
        ("The Lakeside Golf course closed.", "Lakeside Golf", "PERSON"),
        ("Cuts to Medicare worried voters.", "Medicare", "ORG"),
        ("Cases of COVID-19 rose in May.", "COVID-19", "PERSON"),
        ("The VAT rose to 20 percent.", "VAT", "ORG"),
        ("The Affordable Care Act was upheld.", "The Affordable Care Act", "ORG"),
    ]:
        assert extract_mentions(_with_entity(parse, text, entity, label)) == [], entity
    # A surname that is also a place word stays a person.
    mentions = extract_mentions(
        _with_entity(parse, "Minister Jae Park met the envoy.", "Jae Park", "PERSON")
    )
    assert [m.text for m in mentions if m.label == "PERSON"] == ["Jae Park"]


def test_a_body_glued_to_a_persons_name_is_split(parse: Callable[[str], Doc]) -> None:
    text = "Anna Berg spoke first. Later the Ministry of Finance Anna Berg answered."
    doc = parse(text)
    start = text.index("the Ministry")
    first = doc.char_span(0, len("Anna Berg"), label="PERSON")
    glued = doc.char_span(start, start + len("the Ministry of Finance Anna Berg"), label="ORG")
    assert first is not None and glued is not None
    doc.ents = [first, glued]
    found = [(m.text, m.label) for m in extract_mentions(doc)]
    assert ("the Ministry of Finance", "ORG") in found
    assert found.count(("Anna Berg", "PERSON")) == 2
    # Without the person named on their own, the span stays as the NER found it.
    doc = _with_entity(
        parse, "The Ministry of Finance Anna Berg answered.", "Ministry of Finance Anna Berg", "ORG"
    )
    assert [m.text for m in extract_mentions(doc)] == ["Ministry of Finance Anna Berg"]


def test_names_listed_in_one_organisation_span_keep_the_first(
    parse: Callable[[str], Doc],
) -> None:
    doc = _with_entity(parse, "The ads named Horak, Kovac and others.", "Horak, Kovac", "ORG")
    assert [m.text for m in extract_mentions(doc)] == ["Horak"]


def test_a_body_glued_to_a_name_the_article_shortens_is_split(
    parse: Callable[[str], Doc],
) -> None:
    text = "The Ruritania Lena Markova said. Later Markova left."
    doc = parse(text)
    glued = doc.char_span(4, 4 + len("Ruritania Lena Markova"), label="ORG")
    start = text.index("Markova left")
    short = doc.char_span(start, start + len("Markova"), label="PERSON")
    assert glued is not None and short is not None
    doc.ents = [glued, short]
    found = [(m.text, m.label) for m in extract_mentions(doc)]
    assert ("Ruritania", "ORG") in found
    assert ("Lena Markova", "PERSON") in found


def test_party_members_are_no_person(parse: Callable[[str], Doc]) -> None:
    doc = _with_entity(parse, "Ruritania Democrats won the vote.", "Ruritania Democrats", "PERSON")
    assert [(m.text, m.label) for m in extract_mentions(doc)] == [("Ruritania Democrats", "NORP")]


def test_a_determiner_glued_to_a_persons_name_is_dropped(parse: Callable[[str], Doc]) -> None:
    text = "Lena Markova spoke. Then the Lena Markova of old returned."
    doc = parse(text)
    first = doc.char_span(0, len("Lena Markova"), label="PERSON")
    start = text.index("the Lena")
    glued = doc.char_span(start, start + len("the Lena Markova"), label="ORG")
    assert first is not None and glued is not None
    doc.ents = [first, glued]
    found = [(m.text, m.label) for m in extract_mentions(doc)]
    assert found == [("Lena Markova", "PERSON"), ("Lena Markova", "PERSON")]


def test_a_region_of_a_place_is_one_location(parse: Callable[[str], Doc]) -> None:
    text = "The attorney for the Southern District of Ruritania spoke."
    doc = parse(text)
    start = text.index("the Southern")
    region = doc.char_span(start, start + len("the Southern District"), label="LOC")
    place_start = text.index("Ruritania")
    place = doc.char_span(place_start, place_start + len("Ruritania"), label="GPE")
    assert region is not None and place is not None
    doc.ents = [region, place]
    assert [(m.text, m.label) for m in extract_mentions(doc)] == [
        ("the Southern District of Ruritania", "LOC")
    ]


def test_a_footnote_number_is_left_out_of_the_name(parse: Callable[[str], Doc]) -> None:
    doc = parse("The ranking comes from the political scientist Pavel Horak.3")
    assert doc[-1].text == "Horak.3"
    doc.ents = [Span(doc, len(doc) - 2, len(doc), label="PERSON")]  # as the NER tags it
    (mention,) = extract_mentions(doc)
    assert (mention.text, mention.label) == ("Pavel Horak", "PERSON")
    assert mention.end_char - mention.start_char == len("Pavel Horak")


def test_families_and_party_marker_states_are_no_actors(analyse: Analyse) -> None:
    mentions, _ = analyse(
        "Investigators asked about Northgate and the Markovas. Lena Markova denied it. "
        "Sen. Jo Bloggs, R-Texas, said the inquiry was fair."
    )
    texts = _texts(mentions)
    assert "Lena Markova" in texts and "Jo Bloggs" in texts
    assert "Markovas" not in texts  # "the Markovas": the family
    assert "Texas" not in texts  # the state of a party marker


def test_a_headline_gerund_before_a_surname_is_no_first_name(
    parse: Callable[[str], Doc],
) -> None:
    doc = parse("Questioning Markova's judgment\n\nLena Markova spoke on Monday.")
    # The NER and tagger as on real pages: one PERSON "Questioning Markova", read as a noun.
    doc[0].tag_ = "NNP"
    doc.ents = [Span(doc, 0, 2, label="PERSON"), *[e for e in doc.ents if e.start >= 3]]
    mentions = extract_mentions(doc)
    assert "Questioning Markova" not in _texts(mentions)
    first = next(m for m in mentions if m.start_char == doc[1].idx)
    assert first.text == "Markova" and first.label == "PERSON"


def test_a_party_plural_tagged_as_a_body_is_a_camp_of_people(parse: Callable[[str], Doc]) -> None:
    doc = parse("Progressives oppose the spending bill.")
    doc.ents = [Span(doc, 0, 1, label="ORG")]
    assert [(m.text, m.label) for m in extract_mentions(doc)] == [("Progressives", "NORP")]


def test_a_sentence_opening_common_noun_is_no_person(parse: Callable[[str], Doc]) -> None:
    doc = parse("Turnout in Northgate was low, officials said. Lena Markova won.")
    assert doc[0].tag_ == "NN"  # the tagger reads it as a common noun
    doc.ents = [Span(doc, 0, 1, label="PERSON"), *[e for e in doc.ents if e.start > 0]]
    texts = _texts(extract_mentions(doc))
    assert "Turnout" not in texts
    assert "Lena Markova" in texts


def test_rebel_and_opposition_forces_are_groups_not_the_state(analyse: Analyse) -> None:
    mentions, candidates = analyse(
        "Syrian rebel forces shelled the town on Monday. Opposition fighters in Chile "
        "seized a base. Chilean government forces withdrew."
    )
    groups = {m.text: (m.role, m.role_modifier) for m in mentions if m.label == "GROUP"}
    assert groups["Syrian rebel forces"] == ("rebels", "Syrian")  # the rebels, not Syria
    assert groups["Opposition fighters"] == ("opposition", "Chile")
    # The state's own forces stay a reference to the state, not a group.
    assert not any("government" in text for text in groups)
    shelled = next(c for c in candidates if c.trigger_lemma == "shell")
    by_index = {m.mention_index: m for m in mentions}
    assert shelled.agent_mention_index is not None
    assert by_index[shelled.agent_mention_index].text == "Syrian rebel forces"


def test_a_demonym_before_government_names_the_state(analyse: Analyse) -> None:
    mentions, _ = analyse(
        "The Russian government said it would respond, and Indonesian authorities denied "
        "it. Russian poets read on Monday."
    )
    refs = {m.text: (m.role, m.role_modifier) for m in mentions if m.label == "ROLE_REF"}
    assert refs["The Russian government"] == ("government", "Russian")
    assert refs["Indonesian authorities"] == ("authorities", "Indonesian")
    assert not any("poets" in text for text in refs)
