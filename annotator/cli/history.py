"""``annotator audit-log PROJECT [--format csv|jsonl] [--annotator U] [--since T] [--until T]``."""

from __future__ import annotations

import click

from annotator.cli.base import command


@command("audit-log")
@click.argument("project")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option("--annotator", default="", help="Only this user's changes.")
@click.option("--since", default="", help="From this UTC date or time (2026-01-31T09:00).")
@click.option("--until", default="", help="Up to this UTC date or time.")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def audit_log_command(project, fmt, annotator, since, until, output):
    """Every span change of PROJECT (who, when, before/after) as CSV or JSONL."""
    from annotator.services.projects.history import HistoryFilter, export_lines
    from annotator.services.projects.projects import get_project

    filters = HistoryFilter.from_args({"annotator": annotator, "since": since, "until": until})
    for line in export_lines(get_project(project), filters, fmt):
        output.write(line)


COMMANDS = [audit_log_command]
