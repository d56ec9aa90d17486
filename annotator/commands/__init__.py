"""CLI commands of the feature areas beyond the foundation (export, agreement, ...)."""


def all_commands() -> list:
    return []
