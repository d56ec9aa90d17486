"""``--format xmi``: dkpro-cassis (INCEpTION's Python library) loads every CAS with its type
system: the same spans (UTF-16 offsets in the file, code points back), attributes as features,
links as relations."""

import io
import zipfile

import pytest

from annotator.formats import export
from annotator.formats.xmi import feature_name
from tests.interop.fixture import LABELS, documents, spans_of

cassis = pytest.importorskip("cassis")


def test_cassis_loads_spans_features_and_relations():
    docs = documents()
    report = {}
    data = b"".join(export("xmi", docs, labels=LABELS, report=report))
    zf = zipfile.ZipFile(io.BytesIO(data))
    ts = cassis.load_typesystem(io.BytesIO(zf.read("TypeSystem.xml")))
    names = sorted(n for n in zf.namelist() if n.endswith(".xmi"))
    assert names == ["alice/arabic-3.xmi", "alice/geneva-1.xmi", "alice/zurich-2.xmi",
                     "bob/geneva-1.xmi", "bob/zurich-2.xmi", "gold/geneva-1.xmi"]  # fmt: skip
    for name in names:
        who, doc_id = name[:-4].split("/")
        doc = next(d for d in docs if d.id == doc_id)
        cas = cassis.load_cas_from_xmi(io.BytesIO(zf.read(name)), typesystem=ts)
        assert cas.sofa_string == doc.text
        got = sorted((a.label, a.begin, a.end, a.get_covered_text())
                     for a in cas.select("webanno.custom.Span"))  # fmt: skip
        mine = spans_of(doc, who)
        assert got == sorted((s.label, s.start, s.end, doc.text[s.start : s.end]) for s in mine)
        for a in cas.select("webanno.custom.Span"):
            s = next(x for x in mine if (x.start, x.end, x.label) == (a.begin, a.end, a.label))
            for key, value in s.attributes.items():
                if key != "speaker":
                    assert a.get(feature_name(key)) == value
            assert (a.note or "") == s.note
        links = sorted((r.label, r.Governor.get_covered_text(), r.Dependent.get_covered_text())
                       for r in cas.select("webanno.custom.SpanLink"))  # fmt: skip
        by_id = {t.id: t for t in mine}
        want = sorted(("speaker", s.text, by_id[s.attributes["speaker"]].text)
                      for s in mine if "speaker" in s.attributes)  # fmt: skip
        assert links == want
    assert report == {"answers_dropped": 6}  # XMI here has no document-level layer
    # UIMA counts UTF-16 units: bob's "Leaders 🤝 met" is 0-13 in Python, 0-14 in the file
    assert b'begin="0" end="14"' in zf.read("bob/geneva-1.xmi")
