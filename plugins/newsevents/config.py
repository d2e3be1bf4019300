"""Load and validate the sources YAML file.

Every problem raises ``ConfigError`` with one line that names the source and the
field, e.g. ``sources.yml: source 'wire' (#2): field 'url': missing``. Nothing is
written before the file validates.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from newsevents import __version__
from newsevents.netguard import validate_networks

LOGGER = logging.getLogger(__name__)

KINDS = ("feed", "sitemap", "urls", "files")
USER_AGENT = f"newsevents/{__version__} (+https://github.com/newsevents/newsevents)"

_SOURCE_KEYS = {
    "feed": {"name", "kind", "url"},
    "sitemap": {"name", "kind", "url"},
    "urls": {"name", "kind", "urls"},
    "files": {"name", "kind", "path"},
}


class ConfigError(ValueError):
    """The sources file is invalid; the message is one line for the user."""


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
    # Processes that extract the fetched pages while the host threads keep fetching;
    # 0 extracts in the fetching threads. None (the default): one per CPU but one, at
    # most 4, for batches big enough to pay for starting them (``newsevents.extract``).
    extract_workers: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """One entry of ``sources:``."""

    name: str
    kind: str
    url: str | None = None
    urls: tuple[str, ...] = ()
    path: str | None = None  # absolute, for kind files


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
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _parse_fetch(raw: object, where: str) -> FetchOptions:
    if raw is None:
        return FetchOptions()
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: field 'fetch': expected a mapping")
    defaults = FetchOptions()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not hasattr(defaults, str(key)):
            raise ConfigError(f"{where}: field 'fetch.{key}': unknown option")
        expected = type(getattr(defaults, key))
        if key == "extract_workers":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where}: field 'fetch.{key}': expected a whole number >= 0")
            values[key] = value
            continue
        if key == "allow_private_addresses" and isinstance(value, list):
            try:
                validate_networks([str(v) for v in value])
            except ValueError as exc:
                raise ConfigError(f"{where}: field 'fetch.{key}': {exc}") from exc
            values[key] = tuple(str(v) for v in value)
            continue
        if expected is bool:
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: field 'fetch.{key}': expected true or false")
        elif expected is str:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: field 'fetch.{key}': expected a non-empty string")
        else:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{where}: field 'fetch.{key}': expected a number >= 0")
            if expected is int and not float(value).is_integer():
                raise ConfigError(f"{where}: field 'fetch.{key}': expected a whole number")
            value = expected(value)
        values[key] = value
    if values.get("max_bytes", 1) == 0 or values.get("timeout_s", 1) == 0:
        raise ConfigError(f"{where}: field 'fetch': timeout_s and max_bytes must be > 0")
    if values.get("max_workers", 1) == 0:
        raise ConfigError(f"{where}: field 'fetch.max_workers': must be > 0")
    return FetchOptions(**values)


def _parse_source(raw: object, index: int, base: Path, where: str) -> Source:
    label = f"{where}: source #{index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{label}: expected a mapping with name and kind")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}: field 'name': missing or empty")
    label = f"{where}: source {name!r} (#{index})"
    kind = raw.get("kind")
    if kind is None:
        raise ConfigError(f"{label}: field 'kind': missing (one of {', '.join(KINDS)})")
    if kind not in KINDS:
        raise ConfigError(
            f"{label}: field 'kind': unknown kind {kind!r} (one of {', '.join(KINDS)})"
        )
    extra = sorted(set(map(str, raw)) - _SOURCE_KEYS[kind])
    if extra:
        raise ConfigError(f"{label}: field {extra[0]!r}: not allowed for kind {kind}")
    if kind in ("feed", "sitemap"):
        url = raw.get("url")
        if url is None:
            raise ConfigError(f"{label}: field 'url': missing")
        if not _is_http_url(url):
            raise ConfigError(f"{label}: field 'url': not an http(s) URL: {url!r}")
        return Source(name=name, kind=kind, url=str(url).strip())
    if kind == "urls":
        urls = raw.get("urls")
        if urls is None:
            raise ConfigError(f"{label}: field 'urls': missing")
        if isinstance(urls, str) or not isinstance(urls, list) or not urls:
            raise ConfigError(f"{label}: field 'urls': expected a non-empty list of URLs")
        for position, url in enumerate(urls):
            if not _is_http_url(url):
                raise ConfigError(f"{label}: field 'urls[{position}]': not an http(s) URL: {url!r}")
        return Source(name=name, kind=kind, urls=tuple(str(u).strip() for u in urls))
    path = raw.get("path")
    if path is None:
        raise ConfigError(f"{label}: field 'path': missing")
    if not isinstance(path, str) or not path.strip():
        raise ConfigError(f"{label}: field 'path': expected a folder path")
    folder = Path(path).expanduser()
    folder = (folder if folder.is_absolute() else base / folder).resolve()
    if not folder.exists():
        raise ConfigError(f"{label}: field 'path': {folder} does not exist")
    return Source(name=name, kind=kind, path=str(folder))


def load_config(path: str | Path) -> Config:
    """Read and validate a sources file; raise ``ConfigError`` on the first problem."""
    file = Path(path)
    where = file.name
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{file}: sources file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: sources file unreadable: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{where}: invalid YAML{at}: {problem}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping with a 'sources' list")
    unknown = sorted(set(map(str, data)) - {"sources", "fetch"})
    if unknown:
        raise ConfigError(f"{where}: field {unknown[0]!r}: unknown top-level key")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError(f"{where}: field 'sources': missing or empty list")
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
    return Config(
        path=str(file.resolve()),
        sources=tuple(sources),
        fetch=_parse_fetch(data.get("fetch"), where),
    )
