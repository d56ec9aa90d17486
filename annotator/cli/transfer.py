"""``annotator export`` and ``annotator import-annotations``."""

from __future__ import annotations

import sys
import time

import click

from annotator.cli import command
from annotator.formats import WRITERS


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
def export_command(
    project, fmt, content, output, labels, annotators, done_only, soft_labels, bundle
):
    """Export PROJECT's annotations to a file, streaming."""
    from annotator.services.projects.projects import get_project
    from annotator.services.transfer.exporting import ExportRequest, Tally, stream

    target = get_project(project)
    request = ExportRequest(
        fmt, content, list(annotators), list(labels), done_only, soft_labels, bundle
    )
    tally = Tally()
    began, size = time.perf_counter(), 0  # the export itself: reading, writing, the file
    chunks = stream(target, request, tally)
    with (
        open(output, "wb") as out,
        click.progressbar(
            length=0, label=f"Exporting {fmt} (articles)", file=sys.stderr, show_pos=True
        ) as bar,
    ):
        for chunk in chunks:
            out.write(chunk)
            size += len(chunk)
            bar.update(tally.documents - bar.pos)
    seconds = time.perf_counter() - began
    click.echo(
        f"Wrote {output} ({size:,} bytes): {tally.documents:,} articles, {tally.spans:,} spans. "
        f"Done in {seconds:.3f} s ({tally.spans / max(seconds, 1e-9):,.0f} spans/s)."
    )


@command("import-annotations")
@click.argument("project")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format", "fmt", type=click.Choice(["doccano", "labelstudio", "brat", "jsonl"]), required=True
)
@click.option(
    "--annotator", default=None, help="Annotator name (brat/doccano; default: from the file name)."
)
def import_annotations_command(project, files, fmt, annotator):
    """Import articles WITH annotations from another tool into PROJECT (all or nothing)."""
    from annotator.extensions import db
    from annotator.services.projects.projects import get_project
    from annotator.services.transfer.annotation_import import (
        import_annotations,
        read_annotation_files,
    )

    target = get_project(project)
    documents = read_annotation_files(fmt, files, annotator=annotator)
    report = import_annotations(target, documents)
    db.session.commit()
    click.echo(report.summary())


COMMANDS = [export_command, import_annotations_command]
