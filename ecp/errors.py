"""The error hierarchy. Every message is French: it is what the user reads."""


class EcpError(Exception):
    """Base of every error the application reports to its user."""

    exit_code = 1


class InputError(EcpError):
    """Bad input: nothing was written. The CLI exits 2."""

    exit_code = 2


class ValidationError(InputError):
    """One or several problems found in a document or a file, each with its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems) if len(problems) <= 3 else
                         f"{len(problems)} erreurs, la première : {problems[0]}")


class PeriodLockedError(ValidationError):
    """Posting into a closed month (the problems list names it)."""


class NotFoundError(InputError):
    """A code or number that does not exist."""


class IntegrityFailure(EcpError):
    """The books fail a check (verify)."""
