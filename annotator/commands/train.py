"""``annotator train PROJECT [--level sentence|span] [--folds 5]``."""

from __future__ import annotations

import sys

import click

from annotator.cli import command


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


COMMANDS = [train_command]
