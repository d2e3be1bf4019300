"""Date expressions resolved against the published date (pure, no model)."""

from __future__ import annotations

from datetime import date

import pytest
from newsevents.annotate.dates import is_time_point, resolve_date

THURSDAY = date(2024, 5, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on Thursday", date(2024, 5, 16)),  # the article's own weekday: that day
        ("Thursday evening", date(2024, 5, 16)),
        ("on Monday", date(2024, 5, 13)),  # most recent Monday on or before
        ("Friday", date(2024, 5, 10)),  # six days back, not tomorrow
        ("next Thursday", date(2024, 5, 23)),
        ("next Saturday", date(2024, 5, 18)),
        ("last Thursday", date(2024, 5, 9)),
        ("yesterday", date(2024, 5, 15)),
        ("today", date(2024, 5, 16)),
        ("tomorrow", date(2024, 5, 17)),
        ("three days ago", date(2024, 5, 13)),
        ("May 3", date(2024, 5, 3)),
        ("16 May 2024", date(2024, 5, 16)),
        ("May 16, 2024", date(2024, 5, 16)),
        ("2023-11-02", date(2023, 11, 2)),
        ("December 1", date(2023, 12, 1)),  # not half a year ahead: last December
    ],
)
def test_exact_dates(text: str, expected: date) -> None:
    resolved = resolve_date(text, THURSDAY)
    assert resolved.resolution == "exact"
    assert resolved.event_date == expected
    assert resolved.start == resolved.end == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("last week", date(2024, 5, 6), date(2024, 5, 12)),
        ("this week", date(2024, 5, 13), date(2024, 5, 19)),
        ("earlier this week", date(2024, 5, 13), date(2024, 5, 16)),
        ("next month", date(2024, 6, 1), date(2024, 6, 30)),
        ("last month", date(2024, 4, 1), date(2024, 4, 30)),
        ("last year", date(2023, 1, 1), date(2023, 12, 31)),
        ("in 2020", date(2020, 1, 1), date(2020, 12, 31)),
        ("February 2022", date(2022, 2, 1), date(2022, 2, 28)),
        ("in 1884", date(1884, 1, 1), date(1884, 12, 31)),
        ("March 1848", date(1848, 3, 1), date(1848, 3, 31)),
    ],
)
def test_ranges_have_no_single_date(text: str, start: date, end: date) -> None:
    resolved = resolve_date(text, THURSDAY)
    assert resolved.resolution == "range"
    assert resolved.event_date is None
    assert (resolved.start, resolved.end) == (start, end)


def test_relative_expression_without_published_date_is_unresolved() -> None:
    for text in ("on Thursday", "yesterday", "last week"):
        resolved = resolve_date(text, None)
        assert resolved.resolution == "unresolved"
        assert resolved.event_date is None and resolved.start is None


def test_explicit_year_needs_no_published_date() -> None:
    assert resolve_date("16 May 2024", None).event_date == date(2024, 5, 16)


def test_invalid_day_is_not_guessed() -> None:
    assert resolve_date("February 30, 2024", THURSDAY).resolution == "unresolved"


@pytest.mark.parametrize(
    "text", ["two-day", "75 years", "recent weeks", "in recent years", "decades"]
)
def test_durations_are_not_time_points(text: str) -> None:
    assert not is_time_point(text)


@pytest.mark.parametrize("text", ["Thursday", "last week", "May 3", "2020", "yesterday"])
def test_time_points(text: str) -> None:
    assert is_time_point(text)
