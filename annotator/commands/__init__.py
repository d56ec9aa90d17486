"""CLI commands of the feature areas beyond the foundation (export, agreement, ...)."""


def all_commands() -> list:
    from annotator.commands import adjudicate, agreement, backup, export, train

    return [
        *export.COMMANDS,
        *agreement.COMMANDS,
        *backup.COMMANDS,
        *adjudicate.COMMANDS,
        *train.COMMANDS,
    ]
