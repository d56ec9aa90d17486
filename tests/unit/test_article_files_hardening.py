"""Article files: an unclosed CSV quote is an error with its line (not rows swallowed), CSV
fields as long as the text limit, titles capped, and NUL / NaN / lone surrogates that JSON
escapes can smuggle in refused with file and line."""

from __future__ import annotations

import pytest

from annotator.services.transfer.article_files import MAX_TITLE, ImportFailed, read_articles


def test_unterminated_quote_is_refused_with_its_line():
    data = b'id,text\n1,first\n2,"open quote\n3,third\n4,fourth\n'
    with pytest.raises(ImportFailed) as failed:
        read_articles("a.csv", data)
    assert str(failed.value).startswith("a.csv:3:") and "never closed" in str(failed.value)


def test_csv_fields_up_to_the_text_limit():
    text = "word " * 60_000  # 300,000 characters, above the csv module's default 131,072
    rows = read_articles("big.csv", b"id,text\n1," + text.strip().encode() + b"\n")
    assert len(rows) == 1 and len(rows[0].text) == len(text.strip())
    too_long = b"id,text\n1," + b"x" * 1_000_001 + b"\n"
    with pytest.raises(ImportFailed, match="limit 1000000"):
        read_articles("huge.csv", too_long)


def test_title_length_is_capped():
    line = b'{"text": "ab", "title": "' + b"t" * (MAX_TITLE + 1) + b'"}\n'
    with pytest.raises(ImportFailed, match="title is limited to 1,000"):
        read_articles("t.jsonl", line)
    assert read_articles("ok.jsonl", line.replace(b"t" * (MAX_TITLE + 1), b"t" * MAX_TITLE))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"text": "a\\u0000b"}', "record.text: a NUL character"),
        (b'{"text": "ab", "title": "\\u0000"}', "record.title: a NUL character"),
        (b'{"text": "ab", "meta": {"score": NaN}}', "record.meta.score: nan"),
        (b'{"text": "ab", "meta": {"x": [Infinity]}}', "record.meta.x[0]: inf"),
    ],
)
def test_unstorable_values_refused_with_file_and_line(line, message):
    with pytest.raises(ImportFailed) as failed:
        read_articles("n.jsonl", b'{"text": "fine"}\n' + line + b"\n")
    assert str(failed.value).startswith("n.jsonl:2:") and message in str(failed.value)


def test_csv_meta_nan_refused():
    data = b'id,text,meta\n1,hello,"{""x"": NaN}"\n'
    with pytest.raises(ImportFailed, match="a.csv:2: cannot be stored: record.meta.x"):
        read_articles("a.csv", data)
