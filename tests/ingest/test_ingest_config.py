"""Sources file validation: one clear line naming the source and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from newsevents.config import USER_AGENT, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_with_every_kind(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    path = write(
        tmp_path,
        """
sources:
  - {name: wire, kind: feed, url: "https://example.org/rss.xml"}
  - {name: map, kind: sitemap, url: "https://example.org/sitemap.xml"}
  - {name: picked, kind: urls, urls: ["https://example.org/a.html"]}
  - {name: local, kind: files, path: pages}
fetch:
  timeout_s: 5
  allow_private_addresses: ["127.0.0.1/32"]
""",
    )
    config = load_config(path)
    assert [s.kind for s in config.sources] == ["feed", "sitemap", "urls", "files"]
    assert config.source("local").path == str((tmp_path / "pages").resolve())
    assert config.fetch.timeout_s == 5.0
    assert config.fetch.max_bytes == 5_000_000  # defaults from the contract
    assert config.fetch.per_host_delay_s == 1.0
    assert config.fetch.respect_robots_txt is True
    assert config.fetch.allow_private_addresses == ("127.0.0.1/32",)
    assert config.fetch.user_agent == USER_AGENT


def test_private_addresses_refused_by_default(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "sources:\n  - {name: a, kind: urls, urls: ['http://x.org/']}\n")
    )
    assert config.fetch.allow_private_addresses is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - {name: wire, kind: podcast, url: 'https://e.org/'}\n",
            "source 'wire' (#1): field 'kind': unknown kind 'podcast'",
        ),
        ("sources:\n  - {name: wire, kind: feed}\n", "source 'wire' (#1): field 'url': missing"),
        (
            "sources:\n  - {name: wire, kind: feed, url: 'ftp://e.org/x'}\n",
            "source 'wire' (#1): field 'url': not an http(s) URL",
        ),
        ("sources:\n  - {name: hp, kind: urls}\n", "source 'hp' (#1): field 'urls': missing"),
        (
            "sources:\n  - {name: hp, kind: urls, urls: ['https://e.org/', 'nope']}\n",
            "source 'hp' (#1): field 'urls[1]': not an http(s) URL",
        ),
        ("sources:\n  - {name: arc, kind: files}\n", "source 'arc' (#1): field 'path': missing"),
        (
            "sources:\n  - {name: arc, kind: files, path: no/such/folder}\n",
            "source 'arc' (#1): field 'path':",
        ),
        (
            "sources:\n  - {name: a, kind: urls, urls: ['https://e.org/']}\n"
            "  - {name: a, kind: feed, url: 'https://e.org/rss'}\n",
            "source 'a' (#2): field 'name': duplicate name",
        ),
        ("sources:\n  - {kind: feed, url: 'https://e.org/'}\n", "source #1: field 'name'"),
        (
            "sources:\n  - {name: w, url: 'https://e.org/'}\n",
            "source 'w' (#1): field 'kind': missing",
        ),
        (
            "sources:\n  - {name: w, kind: feed, url: 'https://e.org/', urls: []}\n",
            "source 'w' (#1): field 'urls': not allowed for kind feed",
        ),
        ("sources: []\n", "field 'sources': missing or empty"),
        ("sources:\n  - name: [unclosed\n", "invalid YAML at line"),
        (
            "sources:\n  - {name: a, kind: urls, urls: ['https://e.org/']}\nfetch: {timeout: 3}\n",
            "field 'fetch.timeout': unknown option",
        ),
        (
            "sources:\n  - {name: a, kind: urls, urls: ['https://e.org/']}\n"
            "fetch: {timeout_s: -1}\n",
            "field 'fetch.timeout_s': expected a number",
        ),
        (
            "sources:\n  - {name: a, kind: urls, urls: ['https://e.org/']}\n"
            "fetch: {allow_private_addresses: 'yes'}\n",
            "field 'fetch.allow_private_addresses': expected true or false",
        ),
    ],
)
def test_invalid_files_raise_one_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    message = str(caught.value)
    assert expected in message
    assert message.startswith("sources.yml: ")
    assert "\n" not in message


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sources file not found"):
        load_config(tmp_path / "nope.yml")
    with pytest.raises(ConfigError, match="unreadable"):
        load_config(tmp_path)  # a folder, not a file
    binary = tmp_path / "binary.yml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="unreadable"):
        load_config(binary)
