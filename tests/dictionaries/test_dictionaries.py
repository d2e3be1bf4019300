"""The dictionary converter (newsevents.dictionaries) on invented entries and on the real
Phoenix / PETRARCH2 files read from ../shared/reference at test time."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from newsevents import dictionaries as d

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO.parent / "shared" / "reference" / "petrarch2"
ISO3 = {"USA", "FRA", "RWA", "AFG"}

ACTORS_TEXT = """# invented entries in the PETRARCH actor format
FRANCE_  [FRA]
+FRENCH_
+LYON_

JEAN_DUPONT_  ; CountryInfo.txt
+MR._DUPONT_
\t[FRAGOV 090120-170120]
\t[FRAELI]

NATIONAL_ASSEMBLY_OF_FRANCE_  [FRAGOVLEG]
+FRENCH_PARLIAMENT_

CURATED_PERSON_
+CURATED_ALIAS_
\t[USAGOV >20100101]

UN_ [IGOUNO]
WORLD_FOOD_PROGRAMME_ [IGOUNOAGR]
"""

AGENTS_TEXT = """!PERSON! = MAN, MEN, WOMAN, WOMEN
POLICE {} [~COP] # no plural
PROTESTER [~OPP]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]
CONGRESS!PERSON! [~LEG]
"""


def _entries(tmp_path: Path) -> list[d.Entry]:
    path = tmp_path / "x.actors.txt"
    path.write_text(ACTORS_TEXT, encoding="utf-8")
    return list(d.parse_actor_file(path, "countries"))


def test_parse_actor_file_reads_synonyms_and_dated_codes(tmp_path: Path) -> None:
    entries = {e.phrases[0]: e for e in _entries(tmp_path)}
    dupont = entries["JEAN_DUPONT_"]
    assert dupont.phrases == ["JEAN_DUPONT_", "MR._DUPONT_"]
    first = dupont.spans[0]
    assert (first.code, first.valid_from, first.valid_to) == (
        "FRAGOV",
        dt.date(2009, 1, 20),
        dt.date(2017, 1, 20),
    )
    assert entries["CURATED_PERSON_"].spans[0].valid_from == dt.date(2010, 1, 1)
    assert entries["FRANCE_"].spans[0].code == "FRA"


def test_convert_actors_types_countries_and_curated_precedence(tmp_path: Path) -> None:
    actors = d.convert_actors(
        _entries(tmp_path), ISO3, generic_terms=set(), taken={"curated person"}
    )
    by_name = {a.name: a for a in actors}
    assert "France" not in by_name  # a country block belongs to the country tables
    assert "Curated Person" not in by_name  # the curated seed already has this name
    dupont = by_name["Jean Dupont"]
    assert (dupont.actor_type, dupont.country_code, dupont.sector) == ("person", "FRA", "GOV")
    assert "Mr. Dupont" in dupont.aliases
    assembly = by_name["National Assembly of France"]
    assert (assembly.actor_type, assembly.country_code, assembly.sector) == (
        "organization",
        "FRA",
        "GOV",
    )
    wfp = by_name["World Food Programme"]
    assert (wfp.country_code, wfp.sector) == (None, "IGO")
    assert "UN" not in by_name  # two letters: too easily a word; the curated seed has it


def test_parse_agents_generates_plurals_and_substitutions(tmp_path: Path) -> None:
    path = tmp_path / "agents.txt"
    path.write_text(AGENTS_TEXT, encoding="utf-8")
    rows = {r["agent_term"]: r for r in d.parse_agents(path)}
    assert rows["police"]["sector"] == "COP"
    assert "polices" not in rows  # {} means no plural
    assert rows["protesters"]["sector"] == "OPP"
    assert "attorneys general" in rows
    assert {"congressman", "congresswomen"} <= set(rows)


def test_display_name_and_dates() -> None:
    assert d.display_name("BARACK_OBAMA_") == "Barack Obama"
    assert d.display_name("URSULA_VON_DER_LEYEN") == "Ursula von der Leyen"
    assert d.display_name("U.N._") == "U.N."
    assert d.parse_date("450703") == dt.date(1945, 7, 3)
    assert d.parse_date("20121115") == dt.date(2012, 11, 15)
    assert d.parse_date("2004017") is None


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The converter run on the real reference files into a copy of the curated seeds."""
    if not REFERENCE.is_dir():
        pytest.fail(f"the Phoenix dictionaries are missing: {REFERENCE}")
    seeds = tmp_path_factory.mktemp("seeds")
    for name in ("actor_dictionary.csv", "actor_aliases.csv"):
        shutil.copy(REPO / "seeds" / name, seeds / name)
    shutil.copytree(REPO / "seeds" / "curated", seeds / "curated")
    d.convert(REFERENCE, seeds)
    return seeds


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_country_with_capital_and_demonym(converted: Path) -> None:
    countries = {r["country_code"]: r for r in _rows(converted / "countries.csv")}
    assert len(countries) >= 249  # every ISO 3166-1 entry, and Kosovo from the curated file
    assert countries["RWA"]["capital"] == "Kigali"
    assert countries["GUY"]["name"] == "Guyana"
    assert countries["XKX"]["name"] == "Kosovo"
    assert countries["USA"]["name"] == "United States"  # curated name wins over ISO's
    aliases = {(r["alias"], r["country_code"]) for r in _rows(converted / "country_aliases.csv")}
    assert {("US", "USA"), ("UK", "GBR")} <= aliases  # curated short forms survive


