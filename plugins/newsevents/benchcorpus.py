"""A generated news corpus for benchmarks and crash tests (no real articles).

``article(n)`` renders article number ``n`` deterministically from our own templates:
varied actors (leaders, countries, organisations), CAMEO-style verbs, places and
dates, wrapped in typical news-site boilerplate (navigation, cookie banner, related
links, comments, footer). Pages are rendered on demand, so serving 100,000 articles
costs no memory; ``serve()`` puts them behind a sitemap on 127.0.0.1 and
``write_files()`` writes them to a folder for a ``files`` source.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LOGGER = logging.getLogger(__name__)

SEED = 7_000_003
# The canonical host is never contacted: it only makes article ids independent of
# where a page was served from or written to.
CANONICAL_BASE = "https://bench.newsevents.invalid"
# URLs per sitemap file; a sitemap index lists the files (the protocol allows 50,000).
SITEMAP_CHUNK = 10_000
FIRST_DAY = dt.date(2021, 1, 4)

LEADERS = [
    ("President", "Amara Okonkwo", "Nigeria"),
    ("Prime Minister", "Lena Virtanen", "Finland"),
    ("Chancellor", "Klaus Brenner", "Germany"),
    ("President", "Mateo Alvarez", "Argentina"),
    ("Prime Minister", "Hiroshi Tanabe", "Japan"),
    ("President", "Elena Petrova", "Bulgaria"),
    ("Foreign Minister", "Rashid Al-Amin", "Jordan"),
    ("Defence Minister", "Sophie Laurent", "France"),
    ("President", "Daniel Mwangi", "Kenya"),
    ("Prime Minister", "Priya Raman", "India"),
    ("Secretary of State", "Margaret Holloway", "United States"),
    ("Foreign Minister", "Chen Weiguo", "China"),
    ("President", "Tomasz Nowicki", "Poland"),
    ("Prime Minister", "Aylin Demir", "Turkey"),
    ("Foreign Minister", "Oleksandr Hrytsenko", "Ukraine"),
    ("President", "Viktor Sokolov", "Russia"),
]
COUNTRIES = [
    "Brazil",
    "Canada",
    "Egypt",
    "Indonesia",
    "Mexico",
    "South Africa",
    "Australia",
    "Italy",
    "Spain",
    "Vietnam",
    "Pakistan",
    "Iran",
    "Israel",
    "Saudi Arabia",
    "Ethiopia",
    "Chile",
]
ORGANISATIONS = [
    "NATO",
    "the United Nations",
    "the European Union",
    "the African Union",
    "the World Bank",
    "the International Monetary Fund",
    "the World Health Organization",
    "ASEAN",
]
# (verb phrase, object phrase) pairs covering cooperation and conflict event types.
ACTIONS = [
    ("met", "to discuss {topic}"),
    ("held talks with", "on {topic}"),
    ("signed an agreement with", "on {topic}"),
    ("pledged aid to", "for {topic}"),
    ("praised", "for its stance on {topic}"),
    ("hosted", "for a summit on {topic}"),
    ("criticised", "over {topic}"),
    ("accused", "of blocking progress on {topic}"),
    ("condemned", "over {topic}"),
    ("threatened", "with sanctions over {topic}"),
    ("imposed sanctions on", "over {topic}"),
    ("expelled diplomats from", "after a dispute over {topic}"),
    ("called on", "to resume negotiations on {topic}"),
    ("rejected a proposal from", "on {topic}"),
    ("welcomed", "to the capital for talks on {topic}"),
    ("demanded that", "withdraw its objections to a deal on {topic}"),
]
TOPICS = [
    "energy supplies",
    "grain exports",
    "border security",
    "climate finance",
    "debt relief",
    "fishing rights",
    "a ceasefire",
    "nuclear inspections",
    "refugee flows",
    "trade tariffs",
    "water sharing",
    "rare earth exports",
    "cyber attacks",
    "a peacekeeping mission",
]
PLACES = [
    "Geneva",
    "Vienna",
    "Nairobi",
    "Jakarta",
    "Brussels",
    "Doha",
    "Oslo",
    "Singapore",
    "Addis Ababa",
    "Lima",
    "Warsaw",
    "Ankara",
]
QUOTES = [
    "We will not accept any agreement that ignores our concerns",
    "This is a decisive moment for the region",
    "Dialogue remains the only path forward",
    "Our patience is not unlimited",
    "Both sides made real progress today",
    "The door to negotiations remains open",
]
AUTHORS = ["Ana Costa", "Lee Park", "Sam Reed", "Ines Duarte", "Tomas Berg", "Noor Haddad"]
SECTIONS = ["world", "politics", "diplomacy", "economy", "security"]

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Bench Chronicle</title>
<link rel="canonical" href="{canonical}">
<meta name="author" content="{author}"><meta name="description" content="{lead}">
<meta property="og:site_name" content="The Bench Chronicle">
<meta property="article:published_time" content="{date}T{hour:02d}:{minute:02d}:00Z">
</head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p>
<button>Accept</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/economy">Economy</a></li><li><a href="/subscribe">Subscribe</a></li>
</ul></nav></header>
<main><article><h1>{title}</h1><p class="byline">By {author}</p>
<time datetime="{date}">{date_text}</time>{body}</article>
<aside class="related"><h3>Related</h3><ul>{related}</ul></aside>
<section class="comments"><h3>Comments</h3><p>Great report.</p><p>Who pays for this?</p></section>
</main><footer><p>&copy; The Bench Chronicle. All rights reserved.</p>
<a href="/privacy">Privacy</a></footer></body></html>"""


