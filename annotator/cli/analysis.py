"""``annotator agreement PROJECT [--json]``."""

from __future__ import annotations

import json
import sys

import click

from annotator.cli.base import command


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
    _decisions(report)
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


def _why(value, reason) -> str:
    return f"n/a ({reason})" if value is None and reason else _fmt(value)


def _decisions(report: dict) -> None:
    """Question, attribute and link agreement, and warnings."""
    for name, q in report.get("questions", {}).items():
        click.echo(
            f"question {name}: {q['level']} alpha {_why(q.get('alpha'), q.get('reason'))}, "
            f"kappa ({q['weights']}) {_why(q.get('kappa'), q.get('kappa_reason'))} "
            f"over {q['documents']} articles"
        )
    for part in ("attributes", "links"):
        for label, attrs in report.get(part, {}).items():
            for name, a in attrs.items():
                same = "n/a" if a.get("agreement") is None else f"{100 * a['agreement']:.0f}%"
                click.echo(
                    f"{part[:-1]} {label}.{name}: alpha {_why(a.get('alpha'), a.get('reason'))}, "
                    f"same value {same} over {a['pairs']} matched pairs"
                )
    for warning in report.get("warnings", []):
        click.echo(f"warning: {warning}")


def _f(value) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def print_metrics(metrics: dict | None) -> None:
    """The cross-validated table: the model beside the baselines on the same folds."""
    if not metrics:
        click.echo("No cross-validation (fewer articles than folds).")
        return
    model = metrics["model"]
    if "partial" not in model:  # sentence level
        click.echo(
            f"{'label':<28} {'P':>6} {'R':>6} {'F1':>6}  {'majority F1':>11} {'random F1':>9}"
        )
        for label, m in model["per_label"].items():
            major = metrics["majority"]["per_label"].get(label, {})
            rand = metrics["random"]["per_label"].get(label, {})
            click.echo(
                f"{label:<28} {_f(m['precision'])} {_f(m['recall'])} {_f(m['f1'])}  "
                f"{_f(major.get('f1')):>11} {_f(rand.get('f1')):>9}"
            )
        click.echo(
            f"{'macro F1':<28} {'':>6} {'':>6} {_f(model['macro_f1'])}  "
            f"{_f(metrics['majority']['macro_f1']):>11} "
            f"{_f(metrics['random']['macro_f1']):>9}"
        )
        return
    click.echo(f"{'label':<28} {'F1 exact':>9} {'F1 partial':>11} {'majority partial':>17}")
    rows = [*model["partial"]["per_label"].items(), ("(overall)", model["partial"])]
    for label, m in rows:
        exact = model["exact"] if label == "(overall)" else model["exact"]["per_label"][label]
        major = metrics["majority"]["partial"]
        major = major if label == "(overall)" else major["per_label"].get(label, {})
        click.echo(
            f"{label:<28} {_f(exact.get('f1')):>9} {_f(m.get('f1')):>11} {_f(major.get('f1')):>17}"
        )


@command("train")
@click.argument("project")
@click.option(
    "--level", type=click.Choice(["sentence", "span"]), default="sentence", show_default=True
)
@click.option("--folds", type=click.IntRange(2, 10), default=5, show_default=True)
def train_command(project, level, folds):
    """Train and cross-validate a baseline classifier on PROJECT's annotations."""
    from annotator.services.analysis.training import create_run, execute_run
    from annotator.services.projects.projects import get_project

    target = get_project(project)
    run = create_run(target, None, level, folds)
    with click.progressbar(length=folds + 1, label=f"Training ({level})", file=sys.stderr) as bar:

        def progress(done, total):
            bar.length = total
            bar.update(done - bar.pos)

        run = execute_run(run.id, progress=progress)
    if run.status != "finished":
        raise click.ClickException(f"Training failed: {run.error}")
    click.echo(
        f"Run {run.id}: model {run.model_path}; training data {run.sources} "
        f"(snapshot {run.training_hash[:12]})"
    )
    print_metrics(run.metrics)


COMMANDS = [agreement_command, train_command]