def test_territories_short_forms_name_the_territory_not_the_sovereign(converted: Path) -> None:
    """A territory with its own ISO code is named by its short form ("Cayman", "the
    Falklands"); the short form is the territory's, not an imported actor of the sovereign."""
    aliases = {r["alias"]: r["country_code"] for r in _rows(converted / "country_aliases.csv")}
    assert aliases["Cayman"] == aliases["Caymanian"] == "CYM"
    assert aliases["Falklands"] == aliases["Falkland Islands"] == aliases["Malvinas"] == "FLK"
    assert aliases["Turks and Caicos"] == "TCA"
    actors = {r["name"]: r for r in _rows(converted / "imported" / "phoenix_actors.csv")}
    assert "Falkland Islands" not in actors  # was an organisation of GBR


def test_places_keep_major_cities_and_drop_names_and_words(converted: Path) -> None:
    places = {r["place"]: r["country_code"] for r in _rows(converted / "imported" / "places.csv")}
    assert places["Kigali"] == "RWA"
    assert places["Caracas"] == "VEN"
    assert places["Indiana"] == "USA"
    for word_or_name in ("Obama", "Man", "Of", "Victoria", "Morrison"):
        assert word_or_name not in places


def test_curated_regions_are_places_not_country_aliases_or_actors(converted: Path) -> None:
    """A region news names as a place ("Gaza Strip") is a location with its country code:
    neither a name of the country nor an imported actor of the same name."""
    places = {r["place"]: r for r in _rows(converted / "imported" / "places.csv")}
    assert (places["Gaza Strip"]["country_code"], places["Gaza Strip"]["place_type"]) == (
        "PSE",
        "region",
    )
    assert places["West Bank"]["country_code"] == "PSE"
    aliases = {r["alias"] for r in _rows(converted / "country_aliases.csv")}
    assert not {"Gaza", "Gaza Strip", "West Bank"} & aliases
    actors = {r["name"] for r in _rows(converted / "imported" / "phoenix_actors.csv")}
    assert "Gaza" not in actors


def test_imported_actors_have_countries_and_never_shadow_curated(converted: Path) -> None:
    actors = {r["name"]: r for r in _rows(converted / "imported" / "phoenix_actors.csv")}
    assert len(actors) > 10_000
    assert actors["Barack Obama"]["country_code"] == "USA"
    assert actors["Barack Obama"]["actor_type"] == "person"
    curated = {r["name"] for r in _rows(REPO / "seeds" / "actor_dictionary.csv")}
    assert not curated & set(actors)
    aliases = _rows(converted / "imported" / "phoenix_actor_aliases.csv")
    # "Obama", "President Obama" and "Barack Obama" are one actor.
    assert {"alias": "President Obama", "name": "Barack Obama"} in aliases
    assert {"alias": "Obama", "name": "Barack Obama"} in aliases
    # National bodies carry their state: the FBI (USA), the Bundestag (Germany).
    assert actors["Federal Bureau of Investigation"]["country_code"] == "USA"
    bundestag = next(a["name"] for a in aliases if a["alias"] == "Bundestag")
    assert actors[bundestag]["country_code"] == "DEU"
    roles = [
        r
        for r in _rows(converted / "imported" / "phoenix_actor_roles.csv")
        if r["name"] == "Barack Obama"
    ]
    assert any(r["country_code"] == "USA" and r["valid_from"] for r in roles)


def test_committed_seeds_are_the_converter_output(converted: Path) -> None:
    """Rerunning the converter reproduces the committed seeds byte for byte."""
    for rel in (
        "countries.csv",
        "country_aliases.csv",
        "imported/phoenix_actors.csv",
        "imported/phoenix_actor_aliases.csv",
        "imported/phoenix_actor_roles.csv",
        "imported/phoenix_agents.csv",
        "imported/places.csv",
    ):
        assert (converted / rel).read_bytes() == (REPO / "seeds" / rel).read_bytes(), rel
