"""ruff and mypy on bot/ (configured in pyproject.toml), so `.ci/run`, which runs the README's
test line, runs them too. A failure shows what they found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=280)


def test_ruff_finds_nothing_in_bot():
    result = _run("ruff", "check", "--no-fix", "bot")
    if "No module named ruff" in result.stderr:
        pytest.fail("ruff is missing: install the test extras (pip install -e '.[test]')")
    assert result.returncode == 0, f"ruff check bot:\n{result.stdout}{result.stderr}"


@pytest.mark.slow
def test_mypy_finds_nothing_in_bot():
    # The files and settings are in pyproject.toml ([tool.mypy]); the cache makes a second run fast.
    result = _run("mypy")
    if "No module named mypy" in result.stderr:
        pytest.fail("mypy is missing: install the test extras (pip install -e '.[test]')")
    assert result.returncode == 0, f"mypy:\n{result.stdout}{result.stderr}"
