"""A generated news corpus for benchmarks and crash tests (no real articles).

``article(n)`` renders article number ``n`` deterministically from our own templates:
varied actors (leaders, countries, organisations), CAMEO-style verbs, places and
dates, wrapped in typical news-site boilerplate (navigation, cookie banner, related
links, comments, footer). Pages are rendered on demand, so serving 100,000 articles
costs no memory; ``serve()`` puts them behind a sitemap on 127.0.0.1 and
``write_files()`` writes them to a folder for a ``files`` source.

Sizes follow real news pages, not our templates' convenience:

- article text: log-normal word counts, median ``WORDS_MEDIAN`` (600), clipped to
  ``WORDS_MIN``-``WORDS_MAX`` (150-2,500); English news runs 500 to 1,000 words for
  most stories, with briefs and long reads either side;
- page weight: log-normal HTML sizes, median ``PAGE_BYTES_MEDIAN`` (about 85 KB),
  clipped to 50-150 KB: what a news page's HTML weighs once its inline CSS, JSON-LD,
  analytics and ad configuration scripts, mega-menu, "most read" teasers and footer
  link lists are counted (images and external scripts are separate requests and are
  not counted). The main text is a few KB of that.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import math
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
# Article length in words: log-normal (median, sigma of its log), clipped.
WORDS_MEDIAN = 600
WORDS_SIGMA = 0.55
WORDS_MIN, WORDS_MAX = 150, 2_500
# HTML weight of a page in bytes: log-normal, clipped.
PAGE_BYTES_MEDIAN = 85_000
PAGE_BYTES_SIGMA = 0.3
PAGE_BYTES_MIN, PAGE_BYTES_MAX = 50_000, 150_000

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
# Paragraphs without an event: what fills most of a real story between the news.
BACKGROUND = [
    "The dispute over {topic} dates back several years, and earlier rounds of talks in "
    "{place} ended without a written agreement.",
    "Trade between {country} and {country2} reached {n} billion dollars last year, "
    "according to official figures published by the two governments.",
    "Diplomats familiar with the discussions, who spoke on condition of anonymity because "
    "they were not authorised to brief the press, described the mood as cautious.",
    "Opposition lawmakers in {country} have questioned the cost of the plan and asked the "
    "government to publish the full text before parliament votes on it.",
    "The issue of {topic} has dominated regional meetings since the spring, when a series "
    "of incidents raised fears of a wider crisis.",
    "Economists expect the outcome to weigh on growth forecasts for the coming year, with "
    "smaller exporters likely to feel the effects first.",
    "Aid organisations working in the region said conditions on the ground had worsened "
    "over the past month and called for faster access for supplies.",
    "A spokesperson for the ministry declined to comment on the details but said further "
    "meetings were planned before the end of the year.",
    "Polls published this week suggest that a majority of voters in {country} support a "
    "negotiated solution, although views differ sharply by region.",
    "Officials said a technical committee would meet in {place} to draft the details, and "
    "that ministers would review its work at their next session.",
    "The previous agreement on {topic}, signed {n} years ago, expired in January without "
    "being renewed, leaving both sides without a framework for talks.",
    "Security was tight around the venue, where several hundred protesters gathered behind "
    "police lines to call for an end to the dispute.",
]
# Boilerplate vocabulary: navigation, teasers, style and script padding.
_MENU = [
    "World",
    "Africa",
    "Americas",
    "Asia",
    "Europe",
    "Middle East",
    "Politics",
    "Business",
    "Markets",
    "Technology",
    "Science",
    "Climate",
    "Health",
    "Sport",
    "Culture",
    "Opinion",
    "Video",
    "Podcasts",
    "Newsletters",
    "Weather",
]

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Bench Chronicle</title>
<link rel="canonical" href="{canonical}">
<meta name="author" content="{author}"><meta name="description" content="{lead}">
<meta property="og:site_name" content="The Bench Chronicle">
<meta property="article:published_time" content="{date}T{hour:02d}:{minute:02d}:00Z">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="preload" href="/static/fonts/serif.woff2" as="font" crossorigin>
<link rel="stylesheet" href="/static/css/site.css">
<style>{style}</style>
<script type="application/ld+json">{json_ld}</script>
<script>window.dataLayer = window.dataLayer || []; {head_script}</script>
</head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience.</p>
<button>Accept</button></div>
<header><a class="skip" href="#main">Skip to content</a>
<nav class="menu"><ul>{menu}</ul></nav>
<div class="ad-slot" id="ad-top" data-sizes="970x250,728x90"></div></header>
<main id="main"><article><h1>{title}</h1><p class="byline">By {author}</p>
<time datetime="{date}">{date_text}</time>{body}</article>
<aside class="related"><h3>Related</h3><ul>{related}</ul></aside>
<aside class="most-read"><h3>Most read</h3><ol>{most_read}</ol></aside>
<section class="comments"><h3>Comments</h3><p>Great report.</p><p>Who pays for this?</p></section>
</main><footer><nav class="footer-links"><ul>{footer}</ul></nav>
<p>&copy; The Bench Chronicle. All rights reserved.</p>
<a href="/privacy">Privacy</a></footer>
<script>window.__PRELOADED_STATE__ = {state};</script>
<script>{tail_script}</script></body></html>"""


