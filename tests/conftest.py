"""Shared fixtures: a private Quelle home per test, the evaluation data, a ready library."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("QUELLE_HOME", None)

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
SEC10Q = EVAL / "sec10q" / "docs"
APPLE_Q3_2022 = SEC10Q / "2022 Q3 AAPL.pdf"
APPLE_QUESTION = "What were Apple's total net sales in the third quarter of 2022?"
APPLE_INCOME_STATEMENT_PAGE = 4


def needs_eval(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"evaluation data missing: {path}")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh, empty Quelle home."""
    return tmp_path / "home"


@pytest.fixture(scope="session")
def sec_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose library holds three real 10-Q filings, ingested once per test session.

    Tests must treat it as read-only; copy it (`copy_home`) to change it.
    """
    if not SEC10Q.exists():
        pytest.skip(f"evaluation data missing: {SEC10Q}")
    from quelle.core.library import Library

    home = tmp_path_factory.mktemp("sec") / "home"
    library = Library(home)
    report = library.ingest(
        [APPLE_Q3_2022, SEC10Q / "2023 Q1 AAPL.pdf", SEC10Q / "2022 Q3 NVDA.pdf"]
    )
    library.close()
    assert len(report.added) == 3, report.failed
    return home
