"""Runs the JavaScript unit tests in static/js/annotate/*.test.mjs (offset conversion, selection
trimming and snapping, the save queue, the visible-time counter) with node's built-in test
runner. Skips when node is missing (fails when CI is set)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[2] / "static" / "js" / "annotate"
TEST_FILES = sorted(path.name for path in JS.glob("*.test.mjs"))


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is required for the JavaScript unit tests", pytrace=False)
        pytest.skip("node is not installed")
    return node


@pytest.mark.parametrize("name", TEST_FILES)
def test_node_unit_tests(name):
    assert "offsets.test.mjs" in TEST_FILES
    result = subprocess.run(
        [_node(), "--test", str(JS / name)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=JS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