class _Pool:
    """Boilerplate snippets joined by ``sep``; ``take`` cuts a run of consecutive ones."""

    def __init__(self, items: list[str], sep: str) -> None:
        once = sep.join(items)
        self.size = len(once)
        # Twice over, so a run starting near the end wraps around.
        self.text = once + sep + once
        self.sep = sep
        self.starts = [0]
        for item in items[:-1]:
            self.starts.append(self.starts[-1] + len(item) + len(sep))

    def take(self, rng: random.Random, budget: int) -> str:
        """Whole snippets from a random one on, about ``budget`` characters."""
        start = self.starts[rng.randrange(len(self.starts))]
        end = self.text.find(self.sep, start + min(budget, self.size))
        return self.text[start : end if end >= 0 else len(self.text)]


def _style_rules() -> list[str]:
    rng = random.Random(SEED + 11)

    def prop() -> str:
        kind = rng.randrange(6)
        if kind == 0:
            return f"margin:{rng.randint(0, 40)}px {rng.randint(0, 40)}px"
        if kind == 1:
            return f"padding:{rng.randint(0, 32)}px;font-size:{rng.randint(11, 40)}px"
        if kind == 2:
            return f"color:#{rng.randrange(16**6):06x};line-height:1.{rng.randint(1, 9)}"
        if kind == 3:
            return f"border-bottom:{rng.randint(1, 4)}px solid #{rng.randrange(16**6):06x}"
        if kind == 4:
            return f"display:grid;grid-template-columns:repeat({rng.randint(2, 6)},1fr)"
        return f"max-width:{rng.randint(300, 1400)}px;background:#{rng.randrange(16**6):06x}"

    rules = []
    for number in range(600):
        selector = f".c-{rng.choice(_MENU).lower().replace(' ', '-')}-{number}"
        rules.append(f"{selector}{{{';'.join(prop() for _ in range(3))}}}")
    return rules


def _ad_configs() -> list[str]:
    rng = random.Random(SEED + 13)
    configs = []
    for number in range(600):
        slot = f"ad-{rng.choice(_MENU).lower().replace(' ', '-')}-{number}"
        config = {
            "slot": slot,
            "sizes": [[rng.choice([300, 728, 970]), rng.choice([90, 250, 600])]],
            "targeting": {"section": rng.choice(SECTIONS), "pos": rng.randint(1, 9)},
            "lazy": rng.random() < 0.5,
        }
        configs.append(json.dumps(config, separators=(",", ":")))
    return configs


_AD_CONFIGS = _ad_configs()


def _menus(count: int) -> list[str]:
    """``count`` variants of the site's mega-menu (sections and their sub-sections)."""
    rng = random.Random(SEED + 17)

    def href(*parts: str) -> str:
        return "/" + "/".join(part.lower().replace(" ", "-") for part in parts)

    return [
        "".join(
            f'<li><a href="{href(item)}">{item}</a><ul>'
            + "".join(
                f'<li><a href="{href(item, sub)}">{sub}</a></li>' for sub in rng.sample(_MENU, 6)
            )
            + "</ul></li>"
            for item in _MENU
        )
        for _ in range(count)
    ]


_MENUS = _menus(16)
_FOOTER = "".join(f'<li><a href="/{m.lower().replace(" ", "-")}">{m}</a></li>' for m in _MENU)
# Built once: pages take runs of these, so rendering stays cheap at 100k articles.
_STYLE = _Pool(_style_rules(), "\n")
_SCRIPT = _Pool([f"window.dataLayer.push({config});" for config in _AD_CONFIGS], "\n")
_STATE = _Pool(_AD_CONFIGS, ",\n")


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


