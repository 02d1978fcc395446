"""The wrapper that carries an expected error past Hydra to the runner, which prints it in one line."""

from __future__ import annotations


class ReportedError(BaseException):
    """Carries an expected error out of a Hydra job or callback.

    Hydra's job runner catches ``Exception`` and prints its own lines before
    re-raising, and its callback runner turns an ``Exception`` into a warning
    and carries on; a ``BaseException`` passes straight through to the runner,
    which prints the one line.
    """

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error
