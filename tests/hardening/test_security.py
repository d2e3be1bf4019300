"""Security: the address guard, local-file access, secrets in the repo and in logs.

Only loopback addresses are used: 127.0.0.1 is the allowed address, 127.0.0.2 plays
the internal host that must never be reached.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest
from newsevents import pipeline
from newsevents.config import ConfigError, load_config
from newsevents.ingest import batches as ingest_batches
from newsevents.ingest import netguard
from newsevents.ingest.discover import discover
from newsevents.ingest.fetch import Fetcher

ALLOWED = ["127.0.0.1/32"]
SECRET = "s3cr3t-Pa55word"


def _page(title: str) -> str:
    text = (
        f"{title}: the delegation met the minister in the capital on Tuesday to discuss "
        "grain exports, sanctions and a new trade agreement, officials said later. "
    ) * 3
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><p>{text}</p></article></body></html>"


def _bind_second(port: int) -> Any:
    """A server on 127.0.0.2 (the "internal" host) on the same port, if the OS allows."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    hits: list[str] = []

    class _Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            hits.append(self.path)
            body = _page("internal").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    try:
        server = ThreadingHTTPServer(("127.0.0.2", port), _Handler)
    except OSError as exc:  # pragma: no cover - loopback aliases missing
        pytest.skip(f"cannot bind 127.0.0.2: {exc}")
    server.daemon_threads = True
    Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, hits


@pytest.fixture
def internal(hostile_server: Any) -> Any:
    server, hits = _bind_second(hostile_server.port)
    try:
        yield hits
    finally:
        server.shutdown()
        server.server_close()


def _fetcher(tmp_path: Path, hkit: Any, **fetch: Any) -> Fetcher:
    sources = hkit.write_sources(
        tmp_path,
        [{"name": "s", "kind": "urls", "urls": ["http://127.0.0.1/"]}],
        **{"allow_private_addresses": ALLOWED, **fetch},
    )
    return Fetcher(load_config(sources).fetch)


# -- address guard ---------------------------------------------------------------------
def test_guard_allows_only_listed_loopback() -> None:
    assert str(netguard.check_address("127.0.0.1", ALLOWED)) == "127.0.0.1"
    for address in ("127.0.0.2", "::1", "::ffff:127.0.0.2", "0.0.0.0"):
        with pytest.raises(netguard.BlockedAddressError):
            netguard.check_address(address, ALLOWED)
    with pytest.raises(netguard.BlockedAddressError):
        netguard.check_address("127.0.0.1", False)


# IP literals only: the guard parses them, nothing connects anywhere.
SPECIAL_PURPOSE = [
    "fec0::1",  # site-local (deprecated, RFC 3879), is_global in Python
    "192.0.0.9",  # IANA 192.0.0.0/24 (PCP anycast, "globally reachable" yet special)
    "192.0.0.170",
    "192.31.196.1",  # AS112-v4
    "192.52.193.1",  # AMT
    "192.88.99.1",  # deprecated 6to4 relay anycast
    "192.175.48.1",  # direct delegation AS112
    "198.18.0.1",  # benchmarking
    "100.64.0.1",  # carrier-grade NAT
    "2001:4:112::1",  # AS112-v6
    "2620:4f:8000::1",
    "3fff::1",  # documentation (2024)
    "5f00::1",  # SRv6 SIDs
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::1",
    "100::1",  # discard-only
    "2001:db8::1",
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "::ffff:192.0.0.9",
]


@pytest.mark.parametrize("address", SPECIAL_PURPOSE)
def test_guard_refuses_iana_special_purpose_blocks(address: str) -> None:
    with pytest.raises(netguard.BlockedAddressError):
        netguard.check_address(address, False)
    assert not netguard.is_public_address(netguard.check_address(address, True))
    # ... unless the sources file lists them.
    network = address + ("/128" if ":" in address else "/32")
    assert str(netguard.check_address(address, [network])) == str(
        netguard.ipaddress.ip_address(address)
    )


def test_guard_still_allows_public_unicast() -> None:
    for address in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "2002:5db8:d70e::1"):
        assert netguard.is_public_address(netguard.ipaddress.ip_address(address))


def test_redirect_to_unlisted_loopback_is_refused(
    hostile_server: Any, internal: list[str], hkit: Any, tmp_path: Path
) -> None:
    target = f"http://127.0.0.2:{hostile_server.port}/secret.html"
    hostile_server.put("/sec/redirect", b"", None, 302, {"Location": target})
    hostile_server.put("/sec/hop", b"", None, 301, {"Location": "/sec/redirect"})
    with _fetcher(tmp_path, hkit) as fetcher:
        for path in ("/sec/redirect", "/sec/hop"):
            result = fetcher.get(hostile_server.url(path))
            assert result.status == "blocked_address", result
            assert result.body is None
    assert internal == []  # 127.0.0.2 never saw a request
    # Sanity: the internal server is reachable when the guard would allow it, so the
    # empty hit list above means "refused", not "unreachable".
    with _fetcher(tmp_path, hkit, allow_private_addresses=True) as open_fetcher:
        assert open_fetcher.get(hostile_server.url("/sec/redirect")).status == "ok"
    assert "/secret.html" in internal