def _lognormal(rng: random.Random, median: float, sigma: float, low: float, high: float) -> int:
    return int(min(max(rng.lognormvariate(math.log(median), sigma), low), high))


def target_words(number: int, seed: int = SEED) -> int:
    """The text length (words) drawn for article ``number``: log-normal, median 600."""
    rng = random.Random(seed * 1_000_003 + number)
    return _lognormal(rng, WORDS_MEDIAN, WORDS_SIGMA, WORDS_MIN, WORDS_MAX)


def _background(rng: random.Random) -> str:
    return rng.choice(BACKGROUND).format(
        topic=rng.choice(TOPICS),
        place=rng.choice(PLACES),
        country=rng.choice(COUNTRIES),
        country2=rng.choice(COUNTRIES),
        n=rng.randint(2, 40),
    )


def _teasers(rng: random.Random, count: int) -> str:
    items = []
    for _ in range(count):
        headline = html.escape(_cap(rng.choice(TOPICS)) + ": " + _actor(rng) + " under pressure")
        href = f"/{rng.choice(SECTIONS)}/{rng.randint(1, 10**6)}"
        items.append(f'<li><a href="{href}"><span class="kicker">{headline}</span></a></li>')
    return "".join(items)


def article(number: int, seed: int = SEED) -> bytes:
    """The HTML of article ``number`` (same bytes for the same number and seed)."""
    rng = random.Random(seed * 1_000_003 + number)
    # First draws: the sizes (``target_words`` repeats the first one).
    words_wanted = _lognormal(rng, WORDS_MEDIAN, WORDS_SIGMA, WORDS_MIN, WORDS_MAX)
    page_bytes = _lognormal(
        rng, PAGE_BYTES_MEDIAN, PAGE_BYTES_SIGMA, PAGE_BYTES_MIN, PAGE_BYTES_MAX
    )
    day = FIRST_DAY + dt.timedelta(days=number % 1_400)
    weekday = day.strftime("%A")
    paragraphs = []
    lead = _event_sentence(rng, f"on {weekday}")
    paragraphs.append(lead)
    words = len(lead.split())
    while words < words_wanted:
        kind = rng.random()
        if kind < 0.25:
            sentences = [_background(rng), _background(rng)]
        elif kind < 0.6:
            sentences = [
                _event_sentence(
                    rng, rng.choice(["on " + weekday, "last week", "earlier this month"])
                )
            ]
            sentences.append(
                f"Officials said the talks on {rng.choice(TOPICS)} would continue "
                f"in {rng.choice(PLACES)} next month."
            )
        elif kind < 0.85:
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
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    title = lead.rstrip(".")
    slug = f"{day:%Y/%m}/{rng.choice(SECTIONS)}-{number}"
    canonical = f"{CANONICAL_BASE}/{slug}.html"
    author = rng.choice(AUTHORS)
    related = "".join(
        f'<li><a href="/{rng.choice(SECTIONS)}/{rng.randint(1, 10**6)}">'
        f"{html.escape(_cap(rng.choice(TOPICS)))} update</a></li>"
        for _ in range(3)
    )
    menu = rng.choice(_MENUS)
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": day.isoformat(),
            "author": {"@type": "Person", "name": author},
            "mainEntityOfPage": canonical,
            "wordCount": words,
        }
    )
    fields = {
        "title": html.escape(title),
        "canonical": canonical,
        "author": author,
        "lead": html.escape(lead),
        "date": day.isoformat(),
        "date_text": day.strftime("%d %B %Y"),
        "hour": rng.randint(5, 22),
        "minute": rng.randint(0, 59),
        "body": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        "related": related,
        "most_read": _teasers(rng, 10),
        "menu": menu,
        "footer": _FOOTER,
        "json_ld": json_ld.replace("</", "<\\/"),
        "style": "",
        "head_script": "",
        "state": "{}",
        "tail_script": "",
    }
    # The rest of the page weight: inline CSS, ad/analytics configuration and the
    # framework's state blob, in the proportions news pages show them.
    budget = max(0, page_bytes - len(_PAGE.format(**fields).encode("utf-8")))
    fields["style"] = _STYLE.take(rng, budget * 30 // 100)
    fields["head_script"] = _SCRIPT.take(rng, budget * 20 // 100)
    fields["state"] = '{"ads":[' + _STATE.take(rng, budget * 35 // 100) + "]}"
    fields["tail_script"] = _SCRIPT.take(rng, budget * 15 // 100)
    return _PAGE.format(**fields).encode("utf-8")


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
