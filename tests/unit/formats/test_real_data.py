"""The shared corpora: PTC (gold technique spans) and PolNeAR (brat, one file per annotator)."""

import csv
from collections import Counter

import pytest

from annotator.formats import (
    export,
    parse_jsonl,
    parse_labelstudio,
    read_brat,
    read_doccano,
    read_ptc,
    write_jsonl,
    write_labelstudio,
)
from tests.shared import SHARED_DATA, skip_without_shared_data

PTC = SHARED_DATA / "ptc-train"
POLNEAR = SHARED_DATA / "polnear-multi"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ptc():
    skip_without_shared_data("ptc-train")
    return read_ptc(PTC)


@pytest.fixture(scope="module")
def polnear():
    skip_without_shared_data("polnear-multi")
    return read_brat(POLNEAR / "attributions", text_dir=POLNEAR / "text")


def test_ptc_counts(ptc):
    assert len(ptc) == 371
    spans = [s for d in ptc for s in d.gold]
    assert len(spans) == 6129
    names = (PTC / "technique-names.txt").read_text(encoding="utf-8").split()
    assert {s.label for s in spans} == set(names) and len(names) == 14
    assert all(
        s.annotator == "gold" and d.text[s.start : s.end] == s.text for d in ptc for s in d.gold
    )
    assert ptc[0].title and all(d.spans == () for d in ptc)


def test_ptc_round_trips_through_every_annotation_format(ptc):
    jsonl = "".join(write_jsonl(ptc))
    assert parse_jsonl(jsonl) == ptc
    ls = "".join(write_labelstudio(ptc))
    assert "".join(write_labelstudio(parse_labelstudio(ls))) == ls
    for name, read in (("brat", read_brat), ("doccano", read_doccano)):
        data = b"".join(export(name, ptc))
        assert b"".join(export(name, read(data))) == data, name


def test_polnear_counts(polnear):
    assert len(polnear) == 24
    docs_per = Counter(w for d in polnear for w in {s.annotator for s in d.spans})
    spans_per = Counter(s.annotator for d in polnear for s in d.spans)
    lines_per = Counter(s.annotator for d in polnear for s in d.spans if "#" not in s.id)
    assert dict(docs_per) == {
        "4b22": 24,
        "4e07": 23,
        "5fec": 24,
        "6b86": 24,
        "d473": 24,
        "ef2d": 24,
    }
    assert sum(docs_per.values()) == len(list((POLNEAR / "attributions").glob("*.ann"))) == 143
    # one record per T-line: 15,097, 635 of them discontinuous (one more T-line's pieces touch,
    # so it is read as one contiguous span), 15,817 fragments
    assert dict(spans_per) == {"4b22": 2422, "4e07": 2101, "5fec": 2736, "6b86": 2468,
                               "d473": 2706, "ef2d": 2664}  # fmt: skip
    assert sum(lines_per.values()) == sum(spans_per.values()) == 15097
    assert sum(1 for d in polnear for s in d.spans if s.fragments) == 635
    assert sum(len(s.fragments) or 1 for d in polnear for s in d.spans) == 15817
    assert all(s.fragments[0][0] == s.start and s.fragments[-1][1] == s.end
               for d in polnear for s in d.spans if s.fragments)  # fmt: skip
    assert all(d.text[s.start : s.end] == s.text for d in polnear for s in d.spans)
    labels = Counter(s.label for d in polnear for s in d.spans)
    assert set(labels) == {"Source", "Cue", "Content", "Attribution", "Attribution-no-source",
                           "Discuss", "Discard"}  # fmt: skip


def test_polnear_annotators_match_metadata(polnear):
    with open(POLNEAR / "metadata.tsv", encoding="utf-8", newline="") as fh:
        meta = {row["filename"]: set(row["annotators"].split("|"))
                for row in csv.DictReader(fh, delimiter="\t")}  # fmt: skip
    for doc in polnear:
        assert {s.annotator for s in doc.spans} <= meta[doc.id]


def test_polnear_brat_round_trip(polnear):
    data = b"".join(export("brat", polnear))
    back = read_brat(data)

    def t_lines(doc):  # fragments only a line break separates come back as one span
        return len({(s.annotator, s.id.split("#")[0]) for s in doc.spans})

    assert [(d.id, t_lines(d)) for d in back] == [(d.id, t_lines(d)) for d in polnear]
    assert b"".join(export("brat", back)) == data


def test_polnear_non_nfc_article_normalises(polnear):
    import unicodedata

    from annotator.formats import to_nfc

    odd = [d for d in polnear if not unicodedata.is_normalized("NFC", d.text)]
    assert [d.id for d in odd] == ["wash-post_2015-11-08_in-satirizing-the-elite-a-mexica"]
    fixed = to_nfc(odd[0])
    assert len(fixed.spans) == len(odd[0].spans) == 636
    for old, new in zip(odd[0].spans, fixed.spans, strict=True):
        assert new.text == unicodedata.normalize("NFC", old.text) == fixed.text[new.start : new.end]
