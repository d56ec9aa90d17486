"""Per-format loading code for the dataset card: each snippet runs as written in the unpacked
bundle's folder (the tests execute them), printing how many records it read."""

from __future__ import annotations

from collections.abc import Sequence

_JSONL = """\
from datasets import load_dataset

ds = load_dataset("json", data_files="{f}", split="train")
print(len(ds), "articles;", sum(len(s) for s in ds["spans"]), "spans")

import pandas as pd

df = pd.read_json("{f}", lines=True, dtype=False)
spans = df.explode("spans").dropna(subset=["spans"])
print(len(df), "articles;", len(spans), "spans")
"""

_CSV = """\
import pandas as pd

# keep_default_na: empty notes stay ""; cells starting with ' were neutralised formulas
df = pd.read_csv("{f}", keep_default_na=False, dtype={{"start": int, "end": int}})
print(df["document_id"].nunique(), "articles;", len(df), "spans")

from datasets import load_dataset

ds = load_dataset("csv", data_files="{f}", split="train", keep_default_na=False)
print(len(ds), "spans")

# article answers (gold ones under annotator "gold"), one per row
answers = pd.read_csv("answers.csv", keep_default_na=False, dtype=str)
print(len(answers), "answers;", (answers["annotator"] == "gold").sum(), "gold")
"""

_ANSWERS = """\
import pandas as pd

# one article answer per row; gold answers under annotator "gold"
df = pd.read_csv("{f}", keep_default_na=False, dtype=str)
print(df["document_id"].nunique(), "articles;", len(df), "answers;",
      (df["annotator"] == "gold").sum(), "gold")
"""

_DOCCANO = """\
import glob

import pandas as pd

# one file per annotator; import each into doccano (Sequence labeling, JSONL) or read it here
for path in sorted(glob.glob("*.jsonl")):
    df = pd.read_json(path, lines=True, dtype=False)
    key = "label" if "label" in df else "entities"
    print(path, len(df), "articles;", int(df[key].map(len).sum()), "spans")
"""

_LABELSTUDIO = """\
import json

# import into Label Studio with label_config.xml as the project's labelling interface
tasks = json.load(open("{f}", encoding="utf-8"))
spans = [r for t in tasks for a in t["annotations"] for r in a["result"] if r["type"] == "labels"]
print(len(tasks), "articles;", len(spans), "spans")
"""

_BRAT = """\
import glob
import os

# a brat collection: one folder per annotator; copy it into brat's data/ folder to browse it
spans, docs = 0, set()
for ann in sorted(glob.glob("**/*.ann", recursive=True)):
    docs.add(os.path.basename(ann)[:-4])
    with open(ann, encoding="utf-8") as fh:
        spans += sum(1 for line in fh if line.startswith("T"))
print(len(docs), "articles;", spans, "spans")
"""

_CONLL = '''\
import glob


def read_conll(path):
    """Sentences of (token, tag) from a CoNLL-2003 style file (-DOCSTART- between articles)."""
    docs, sentence = [], []
    for line in open(path, encoding="utf-8").read().split("\\n"):
        if line.startswith("-DOCSTART-"):
            docs.append([])
        elif not line:
            if sentence:
                docs[-1].append(sentence)
            sentence = []
        else:
            token, *tags = line.split("\\t")
            sentence.append((token, tags[-1]))
    return docs


for path in sorted(glob.glob("*.conll")):  # one file per annotator
    docs = read_conll(path)
    chunks = sum(tag.startswith("B-") for d in docs for s in d for _, tag in s)
    print(path, len(docs), "articles;", chunks, "spans")
'''

_HF = """\
import os

from datasets import load_dataset

folder = os.path.abspath(".")  # this README's folder
# configs: raw (one row per article and annotator), gold, majority
for config in ("raw", "gold", "majority"):
    ds = load_dataset(folder, config, split="train")
    print(config, len(ds), "rows;", sum(len(s) for s in ds["spans"]), "spans")
"""

_PRODIGY = """\
import pandas as pd

# one line per article and annotator; prodigy db-in DATASET {f} stores it in Prodigy
df = pd.read_json("{f}", lines=True, dtype=False)
print(df["meta"].map(lambda m: m["id"]).nunique(), "articles;", int(df["spans"].map(len).sum()),
      "spans")
"""

_XMI = """\
import glob

from cassis import load_cas_from_xmi, load_typesystem

# import into INCEpTION as "UIMA CAS XMI" (each annotator's folder), or read with dkpro-cassis
with open("TypeSystem.xml", "rb") as fh:
    typesystem = load_typesystem(fh)
docs, spans = set(), 0
for path in sorted(glob.glob("*/*.xmi")):
    with open(path, "rb") as fh:
        cas = load_cas_from_xmi(fh, typesystem=typesystem)
    docs.add(path.split("/")[-1])
    spans += len(cas.select("webanno.custom.Span"))
print(len(docs), "articles;", spans, "spans")
"""

_SPACY = """\
import glob

import spacy
from spacy.tokens import DocBin, Span

# one DocBin per annotator; spans (nested too) in doc.spans["sc"], attributes, notes and span
# ids in span._.annotator, article fields and answers in doc.user_data["annotator"]
Span.set_extension("annotator", default=None)
nlp = spacy.blank("xx")
for path in sorted(glob.glob("*.spacy")):
    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    print(path, len(docs), "articles;", sum(len(d.spans["sc"]) for d in docs), "spans")
"""

_SNIPPETS = {
    "spacy": _SPACY,
    "prodigy": _PRODIGY,
    "xmi": _XMI,
    "hf": _HF,
    "jsonl": _JSONL,
    "csv": _CSV,
    "csv-answers": _ANSWERS,
    "doccano": _DOCCANO,
    "doccano-relations": _DOCCANO,
    "doccano-merged": _DOCCANO,
    "labelstudio": _LABELSTUDIO,
    "brat": _BRAT,
    "conll": _CONLL,
}


def loading_snippet(fmt: str, files: Sequence[str]) -> str:
    """Python that loads this export's ``files`` (run in the unpacked bundle)."""
    data = [f for f in files if f != "README.md" and not f.endswith(".xml")]
    first = data[0] if data else "data"
    return _SNIPPETS.get(fmt, _JSONL).format(f=first)


HF_FORMATS = {"jsonl": "json", "csv": "csv"}  # formats load_dataset(folder) reads via configs
