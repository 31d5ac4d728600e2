"""The installed wheel's metadata: what PyPI shows and what `pip show keyscope` prints. The long
description is the package's own README (bindings/python/README.md), not the repository's, and
the licence, links, classifiers and keywords are there."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_long_description_is_the_python_packages_readme() -> None:
    meta = importlib.metadata.metadata("keyscope")
    assert meta["Description-Content-Type"].startswith("text/markdown")
    readme = (ROOT / "bindings/python/README.md").read_text(encoding="utf-8")
    # The METADATA body; importlib.metadata (and its backport) also expose it as "Description".
    description = meta["Description"] or meta.get_payload()
    assert description.strip() == readme.strip()


def test_licence_links_classifiers_and_keywords_are_declared() -> None:
    meta = importlib.metadata.metadata("keyscope")
    assert meta["Summary"]
    assert meta["Requires-Python"] == ">=3.9"
    assert "MIT" in (meta.get("License-Expression") or meta.get("License") or "")
    classifiers = meta.get_all("Classifier") or []
    assert "License :: OSI Approved :: MIT License" in classifiers
    assert any(c.startswith("Programming Language :: Python :: 3.") for c in classifiers)
    assert any(c.startswith("Topic :: ") for c in classifiers)
    assert any(c.startswith("Intended Audience :: ") for c in classifiers)
    urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL") or [])
    assert urls.get("Homepage", "").startswith("https://"), urls
    keywords = (meta["Keywords"] or "").replace(",", " ").split()
    assert {"api-keys", "usage-analytics"} <= set(keywords), keywords
