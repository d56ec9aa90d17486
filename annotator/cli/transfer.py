"""``annotator import`` (articles), ``import-annotations`` and ``export``."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from annotator.cli.base import command
from annotator.formats import WRITERS


@command("import")
@click.argument("project")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def import_command(project, files):
    """Import articles (.txt, .jsonl, .csv, .zip) into PROJECT in one transaction."""
    from flask import current_app

    from annotator.extensions import db
    from annotator.services.projects.projects import get_project
    from annotator.services.transfer.importing import import_files

    target = get_project(project)
    began = time.perf_counter()  # the whole import: reading, checking, inserting, committing
    loaded = []
    for path in files:
        try:
            loaded.append((os.path.basename(path), Path(path).read_bytes()))
        except OSError as exc:
            raise click.ClickException(f"{path}: cannot read ({exc.strerror}).") from None
    bars = []  # the bar starts with the inserts, so a bad file prints only its error line

    def progress(done, total):
        if not bars:
            bars.append(click.progressbar(length=max(total, 1), label="Importing", file=sys.stderr))
            bars[0].__enter__()
        bars[0].update(done - bars[0].pos)

    try:
        report = import_files(
            target,
            loaded,
            progress=progress,
            max_chars=current_app.config["IMPORT_MAX_TEXT_CHARS"],
            max_records=current_app.config["IMPORT_MAX_RECORDS"],
        )
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)
    db.session.commit()
    click.echo(f"{report.summary()} Done in {time.perf_counter() - began:.3f} s.")


@command("export")
@click.argument("project")
@click.option(
    "--format", "fmt", type=click.Choice(sorted(WRITERS)), default="jsonl", show_default=True
)
@click.option(
    "--content", type=click.Choice(["raw", "gold", "majority"]), default="raw", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--label", "labels", multiple=True, help="Only these labels (repeatable).")
@click.option("--annotator", "annotators", multiple=True, help="Only these annotators.")
@click.option("--done-only", is_flag=True, help="Only work on assignments marked done.")
@click.option("--soft-labels", is_flag=True, help="Per-character soft labels (jsonl).")
@click.option("--bundle", is_flag=True, help="A zip with the data and a dataset card.")
@click.option(
    "--raw-cells",
    is_flag=True,
    help="CSV: write cells starting with = + - @ verbatim (default: neutralised with a ').",
)
@click.option(
    "--label-columns",
    is_flag=True,
    help="CoNLL: one tag column per label, so nested spans are kept (default: one column).",
)
def export_command(
    project,
    fmt,
    content,
    output,
    labels,
    annotators,
    done_only,
    soft_labels,
    bundle,
    raw_cells,
    label_columns,
):
    """Export PROJECT's annotations to a file, streaming."""
    from annotator.services.projects.projects import get_project
    from annotator.services.transfer.exporting import (
        ExportRequest,
        Tally,
        count_documents,
        stream,
    )

    target = get_project(project)
    request = ExportRequest(
        fmt,
        content,
        list(annotators),
        list(labels),
        done_only,
        soft_labels,
        bundle,
        raw_cells,
        label_columns,
    )
    tally = Tally()
    began, size = time.perf_counter(), 0  # the export itself: reading, writing, the file
    chunks = stream(target, request, tally)
    total = count_documents(target, request)
    shown = 0.0
    with (
        open(output, "wb") as out,
        click.progressbar(
            length=max(total, 1), label=f"Exporting {fmt} (articles)", file=sys.stderr
        ) as bar,
    ):
        for chunk in chunks:
            out.write(chunk)
            size += len(chunk)
            now = time.perf_counter()
            if now - shown > 0.25:  # redraw a few times a second, not once per block
                bar.update(min(tally.documents, total) - bar.pos)
                shown = now
        bar.update(min(tally.documents, total) - bar.pos)
    seconds = time.perf_counter() - began
    for kind, n in sorted(tally.reductions.items()):
        if n:
            click.echo(f"Note: {n:,} {REDUCTIONS.get(kind, kind)}.", err=True)
    click.echo(
        f"Wrote {output} ({size:,} bytes): {tally.documents:,} articles, {tally.spans:,} spans. "
        f"Done in {seconds:.3f} s ({tally.spans / max(seconds, 1e-9):,.0f} spans/s)."
    )


REDUCTIONS = {
    "neutralised": "CSV cells starting with = + - @ tab or CR were prefixed with ' "
    "(--raw-cells writes them verbatim)",
    "nested": "span(s) nested in or overlapping another span could not be tagged in the single "
    "CoNLL column and were left out (--label-columns writes one column per label)",
    "merged": "overlapping span(s) of the same label were merged in their CoNLL column",
    "attributes_dropped": "attribute value(s) cannot be held by this format and were left out",
    "notes_dropped": "note(s) cannot be held by this format and were left out",
    "notes_flattened": "note(s) had line breaks written as spaces (brat notes are one line)",
    "attribute_values_changed": "attribute value(s) had spaces, | or , written as _ (brat)",
    "spans_dropped": "span(s) covering only line breaks cannot be shown in brat",
    "spans_trimmed": "span(s) beginning or ending with a line break lost it in brat",
    "links_dropped": "link attribute(s) pointed at a span outside the export and were dropped",
    "fragments_hulled": "discontinuous span(s) were written as one span from their first to "
    "their last fragment (this format cannot hold fragments; brat and jsonl keep them)",
}


@command("import-annotations")
@click.argument("project")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["doccano", "labelstudio", "brat", "ptc", "jsonl"]),
    required=True,
    help="ptc: a SemEval-2020 Task 11 folder (labels file and articles folder).",
)
@click.option(
    "--annotator", default=None, help="Annotator name (brat/doccano; default: from the file name)."
)
@click.option(
    "--as-gold",
    is_flag=True,
    help="Import the file's spans and answers as the project's gold (an adjudicated corpus).",
)
@click.option(
    "--offsets",
    type=click.Choice(["codepoints", "utf16"]),
    default="codepoints",
    show_default=True,
    help="What the file's offsets count (doccano/labelstudio): utf16 for JavaScript front ends.",
)
def import_annotations_command(project, files, fmt, annotator, as_gold, offsets):
    """Import articles WITH annotations from another tool into PROJECT (all or nothing)."""
    from annotator.extensions import db
    from annotator.services.projects.projects import get_project
    from annotator.services.transfer.annotation_import import import_annotation_files

    target = get_project(project)
    began = time.perf_counter()
    shown = [0.0]

    def progress(done, _total):  # the files are streamed: spans so far, a few times a second
        now = time.perf_counter()
        if now - shown[0] > 0.25:
            click.echo(f"\rImporting: {done:,} spans ({now - began:.1f} s)", err=True, nl=False)
            shown[0] = now

    click.echo(f"Reading {len(files)} {fmt} file(s)...", err=True)
    try:
        report = import_annotation_files(
            target,
            fmt,
            files,
            annotator=annotator,
            offsets=offsets,
            as_gold=as_gold,
            progress=progress,
        )
    finally:
        if shown[0]:
            click.echo("", err=True)
    db.session.commit()
    seconds = time.perf_counter() - began
    n = report.spans + report.gold_spans
    for line in report.lines():
        click.echo(line)
    click.echo(f"Done in {seconds:.3f} s ({n / max(seconds, 1e-9):,.0f} spans/s).")


COMMANDS = [import_command, export_command, import_annotations_command]
