"""CLI commands of the feature areas beyond the foundation (export, agreement, ...)."""


def all_commands() -> list:
    from annotator.commands import agreement, backup, export

    return [*export.COMMANDS, *agreement.COMMANDS, *backup.COMMANDS]
