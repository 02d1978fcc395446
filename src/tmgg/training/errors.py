"""Errors a run reports in one line instead of a traceback.

The three classes form one small hierarchy, so they share a file: runners catch
``TmggError`` and print its message; the subclasses say whose fault it was.
"""

from __future__ import annotations


class TmggError(Exception):
    """Base class of the errors a runner reports as one line and exit status 2."""


class ConfigError(TmggError, ValueError):
    """The composed config cannot run: a wrong type, an unknown key, a model larger than the data.

    The message names the offending key, e.g. ``model.net.k=64 is larger than the
    graph: data has 20 nodes``.
    """


class TrainingError(TmggError, RuntimeError):
    """Training finished but its results cannot be trusted, e.g. a metric is not finite."""
