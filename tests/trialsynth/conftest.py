"""Reviews for the trialsynth tests: built once per session, copied into each test's own folder."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import fixture_path
from trialsynth.cli import main

# FICTITIOUS test records (tests/fixtures/review/README.md): corrections and exports are tested on
# them, never on a real study's numbers
FICTITIOUS_RECORDS = fixture_path("review", "new_abstracts_fictitious.jsonl")


@pytest.fixture(scope="session")
def demo_review_template(tmp_path_factory) -> Path:
    """The demo review of the bundled snapshot, extracted. Shared: copy it (copy_review) to change it."""
    root = tmp_path_factory.mktemp("demo") / "rev"
    assert main(["demo", str(root)]) == 0
    assert main(["extract", "--review", str(root)]) == 0
    return root


@pytest.fixture(scope="session")
def fictitious_review_template(tmp_path_factory) -> Path:
    """The demo review plus the FICTITIOUS test records, extracted. Shared: copy it to change it."""
    root = tmp_path_factory.mktemp("fictitious") / "rev"
    assert main(["demo", str(root)]) == 0
    assert main(["harvest", "--review", str(root), "--from", str(FICTITIOUS_RECORDS)]) == 0
    assert main(["extract", "--review", str(root)]) == 0
    return root


@pytest.fixture
def copy_review(tmp_path, capsys) -> Callable[[Path], Path]:
    """copy_review(template) -> a copy of the review in this test's folder (output so far discarded)."""
    def copy(template: Path) -> Path:
        root = tmp_path / "rev"
        shutil.copytree(template, root)
        capsys.readouterr()
        return root
    return copy
