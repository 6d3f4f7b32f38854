"""The error hierarchy. Every message is French: it is what the user reads.

An error about one input says which one: ``field`` is the name of the façade parameter it is
about (``customer``, ``day``, ``lines``…), ``line`` the 1-based line of a multi-line input,
``code`` a stable machine code. The TUI places the message next to the widget of ``field``;
the CLI names its own flag for ``field``. Messages never name a CLI flag or a widget.
"""

from __future__ import annotations


class EcpError(Exception):
    """Base of every error the application reports to its user."""

    exit_code = 1

    def __init__(self, message: str = "", *, field: str | None = None, line: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
        self.code = code or (f"{field}.invalid" if field else "error")


class InputError(EcpError):
    """Bad input: nothing was written. The CLI exits 2."""

    exit_code = 2


class ValidationError(InputError):
    """One or several problems found in a document or a file, each with its place.

    ``errors`` keeps the structured problems (field, line) when they are known."""

    def __init__(self, problems: list[str], errors: list[InputError] | None = None) -> None:
        self.problems = problems
        self.errors = errors or []
        first = self.errors[0] if self.errors else None
        super().__init__("; ".join(problems) if len(problems) <= 3 else
                         f"{len(problems)} erreurs, la première : {problems[0]}",
                         field=first.field if first else None,
                         line=first.line if first else None,
                         code=first.code if first else "validation")


class PeriodLockedError(ValidationError):
    """Posting into a closed month (the problems list names it)."""


class NotFoundError(InputError):
    """A code or number that does not exist."""


class IntegrityFailure(EcpError):
    """The books fail a check (verify)."""
