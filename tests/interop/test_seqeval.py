"""seqeval in strict IOB2 mode reads our CoNLL files: one file per annotator, every span a
chunk with its exact tokens, and what a single column cannot hold counted, not dropped."""

import pytest

from annotator.formats.conll import TOKEN
from tests.interop.consumers import export_files
from tests.interop.fixture import documents, spans_of

seqeval_scheme = pytest.importorskip("seqeval.scheme")
from seqeval.metrics.sequence_labeling import get_entities  # noqa: E402


def _read(path):
    """CoNLL-2003 style: -DOCSTART- lines and blank lines separate; token TAB tag..."""
    docs, sent = [[]], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line:
            if sent:
                docs[-1].append(sent)
                sent = []
            continue
        cols = line.split("\t")
        if cols[0] == "-DOCSTART-":
            if docs[-1]:
                docs.append([])
            continue
        sent.append(cols)
    return docs


def _chunks(sents, column=1):
    tags = [[row[column] for row in sent] for sent in sents]
    entities = seqeval_scheme.Entities(tags, seqeval_scheme.IOB2)  # strict: raises on bad tags
    out = []
    for entity in entities.entities:
        for e in entity:
            sent = sents[e.sent_id]
            out.append((e.tag, [row[0] for row in sent[e.start : e.end]]))
    return out


def test_seqeval_strict_finds_every_span_as_a_chunk(tmp_path):
    docs = documents()
    report = {}
    files = export_files("conll", docs, tmp_path, report=report)
    assert sorted(files) == ["alice.conll", "bob.conll", "gold.conll"]
    total = 0
    for name, path in files.items():
        who = name.removesuffix(".conll")
        parsed = _read(path)
        assert len(parsed) == len(docs)
        for doc, sents in zip(docs, parsed, strict=True):
            got = _chunks(sents)
            lenient = get_entities([[r[1] for r in s] for s in sents])
            assert len(got) == len(lenient)  # no I- that only lenient reading turns into a chunk
            want = [(s.label, TOKEN.findall(s.text)) for s in spans_of(doc, who)]
            for chunk in got:
                assert chunk in want  # the exact tokens of one of the annotator's spans
            total += len(got)
    spans = sum(len(d.spans) + len(d.gold) for d in docs)
    # alice's Framing "Genève" inside her Claim "met in Genève"; bob's Claim "🤝 met in Genève"
    # overlapping his Claim "Leaders 🤝 met", and his Source "Leaders" inside it
    # answers: 3 + 1 annotators', 2 gold; attributes: 8 values and 4 links; 2 notes
    assert report == {
        "nested": 3,
        "answers_dropped": 6,
        "attributes_dropped": 12,
        "notes_dropped": 2,
    }
    assert total == spans - 3


def test_seqeval_strict_per_label_columns_hold_nested_spans(tmp_path):
    docs = documents()
    report = {}
    labels = ["Claim", "Framing", "Quote", "Source"]
    files = export_files("conll", docs, tmp_path, labels=labels, report=report)
    parsed = _read(files["alice.conll"])
    got = sorted(c for k in range(1, 5) for sents in parsed for c in _chunks(sents, k))
    want = sorted((s.label, TOKEN.findall(s.text)) for d in docs for s in spans_of(d, "alice"))
    assert got == want  # nesting kept: one column per label
    assert report == {
        "merged": 1,
        "answers_dropped": 6,
        "attributes_dropped": 12,
        "notes_dropped": 2,
    }  # bob's two overlapping Claims share one Claim column
