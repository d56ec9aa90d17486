import json

import pytest

import annotator
from annotator.classifier import ModelFileError, load_model, read_metadata, save_model


def test_save_and_load_with_metadata(tmp_path):
    path = tmp_path / "models" / "m1.joblib"
    meta = {"params": {"C": 1.0}, "training_hash": "ab" * 32, "metrics": {"f1": 0.5}}
    sidecar = save_model(path, {"weights": [1, 2, 3]}, meta)
    assert (tmp_path / "models" / "m1.joblib.json").is_file()
    model, loaded = load_model(path, root=tmp_path / "models")
    assert model == {"weights": [1, 2, 3]}
    assert loaded == sidecar == read_metadata(path)
    assert loaded["code_version"] == annotator.__version__
    assert loaded["params"] == {"C": 1.0} and loaded["metrics"] == {"f1": 0.5}
    assert loaded["training_hash"] == "ab" * 32 and len(loaded["sha256"]) == 64
    assert loaded["created"].endswith("+00:00")


def test_tampered_file_is_refused(tmp_path):
    path = tmp_path / "m.joblib"
    save_model(path, [1, 2], {})
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(ModelFileError, match="sha256"):
        load_model(path, root=tmp_path)


def test_tampered_sidecar_hash_is_refused(tmp_path):
    path = tmp_path / "m.joblib"
    save_model(path, [1, 2], {})
    side = tmp_path / "m.joblib.json"
    data = json.loads(side.read_text())
    data["sha256"] = "0" * 64
    side.write_text(json.dumps(data))
    with pytest.raises(ModelFileError):
        load_model(path)


def test_outside_root_and_missing_sidecar_are_refused(tmp_path):
    models, other = tmp_path / "models", tmp_path / "uploads"
    save_model(other / "evil.joblib", [1], {})
    with pytest.raises(ModelFileError, match="outside"):
        load_model(other / "evil.joblib", root=models)
    with pytest.raises(ModelFileError, match="outside"):
        load_model(models / ".." / "uploads" / "evil.joblib", root=models)
    models.mkdir()
    (models / "x.joblib").write_bytes(b"junk")
    with pytest.raises(ModelFileError, match="sidecar"):
        load_model(models / "x.joblib", root=models)
