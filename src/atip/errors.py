"""One error hierarchy: each class carries its exit code; the CLI prints the message on one line."""

from __future__ import annotations


class AtipError(Exception):
    """Base of every error atip reports to the user instead of a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RefusedError(AtipError):
    """A rule of the law or of the record forbids the operation (exit 1)."""

    exit_code = 1


class NotFoundError(RefusedError):
    """An unknown reference, annex or article (exit 1)."""


class InputError(AtipError):
    """Bad input: a malformed date, a broken file, an invalid setting (exit 2)."""

    exit_code = 2


class WorkspaceError(InputError):
    """No workspace, or one that cannot be read (exit 2)."""


class DatabaseError(AtipError):
    """The database cannot be opened or is of another schema (exit 1)."""

    exit_code = 1
