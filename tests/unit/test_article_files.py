"""Reading article files into rows (no database): formats, normalisation and every error."""

from __future__ import annotations

import io
import json
import struct
import unicodedata
import zipfile
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.services.transfer import article_files
from annotator.services.transfer.article_files import (
    ImportFailed,
    normalise_text,
    read_articles,
    text_sha256,
)
from tests.shared import (
    CRLF_ARTICLE,
    NEWS_ARTICLE,
    NFD_ARTICLE,
    SEED_ARTICLE,
    requires_shared_data,
)

DECOMPOSED = "Cafe\u0301 au lait"  # 'e' + combining acute accent
COMPOSED = "Caf\u00e9 au lait"


def jsonl(*records) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def zipped(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def fails(name: str, data: bytes, **kwargs) -> ImportFailed:
    with pytest.raises(ImportFailed) as info:
        read_articles(name, data, **kwargs)
    return info.value


# --- normalisation -----------------------------------------------------------------------


def test_normalise_text_nfc_and_newlines():
    assert normalise_text(DECOMPOSED) == COMPOSED
    assert normalise_text("a\r\nb\rc\n") == "a\nb\nc\n"
    assert len(normalise_text("e\u0301")) == 1


def test_sha256_of_utf8():
    assert text_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# --- .txt --------------------------------------------------------------------------------


def test_txt_title_from_file_name():
    [row] = read_articles("2024_senate-vote.txt", b"Line one\r\nLine two")
    assert row.title == "2024 senate vote"
    assert row.external_id == "2024_senate-vote"
    assert row.text == "Line one\nLine two"
    assert row.sha256 == text_sha256(row.text)
    assert row.source == "2024_senate-vote.txt"


def test_txt_nfc_and_bom():
    [row] = read_articles("cafe.txt", b"\xef\xbb\xbf" + DECOMPOSED.encode())
    assert row.text == COMPOSED
    assert unicodedata.is_normalized("NFC", row.text)


def test_news_article_reads_unchanged():
    raw = NEWS_ARTICLE.read_bytes()
    [row] = read_articles(NEWS_ARTICLE.name, raw)
    assert (row.title, row.external_id) == ("news article", "news-article")
    # Already NFC with LF line ends: stored exactly as written, emoji and ZWJ sequence included.
    assert row.text == raw.decode("utf-8")
    assert "“long overdue”" in row.text and "Lindqvist’s" in row.text and len(row.text) > 3000
    assert "\U0001f469\u200d\U0001f52c" in row.text and "🌊" in row.text and "—" in row.text


def test_nfd_article_is_composed():
    raw = NFD_ARTICLE.read_bytes()
    assert not unicodedata.is_normalized("NFC", raw.decode("utf-8"))
    [row] = read_articles(NFD_ARTICLE.name, raw)
    assert row.text == unicodedata.normalize("NFC", raw.decode("utf-8"))
    assert "Zoë Núñez" in row.text and "crème brûlée" in row.text
    assert len(row.text) == len(raw.decode("utf-8")) - 12  # twelve combining marks fewer


def test_crlf_article_keeps_lines_not_carriage_returns():
    raw = CRLF_ARTICLE.read_bytes()
    assert raw.count(b"\r\n") == 5
    [row] = read_articles(CRLF_ARTICLE.name, raw)
    assert "\r" not in row.text and row.text == raw.decode("utf-8").replace("\r\n", "\n")
    assert row.text.startswith("Ferry services resume\n\nThe harbour authority")


@requires_shared_data("seed-article.txt")
def test_seed_article_reads_unchanged():
    raw = SEED_ARTICLE.read_bytes()
    [row] = read_articles(SEED_ARTICLE.name, raw)
    assert row.title == "seed article"
    assert row.text == normalise_text(raw.decode("utf-8"))
    assert "“immediately,”" in row.text and len(row.text) > 3000


@pytest.mark.parametrize("data", [b"", b"   \n\n"], ids=["empty", "blank"])
def test_txt_empty_rejected(data):
    assert "missing or empty 'text'" in str(fails("empty.txt", data))


# --- .jsonl ------------------------------------------------------------------------------


def test_jsonl_all_fields():
    record = {
        "id": 17,
        "title": "Talks begin",
        "text": DECOMPOSED + "\r\nSecond line",
        "outlet": "Daily Example",
        "author": "A. Writer",
        "url": "https://example.org/a",
        "date": "2024-05-31",
        "meta": {"topic": "war", "rank": 3},
    }
    [row] = read_articles("a.jsonl", jsonl(record))
    assert row.external_id == "17"
    assert row.text == COMPOSED + "\nSecond line"
    assert (row.title, row.outlet, row.author, row.url) == (
        "Talks begin",
        "Daily Example",
        "A. Writer",
        "https://example.org/a",
    )
    assert row.published == date(2024, 5, 31)
    assert row.meta == {"topic": "war", "rank": 3}
    assert row.source == "a.jsonl:1"


def test_jsonl_optional_fields_and_blank_lines():
    rows = read_articles("a.jsonl", jsonl({"text": "One."}, "", "   ", {"text": "Two."}))
    assert [r.text for r in rows] == ["One.", "Two."]
    assert rows[0].external_id == text_sha256("One.")[:16]  # id defaults to the text hash
    assert rows[1].source == "a.jsonl:4"
    assert rows[0].published is None and rows[0].meta == {}


@pytest.mark.parametrize("value", ["2024-05-31T10:00:00Z", "2024-05-31T10:00:00+02:00"])
def test_jsonl_datetime_accepted_as_date(value):
    [row] = read_articles("a.jsonl", jsonl({"text": "x", "date": value}))
    assert row.published == date(2024, 5, 31)


@pytest.mark.parametrize(
    "lines,line,message",
    [
        ([{"text": "ok"}, '{"text": "unterminated'], 2, "invalid JSON"),
        ([{"text": "ok"}, "[1, 2]"], 2, "each line must be a JSON object"),
        ([{"text": "ok"}, {"title": "no text"}], 2, "missing or empty 'text'"),
        ([{"text": "   "}], 1, "missing or empty 'text'"),
        ([{"text": 5}], 1, "missing or empty 'text'"),
        ([{"text": "ok", "body": "x", "colour": "red"}], 1, "unknown fields: body, colour"),
        ([{"text": "ok"}, {"text": "x", "date": "31/05/2024"}], 2, "is not an ISO date"),
        ([{"text": "x", "date": 20240531}], 1, "'date' must be a string"),
        ([{"text": "x", "meta": [1]}], 1, "'meta' must be a JSON object"),
        ([{"text": "x", "title": ["a"]}], 1, "'title' must be a string"),
        ([{"text": "x", "id": True}], 1, "'id' must be a string"),
        ([{"text": "x", "id": "i" * 201}], 1, "limited to 200 characters"),
    ],
    ids=[
        "invalid-json",
        "not-object",
        "missing-text",
        "blank-text",
        "text-not-string",
        "unknown-fields",
        "bad-date",
        "date-number",
        "meta-list",
        "title-list",
        "id-bool",
        "long-id",
    ],
)
def test_jsonl_errors_name_file_and_line(lines, line, message):
    error = fails("batch.jsonl", jsonl(*lines))
    assert (error.source, error.line) == ("batch.jsonl", line)
    assert str(error).startswith(f"batch.jsonl:{line}: ")
    assert message in str(error)


def test_latin1_bytes_rejected_with_line():
    data = b'{"text": "first"}\n{"text": "caf\xe9"}\n'
    error = fails("latin.jsonl", data)
    assert str(error) == "latin.jsonl:2: not valid UTF-8 (save the file as UTF-8)."


def test_latin1_txt_rejected():
    assert "not valid UTF-8" in str(fails("latin.txt", "Ça va".encode("latin-1")))


def test_nul_character_rejected():
    error = fails("binary.txt", b"line one\nline\x00two")
    assert (error.line, "NUL" in str(error)) == (2, True)


def test_text_over_the_size_limit():
    error = fails("big.jsonl", jsonl({"text": "short"}, {"text": "x" * 101}), max_chars=100)
    assert str(error) == "big.jsonl:2: text has 101 characters (limit 100)."
    assert len(read_articles("ok.txt", b"x" * 100, max_chars=100)) == 1


def test_too_many_records():
    data = jsonl(*({"text": f"article {i}"} for i in range(4)))
    assert "4 articles exceed the limit of 3" in str(fails("many.jsonl", data, max_records=3))


@pytest.mark.parametrize("name", ["notes.docx", "archive.tar.gz", "README"])
def test_unsupported_file_type(name):
    assert "unsupported file type" in str(fails(name, b"text"))


@pytest.mark.parametrize("data", [b"", b"\n", b"a", b"a\n", b"a\n\nb", b"\na\r\nb\n\n"])
def test_jsonl_lines_as_split(data):
    assert list(article_files._lines(data)) == data.split(b"\n")


def test_jsonl_bom_crlf_and_unicode_blank_lines():
    data = b"\xef\xbb\xbf" + '{"text": "a"}\r\n\u00a0\u3000\r\n\x1c\n{"text": "b"}\r\n'.encode()
    rows = read_articles("a.jsonl", data)
    assert [(r.text, r.source) for r in rows] == [("a", "a.jsonl:1"), ("b", "a.jsonl:4")]


def test_jsonl_numbers_read_exactly():
    """Integers beyond 64 bits stay integers, as the standard library reads them."""
    line = (
        '{"id": 1180591620717411303424, "text": "x", "meta": {"big": [36893488147419103232],'
        ' "neg": -36893488147419103232, "u64": 18446744073709551615, "f": 0.1, "e": 1e300,'
        ' "n": {"deep": [1, 2.5, -9223372036854775809]}}}'
    )
    [row] = read_articles("a.jsonl", line.encode())
    assert row.external_id == "1180591620717411303424"
    assert json.dumps(row.meta) == json.dumps(json.loads(line)["meta"])


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(meta=st.dictionaries(st.text(), JSON_VALUES, max_size=5), text=st.text(min_size=1))
def test_jsonl_reads_what_the_standard_library_reads(meta, text):
    line = json.dumps({"text": "x" + text, "meta": meta}, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be written as UTF-8 at all
        return
    if "\\u0000" in line:  # a NUL escape: refused, as the databases cannot store it
        with pytest.raises(ImportFailed, match="a.jsonl:1: cannot be stored: .* NUL"):
            read_articles("a.jsonl", line.encode())
        return
    [row] = read_articles("a.jsonl", line.encode())
    expected = json.loads(line)
    assert json.dumps(row.meta) == json.dumps(expected["meta"])  # types too: 1 vs 1.0
    assert row.text == normalise_text(expected["text"])


@pytest.mark.parametrize(
    "data,message",
    [
        # A file-wide problem is reported first, even after an earlier bad record.
        (b'{"text": oops}\n{"text": "caf\xe9"}\n', "a.jsonl:2: not valid UTF-8"),
        (b'{"text": 1}\n{"text": "a"}\n\x00\n', "a.jsonl:3: contains a NUL character"),
        (b'{"text": "a"}\n{"text": "b\x00"}\n', "a.jsonl:2: contains a NUL character"),
        (b'{"text": "a"}\n{"text": NaN', "a.jsonl:2: invalid JSON (Expecting ',' delimiter)."),
        (b"\xef\xbb\xbf\xef\xbb\xbf" + b'{"text": "a"}', "a.jsonl:1: invalid JSON (Unexpected"),
        (b'{"text": "a\\ud800b"}', "a.jsonl:1: contains an unpaired surrogate"),
        (b'{"text": "a", "title": "\\udfff"}', "a.jsonl:1: contains an unpaired surrogate"),
        (b'{"text": "a", "meta": ' + b"[" * 5000 + b"]" * 5000 + b"}", "a.jsonl:1: invalid JSON"),
    ],
    ids=[
        "utf8-first",
        "nul-first",
        "nul-in-string",
        "stdlib-message",
        "second-bom",
        "surrogate",
        "surrogate-title",
        "too-deep",
    ],
)
def test_jsonl_error_cases(data, message):
    assert str(fails("a.jsonl", data)).startswith(message)


# --- .csv --------------------------------------------------------------------------------


def test_csv_with_header():
    data = (
        "id,title,text,outlet,date,meta\r\n"
        'a1,First,"Line one\r\nline two",Daily,2024-01-02,"{""k"": 1}"\r\n'
        f"a2,Second,{DECOMPOSED},,,\r\n"
    ).encode()
    first, second = read_articles("list.csv", data)
    assert (first.external_id, first.title, first.outlet) == ("a1", "First", "Daily")
    assert first.text == "Line one\nline two"
    assert first.published == date(2024, 1, 2) and first.meta == {"k": 1}
    assert second.text == COMPOSED and second.outlet == "" and second.published is None


@pytest.mark.parametrize(
    "content,line,message",
    [
        ("title,body\nA,b\n", 1, "needs a 'text' column"),
        ("text,colour\nA,red\n", 1, "unknown columns: colour"),
        ("id,text\n1,ok\n2,too,many\n", 3, "more fields than the header"),
        ("id,text\n1,ok\n2,\n", 3, "missing or empty 'text'"),
        ("text,meta\nok,{bad\n", 2, "the meta column must hold JSON"),
        ("text,date\nok,2024-13-01\n", 2, "is not an ISO date"),
    ],
    ids=["no-text-column", "unknown-column", "extra-field", "empty-text", "bad-meta", "bad-date"],
)
def test_csv_errors_name_file_and_line(content, line, message):
    error = fails("list.csv", content.encode())
    assert (error.source, error.line) == ("list.csv", line)
    assert message in str(error)


# --- .zip --------------------------------------------------------------------------------


def test_zip_of_every_format():
    data = zipped(
        {
            "batch/one.txt": "Plain text article.",
            "batch/two.jsonl": jsonl({"id": "j1", "text": "From JSONL."}),
            "three.csv": "id,text\nc1,From CSV.\n",
            "__MACOSX/._one.txt": b"\x00\x01junk",
            ".DS_Store": b"\x00junk",
        }
    )
    rows = read_articles("upload.zip", data)
    assert sorted(r.text for r in rows) == ["From CSV.", "From JSONL.", "Plain text article."]
    by_text = {r.text: r for r in rows}
    assert by_text["Plain text article."].title == "one"
    assert by_text["From JSONL."].source == "upload.zip/batch/two.jsonl:1"


def test_zip_error_names_member_and_line():
    data = zipped({"good.txt": "fine", "bad.jsonl": '{"text": "ok"}\n{oops\n'})
    error = fails("upload.zip", data)
    assert str(error).startswith("upload.zip/bad.jsonl:2: invalid JSON")


@pytest.mark.parametrize("member", ["../escape.txt", "/etc/passwd.txt", "dir\\..\\evil.txt"])
def test_zip_unsafe_paths(member):
    error = fails("upload.zip", zipped({"ok.txt": "fine", member: "evil"}))
    assert "unsafe path in archive" in str(error) and str(error).startswith("upload.zip")


def test_zip_nested_archive_rejected():
    inner = zipped({"a.txt": "x"})
    assert "nested archives" in str(fails("outer.zip", zipped({"inner.zip": inner})))


def test_zip_bomb_member_rejected_before_reading(monkeypatch):
    """A member that would expand beyond the limit is refused from its declared size."""
    monkeypatch.setattr(article_files, "ZIP_MAX_TOTAL", 1024 * 1024)
    bomb = zipped({"bomb.txt": b"a" * (2 * 1024 * 1024)})
    assert len(bomb) < 20_000  # small on the wire, large when expanded
    error = fails("bomb.zip", bomb)
    assert "archive expands beyond the size limit" in str(error)


def test_zip_too_many_members(monkeypatch):
    monkeypatch.setattr(article_files, "ZIP_MAX_MEMBERS", 3)
    data = zipped({f"{i}.txt": f"article {i}" for i in range(4)})
    assert "more than 3 files" in str(fails("many.zip", data))


def _lie_about_size(data: bytes, size: int) -> bytes:
    """Rewrite the first member's uncompressed size in both headers."""
    out = bytearray(data)
    struct.pack_into("<I", out, 22, size)  # local file header
    central = out.find(b"PK\x01\x02")
    struct.pack_into("<I", out, central + 24, size)
    return bytes(out)


def test_zip_member_larger_than_it_claims():
    data = _lie_about_size(zipped({"a.txt": "a long article text " * 50}), 10)
    error = fails("liar.zip", data)
    assert str(error).startswith("liar.zip: ") and "a.txt" in str(error)


def test_zip_corrupt_member():
    data = bytearray(zipped({"a.txt": "some article text " * 20}))
    struct.pack_into("<I", data, 14, 0)  # wrong CRC in the local header
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 16, 0)
    error = fails("corrupt.zip", bytes(data))
    assert "a.txt" in str(error) and "CRC" in str(error)


# Explicit ids: a zip's bytes hold the time it was written, so ids made from them would differ
# between pytest-xdist workers collecting a moment apart.
@pytest.mark.parametrize(
    "data", [b"not a zip at all", zipped({"a.txt": "x"})[:30]], ids=["not-zip", "truncated-zip"]
)
def test_not_a_zip(data):
    assert str(fails("broken.zip", data)) == "broken.zip: not a valid zip archive."


def test_a_nul_under_an_odd_key_is_named_on_one_line():
    # Found by the property test above: a key holding a line break made the message two lines.
    line = json.dumps({"text": "x", "meta": {"\n": {"\u0000": 1}}})
    with pytest.raises(ImportFailed) as failed:
        read_articles("a.jsonl", line.encode())
    message = str(failed.value)
    assert "\n" not in message
    assert 'record.meta["\\n"]: key a NUL character (U+0000)' in message
