"""The exceptions of the `assay` package.

They carry the same located messages as the command line. ``AssayError`` is the caller's
mistake or configuration (the command line's exit 2); ``ManifestError`` a manifest that does not
lint clean, located at its first error; ``DataError`` data that could not be read (exit 3). An
interrupted run raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import json
from typing import Any


class AssayError(Exception):
    """A call that could not run: a wrong argument, resource or setting (exit 2)."""


class ManifestError(AssayError):
    """A manifest that is not lint-clean, or a folder without one.

    ``file``, ``line`` and ``column`` locate the first error (1-based); ``diagnostics`` lists
    every error as dicts with ``file``, ``line``, ``column``, ``severity``, ``code``,
    ``message`` and ``hint``.
    """

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        diagnostics: str | list[dict[str, Any]] = "[]",
    ) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.diagnostics: list[dict[str, Any]] = (
            json.loads(diagnostics) if isinstance(diagnostics, str) else list(diagnostics)
        )


class DataError(AssayError):
    """Data that could not be read: a store that refused, a table whose stream failed (exit 3)."""
