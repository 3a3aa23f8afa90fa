"""Errors a user can cause: printed as one line, never a traceback."""


class ParityError(Exception):
    """A problem with the user's project or input (exit status 1)."""

    exit_code = 1


class UsageError(ParityError):
    """Bad command-line usage (exit status 2)."""

    exit_code = 2


class ScanError(ParityError):
    """The project cannot be read (no manage.py, two candidates, unparsable settings...)."""


class DockerError(ParityError):
    """The Docker engine is missing, or a build or run failed."""
