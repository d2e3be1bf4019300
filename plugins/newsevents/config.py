"""Load and validate the sources YAML file.

Every problem raises ``ConfigError`` with one line that names the source and the
field, e.g. ``sources.yml: source 'wire' (#2): field 'url': missing``. Nothing is
written before the file validates.

The file is untrusted input: it is read only up to ``MAX_SOURCES_FILE_BYTES``, YAML
anchors and aliases (the "billion laughs" alias bomb) and duplicate keys are refused,
numbers must be finite and in range, and an error line is at most ``MAX_ERROR_CHARS``
long with any ``user:password@`` in it redacted. Credentials in source URLs are
stripped when the file is read: no stage ever sees, stores or prints them.

``load_config`` parses a file once per process while it is unchanged (same size,
modification time and inode), so stages that each ask for the config cost one parse.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from newsevents import __version__
from newsevents.ingest.urls import strip_userinfo

LOGGER = logging.getLogger(__name__)

KINDS = ("feed", "sitemap", "urls", "files")
USER_AGENT = f"newsevents/{__version__} (+https://github.com/newsevents/newsevents)"

_SOURCE_KEYS = {
    "feed": {"name", "kind", "url"},
    "sitemap": {"name", "kind", "url"},
    "urls": {"name", "kind", "urls"},
    "files": {"name", "kind", "path"},
}


# A sources file is a few hundred lines; 1 MiB holds ~10,000 sources or URLs. Bigger is
# a mistake or an attack (parsing YAML in Python takes seconds per MiB).
MAX_SOURCES_FILE_BYTES = 1024 * 1024
# One error line fits a terminal and a log line; the rest of the file stays out of it.
MAX_ERROR_CHARS = 300
# A value echoed in an error line is cut to this many characters.
MAX_VALUE_CHARS = 80
# Candidates per source and run (``fetch.max_urls``, or ``max_urls`` on a source): a
# nightly run of a news site sees a few hundred new URLs; a feed of 100,000 items or a
# sitemap index of 50 x 50,000 stops here, with a warning (trafilatura caps at 10,000).
DEFAULT_MAX_URLS = 10_000
# Feeds and sitemaps may be larger than a page: the sitemaps.org limit is 50 MB
# uncompressed, and a gzip sitemap is cut at this many decompressed bytes.
DEFAULT_MAX_INDEX_BYTES = 50_000_000

_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]*@")

# Ranges of the numeric ``fetch:`` options: (lowest, highest). Beyond them a value is a
# typo (``timeout_s: 20000``) or an attack (``.inf``, ``.nan``).
_RANGES: dict[str, tuple[float, float]] = {
    "timeout_s": (0.001, 600.0),
    "deadline_s": (0.001, 3600.0),
    "max_bytes": (1, 1_000_000_000),
    "max_index_bytes": (1, 1_000_000_000),
    "per_host_delay_s": (0.0, 3600.0),
    "max_retries": (0, 10),
    "retry_backoff_s": (0.0, 300.0),
    "max_workers": (1, 256),
    "max_redirects": (0, 30),
    "extract_workers": (0, 64),
    "max_urls": (1, 10_000_000),
}
MAX_USER_AGENT_CHARS = 300


def redact_text(text: str) -> str:
    """``text`` with every ``scheme://user:password@`` reduced to ``scheme://***@``."""
    return _USERINFO_RE.sub(r"\1***@", text)


