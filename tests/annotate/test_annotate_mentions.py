"""Sentences, entity mentions, roles and antecedent links on hand-written text."""

from __future__ import annotations

from collections.abc import Callable

from newsevents.annotate.mentions import Mention, extract_mentions, extract_sentences
from spacy.tokens import Doc


def _by_text(mentions: list[Mention], text: str, label: str | None = None) -> Mention:
    found = [m for m in mentions if m.text == text and (label is None or m.label == label)]
    assert found, f"no mention {text!r} in {[(m.text, m.label) for m in mentions]}"
    return found[0]


def test_sentences_have_offsets_into_the_text_and_paragraphs_split(
    parse: Callable[[str], Doc],
) -> None:
    text = "Talks resume in Geneva\nThe envoy arrived on Monday. He met officials.\n"
    sentences = extract_sentences(parse(text))
    assert [s.text for s in sentences] == [
        "Talks resume in Geneva",  # a headline line without a full stop stays alone
        "The envoy arrived on Monday.",
        "He met officials.",
    ]
    for s in sentences:
        assert text[s.start_char : s.end_char] == s.text
    assert [s.sentence_index for s in sentences] == [0, 1, 2]


def test_title_with_demonym(parse: Callable[[str], Doc]) -> None:
    mentions = extract_mentions(parse("French President Emmanuel Macron arrived in Paris."))
    macron = _by_text(mentions, "Emmanuel Macron", "PERSON")
    assert (macron.role, macron.role_modifier, macron.affiliation, macron.role_source) == (
        "President",
        "French",
        None,
        "title",
    )


def test_multiword_title_with_possessive_affiliation(parse: Callable[[str], Doc]) -> None:
    text = "Britain's newly appointed Foreign Secretary David Lammy visited Kenya."
    lammy = _by_text(extract_mentions(parse(text)), "David Lammy", "PERSON")
    assert (lammy.role, lammy.affiliation, lammy.role_modifier) == (
        "Foreign Secretary",
        "Britain",
        None,
    )


def test_title_with_noun_affiliation(parse: Callable[[str], Doc]) -> None:
    text = "UN Secretary-General Antonio Guterres called for a ceasefire."
    guterres = _by_text(extract_mentions(parse(text)), "Antonio Guterres", "PERSON")
    assert (guterres.role, guterres.affiliation) == ("Secretary-General", "UN")


def test_title_words_are_not_kept_inside_the_person_span(parse: Callable[[str], Doc]) -> None:
    mentions = extract_mentions(parse("President Joe Biden spoke with reporters."))
    biden = _by_text(mentions, "Joe Biden", "PERSON")
    assert biden.role == "President"
    assert not any(m.text.startswith("President") for m in mentions)


def test_title_relabels_a_name_the_ner_called_an_organisation(
    parse: Callable[[str], Doc],
) -> None:
    text = "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris."
    scholz = _by_text(extract_mentions(parse(text)), "Olaf Scholz")
    assert (scholz.label, scholz.role, scholz.role_modifier) == ("PERSON", "Chancellor", "German")


def test_apposition_role_with_of_affiliation(parse: Callable[[str], Doc]) -> None:
    text = "Mark Rutte, the secretary general of NATO, arrived in Kyiv."
    mentions = extract_mentions(parse(text))
    rutte = _by_text(mentions, "Mark Rutte", "PERSON")
    assert (rutte.role, rutte.affiliation, rutte.role_source) == (
        "secretary general",
        "NATO",
        "apposition",
    )
    # The apposition is not also a role-only reference.
    assert not [m for m in mentions if m.label == "ROLE_REF"]


def test_apposition_prefers_the_possessor_country(parse: Callable[[str], Doc]) -> None:
    text = "Olaf Scholz, now chairman of Germany's Social Democratic Party, resigned."
    scholz = _by_text(extract_mentions(parse(text)), "Olaf Scholz")
    assert (scholz.label, scholz.role, scholz.affiliation, scholz.role_source) == (
        "PERSON",
        "chairman",
        "Germany",
        "apposition",
    )


def test_surname_links_to_the_earlier_full_name(parse: Callable[[str], Doc]) -> None:
    text = (
        "Britain's Foreign Secretary David Lammy visited Kenya on Monday. "
        "Lammy praised the Kenyan government."
    )
    mentions = extract_mentions(parse(text))
    full = _by_text(mentions, "David Lammy", "PERSON")
    short = [m for m in mentions if m.text == "Lammy"]
    assert len(short) == 1
    assert short[0].label == "PERSON"
    assert short[0].antecedent_mention_index == full.mention_index
    assert short[0].antecedent_link == "surname"
    assert full.antecedent_mention_index is None


