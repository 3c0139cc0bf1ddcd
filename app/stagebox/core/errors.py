"""Errors that carry a plain-words cause and fix, and the exit code the CLI uses for them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # the operation ran and failed (JACK did not start, a write was refused)
    BAD_INPUT = 2  # the input cannot be used (missing/binary/huge file, bad argument)
    INTERRUPTED = 130


class StageboxError(Exception):
    """An expected failure: one line naming the cause, optionally the fix.

    The CLI prints ``message`` (and ``fix`` on a second line) instead of a traceback.
    """

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return self.message if not self.fix else f"{self.message}\n  fix: {self.fix}"


class InputError(StageboxError):
    """Input that cannot be used at all: exit code 2."""

    exit_code = ExitCode.BAD_INPUT