def bounded_line(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """One line, credentials redacted, at most ``limit`` characters."""
    line = redact_text(" ".join(str(text).split()))
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _show(value: object) -> str:
    """A value for an error line: repr, redacted, cut to ``MAX_VALUE_CHARS``."""
    return bounded_line(repr(value), MAX_VALUE_CHARS)


class ConfigError(ValueError):
    """The sources file is invalid; the message is one bounded line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(bounded_line(message))


@dataclass(frozen=True)
class FetchOptions:
    """Politeness and safety settings of the fetcher (the ``fetch:`` block)."""

    user_agent: str = USER_AGENT
    timeout_s: float = 20.0
    max_bytes: int = 5_000_000
    per_host_delay_s: float = 1.0
    respect_robots_txt: bool = True
    # True, False, or a tuple of networks allowed besides public addresses.
    allow_private_addresses: bool | tuple[str, ...] = False
    # Two retries ride out a brief overload without hammering a struggling server.
    max_retries: int = 2
    retry_backoff_s: float = 1.0
    # Hosts fetched at once; each host is still fetched one URL at a time.
    max_workers: int = 8
    max_redirects: int = 5
    # Whole-response deadline (headers and body, whatever the server does: drip,
    # stall, endless body); None: three read timeouts. A miss is ``timeout``, not retried.
    deadline_s: float | None = None
    # Decompressed bytes of a feed or sitemap (pages have ``max_bytes``).
    max_index_bytes: int = DEFAULT_MAX_INDEX_BYTES
    # Candidates per source (a source's own ``max_urls`` wins).
    max_urls: int = DEFAULT_MAX_URLS
    # Processes that extract the fetched pages while the host threads keep fetching;
    # 0 extracts in the fetching threads. None (the default): one per CPU but one, at
    # most 4, for batches big enough to pay for starting them (``newsevents.ingest.extract``).
    extract_workers: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def response_deadline_s(self) -> float:
        """Seconds one response may take from request to last byte."""
        return self.deadline_s if self.deadline_s is not None else 3.0 * self.timeout_s


@dataclass(frozen=True)
class Source:
    """One entry of ``sources:``."""

    name: str
    kind: str
    url: str | None = None
    urls: tuple[str, ...] = ()
    path: str | None = None  # absolute, for kind files
    max_urls: int | None = None  # None: fetch.max_urls


@dataclass(frozen=True)
class Config:
    """A validated sources file."""

    path: str
    sources: tuple[Source, ...]
    fetch: FetchOptions = field(default_factory=FetchOptions)

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"{Path(self.path).name}: no source named {name!r}")


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        parts = urlsplit(value.strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[::1": an unbalanced IPv6 bracket
        return False


def _clean_url(value: str, label: str) -> str:
    """The URL without ``user:password@`` (warned about once, redacted)."""
    url = value.strip()
    stripped = strip_userinfo(url)
    if stripped != url:
        LOGGER.warning(
            "%s: credentials in %s removed (they are never sent, stored or printed)",
            label,
            bounded_line(stripped, MAX_VALUE_CHARS),
        )
    return stripped


def _number(value: object, key: str, field_name: str, whole: bool) -> float | int:
    """A finite number in ``_RANGES[key]``; a whole number when ``whole``."""
    low, high = _RANGES[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{field_name}: expected a number, got {_show(value)}")
    if not math.isfinite(value):
        raise ConfigError(f"{field_name}: expected a finite number, got {_show(value)}")
    if whole and not float(value).is_integer():
        raise ConfigError(f"{field_name}: expected a whole number, got {_show(value)}")
    if not low <= value <= high:
        raise ConfigError(
            f"{field_name}: expected a number between {low:g} and {high:g}, got {value:g}"
        )
    return int(value) if whole else float(value)


def _parse_fetch(raw: object, where: str) -> FetchOptions:
    if raw is None:
        return FetchOptions()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: field 'fetch': expected a mapping")
    defaults = FetchOptions()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or key == "as_dict" or not hasattr(defaults, key):
            raise ConfigError(
                f"{where}: field 'fetch.{bounded_line(str(key), MAX_VALUE_CHARS)}': unknown option"
            )
        label = f"{where}: field 'fetch.{key}'"
        if key == "allow_private_addresses":
            if isinstance(value, bool):
                values[key] = value
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{label}: expected true or false, or a list of networks")
            try:
                for network in value:  # an IP network ('10.0.0.0/8'), else ValueError
                    ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ConfigError(f"{label}: {exc}") from exc
            values[key] = tuple(value)
            continue
        if key in _RANGES:
            whole = key not in ("timeout_s", "deadline_s", "per_host_delay_s", "retry_backoff_s")
            values[key] = _number(value, key, label, whole)
            continue
        if key == "respect_robots_txt":
            if not isinstance(value, bool):
                raise ConfigError(f"{label}: expected true or false")
        elif key == "user_agent" and (
            not isinstance(value, str)
            or not value.strip()
            or len(value) > MAX_USER_AGENT_CHARS
            or not value.isprintable()
        ):
            raise ConfigError(
                f"{label}: expected one printable line of at most {MAX_USER_AGENT_CHARS} chars"
            )
        values[key] = value
    return FetchOptions(**values)


# Source names label log lines, spool files and table rows: one short printable word.
MAX_NAME_CHARS = 100


def _parse_source(raw: object, index: int, base: Path, where: str) -> Source:
    label = f"{where}: source #{index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{label}: expected a mapping with name and kind")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}: field 'name': missing or empty")
    if len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise ConfigError(
            f"{label}: field 'name': expected one printable line of at most "
            f"{MAX_NAME_CHARS} chars, got {_show(name)}"
        )
    label = f"{where}: source {name!r} (#{index})"
    kind = raw.get("kind")
    if kind is None:
        raise ConfigError(f"{label}: field 'kind': missing (one of {', '.join(KINDS)})")
    if not isinstance(kind, str) or kind not in KINDS:
        raise ConfigError(
            f"{label}: field 'kind': unknown kind {_show(kind)} (one of {', '.join(KINDS)})"
        )
    extra = sorted(set(map(str, raw)) - _SOURCE_KEYS[kind] - {"max_urls"})
    if extra:
        raise ConfigError(f"{label}: field {_show(extra[0])}: not allowed for kind {kind}")
    max_urls = None
    if raw.get("max_urls") is not None:
        max_urls = int(_number(raw["max_urls"], "max_urls", f"{label}: field 'max_urls'", True))
    if kind in ("feed", "sitemap"):
        url = raw.get("url")
        if url is None:
            raise ConfigError(f"{label}: field 'url': missing")
        if not _is_http_url(url):
            raise ConfigError(f"{label}: field 'url': not an http(s) URL: {_show(url)}")
        assert isinstance(url, str)
        return Source(
            name=name, kind=kind, url=_clean_url(url, f"source {name}"), max_urls=max_urls
        )
    if kind == "urls":
        urls = raw.get("urls")
        if urls is None:
            raise ConfigError(f"{label}: field 'urls': missing")
        if isinstance(urls, str) or not isinstance(urls, list) or not urls:
            raise ConfigError(f"{label}: field 'urls': expected a non-empty list of URLs")
        for position, url in enumerate(urls):
            if not _is_http_url(url):
                raise ConfigError(
                    f"{label}: field 'urls[{position}]': not an http(s) URL: {_show(url)}"
                )
        cleaned = tuple(_clean_url(str(u), f"source {name}") for u in urls)
        return Source(name=name, kind=kind, urls=cleaned, max_urls=max_urls)
    path = raw.get("path")
    if path is None:
        raise ConfigError(f"{label}: field 'path': missing")
    if not isinstance(path, str) or not path.strip():
        raise ConfigError(f"{label}: field 'path': expected a folder path")
    try:
        folder = Path(path).expanduser()
        folder = (folder if folder.is_absolute() else base / folder).resolve()
        exists = folder.exists()
    except (OSError, ValueError, RuntimeError) as exc:  # NUL byte, name too long, loop
        raise ConfigError(f"{label}: field 'path': unusable path {_show(path)}: {exc}") from exc
    if not exists:
        raise ConfigError(f"{label}: field 'path': {_show(str(folder))} does not exist")
    return Source(name=name, kind=kind, path=str(folder), max_urls=max_urls)


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that refuses duplicate mapping keys (the C parser when available)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: SafeConstructor reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {_show(key)}", key_node.start_mark
                )
            seen.add(key)
        return dict(super().construct_mapping(node, deep=deep))


def _refuse_aliases(text: str, where: str) -> None:
    """Anchors and aliases are refused: a few hundred bytes of nested aliases expand
    to gigabytes (the "billion laughs"), and a sources file never needs them."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise ConfigError(f"{where}: YAML anchors and aliases are not allowed (line {line})")


def _yaml_error(exc: yaml.YAMLError, where: str) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    at = f" at line {mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or "invalid YAML"
    return ConfigError(f"{where}: invalid YAML{at}: {problem}")


# Parsed files by (path, sha256 of the bytes): reading and hashing 1 MiB costs a
# millisecond, parsing it a second; a timestamp would miss two writes in one clock tick.
_CACHE: dict[tuple[str, str], Config] = {}
_CACHE_LOCK = threading.Lock()
# Different files (or versions) kept parsed at once in one process.
MAX_CACHED_CONFIGS = 8


def load_config(path: str | Path) -> Config:
    """Read and validate a sources file; raise ``ConfigError`` on the first problem.

    Parsed once per process while its bytes are unchanged.
    """
    file = Path(path)
    data = _read_bytes(file)
    key = (str(file.resolve()), hashlib.sha256(data).hexdigest())
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    config = _load_config(file, data)
    with _CACHE_LOCK:
        if len(_CACHE) >= MAX_CACHED_CONFIGS:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = config
    return config


def _read_bytes(file: Path) -> bytes:
    where = file.name
    try:
        if not file.is_file():
            if not file.exists():
                raise FileNotFoundError(file)
            raise ConfigError(f"{file}: sources file is not a regular file")
        with file.open("rb") as handle:
            data = handle.read(MAX_SOURCES_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise ConfigError(f"{file}: sources file not found") from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{file}: sources file unreadable: {exc}") from exc
    if len(data) > MAX_SOURCES_FILE_BYTES:
        raise ConfigError(
            f"{where}: sources file larger than {MAX_SOURCES_FILE_BYTES} bytes "
            "(split it, or list fewer URLs: feeds and sitemaps find them)"
        )
    return data


def _load_config(file: Path, raw: bytes) -> Config:
    where = file.name
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: sources file is not UTF-8: {exc.reason}") from exc
    try:
        _refuse_aliases(text, where)
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, where) from exc
    except RecursionError as exc:
        raise ConfigError(f"{where}: invalid YAML: nested too deeply") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping with a 'sources' list")
    unknown = sorted(str(key) for key in data if key not in ("sources", "fetch"))
    if unknown:
        raise ConfigError(f"{where}: field {_show(unknown[0])}: unknown top-level key")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError(f"{where}: field 'sources': missing or empty list")
    fetch = _parse_fetch(data.get("fetch"), where)
    base = file.resolve().parent
    sources: list[Source] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sources, start=1):
        source = _parse_source(raw, index, base, where)
        if source.name in seen:
            raise ConfigError(
                f"{where}: source {source.name!r} (#{index}): field 'name': duplicate name"
            )
        seen.add(source.name)
        sources.append(source)
    return Config(path=str(file.resolve()), sources=tuple(sources), fetch=fetch)


def max_urls_of(config: Config, source: Source) -> int:
    """Candidates allowed for ``source`` in one run."""
    return source.max_urls if source.max_urls is not None else config.fetch.max_urls
