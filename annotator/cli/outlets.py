"""``annotator analyse PROJECT``, the outlet table (list, set, merge) and story keys."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from annotator.cli.base import command


def _fmt(value, digits=3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


@command("analyse")
@click.argument("project")
@click.option("--content", type=click.Choice(["gold", "majority", "raw"]), default="gold")
@click.option("--by", type=click.Choice(["outlet", "leaning"]), default="outlet")
@click.option("--annotator", default=None, help="Only this annotator's work (content raw).")
@click.option("--json", "as_json", is_flag=True, help="The whole report as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="One row per measure and group as CSV.")
@click.option("--bootstrap", default=1000, show_default=True, type=click.IntRange(0, 10000))
@click.option("--permutations", default=999, show_default=True, type=click.IntRange(0, 100000))
@click.option("--seed", default=20, show_default=True, type=int)
def analyse_command(
    project, content, by, annotator, as_json, as_csv, bootstrap, permutations, seed
):
    """Per outlet (or leaning): span and label rates, question means, 95% bootstrap
    intervals and between-group permutation tests (Holm-corrected)."""
    from annotator.analysis import table_rows
    from annotator.analysis.report import COLUMNS
    from annotator.services.analysis.outlets import analysis_for
    from annotator.services.projects.projects import get_project

    if as_json and as_csv:
        raise click.UsageError("Choose one of --json and --csv.")
    report = analysis_for(
        get_project(project),
        content=content,
        by=by,
        annotator=annotator,
        n_boot=bootstrap,
        n_perm=permutations,
        seed=seed,
    )
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    rows = table_rows(report)
    if as_csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(
        f"{report['articles']} articles by {by} ({content}); "
        + ", ".join(f"{g['name']}: {g['articles']}" for g in report["groups"])
    )
    for reason, count in sorted(report["excluded"].items()):
        click.echo(f"left out: {count} articles ({reason})")
    click.echo(f"{'measure':<44} {'group':<22} {'n':>5} {'rate':>9} {'95% CI':>21} {'p(Holm)':>8}")
    for row in rows:
        ci = f"[{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]"
        click.echo(
            f"{row['measure'][:44]:<44} {row['group'][:22]:<22} {row['articles']:>5} "
            f"{_fmt(row['estimate']):>9} {ci:>21} {_fmt(row['p_holm']):>8}"
        )
    click.echo(report["test"]["method"])
    click.echo("p(Holm): " + report["test"]["correction"])
    if report["test"]["note"]:
        click.echo(report["test"]["note"])


@command("outlets")
@click.argument("project")
@click.option("--json", "as_json", is_flag=True)
def outlets_command(project, as_json):
    """List PROJECT's outlets with aliases, leaning and article counts."""
    from annotator.services.projects.outlets import project_outlets
    from annotator.services.projects.projects import get_project

    rows = project_outlets(get_project(project).id)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(
            f"{row['id']:>5} {row['name']:<30} {row['leaning'] or '-':<13} "
            f"{row['articles']:>6}  {', '.join(row['aliases'])}"
        )


@command("outlet-set")
@click.argument("project")
@click.argument("outlet_id", type=int)
@click.option("--name", default=None)
@click.option("--leaning", default=None)
@click.option("--rating-source", default=None)
def outlet_set_command(project, outlet_id, name, leaning, rating_source):
    """Rename an outlet or set its leaning and rating-source note."""
    from annotator.extensions import db
    from annotator.services.projects.outlets import update_outlet
    from annotator.services.projects.projects import get_project

    outlet = update_outlet(
        get_project(project), outlet_id, name=name, leaning=leaning, rating_source=rating_source
    )
    db.session.commit()
    click.echo(f"Outlet {outlet.id}: {outlet.name} ({outlet.leaning or 'no leaning'})")


@command("outlet-merge")
@click.argument("project")
@click.argument("source_id", type=int)
@click.argument("target_id", type=int)
def outlet_merge_command(project, source_id, target_id):
    """Merge outlet SOURCE_ID into TARGET_ID (its names become aliases)."""
    from annotator.extensions import db
    from annotator.services.projects.outlets import merge_outlets
    from annotator.services.projects.projects import get_project

    target, moved = merge_outlets(get_project(project), source_id, target_id)
    db.session.commit()
    click.echo(f"Merged into {target.name}: {moved} articles moved.")


@command("set-stories")
@click.argument("project")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def set_stories_command(project, file):
    """Set story keys in bulk from a CSV with columns id,story (an empty story clears)."""
    from annotator.extensions import db
    from annotator.services.errors import ServiceError
    from annotator.services.projects.outlets import set_stories
    from annotator.services.projects.projects import get_project

    reader = csv.DictReader(file)
    if not reader.fieldnames or not {"id", "story"} <= set(reader.fieldnames):
        raise ServiceError(f"{file.name}:1: the CSV header needs 'id' and 'story' columns.")
    stories = {}
    for record in reader:
        if not record.get("id"):
            raise ServiceError(f"{file.name}:{reader.line_num}: empty id.")
        stories[record["id"].strip()] = record.get("story") or ""
    count = set_stories(get_project(project), stories)
    db.session.commit()
    click.echo(f"Set the story of {count} articles.", file=sys.stdout)


COMMANDS = [
    analyse_command,
    outlets_command,
    outlet_set_command,
    outlet_merge_command,
    set_stories_command,
]
