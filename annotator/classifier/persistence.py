"""Model files: a joblib file plus a JSON sidecar ``<file>.json`` with metadata and its sha256.

joblib files are pickles: loading one runs arbitrary code. Only load models the app itself
wrote into its instance folder - never a file a user uploaded. :func:`load_model` refuses a
path outside ``root`` (pass the instance models folder) and a file whose sha256 differs from
its sidecar's.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from annotator.version import __version__


class ModelFileError(ValueError):
    """The model file is missing, outside the allowed folder, or does not match its sidecar."""


def sidecar_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".json")


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(path: str | os.PathLike, model: Any, metadata: dict[str, Any] | None = None) -> dict:
    """Write ``model`` with joblib and its sidecar; return the sidecar dictionary.

    ``metadata`` (JSON-serialisable) should carry ``params``, ``training_hash`` (see
    :func:`annotator.classifier.data.training_hash`) and ``metrics``; ``code_version``,
    ``created`` (UTC ISO 8601), ``model_class`` and ``sha256`` are filled in here.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, lambda tmp: joblib.dump(model, tmp, compress=3))
    sidecar = {
        "params": None,
        "training_hash": None,
        "metrics": None,
        **(metadata or {}),
        "code_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_class": f"{type(model).__module__}.{type(model).__qualname__}",
        "sha256": file_sha256(path),
    }
    text = json.dumps(sidecar, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    _atomic_write(sidecar_path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return sidecar


def read_metadata(path: str | os.PathLike) -> dict[str, Any]:
    """The sidecar of a model file (safe: plain JSON, no unpickling)."""
    try:
        return json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFileError(f"no sidecar for {path}") from None


def load_model(path: str | os.PathLike, root: str | os.PathLike | None = None) -> tuple[Any, dict]:
    """Return ``(model, metadata)`` after checking the file against its sidecar's sha256.

    ``root``: the folder the app writes models to; a ``path`` resolving outside it (also via
    symlinks or ``..``) is refused. Always pass it in the app.
    """
    resolved = Path(path).resolve()
    if root is not None and not resolved.is_relative_to(Path(root).resolve()):
        raise ModelFileError(f"{path} is outside the model folder")
    metadata = read_metadata(resolved)
    if not resolved.is_file():
        raise ModelFileError(f"no model file {path}")
    if file_sha256(resolved) != metadata.get("sha256"):
        raise ModelFileError(f"{path} does not match the sha256 in its sidecar")
    return joblib.load(resolved), metadata
