"""Polite, guarded HTTP fetcher built on urllib3.

* robots.txt fetched once per host (RFC 9309: 4xx means allow all, 5xx or no answer
  means disallow all) and parsed with ``urllib.robotparser``;
* a per-host delay shared by all threads;
* the resolved address checked by ``netguard`` on every hop, and the connection
  made to that checked IP (Host header and TLS SNI keep the name);
* redirects followed by hand, each hop re-checked (guard and robots);
* a byte cap enforced while streaming the (decoded) body; urllib3 (>= 2.6) decodes
  gzip/deflate/br a bounded piece at a time, so a compressed bomb stops at the cap too;
* a whole-response deadline (``FetchOptions.response_deadline_s``) that holds whatever
  the server does (drip one byte at a time, stall after the headers, an endless body):
  a timer shuts the socket down when it passes, which ends the blocked read at once;
  the miss is status ``timeout`` and is not retried;
* retries with exponential backoff on 5xx answers and connect/read timeouts only;
* conditional GET (If-None-Match / If-Modified-Since) → ``not_modified``.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from newsevents.config import FetchOptions
from newsevents.ingest.netguard import BlockedAddressError, ResolveError, checked_address
from newsevents.ingest.urls import redact_url

LOGGER = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Reads in 64 KiB chunks: small enough that the byte cap overshoots by little.
CHUNK_BYTES = 64 * 1024
# robots.txt is small; a larger file is truncated (Google reads 500 KiB).
ROBOTS_MAX_BYTES = 500 * 1024
# Connections kept per (host, checked IP); hosts are fetched one URL at a time.
POOL_MAXSIZE = 2
# The body of an answer we do not keep (a redirect, a 404 page) is read and dropped
# when it declares at most this many bytes, so that the connection serves the next
# request to the host (no new TCP and TLS handshake); a longer one closes it.
DRAIN_MAX_BYTES = 64 * 1024


# Next allowed request time per host, shared by every Fetcher in the process so the
# per-host delay also holds across batches.
_NEXT_SLOT: dict[str, float] = {}
_SLOT_LOCK = threading.Lock()


class _Deadline:
    """The whole-response deadline of one request.

    A per-read timeout does not bound a response: a server that sends one byte a
    second never lets a read time out. When the deadline passes, a timer shuts down
    every socket the request uses, so the read blocked on it returns at once.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self.seconds = seconds
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        _ACTIVE.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _ACTIVE.deadline = None

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._socks.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    # The raw socket: an SSLSocket's own shutdown() would try a TLS close.
    with contextlib.suppress(OSError, TypeError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


# The deadline of the request the current thread is making (read by the connections).
_ACTIVE = threading.local()


def _watch_connection(conn: HTTPConnection) -> None:
    deadline: _Deadline | None = getattr(_ACTIVE, "deadline", None)
    if deadline is not None:
        deadline.watch(getattr(conn, "sock", None))


class _WatchedHTTPConnection(HTTPConnection):
    """Hands its socket to the current request's deadline once the request is sent."""

    def getresponse(self) -> Any:
        _watch_connection(self)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> Any:
        _watch_connection(self)
        return super().getresponse()


class _RetriableError(Exception):
    """A 5xx answer or a timeout: worth another try."""

    def __init__(self, result: FetchResult) -> None:
        super().__init__(result.detail)
        self.result = result


@dataclass
class FetchResult:
    """Outcome of fetching one URL (after redirects and retries)."""

    url: str
    status: str
    final_url: str | None = None
    http_status: int | None = None
    detail: str | None = None
    content_type: str | None = None
    encoding: str | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 1
    redirects: list[str] = field(default_factory=list)


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or _default_port(parts.scheme)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{port}"


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _split_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            charset = val.strip("\"' ").lower()
    return mime.strip().lower() or None, charset


def _looks_like_html(head: bytes) -> bool:
    sample = head[:1024].lstrip().lower()
    return sample.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta"))


class Fetcher:
    """Thread-safe fetcher; one instance per batch (it caches robots and pools)."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._pools: dict[tuple[str, str, int, str], urllib3.HTTPConnectionPool] = {}
        self._robots: dict[str, RobotFileParser | bool] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self.requests_sent = 0

    # -- plumbing -----------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pool(self, scheme: str, ip: str, port: int, host: str) -> urllib3.HTTPConnectionPool:
        key = (scheme, ip, port, host)
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                timeout = urllib3.Timeout(
                    connect=self.options.timeout_s, read=self.options.timeout_s
                )
                if scheme == "https":
                    pool = urllib3.HTTPSConnectionPool(
                        ip,
                        port,
                        timeout=timeout,
                        maxsize=POOL_MAXSIZE,
                        server_hostname=host,
                        assert_hostname=host,
                        cert_reqs="CERT_REQUIRED",
                    )
                else:
                    pool = urllib3.HTTPConnectionPool(
                        ip, port, timeout=timeout, maxsize=POOL_MAXSIZE
                    )
                pool.ConnectionCls = (
                    _WatchedHTTPSConnection if scheme == "https" else _WatchedHTTPConnection
                )
                self._pools[key] = pool
            return pool

    def _wait_turn(self, host_key: str) -> None:
        """Sleep until this host may be contacted again (per-host delay)."""
        delay = self.options.per_host_delay_s
        if delay <= 0:
            return
        with _SLOT_LOCK:
            now = time.monotonic()
            slot = max(now, _NEXT_SLOT.get(host_key, now))
            _NEXT_SLOT[host_key] = slot + delay
        if slot > now:
            time.sleep(slot - now)

    # -- robots.txt ---------------------------------------------------------------
    def _robots_allows(self, url: str) -> bool:
        key = _host_key(url)
        with self._lock:
            lock = self._robots_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._robots:
                self._robots[key] = self._load_robots(key)
        rules = self._robots[key]
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(self.options.user_agent, url)

    def _load_robots(self, key: str) -> RobotFileParser | bool:
        scheme, _, hostport = key.partition("://")
        robots_url = f"{scheme}://{hostport}/robots.txt"
        result = self.get(
            robots_url, check_robots=False, html_only=False, max_bytes=ROBOTS_MAX_BYTES
        )
        if result.status == "ok" and result.body is not None:
            parser = RobotFileParser(robots_url)
            parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
            return parser
        if result.status in ("too_large",):
            return True
        if result.http_status is not None and 400 <= result.http_status < 500:
            return True  # RFC 9309 2.3.1.3: unavailable → allow all
        LOGGER.info("robots.txt of %s unreachable (%s): host disallowed", key, result.status)
        return False  # RFC 9309 2.3.1.4: unreachable → disallow all

    # -- fetching -----------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
        html_only: bool = True,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """Fetch ``url``; never raises for network problems (they become a status)."""
        attempts = 0
        while True:
            attempts += 1
            try:
                result = self._get_once(
                    url, etag, last_modified, check_robots, html_only, max_bytes
                )
            except _RetriableError as retriable:
                result = retriable.result
                if attempts <= self.options.max_retries:
                    pause = self.options.retry_backoff_s * (2 ** (attempts - 1))
                    LOGGER.debug(
                        "retrying %s in %.1fs after %s", redact_url(url), pause, result.detail
                    )
                    time.sleep(pause)
                    continue
            result.attempts = attempts
            return result

    def _get_once(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        check_robots: bool,
        html_only: bool,
        max_bytes: int | None,
    ) -> FetchResult:
        original = url
        redirects: list[str] = []
        current = url
        last_status: int | None = None
        for _hop in range(self.options.max_redirects + 1):
            outcome = self._hop(
                current, original, etag, last_modified, check_robots, html_only, max_bytes
            )
            outcome.redirects = redirects
            if outcome.status != "redirect":
                return outcome
            redirects.append(current)
            last_status = outcome.http_status
            assert outcome.final_url is not None
            current = outcome.final_url
        return FetchResult(
            url=original,
            final_url=current,
            status="http_error",
            http_status=last_status,
            detail=f"more than {self.options.max_redirects} redirects",
            redirects=redirects,
        )

    def _hop(
        self,
        current: str,
        original: str,
        etag: str | None,
        last_modified: str | None,
        check_robots: bool,
        html_only: bool,
        max_bytes: int | None,
    ) -> FetchResult:
        """One request (no redirect following); status 'redirect' carries the target."""

        def result(status: str, **kwargs: Any) -> FetchResult:
            return FetchResult(url=original, status=status, final_url=current, **kwargs)

        try:
            parts = urlsplit(current)
            host = parts.hostname
            port = parts.port or _default_port(parts.scheme)
        except ValueError as exc:
            return result("invalid_url", detail=str(exc))
        if parts.scheme not in ("http", "https") or not host:
            return result("invalid_url", detail=f"not an http(s) URL: {redact_url(current)[:200]}")
        try:
            ip = checked_address(host, port, self.options.allow_private_addresses)
        except BlockedAddressError as exc:
            return result("blocked_address", detail=f"{host}: {exc}")
        except ResolveError as exc:
            return result("connection_error", detail=str(exc))
        if check_robots and self.options.respect_robots_txt and not self._robots_allows(current):
            return result("blocked_by_robots", detail=f"robots.txt disallows {parts.path or '/'}")
        headers = {
            "Host": parts.netloc.rsplit("@", 1)[-1],
            "User-Agent": self.options.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        self._wait_turn(_host_key(current))
        pool = self._pool(parts.scheme, ip, port, host)
        with self._lock:
            self.requests_sent += 1
        with _Deadline(self.options.response_deadline_s) as deadline:
            try:
                response = pool.urlopen(
                    "GET",
                    path,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                )
            except (ConnectTimeoutError, ReadTimeoutError, Urllib3TimeoutError) as exc:
                if deadline.expired:
                    return self._missed(result, deadline)
                raise _RetriableError(result("timeout", detail=str(exc)[:300])) from exc
            except (ProtocolError, LocationParseError, HTTPError, OSError) as exc:
                if deadline.expired:
                    return self._missed(result, deadline)
                return result("connection_error", detail=str(exc)[:300])
            try:
                outcome = self._read(response, current, result, html_only, max_bytes, deadline)
            finally:
                if deadline.expired:
                    response.close()  # its socket is shut down: never back to the pool
                response.release_conn()
        return outcome

    @staticmethod
    def _missed(result: Any, deadline: _Deadline, **common: Any) -> FetchResult:
        """The whole response took longer than its deadline: final, not retried."""
        out: FetchResult = result(
            "timeout", detail=f"response not complete within {deadline.seconds:g} s", **common
        )
        return out

    def _discard(self, response: urllib3.BaseHTTPResponse) -> None:
        """Done with ``response`` without its body: keep the connection when the body is
        empty (304, ``Content-Length: 0``) or small and arrives within the read timeout,
        close it otherwise."""
        remaining = getattr(response, "length_remaining", None)
        if remaining == 0:
            return
        if remaining is not None and remaining <= DRAIN_MAX_BYTES:
            deadline = time.monotonic() + self.options.timeout_s
            try:
                while time.monotonic() < deadline:
                    if not response.read(CHUNK_BYTES, decode_content=False):
                        return  # all read: release_conn() hands the connection back
            except (HTTPError, OSError):
                pass
        response.close()

    def _read(
        self,
        response: urllib3.BaseHTTPResponse,
        current: str,
        result: Any,
        html_only: bool,
        max_bytes: int | None,
        deadline: _Deadline,
    ) -> FetchResult:
        code = response.status
        content_type = response.headers.get("Content-Type")
        mime, charset = _split_content_type(content_type)
        common = {"http_status": code, "content_type": content_type, "encoding": charset}
        if code in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            self._discard(response)
            if not location:
                return result("http_error", detail="redirect without Location", **common)
            target = urljoin(current, location.strip())
            out: FetchResult = result("redirect", **common)
            out.final_url = target
            return out
        if code == 304:
            self._discard(response)
            return result("not_modified", **common)
        if code in (404, 410):
            self._discard(response)
            return result("not_found", detail=f"HTTP {code}", **common)
        if code >= 500:
            self._discard(response)
            raise _RetriableError(result("http_error", detail=f"HTTP {code}", **common))
        if code != 200:
            self._discard(response)
            return result("http_error", detail=f"HTTP {code}", **common)
        if html_only and mime is not None and mime not in HTML_TYPES:
            self._discard(response)
            return result("not_html", detail=f"content type {mime}", **common)
        cap = max_bytes if max_bytes is not None else self.options.max_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            self._discard(response)
            return result("too_large", detail=f"Content-Length {declared} > {cap}", **common)
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.stream(CHUNK_BYTES, decode_content=True):
                total += len(chunk)
                if total > cap:
                    response.close()
                    return result("too_large", detail=f"body over {cap} bytes", **common)
                if deadline.expired:
                    break
                chunks.append(chunk)
        except (ReadTimeoutError, Urllib3TimeoutError) as exc:
            response.close()
            if deadline.expired:
                return self._missed(result, deadline, **common)
            raise _RetriableError(result("timeout", detail=str(exc)[:300], **common)) from exc
        except (ProtocolError, HTTPError, OSError) as exc:
            response.close()
            if deadline.expired:
                return self._missed(result, deadline, **common)
            return result("connection_error", detail=str(exc)[:300], **common)
        if deadline.expired:  # the shut-down socket ended the body early
            response.close()
            return self._missed(result, deadline, **common)
        body = b"".join(chunks)
        if html_only and mime is None and not _looks_like_html(body):
            return result("not_html", detail="no content type and not HTML", **common)
        return result(
            "ok",
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            **common,
        )
