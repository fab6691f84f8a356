"""The CodestackError family: each maps to a one-line message and an exit code."""


class CodestackError(Exception):
    """An error the user can act on; ``exit_code`` 2 = bad usage or input."""

    exit_code = 2


class UsageError(CodestackError):
    exit_code = 2


class CheckFailed(CodestackError):
    """A check (verify, validate) found a problem: exit 1."""

    exit_code = 1


class ErrorBudgetExceeded(CheckFailed):
    """A build's stages failed on too many records (:mod:`pipeline.error_budget`): exit 1,
    nothing published, the staged rejects kept for inspection."""
