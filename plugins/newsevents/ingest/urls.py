"""Canonical URLs and stable article ids."""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from courlan import normalize_url

LOGGER = logging.getLogger(__name__)

# Query parameters that only track the reader; courlan drops most of these already,
# this list makes the rule explicit and covers the ones it keeps.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "smid",
        "xtor",
        "at_medium",
        "at_campaign",
        "spm",
        "share",
        "s_cid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")

# article_id length: 32 hex chars (128 bits) is collision-free at any news scale.
ARTICLE_ID_HEX_CHARS = 32


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """Drop tracking query parameters and the fragment; keep the rest in order."""
    parts = urlsplit(url)
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))


def is_http_url(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@``, for logs and messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("@", 1)[-1] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def strip_userinfo(url: str) -> str:
    """``url`` without ``user:password@``: what is stored, logged and printed.

    A URL that does not parse loses everything up to its last ``@`` in the authority.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        head, sep, tail = url.partition("://")
        if sep and "@" in tail.split("/", 1)[0]:
            return f"{head}://{tail.split('/', 1)[0].rsplit('@', 1)[1]}" + (
                "/" + tail.split("/", 1)[1] if "/" in tail else ""
            )
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


_USERINFO_IN_TEXT = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@")
_BARE_USERINFO = re.compile(r"^[^/?#\s@:]+:[^/?#\s@]*@(?=[\w.-]+)")


def scrub_userinfo(text: str) -> str:
    """``text`` with the ``user:password@`` of every URL in it removed (a site name
    derived from a URL, a detail line)."""
    return _BARE_USERINFO.sub("", _USERINFO_IN_TEXT.sub(r"\1", text))


def canonical_url(url: str, declared: str | None = None) -> str:
    """The canonical form of ``url``.

    ``declared`` is what the page says (``<link rel=canonical>``); it wins when it is
    an http(s) URL (relative ones are resolved against ``url``). The result is
    courlan-normalised (lowercase scheme/host, default port, sorted query) with
    tracking parameters and the fragment removed.
    """
    chosen = url.strip()
    if declared and declared.strip():
        try:
            candidate = urljoin(chosen, declared.strip())
        except ValueError:  # a malformed declared URL ("http://[::1") is ignored
            candidate = ""
        if is_http_url(candidate):
            chosen = candidate
    chosen = strip_userinfo(chosen)  # a declared canonical may carry credentials too
    if chosen.startswith("file:"):
        return chosen
    try:
        normalised = normalize_url(chosen)
    except ValueError:  # courlan rejects some odd ports/hosts; keep ours then
        normalised = chosen
    return strip_tracking(normalised)


def article_id(canonical: str) -> str:
    """Stable id of an article: the first 32 hex chars of sha256(canonical URL)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:ARTICLE_ID_HEX_CHARS]


def domain_of(url: str) -> str | None:
    """Host of ``url`` without a leading ``www.``; None for file URLs."""
    host = urlsplit(url).hostname
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host
