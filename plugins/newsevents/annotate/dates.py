"""Resolve a date expression against the article's published date.

Rules (never a guess: what cannot be pinned down is a range or unresolved):

* "today", "tonight", "this morning" → the published date; "yesterday" /
  "tomorrow" → one day before / after; "N days ago" → N days before.
* A weekday ("on Thursday", "Thursday evening") → the most recent such day on or
  before the published date (news reports the past); "next Thursday" → the first
  one after it; "last Thursday" → the most recent one strictly before it.
* "last/this/next week|month|year", "earlier this week" → a range
  (``event_date`` null, ``event_date_start``/``event_date_end`` set).
* Explicit dates: "May 16", "16 May 2024", "May 16, 2024" → exact; "May 2024",
  "February 2022" → the month as a range; "2020", "in 2020" → the year as a range.
  A month-day without a year takes the published year (the previous year when
  that would put it more than ``FUTURE_WINDOW_DAYS`` after publication).
* Durations and vague spans ("two-day", "75 years", "in recent weeks") are not
  time points: :func:`is_time_point` says no, and callers ignore them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
    | {"sept": 9}
)
# A weekday without "next"/"last" is looked for this many days back, at most.
WEEKDAY_LOOKBACK_DAYS = 6
# A month-day without a year that would fall this far after publication is taken
# as last year's (articles look back far more often than half a year ahead).
FUTURE_WINDOW_DAYS = 183
RELATIVE_UNITS = ("week", "month", "year")
SAME_DAY_WORDS = ("today", "tonight", "this morning", "this afternoon", "this evening")
VAGUE_WORDS = ("recent", "coming", "past", "several", "few", "decade", "century")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
LEADING_WORDS = re.compile(r"^(?:(?:on|in|at|since|by|from|during|until|of|the)\s+)+")

_YEAR = r"(?P<year>(?:1[5-9]|20)\d\d)"
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b")
DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")
MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b")
YEAR_ONLY = re.compile(rf"^(?:(?:earlier|later)\s+(?:in\s+)?)?(?:the\s+year\s+)?{_YEAR}$")
ISO_DATE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
DAYS_AGO = re.compile(r"\b(?P<n>\d+|[a-z]+)\s+days?\s+ago\b")


@dataclass(frozen=True)
class ResolvedDate:
    event_date: date | None
    start: date | None
    end: date | None
    resolution: str  # exact | range | article_date | unresolved


UNRESOLVED = ResolvedDate(None, None, None, "unresolved")


def exact(day: date) -> ResolvedDate:
    return ResolvedDate(day, day, day, "exact")


def span(start: date, end: date) -> ResolvedDate:
    return ResolvedDate(None, start, end, "range")


def article_date(published: date | None) -> ResolvedDate:
    """The fallback when a clause has no date expression."""
    if published is None:
        return UNRESOLVED
    return ResolvedDate(published, published, published, "article_date")


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("'s", "").strip(" ,.;:")
    text = " ".join(text.split())
    return LEADING_WORDS.sub("", text)


@lru_cache(maxsize=4096)  # pure; articles repeat their date phrases
def is_time_point(text: str) -> bool:
    """True for expressions naming a day, week, month or year (not durations)."""
    t = normalise(text)
    if any(w in t for w in VAGUE_WORDS):
        return False
    words = set(re.findall(r"[a-z]+", t))
    if words & set(WEEKDAYS) or words & {"yesterday", "today", "tomorrow", "tonight"}:
        return True
    if words & set(MONTHS) and (re.search(r"\d", t) or len(words) <= 3):
        return True
    if re.search(r"\b(?:1[5-9]|20)\d\d\b", t) and not re.search(r"\byears?\b", t):
        return True
    if re.search(r"\b(?:last|this|next)\s+(?:week|month|year)\b", t):
        return True
    return bool(DAYS_AGO.search(t) or t in SAME_DAY_WORDS)


def _month_range(year: int, month: int) -> ResolvedDate:
    return span(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _relative_unit(t: str, published: date) -> ResolvedDate | None:
    m = re.search(r"\b(last|this|next)\s+(week|month|year)\b", t)
    if m is None:
        return None
    which, unit = m.groups()
    offset = {"last": -1, "this": 0, "next": 1}[which]
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
        start, end = monday, monday + timedelta(days=6)
        if which == "this" and "earlier" in t:
            end = published
        return span(start, end)
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 + offset
        return _month_range(month_index // 12, month_index % 12 + 1)
    year = published.year + offset
    return span(date(year, 1, 1), date(year, 12, 31))


def _weekday(t: str, published: date) -> ResolvedDate | None:
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", t):
            back = (published.weekday() - i) % 7
            if re.search(rf"\bnext\s+{name}\b", t):
                return exact(published + timedelta(days=(7 - back) if back else 7))
            if re.search(rf"\blast\s+{name}\b", t):
                return exact(published - timedelta(days=back or 7))
            if back > WEEKDAY_LOOKBACK_DAYS:
                return UNRESOLVED
            return exact(published - timedelta(days=back))
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _explicit(t: str, published: date | None) -> ResolvedDate | None:
    m = ISO_DATE.search(t)
    if m:
        d = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]))
        return exact(d) if d else UNRESOLVED
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        m = pattern.search(t)
        if m and m["month"] in MONTHS:
            month, day = MONTHS[m["month"]], int(m["day"])
            if m["year"]:
                d = _safe_date(int(m["year"]), month, day)
                return exact(d) if d else UNRESOLVED
            if published is None:
                return UNRESOLVED
            d = _safe_date(published.year, month, day)
            if d is None:
                return UNRESOLVED
            if (d - published).days > FUTURE_WINDOW_DAYS:
                d = _safe_date(published.year - 1, month, day)
            return exact(d) if d else UNRESOLVED
    m = MONTH_YEAR.search(t)
    if m and m["month"] in MONTHS:
        return _month_range(int(m["year"]), MONTHS[m["month"]])
    m = YEAR_ONLY.search(t)
    if m:
        year = int(m["year"])
        return span(date(year, 1, 1), date(year, 12, 31))
    if t in MONTHS and published is not None:
        # A bare month name: this year's, or last year's when it has not come yet.
        month = MONTHS[t]
        year = published.year if month <= published.month else published.year - 1
        return _month_range(year, month)
    return None


@lru_cache(maxsize=4096)  # pure, and ResolvedDate is frozen
def resolve_date(text: str, published: date | None) -> ResolvedDate:
    """Resolve one date expression; see the module docstring for the rules."""
    t = normalise(text)
    explicit = _explicit(t, published)
    if explicit is not None:
        return explicit
    if published is None:
        return UNRESOLVED
    if t in SAME_DAY_WORDS or re.search(r"\b(?:today|tonight)\b", t):
        return exact(published)
    if re.search(r"\byesterday\b", t):
        return exact(published - timedelta(days=1))
    if re.search(r"\btomorrow\b", t):
        return exact(published + timedelta(days=1))
    m = DAYS_AGO.search(t)
    if m:
        n = int(m["n"]) if m["n"].isdigit() else NUMBER_WORDS.get(m["n"])
        return exact(published - timedelta(days=n)) if n is not None else UNRESOLVED
    for rule in (_weekday, _relative_unit):
        found = rule(t, published)
        if found is not None:
            return found
    return UNRESOLVED
