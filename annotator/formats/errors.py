"""The one exception readers raise on bad input."""

from __future__ import annotations


class FormatError(ValueError):
    """Bad input in ``file`` at ``line`` (1-based; ``None`` when not line-oriented).

    ``str()`` reads like ``data.jsonl:3: label offset 10-5 is not a valid span``.
    """

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")
