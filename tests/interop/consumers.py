"""Helpers for the conformance tests: write an export to files, find a consumer's venv."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from annotator.formats import export, get_writer


def export_files(fmt: str, documents, folder: Path, **options) -> dict[str, Path]:
    """Write format ``fmt`` into ``folder`` (a zip is unpacked); ``{name: path}``."""
    data = b"".join(export(fmt, documents, **options))
    folder.mkdir(parents=True, exist_ok=True)
    if not get_writer(fmt).multi_file:
        path = folder / f"export{get_writer(fmt).extension}"
        path.write_bytes(data)
        return {path.name: path}
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(zf.read(name))
            out[name] = path
    return out


def consumer_python(variable: str, setup: str) -> str:
    """The interpreter of a consumer's own venv named by ``variable``, or skip with the reason."""
    python = os.environ.get(variable)
    if not python:
        pytest.skip(f"{variable} is not set (create the venv with {setup})")
    if not Path(python).exists():
        pytest.fail(f"{variable}={python} does not exist")
    return python
