"""pandas / pyarrow / datasets load our JSONL and CSV exports, and Parquet takes them."""

import dataclasses

import pandas as pd
import pytest

from annotator.formats.csvfmt import FORMULA_START
from tests.interop.consumers import export_files
from tests.interop.fixture import documents

pytest.importorskip("pyarrow")


def _no_meta():
    return [dataclasses.replace(d, meta={}) for d in documents()]


@pytest.mark.parametrize("docs", [documents, _no_meta], ids=["meta", "no-meta"])
def test_jsonl_goes_to_parquet_through_pandas_and_datasets(tmp_path, docs):
    datasets = pytest.importorskip("datasets")
    path = export_files("jsonl", docs(), tmp_path)["export.jsonl"]
    frame = pd.read_json(path, lines=True, dtype=False)
    frame.to_parquet(tmp_path / "pandas.parquet")  # failed: struct 'meta' with no child field
    back = pd.read_parquet(tmp_path / "pandas.parquet")
    assert list(back["text"]) == [d.text for d in docs()]  # CRLF, NFC, emoji intact
    ds = datasets.load_dataset("json", data_files=str(path), split="train",
                               cache_dir=str(tmp_path / "cache"))  # fmt: skip
    ds.to_parquet(str(tmp_path / "datasets.parquet"))
    first = ds[0]
    span = first["spans"][0]
    assert first["text"][span["start"] : span["end"]] == span["text"] == "they"
    assert sum(len(r) for r in ds["spans"]) == sum(len(d.spans) for d in docs())


def test_csv_neutralises_formulas_by_default(tmp_path):
    report = {}
    path = export_files("csv", documents(), tmp_path, report=report)["export.csv"]
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    text_columns = ["document_id", "outlet", "annotator", "label", "text", "attributes", "note"]
    cells = [c for col in text_columns for c in frame[col]]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert "'+1 @note said critics" in set(frame["text"])
    assert report == {"neutralised": 1}  # the +1 text; =cmd sits inside the attributes' JSON
    rows = len(frame)
    assert rows == sum(len(d.spans) + len(d.gold) for d in documents())
    assert (frame["start"].astype(int) < frame["end"].astype(int)).all()


def test_csv_raw_cells_on_request(tmp_path):
    report = {}
    path = export_files("csv", documents(), tmp_path, raw=True, report=report)["export.csv"]
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert "+1 @note said critics" in set(frame["text"]) and report == {}
