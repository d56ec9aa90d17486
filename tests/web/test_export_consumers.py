"""Export options the consumers need, end to end: one charset, CSV neutralisation, CoNLL per
annotator with the reductions on stderr, the Label Studio bundle's labelling config."""

import io
import zipfile

from tests.web.test_exports import annotated  # noqa: F401  (the fixture)


def test_api_downloads_send_one_charset(client, auth, annotated):  # noqa: F811
    auth.login("lena")
    csv = client.get(f"/api/v1/projects/{annotated['project']}/export?format=csv")
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    # Each streamed body is read before the next request: a stream left open is closed by the
    # garbage collector later, inside another request's context ("Popped wrong request context").
    assert csv.data.decode("utf-8")
    conll = client.get(f"/api/v1/projects/{annotated['project']}/export?format=conll")
    assert conll.headers["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(conll.data)).namelist()
    assert names == ["alice.conll", "bob.conll"]
    wide = client.get(
        f"/api/v1/projects/{annotated['project']}/export?format=conll&label_columns=1"
    )
    assert wide.status_code == 200 and zipfile.ZipFile(io.BytesIO(wide.data)).namelist()
    raw = client.get(f"/api/v1/projects/{annotated['project']}/export?format=csv&raw_cells=1")
    assert raw.status_code == 200 and raw.data.decode("utf-8")
    hf = client.get(f"/api/v1/projects/{annotated['project']}/export?format=hf&content=gold")
    assert hf.status_code == 400


def test_cli_conll_reports_what_one_column_cannot_hold(app, annotated, runner, tmp_path):  # noqa: F811
    out = tmp_path / "tags.zip"
    result = runner.invoke(args=["export", "Bias study", "--format", "conll", "-o", str(out)])
    assert result.exit_code == 0, result.output
    # alice's Framing "Geneva" sits inside her Claim "met in Geneva"
    assert "Note: 1 span(s) nested in or overlapping" in result.output
    wide = tmp_path / "wide.zip"
    result = runner.invoke(args=["export", "Bias study", "--format", "conll", "--label-columns",
                                 "-o", str(wide)])  # fmt: skip
    assert result.exit_code == 0 and "nested" not in result.output
    alice = zipfile.ZipFile(wide).read("alice.conll").decode()
    geneva = [line.split("\t")[1:] for line in alice.splitlines() if line.startswith("Geneva")]
    assert ["B-Framing", "I-Claim"] in [[t for t in tags if t != "O"] for tags in geneva]


def test_cli_csv_neutralises_unless_raw(app, annotated, runner, tmp_path):  # noqa: F811
    from annotator.extensions import db
    from annotator.models import Document

    with app.app_context():
        doc = db.session.query(Document).filter_by(external_id="geneva-2").one()
        outlet = doc.outlet
        doc.outlet = '=HYPERLINK("http://x")'
        db.session.commit()
    out = tmp_path / "spans.csv"
    result = runner.invoke(args=["export", "Bias study", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0 and "Note: 7 CSV cells" in result.output
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")
    result = runner.invoke(args=["export", "Bias study", "--format", "csv", "--raw-cells",
                                 "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0 and "Note:" not in result.output
    assert "\n1,=HYPERLINK" not in out.read_text(encoding="utf-8")
    assert outlet


def test_labelstudio_bundle_ships_a_labelling_config(client, auth, annotated):  # noqa: F811
    auth.login("lena")
    bundle = client.get(
        f"/api/v1/projects/{annotated['project']}/export?format=labelstudio&bundle=1"
    )
    archive = zipfile.ZipFile(io.BytesIO(bundle.data))
    assert "label_config.xml" in archive.namelist()
    config = archive.read("label_config.xml").decode()
    assert '<Relation value="speaker"/>' in config and '<Label value="Quote"' in config
