"""labkit's messages to the user -> the ``'labkit'`` logger, shown on stderr by default.

Brian2 tells the user, at INFO level, choices it made for them (which integration method
it picked); labkit does the same through :mod:`logging`, so the usual tools work:
``logging.getLogger('labkit').setLevel(logging.WARNING)`` silences it, and pytest's
``caplog`` sees the records. The handler is added on first use, not at import, and only
if the application has not given the ``'labkit'`` logger handlers of its own; its level
is INFO unless the user set another.

>>> get_logger().name
'labkit'
"""

from __future__ import annotations

import logging
import sys

__all__ = ["get_logger", "info", "warn", "BrianLogger"]

_configured = [False]


class _StderrHandler(logging.StreamHandler):
    """Writes to the *current* ``sys.stderr`` (notebooks and tests replace it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def get_logger() -> logging.Logger:
    """The ``'labkit'`` logger, with a stderr handler and INFO level unless set otherwise."""
    logger = logging.getLogger("labkit")
    if not _configured[0]:
        _configured[0] = True
        if not logger.handlers:
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("%(levelname)-10s %(message)s [%(name)s]"))
            logger.addHandler(handler)
    if logger.level == logging.NOTSET:  # not chosen by the user: show INFO, as Brian2
        logger.setLevel(logging.INFO)
    return logger


def info(message: str, topic: str) -> None:
    """Log ``message`` at INFO on ``labkit.<topic>`` (e.g. ``'method_choice'``)."""
    get_logger()
    logging.getLogger(f"labkit.{topic}").info(message)


def warn(message: str, topic: str) -> None:
    """Log ``message`` at WARNING on ``labkit.<topic>`` (e.g. ``'namespace'``)."""
    get_logger()
    logging.getLogger(f"labkit.{topic}").warning(message)


class BrianLogger:
    """Brian2's switches of what its log shows, for scripts that call them
    (``BrianLogger.log_level_info()``): they set the level of the ``'labkit'`` logger."""

    @staticmethod
    def log_level_debug() -> None:
        get_logger().setLevel(logging.DEBUG)

    @staticmethod
    def log_level_info() -> None:
        get_logger().setLevel(logging.INFO)

    @staticmethod
    def log_level_warn() -> None:
        get_logger().setLevel(logging.WARNING)

    @staticmethod
    def log_level_error() -> None:
        get_logger().setLevel(logging.ERROR)
