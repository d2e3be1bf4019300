"""Property tests of the sources-file validator: any YAML gives either a valid config or
one bounded error line (``ConfigError``), never another exception, and never a password.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from newsevents.config import KINDS, MAX_ERROR_CHARS, Config, ConfigError, load_config

SECRET = "s3cr3t-Pa55word"
# Few examples keep the file quick; each is a file write and a parse.
EXAMPLES = 150
DEADLINE_MS = 5_000

_counter = itertools.count()

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "https://example.org/feed.xml",
            f"http://reader:{SECRET}@example.org/feed.xml",
            f"https://u:{SECRET}@[::1",
            "http://[::1",
            "file:///etc/passwd",
            "feed",
            "sitemap",
            "urls",
            "files",
            ".",
            "\x00",
            "a" * 5_000,
        ]
    ),
)
_keys = st.one_of(
    st.sampled_from(
        [
            *("sources", "fetch", "name", "kind", "url", "urls", "path", "max_urls"),
            *("timeout_s", "max_bytes", "per_host_delay_s", "allow_private_addresses"),
            *("user_agent", "extract_workers", "deadline_s", "max_index_bytes", "max_workers"),
        ]
    ),
    st.text(max_size=12),
)
_values = st.recursive(
    _scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(_keys, children, max_size=6)
    ),
    max_leaves=30,
)
_source = st.fixed_dictionaries(
    {
        "name": st.one_of(st.text(max_size=20), _scalar),
        "kind": st.one_of(st.sampled_from(KINDS), _scalar),
    },
    optional={
        "url": _values,
        "urls": st.one_of(st.lists(_scalar, max_size=4), _values),
        "path": st.one_of(st.just("."), _scalar),
        "max_urls": _scalar,
    },
)
_document = st.one_of(
    _values,
    st.fixed_dictionaries(
        {"sources": st.one_of(st.lists(_source, max_size=4), _values)},
        optional={"fetch": st.one_of(st.dictionaries(_keys, _values, max_size=5), _values)},
    ),
)


def _check(path: Path, text: str) -> Config | None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        return load_config(path)
    except ConfigError as exc:
        message = str(exc)
        assert message and "\n" not in message
        assert len(message) <= MAX_ERROR_CHARS
        assert SECRET not in message
        return None


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sources")


@settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE_MS,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=_document)
@example(document={"sources": [{"name": "a", "kind": "feed", "url": f"ftp://u:{SECRET}@h/"}]})
@example(document={"sources": [{"name": "a", "kind": "urls", "urls": [float("nan")]}]})
@example(document={"sources": [{"name": "a", "kind": "files", "path": "\x00"}]})
@example(document={"sources": [{"name": "a", "kind": "files", "path": "a" * 5_000}]})
def test_any_structure_validates_or_is_one_bounded_line(folder: Path, document: Any) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    config = _check(folder / f"s{next(_counter)}.yml", text)
    if config is not None:  # whatever passed is usable: finite numbers, clean URLs
        assert config.sources
        for value in config.fetch.as_dict().values():
            if isinstance(value, float):
                assert math.isfinite(value)
        for source in config.sources:
            for url in (source.url, *source.urls):
                assert url is None or "@" not in url.split("/")[2]


@settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE_MS,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=400))
@example(text="a: &x [1]\nb: *x\n")
@example(text="sources: [" * 5_000)
@example(text="? [a, b]\n: 1\n")
@example(text="sources:\n  - !!python/object:os.system {}\n")
@example(text="%YAML 1.1\n---\nsources: []\n...\n---\nsources: []\n")
def test_any_text_validates_or_is_one_bounded_line(folder: Path, text: str) -> None:
    _check(folder / f"t{next(_counter)}.yml", text)


@settings(
    max_examples=50,
    deadline=DEADLINE_MS,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    names=st.lists(
        st.text(alphabet="abcdefghij-_0123456789", min_size=1, max_size=20),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    timeout=st.floats(min_value=0.01, max_value=600),
    delay=st.floats(min_value=0, max_value=3600),
)
def test_valid_files_load(folder: Path, names: list[str], timeout: float, delay: float) -> None:
    document = {
        "sources": [
            {"name": name, "kind": "urls", "urls": [f"https://u:{SECRET}@example.org/{n}"]}
            for n, name in enumerate(names)
        ],
        "fetch": {"timeout_s": timeout, "per_host_delay_s": delay},
    }
    config = _check(folder / f"v{next(_counter)}.yml", yaml.safe_dump(document))
    assert config is not None
    assert [source.name for source in config.sources] == names
    assert config.fetch.timeout_s == timeout and config.fetch.per_host_delay_s == delay
    assert [source.urls for source in config.sources] == [
        (f"https://example.org/{n}",) for n in range(len(names))
    ]