def test_redirect_to_file_url_is_refused(hostile_server: Any, hkit: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text(_page("secret file"))
    hostile_server.put("/sec/to-file", b"", None, 302, {"Location": secret.as_uri()})
    with _fetcher(tmp_path, hkit) as fetcher:
        result = fetcher.get(hostile_server.url("/sec/to-file"))
    assert result.status == "invalid_url"
    assert result.body is None


class _Rebinding:
    """getaddrinfo that answers 127.0.0.1 first, then 127.0.0.2 (DNS rebinding)."""

    def __init__(self, name: str, answers: list[list[str]]) -> None:
        self.name = name
        self.answers = answers
        self.calls = 0
        self._real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != self.name:
            return self._real(host, port, *args, **kwargs)
        addresses = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))
            for address in addresses
        ]


def test_connection_goes_to_the_checked_address(
    hostile_server: Any,
    internal: list[str],
    hkit: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first answer is checked and used; a changed second answer is never used."""
    name = "rebind.newsevents.test"
    resolver = _Rebinding(name, [["127.0.0.1"], ["127.0.0.2"]])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    hostile_server.put("/sec/rebind.html", _page("checked"))
    before = len(hostile_server.requests)
    with _fetcher(tmp_path, hkit, respect_robots_txt=False) as fetcher:
        result = fetcher.get(f"http://{name}:{hostile_server.port}/sec/rebind.html")
    assert result.status == "ok", result
    assert b"checked" in (result.body or b"")
    assert resolver.calls == 1  # resolved once: the connection reused the checked IP
    assert internal == []
    path, headers = hostile_server.requests[before]
    assert path == "/sec/rebind.html"
    assert headers["Host"] == f"{name}:{hostile_server.port}"  # name kept for vhosts


def test_rebinding_to_internal_first_is_refused(
    hostile_server: Any,
    internal: list[str],
    hkit: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "rebind2.newsevents.test"
    for answers in ([["127.0.0.2"], ["127.0.0.1"]], [["127.0.0.1", "127.0.0.2"]]):
        monkeypatch.setattr(socket, "getaddrinfo", _Rebinding(name, answers))
        with _fetcher(tmp_path, hkit, respect_robots_txt=False) as fetcher:
            result = fetcher.get(f"http://{name}:{hostile_server.port}/sec/rebind.html")
        assert result.status == "blocked_address", answers
    assert internal == []


# -- the sources file cannot read arbitrary local files --------------------------------
@pytest.mark.parametrize(
    "source",
    [
        {"name": "u", "kind": "urls", "urls": ["file:///etc/passwd"]},
        {"name": "u", "kind": "urls", "urls": ["http://127.0.0.1/", "file:///etc/hostname"]},
        {"name": "f", "kind": "feed", "url": "file:///etc/passwd"},
        {"name": "s", "kind": "sitemap", "url": "file:///tmp/sitemap.xml"},
        {"name": "s", "kind": "sitemap", "url": "/etc/passwd"},
        {"name": "f", "kind": "files", "url": "file:///etc"},
    ],
)
def test_sources_file_refuses_local_urls(source: dict[str, Any], hkit: Any, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(hkit.write_sources(tmp_path, [source]))


def test_feed_and_sitemap_links_to_local_files_are_not_read(
    hostile_server: Any, hkit: Any, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text(_page("secret file"))
    hostile_server.put(
        "/sec/feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><link>{secret.as_uri()}</link></item>"
        "<item><link>file:///etc/passwd</link></item></channel></rss>",
        "application/rss+xml",
    )
    hostile_server.put(
        "/sec/sitemap.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{secret.as_uri()}</loc></url></urlset>",
        "application/xml",
    )
    sources = hkit.write_sources(
        tmp_path,
        [
            {"name": "feed", "kind": "feed", "url": hostile_server.url("/sec/feed.xml")},
            {"name": "map", "kind": "sitemap", "url": hostile_server.url("/sec/sitemap.xml")},
        ],
    )
    settings = pipeline.resolve_settings(str(sources), str(tmp_path / "w.duckdb"))
    pipeline.run_ingest(settings)
    with duckdb.connect(settings["work_db"], read_only=True) as con:
        log = con.execute("select url, status from raw.fetch_log").fetchall()
        articles = con.execute("select count(*) from raw.articles").fetchone()
    assert log, "the file:// links were discovered and logged"
    assert {status for _url, status in log} == {"invalid_url"}
    assert articles == (0,)


def test_files_source_stays_inside_its_folder(hkit: Any, tmp_path: Path) -> None:
    """Symlinks out of the folder and ``..`` candidate paths are never read."""
    root = tmp_path / "pages"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text(_page("outside secret"))
    (root / "inside.html").write_text(_page("inside page"))
    (root / "link.html").symlink_to(outside / "secret.html")
    (root / "dirlink").symlink_to(outside, target_is_directory=True)
    sources = hkit.write_sources(tmp_path, [{"name": "local", "kind": "files", "path": "pages"}])
    config = load_config(sources)
    with Fetcher(config.fetch) as fetcher:
        found = discover(config.sources[0], fetcher)
    assert [Path(c["path"]).name for c in found] == ["inside.html"]
    # A crafted candidate (e.g. an edited XCom) with ``..`` or a symlink is refused.
    sources_by_name = {s.name: s for s in config.sources}
    for path in (
        root / ".." / "outside" / "secret.html",
        root / "link.html",
        Path("/etc/hostname"),
    ):
        item = dict(found[0], path=str(path), url=path.as_uri())
        record = ingest_batches.process_candidate(item, fetcher, sources_by_name)
        assert record["fetch_log"]["status"] == "invalid_url", path
        assert record["article"] is None
    # A files candidate claiming a source that is not a files source is refused too.
    item = dict(found[0], source_name="nope")
    assert ingest_batches.process_candidate(item, fetcher, sources_by_name)["article"] is None


# -- secrets ---------------------------------------------------------------------------
# Built from pieces so this file does not match its own patterns.
SECRET_PATTERNS = {
    "private key": re.compile(
        "-----BEGIN " + r"(?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"
    ),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "password in URL": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:[^/\s@'\"{}$<]{6,}@[\w.-]+"),
}
# Placeholders that are fine in docs and compose files.
ALLOWED_URL_PASSWORDS = ("airflow:airflow@", "user:pass@", "***@", "postgres:postgres@")


def _tracked_files(repo_root: Path) -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=repo_root, capture_output=True, check=True, timeout=60
        ).stdout.split(b"\0")
        files = [repo_root / os.fsdecode(name) for name in listed if name]
    except (OSError, subprocess.SubprocessError):
        files = []
    # New, not yet committed files count too (the lead commits later).
    skip = {".venv", ".git", "data", "airflow_home", "dbt_project/target", "node_modules"}
    for folder in ("plugins", "dags", "tests", "dbt_project", "samples", "docs", "deploy"):
        base = repo_root / folder
        if base.is_dir():
            files.extend(
                p
                for p in base.rglob("*")
                if p.is_file()
                and not any(part in skip for part in p.relative_to(repo_root).parts)
                and "target" not in p.relative_to(repo_root).parts
            )
    return sorted(set(files))


def test_no_secrets_in_the_repository(repo_root: Path) -> None:
    problems = []
    files = _tracked_files(repo_root)
    assert len(files) > 20
    for file in files:
        if not file.is_file() or file.stat().st_size > 2_000_000:
            continue
        text = file.read_bytes().decode("utf-8", errors="replace")
        for label, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                if label == "password in URL" and any(
                    ok in match.group(0) for ok in ALLOWED_URL_PASSWORDS
                ):
                    continue
                problems.append(f"{file.relative_to(repo_root)}: {label}: {match.group(0)[:40]}")
    assert problems == []


def test_credentials_in_urls_are_not_logged(
    hostile_server: Any, hkit: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """user:password in a source URL never reaches the log or an error message."""
    authority = f"http://reader:{SECRET}@127.0.0.1:{hostile_server.port}"
    sources = hkit.write_sources(
        tmp_path,
        [
            {"name": "feed", "kind": "feed", "url": f"{authority}/sec/missing-feed.xml"},
            {"name": "map", "kind": "sitemap", "url": f"{authority}/sec/not-a-sitemap.html"},
            {"name": "urls", "kind": "urls", "urls": [f"{authority}/sec/500"]},
        ],
        max_retries=1,
    )
    hostile_server.put("/sec/not-a-sitemap.html", _page("not a sitemap"))
    hostile_server.put("/sec/500", b"boom", "text/html", 500)
    settings = pipeline.resolve_settings(str(sources), str(tmp_path / "w.duckdb"))
    with caplog.at_level(logging.DEBUG):
        summary = pipeline.run_ingest(settings)
    assert len(summary["discover_errors"]) == 2
    assert caplog.records, "the failures were logged"
    assert SECRET not in caplog.text
    assert SECRET not in " ".join(summary["discover_errors"])
    # Stripped when the sources file is read: not even the user name is left.
    assert "reader" not in " ".join(summary["discover_errors"])
    assert f"http://127.0.0.1:{hostile_server.port}/sec/" in " ".join(summary["discover_errors"])
    # The credentials are never sent as a header either (no Authorization leak).
    assert all(SECRET not in str(headers) for _path, headers in hostile_server.requests)
    with duckdb.connect(settings["work_db"], read_only=True) as con:
        rows = con.execute(
            "select coalesce(detail, '') || url || coalesce(final_url, '') from raw.fetch_log"
        ).fetchall()
    assert rows
    assert all(SECRET not in row for (row,) in rows)
