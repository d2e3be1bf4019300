"""Canonical URLs, article ids and the address guard (no connections made)."""

from __future__ import annotations

import hashlib

import pytest
from newsevents.ingest.netguard import BlockedAddressError, check_address, checked_address
from newsevents.ingest.urls import article_id, canonical_url, domain_of, strip_tracking


def test_tracking_parameters_and_fragment_are_stripped() -> None:
    url = "HTTPS://WWW.Example.com:443/world/story.html?utm_source=rss&id=7&fbclid=x&gclid=y#top"
    assert canonical_url(url) == "https://www.example.com/world/story.html?id=7"
    assert (
        strip_tracking("https://e.org/a?b=2&utm_medium=x&ref=home&a=1") == "https://e.org/a?b=2&a=1"
    )


def test_declared_canonical_wins_and_relative_is_resolved() -> None:
    page = "http://127.0.0.1:8000/amp/story.html?utm_campaign=x"
    assert canonical_url(page, "/news/story.html") == "http://127.0.0.1:8000/news/story.html"
    assert canonical_url(page, "https://example.org/s?utm_source=a") == "https://example.org/s"
    # a canonical that is not http(s) is ignored
    assert canonical_url(page, "javascript:void(0)") == "http://127.0.0.1:8000/amp/story.html"


def test_article_id_is_a_stable_hash_of_the_canonical_url() -> None:
    first = article_id(canonical_url("https://example.org/a.html?utm_source=x"))
    second = article_id(canonical_url("https://EXAMPLE.org/a.html#comments"))
    assert first == second
    assert len(first) == 32 and int(first, 16) >= 0
    # sha256 of the canonical URL, first 32 hex chars: the same on every machine and run
    assert first == hashlib.sha256(b"https://example.org/a.html").hexdigest()[:32]
    assert article_id("https://example.org/b.html") != first


def test_domain() -> None:
    assert domain_of("https://www.bbc.co.uk/news/x") == "bbc.co.uk"
    assert domain_of("file:///tmp/a.html") is None


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "127.0.0.2",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "ff02::1",
    ],
)
def test_guard_refuses_non_public_addresses(address: str) -> None:
    with pytest.raises(BlockedAddressError):
        check_address(address, allow_private=False)
    assert str(check_address(address, allow_private=True))


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_guard_allows_public_addresses(address: str) -> None:
    assert str(check_address(address, allow_private=False)) == address


def test_guard_allow_list() -> None:
    assert str(check_address("127.0.0.1", ["127.0.0.1/32"])) == "127.0.0.1"
    with pytest.raises(BlockedAddressError):
        check_address("127.0.0.2", ["127.0.0.1/32"])
    with pytest.raises(BlockedAddressError):
        check_address("::1", ["127.0.0.0/8"])


def test_host_names_are_checked_by_resolved_address() -> None:
    with pytest.raises(BlockedAddressError):
        checked_address("localhost", 80, allow_private=False)
    assert checked_address("localhost", 80, allow_private=True) in ("127.0.0.1", "::1")
