"""``annotator quality-item``, ``annotator quality`` and ``annotator reliability``: training
and control items, annotators' standing and competence, from the command line."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from annotator.cli.base import command


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@command("quality-item")
@click.argument("project")
@click.argument("external_id")
@click.argument("purpose", type=click.Choice(["training", "control", "work"]))
def quality_item_command(project, external_id, purpose):
    """Make article EXTERNAL_ID of PROJECT a training or control item (or real work again)."""
    from annotator.extensions import db
    from annotator.models import Document
    from annotator.services.errors import NotFound
    from annotator.services.projects.projects import get_project
    from annotator.services.quality.items import set_purpose

    found = get_project(project)
    document = db.session.execute(
        select(Document).where(Document.project_id == found.id, Document.external_id == external_id)
    ).scalar_one_or_none()
    if document is None:
        raise NotFound(f"No article {external_id!r} in project {found.name!r}.")
    set_purpose(None, found, document, purpose)
    db.session.commit()
    click.echo(f"{external_id}: {purpose}")


@command("quality")
@click.argument("project")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def quality_command(project, as_json):
    """Each annotator's training state and control accuracy (95% Wilson interval)."""
    from annotator.services.projects.projects import get_project
    from annotator.services.quality import control, training

    found = get_project(project)
    standing = {s["username"]: s for s in training.standing(found)}
    rows = []
    for acc in control.overview(found):
        rows.append({**standing[acc["username"]], **acc})
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    click.echo(f"{'annotator':<16} {'training':<16} {'control':>8} {'95% CI':>17} {'n':>4}  flags")
    for r in rows:
        flags = " ".join(f for f in ("flagged", "paused") if r[f])
        ci = f"[{_fmt(r['low'])}, {_fmt(r['high'])}]"
        click.echo(
            f"{r['username']:<16} {r['state']:<16} {_fmt(r['accuracy']):>8} {ci:>17} "
            f"{r['n']:>4}  {flags}"
        )


@command("reliability")
@click.argument("project")
@click.option(
    "--method",
    type=click.Choice(["dawid_skene", "mace", "majority"]),
    default="dawid_skene",
    show_default=True,
)
def reliability_command(project, method):
    """Annotators' competence per question and sentence label (Dawid-Skene, MACE)."""
    from annotator.services.projects.projects import get_project
    from annotator.services.quality.reliability import competence_table

    table = competence_table(get_project(project), method)
    click.echo(json.dumps(table, indent=2))


COMMANDS = [quality_item_command, quality_command, reliability_command]