def _actor(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        title, name, country = rng.choice(LEADERS)
        return f"{country}'s {title.lower()} {name}" if rng.random() < 0.3 else name
    if roll < 0.8:
        return rng.choice(COUNTRIES)
    return rng.choice(ORGANISATIONS)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _event_sentence(rng: random.Random, when: str) -> str:
    subject, target = _actor(rng), _actor(rng)
    while target == subject:
        target = _actor(rng)
    verb, tail = rng.choice(ACTIONS)
    tail = tail.format(topic=rng.choice(TOPICS))
    return f"{_cap(subject)} {verb} {target} in {rng.choice(PLACES)} {when} {tail}."


def article(number: int, seed: int = SEED) -> bytes:
    """The HTML of article ``number`` (same bytes for the same number and seed)."""
    rng = random.Random(seed * 1_000_003 + number)
    day = FIRST_DAY + dt.timedelta(days=number % 1_400)
    weekday = day.strftime("%A")
    paragraphs = []
    lead = _event_sentence(rng, f"on {weekday}")
    paragraphs.append(lead)
    for _ in range(rng.randint(4, 8)):
        kind = rng.random()
        if kind < 0.55:
            sentences = [
                _event_sentence(
                    rng, rng.choice(["on " + weekday, "last week", "earlier this month"])
                )
            ]
            sentences.append(
                f"Officials said the talks on {rng.choice(TOPICS)} would continue "
                f"in {rng.choice(PLACES)} next month."
            )
        elif kind < 0.8:
            speaker = rng.choice(LEADERS)
            sentences = [
                f'"{rng.choice(QUOTES)}," {speaker[1]} told reporters in {rng.choice(PLACES)}.',
                f"The remarks followed weeks of tension over {rng.choice(TOPICS)}.",
            ]
        else:
            sentences = [
                f"Analysts said {rng.choice(COUNTRIES)} and {rng.choice(COUNTRIES)} had "
                f"{rng.randint(2, 40)} billion dollars at stake in {rng.choice(TOPICS)}.",
                f"Markets in {rng.choice(PLACES)} moved little on the news.",
            ]
        paragraphs.append(" ".join(sentences))
    title = lead.rstrip(".")
    slug = f"{day:%Y/%m}/{rng.choice(SECTIONS)}-{number}"
    related = "".join(
        f'<li><a href="/{rng.choice(SECTIONS)}/{rng.randint(1, 10**6)}">'
        f"{html.escape(_cap(rng.choice(TOPICS)))} update</a></li>"
        for _ in range(3)
    )
    page = _PAGE.format(
        title=html.escape(title),
        canonical=f"{CANONICAL_BASE}/{slug}.html",
        author=rng.choice(AUTHORS),
        lead=html.escape(lead),
        date=day.isoformat(),
        date_text=day.strftime("%d %B %Y"),
        hour=rng.randint(5, 22),
        minute=rng.randint(0, 59),
        body="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        related=related,
    )
    return page.encode("utf-8")


def article_text_url(base: str, number: int) -> str:
    return f"{base}/news/{number}.html"


def write_files(folder: str | Path, count: int, start: int = 0) -> list[Path]:
    """Write articles ``start .. start+count-1`` as ``<folder>/<n>.html``."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = root / f"{number:06d}.html"
        path.write_bytes(article(number))
        paths.append(path)
    return paths


class CorpusServer:
    """Articles ``0 .. count-1`` behind ``/sitemap.xml`` on 127.0.0.1.

    ``count`` can grow while serving (``extend``): the sitemap then lists the new
    articles too, as a news site's would.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()
        corpus = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes; without TCP_NODELAY, Nagle
            # plus delayed ACKs add ~40 ms to every keep-alive request.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                with corpus._lock:
                    corpus.requests += 1
                # Articles never change: a strong ETag per path, honoured like a real
                # news CMS, so a run with nothing new costs one 304 per article.
                etag = f'"{SEED}-{self.path}"'
                if self.path.startswith("/news/") and self.headers.get("If-None-Match") == etag:
                    with corpus._lock:
                        corpus.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, kind, status = corpus.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if status == 200 and self.path.startswith("/news/"):
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def extend(self, extra: int) -> None:
        with self._lock:
            self.count += extra

    def answer(self, path: str) -> tuple[bytes, str, int]:
        """(body, content type, status) for ``path``."""
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n", "text/plain", 200
        if path == "/sitemap.xml":
            chunks = (self.count + SITEMAP_CHUNK - 1) // SITEMAP_CHUNK
            locs = "".join(
                f"<sitemap><loc>{self.base_url}/sitemap-{n}.xml</loc></sitemap>"
                for n in range(chunks)
            )
            return (
                (
                    '<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                    f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
                ).encode(),
                "application/xml",
                200,
            )
        if path.startswith("/sitemap-") and path.endswith(".xml"):
            chunk = int(path[len("/sitemap-") : -len(".xml")])
            numbers = range(chunk * SITEMAP_CHUNK, min(self.count, (chunk + 1) * SITEMAP_CHUNK))
            locs = "".join(
                f"<url><loc>{article_text_url(self.base_url, n)}</loc></url>" for n in numbers
            )
            return (
                (
                    '<?xml version="1.0" encoding="UTF-8"?><urlset '
                    f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
                ).encode(),
                "application/xml",
                200,
            )
        if path.startswith("/news/") and path.endswith(".html"):
            try:
                number = int(path[len("/news/") : -len(".html")])
            except ValueError:
                number = -1
            if 0 <= number < self.count:
                return article(number), "text/html; charset=utf-8", 200
        return b"<html><body>not found</body></html>", "text/html", 404

    def __enter__(self) -> CorpusServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def serve(count: int) -> Iterator[CorpusServer]:
    """Serve ``count`` generated articles on 127.0.0.1 (see ``CorpusServer``)."""
    with CorpusServer(count) as server:
        yield server
