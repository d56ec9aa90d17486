"""``annotator adjudicate PROJECT --min-votes M --match exact|overlap``: auto-merge into gold."""

from __future__ import annotations

import click

from annotator.cli.base import command


@command("adjudicate")
@click.argument("project")
@click.option(
    "--min-votes",
    type=click.IntRange(1, 100),
    default=None,
    help="Annotators who must agree (default: a strict majority of each article's annotators).",
)
@click.option(
    "--match", type=click.Choice(["exact", "overlap"]), default="exact", show_default=True
)
def adjudicate_command(project, min_votes, match):
    """Pre-fill gold for every article of PROJECT from its annotators' spans and answers.

    Running it again adds nothing twice and never re-adds gold a curator rejected.
    """
    from annotator.adjudication import MergeRule
    from annotator.extensions import db
    from annotator.services.curation.gold_merge import describe_unmerged, run_merge
    from annotator.services.projects.projects import get_project

    summary = run_merge(None, get_project(project), MergeRule(min_votes=min_votes, match=match))
    db.session.commit()
    rule = f"at least {min_votes}" if min_votes else "a majority of"
    click.echo(
        f"{summary['documents']} articles ({rule} annotators, {match} match): "
        f"{summary['gold_spans_added']} gold spans and {summary['gold_answers_added']} answers "
        f"added, {summary['open_questions']} answers left open (ties); "
        f"{summary['links_added']} links set, {summary['spans_with_disputes']} gold spans with "
        "split attribute votes left open."
    )
    for label, count in summary["per_label"].items():
        click.echo(f"  {label:<24} {count}")
    if summary["unmerged"]:
        click.echo(describe_unmerged(summary["unmerged"]).split(":")[0] + ":")
        for reason, count in summary["unmerged"].items():
            click.echo(f"  {reason:<24} {count}")


COMMANDS = [adjudicate_command]
