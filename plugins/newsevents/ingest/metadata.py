"""Article metadata analysts filter on: the byline cleaned, the page's own publication date.

``clean_author`` takes trafilatura's author string and removes page furniture glued to
it: "View all posts by", "Written by", a trailing "Published" or "Updated", a biography
sentence ("... is a reporter for ..."), and weekday or month words from a date line
that ran into the byline. Several authors stay separated by "; ".

``published_date`` prefers what the page declares as its publication time (JSON-LD
``datePublished``, ``article:published_time`` and similar meta tags, a ``<time>``
marked as the publication time) over a date found by heuristics, which may be a CMS
creation field or a date in a script. A time is kept as the page writes it (its
offset dropped), so the date is the one the page states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"

_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
_MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september"}
    | {"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug"}
    | {"sep", "sept", "oct", "nov", "dec"}
)
# Words of a date or timestamp line, never part of a name.
_FURNITURE_WORDS = frozenset({"published", "updated", "posted", "modified", "on", "at"})
_LEADING_PHRASES = re.compile(
    r"^(?:view all posts by|all posts by|more posts by|more from|posts by|written by|"
    r"posted by|reported by|story by|words by|by)\s+",
    re.IGNORECASE,
)
# "Jane Doe is a reporter for ...", "Jane Doe, who covers ...": the name is before it.
_BIOGRAPHY = re.compile(r"\s+(?:is|was|covers|writes|reports)\s+(?:an?|the|for|on|about)\b.*$")
_SEPARATORS = re.compile(r"\s*(?:;|\||\n)\s*")

# Meta tags that state the publication time (lower-cased property, name or itemprop).
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "publication_date",
    "dcterms.issued",
    "dc.date.issued",
    "parsely-pub-date",
    "sailthru.date",
)


def _strip_furniture(part: str) -> str:
    part = " ".join(part.split())
    previous = None
    while previous != part:
        previous = part
        part = _LEADING_PHRASES.sub("", part)
        part = _BIOGRAPHY.sub("", part)
        words = part.split()
        # date and furniture words at the end ("CBS News February", "... Published");
        # at the start only weekdays and the like: "April", "May", "June" start names.
        while words and _is_furniture(words[-1], months=True):
            words.pop()
        while words and _is_furniture(words[0], months=False):
            words.pop(0)
        part = " ".join(words).strip(" ,:-–—|")
    return part


def _is_furniture(word: str, months: bool) -> bool:
    bare = word.strip(".,:;|-–—").casefold()
    if months and bare in _MONTHS:
        return True
    return bare in _WEEKDAYS or bare in _FURNITURE_WORDS or bare.isdigit()


def clean_author(author: str | None) -> str | None:
    """``author`` without page furniture; None when nothing of a name is left."""
    if not author:
        return None
    names: list[str] = []
    for part in _SEPARATORS.split(author):
        name = _strip_furniture(part)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return "; ".join(names) or None


def _iter_json_ld(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _iter_json_ld(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in value:
                yield from _iter_json_ld(value[key])


def _parse_time(value: str | None) -> str | None:
    """``value`` (ISO 8601, as pages write it) as ``DATE_FORMAT``; None if unreadable."""
    if not value:
        return None
    text = value.strip()
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)  # +0000 -> +00:00
    text = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        match = re.match(r"\d{4}-\d\d-\d\d", text)
        if not match:
            return None
        try:
            moment = datetime.fromisoformat(match.group(0))
        except ValueError:
            return None
    # The page's own wall-clock time: its date is the date the page states.
    moment = moment.replace(tzinfo=None)
    if not 1990 <= moment.year <= 2100:
        return None
    return moment.strftime(DATE_FORMAT)


def declared_published(tree: Any) -> str | None:
    """The publication time the page declares about itself, else None."""
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in _iter_json_ld(data):
            found = _parse_time(str(item.get("datePublished") or ""))
            if found:
                return found
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in PUBLISHED_META and key not in metas and meta.get("content"):
            metas[key] = meta.get("content")
    for key in PUBLISHED_META:
        found = _parse_time(metas.get(key))
        if found:
            return found
    for time in tree.iter("time"):
        marked = (time.get("itemprop") or "").lower() == "datepublished" or (
            time.get("pubdate") is not None
        )
        if marked:
            found = _parse_time(time.get("datetime"))
            if found:
                return found
    # A page without structured dates: its first <time datetime> is its dateline.
    for time in tree.iter("time"):
        found = _parse_time(time.get("datetime"))
        if found:
            return found
    return None


def published_date(tree: Any, found: str | None) -> str | None:
    """The page's declared publication time, else ``found`` (the heuristic date)."""
    return declared_published(tree) or found
