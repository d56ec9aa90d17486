"""``annotator agreement PROJECT [--json]``."""

from __future__ import annotations

import json

import click

from annotator.cli import command


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@command("agreement")
@click.argument("project")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option("--bootstrap", default=500, show_default=True, type=click.IntRange(0, 10000))
def agreement_command(project, as_json, bootstrap):
    """Inter-annotator agreement for PROJECT."""
    from annotator.services.analysis.agreement import report_for
    from annotator.services.projects.projects import get_project

    report = report_for(get_project(project), n_boot=bootstrap)
    report.pop("document_ids", None)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    if report.get("status") != "ok":
        click.echo(report.get("reason", "not enough data"))
        return
    summary = report["summary"]
    click.echo(
        f"{summary['documents']} articles, {len(summary['annotators'])} annotators, "
        f"{summary['spans']} spans"
    )
    click.echo(
        f"{'label':<20} {'u-alpha':>8} {'c-alpha':>8} {'95% CI':>17} {'F1 exact':>9} "
        f"{'F1 part.':>9}"
    )
    rows = [("(all)", report["overall"]), *report.get("per_label", {}).items()]
    for name, r in rows:
        ci = r.get("character_alpha_ci") or [None, None]
        click.echo(
            f"{name:<20} {_fmt(r.get('unitizing_alpha')):>8} "
            f"{_fmt(r.get('character_alpha')):>8} "
            f"{'[' + _fmt(ci[0]) + ', ' + _fmt(ci[1]) + ']':>17} "
            f"{_fmt(r.get('span_f1_exact')):>9} {_fmt(r.get('span_f1_partial')):>9}"
        )
    gold = report.get("gold")
    if gold:
        click.echo("against gold:")
        for who, r in gold.get("per_annotator", gold).items():
            if isinstance(r, dict):
                click.echo(
                    f"  {who:<18} F1 exact {_fmt(r.get('f1_exact'))} "
                    f"partial {_fmt(r.get('f1_partial'))} "
                    f"alpha {_fmt(r.get('character_alpha'))} ({r.get('documents', 0)} articles)"
                )


COMMANDS = [agreement_command]
