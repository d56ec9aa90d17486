"""Test data: the project's own fixtures, and the research corpora that live outside it.

``FIXTURES`` (tests/fixtures/) ships with the repository: sample articles written for these
tests. Every test that is not about the research data reads only these.

``SHARED_DATA`` holds the research corpora (PolNeAR, PTC, BABE) and the seed article, which the
project may not redistribute: ``ANNOTATOR_SHARED_DATA`` if set, else ``../shared/data`` beside
the project root. Tests that read it are marked with :func:`requires_shared_data` (or call
:func:`skip_without_shared_data` from a fixture) and skip with one reason when it is absent.
The app never reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FIXTURES = ROOT / "tests" / "fixtures"
NEWS_ARTICLE = FIXTURES / "news-article.txt"  # ~3,200 characters: quotes, dashes, emoji, ZWJ
NFD_ARTICLE = FIXTURES / "nfd-article.txt"  # decomposed accents
CRLF_ARTICLE = FIXTURES / "crlf-article.txt"  # Windows line endings

SHARED_DATA = Path(os.environ.get("ANNOTATOR_SHARED_DATA") or ROOT.parent / "shared" / "data")
SEED_ARTICLE = SHARED_DATA / "seed-article.txt"
SHARED_DATA_MISSING = "shared data not found: set ANNOTATOR_SHARED_DATA"


def _present(parts: tuple[str, ...]) -> bool:
    return SHARED_DATA.is_dir() and all((SHARED_DATA / part).exists() for part in parts)


def requires_shared_data(*parts: str) -> pytest.MarkDecorator:
    """Skip unless SHARED_DATA holds every one of ``parts`` (e.g. "babe/raw_labels_SG2.csv")."""
    return pytest.mark.skipif(not _present(parts), reason=SHARED_DATA_MISSING)


def skip_without_shared_data(*parts: str) -> None:
    """The same check for fixtures, which cannot carry marks: skip the test that asked."""
    if not _present(parts):
        pytest.skip(SHARED_DATA_MISSING)