def test_short_form_before_its_full_name_links_forward(parse: Callable[[str], Doc]) -> None:
    # A lede or headline often names a person by surname before the full name (issue 11).
    mentions = extract_mentions(parse("Lammy spoke first. Later David Lammy left."))
    first = next(m for m in mentions if m.text == "Lammy")
    full = next(m for m in mentions if m.text == "David Lammy")
    assert first.antecedent_mention_index == full.mention_index
    assert first.antecedent_link == "surname"


def test_role_reference_points_to_the_unique_holder(parse: Callable[[str], Doc]) -> None:
    text = (
        "Indian Prime Minister Narendra Modi hosted Japanese Prime Minister Fumio Kishida. "
        "The Indian leader praised the visit."
    )
    mentions = extract_mentions(parse(text))
    modi = _by_text(mentions, "Narendra Modi", "PERSON")
    ref = _by_text(mentions, "The Indian leader", "ROLE_REF")
    assert (ref.role, ref.role_modifier, ref.role_source) == ("leader", "Indian", "role_reference")
    assert ref.antecedent_mention_index == modi.mention_index
    assert ref.antecedent_link == "role_reference"


def test_ambiguous_role_reference_is_left_unlinked(parse: Callable[[str], Doc]) -> None:
    text = (
        "Indian Prime Minister Narendra Modi hosted Japanese Prime Minister Fumio Kishida. "
        "The prime minister praised the visit."
    )
    ref = next(m for m in extract_mentions(parse(text)) if m.label == "ROLE_REF")
    assert ref.role.lower() == "prime minister"
    assert ref.antecedent_mention_index is None


def test_role_reference_matches_demonym_to_affiliation(parse: Callable[[str], Doc]) -> None:
    text = (
        "Russia's Foreign Minister Sergei Lavrov met Chinese Foreign Minister Wang Yi. "
        "The Russian minister left on Friday."
    )
    mentions = extract_mentions(parse(text))
    lavrov = _by_text(mentions, "Sergei Lavrov", "PERSON")
    ref = next(m for m in mentions if m.label == "ROLE_REF")
    assert ref.antecedent_mention_index == lavrov.mention_index


def test_offsets_match_the_text(parse: Callable[[str], Doc]) -> None:
    text = "French President Emmanuel Macron met Olaf Scholz.\nMacron left Berlin."
    for m in extract_mentions(parse(text)):
        assert text[m.start_char : m.end_char] == m.text
    indexes = [m.mention_index for m in extract_mentions(parse(text))]
    assert indexes == list(range(len(indexes)))


def test_possessive_role_reference(parse: Callable[[str], Doc]) -> None:
    text = (
        "Russian President Vladimir Putin arrived in Minsk. "
        "Putin began a new term as Russia's president last week."
    )
    mentions = extract_mentions(parse(text))
    putin = _by_text(mentions, "Vladimir Putin", "PERSON")
    ref = _by_text(mentions, "Russia's president", "ROLE_REF")
    assert (ref.role, ref.affiliation) == ("president", "Russia")
    assert ref.antecedent_mention_index == putin.mention_index


def test_role_reference_of_another_country_is_not_linked(parse: Callable[[str], Doc]) -> None:
    text = "China's foreign minister Wang Yi met Russia's foreign minister on Friday."
    mentions = extract_mentions(parse(text))
    wang = _by_text(mentions, "Wang Yi", "PERSON")
    assert (wang.role, wang.affiliation) == ("foreign minister", "China")
    ref = _by_text(mentions, "Russia's foreign minister", "ROLE_REF")
    assert ref.antecedent_mention_index is None


def test_institution_before_a_role_is_the_affiliation(parse: Callable[[str], Doc]) -> None:
    text = "Kremlin spokesman Dmitry Peskov declined to comment."
    peskov = _by_text(extract_mentions(parse(text)), "Dmitry Peskov", "PERSON")
    assert (peskov.role, peskov.affiliation) == ("spokesman", "Kremlin")


def test_surname_the_ner_missed_is_added_and_linked(parse: Callable[[str], Doc]) -> None:
    text = (
        "Ukraine's President Volodymyr Zelenskyy thanked Germany for its support. "
        "Zelenskyy also met the German chancellor."
    )
    mentions = extract_mentions(parse(text))
    full = _by_text(mentions, "Volodymyr Zelenskyy", "PERSON")
    assert (full.role, full.affiliation) == ("President", "Ukraine")
    short = _by_text(mentions, "Zelenskyy")
    assert short.label == "PERSON"
    assert short.antecedent_mention_index == full.mention_index
