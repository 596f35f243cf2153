"""(text, position, message) -> an error message that quotes the text with a caret line.

Every error about a user's string shows the string and points at the offending part, so
the user sees *where* without counting characters. Python's ``ast`` positions are UTF-8
byte offsets; this module turns them into character columns.
"""

from __future__ import annotations

import ast

from labkit.errors import SHOWN, ExpressionError

INDENT = "    "

def _window(line: str, start: int, stop: int) -> tuple[str, int, int]:
    """A long line cut to about SHOWN characters around ``start``; columns shifted."""
    if len(line) <= SHOWN:
        return line, start, stop
    first = max(0, min(start - SHOWN // 3, len(line) - SHOWN))
    last = first + SHOWN
    shown = line[first:last]
    offset = first
    if first > 0:
        shown, offset = "... " + shown, first - 4
    if last < len(line):
        shown += f" ... ({len(line)} characters)"
    return shown, start - offset, min(stop - offset, len(shown))


def _char_column(line: str, byte_offset: int) -> int:
    """The character column of a UTF-8 byte offset within ``line``."""
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def caret_block(
    text: str,
    lineno: int = 1,
    col: int = 0,
    end_lineno: int | None = None,
    end_col: int | None = None,
    *,
    byte_offsets: bool = True,
) -> str:
    """The line of ``text`` holding a position, indented, with ``^`` under the span.

    Positions follow ``ast``: 1-based line numbers, 0-based columns (UTF-8 byte offsets
    unless ``byte_offsets=False``). A span running past its first line is underlined to
    the end of that line. Single-line texts are quoted whole.

    >>> print(caret_block("v.__class__ > 0", 1, 1, 1, 11))
        v.__class__ > 0
         ^^^^^^^^^^
    """
    lines = text.split("\n") or [""]
    lineno = min(max(lineno, 1), len(lines))
    line = lines[lineno - 1]
    if byte_offsets:
        start = _char_column(line, col)
        stop = _char_column(line, end_col) if end_col is not None else start + 1
    else:
        start, stop = col, (end_col if end_col is not None else col + 1)
    if end_lineno is not None and end_lineno != lineno:
        stop = len(line)
    start = min(max(start, 0), len(line))
    stop = max(stop, start + 1)
    line, start, stop = _window(line, start, stop)
    stop = max(stop, start + 1)
    return f"{INDENT}{line}\n{INDENT}{' ' * start}{'^' * (stop - start)}"


def error_at(text: str, message: str, node: ast.AST | None = None, context: str | None = None):
    """An :class:`ExpressionError` for ``node`` in ``text``: message, quote and caret.

    >>> node = ast.parse("a + 'x'", mode="eval").body.right
    >>> print(error_at("a + 'x'", "strings are not allowed in expressions", node))
    strings are not allowed in expressions:
        a + 'x'
            ^^^
    """
    where = f" (in {context})" if context else ""
    if node is None or not hasattr(node, "lineno"):
        block = caret_block(text, 1, 0, 1, len(text.split("\n")[0].encode("utf-8")))
    else:
        block = caret_block(
            text, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset
        )
    return ExpressionError(f"{message}{where}:\n{block}")


def from_syntax_error(text: str, exc: SyntaxError, context: str | None = None):
    """Turn Python's own SyntaxError about ``text`` into an :class:`ExpressionError`.

    >>> print(from_syntax_error("v >", SyntaxError("invalid syntax", ("", 1, 4, "v >"))))
    invalid syntax:
        v >
           ^
    """
    where = f" (in {context})" if context else ""
    lineno = exc.lineno or 1
    lines = text.split("\n")
    line = lines[min(max(lineno, 1), len(lines)) - 1]
    # SyntaxError offsets are 1-based *character* columns; 0 means "at the end".
    col = exc.offset - 1 if exc.offset and exc.offset >= 1 else len(line)
    end_lineno = getattr(exc, "end_lineno", None)
    end_col = getattr(exc, "end_offset", None)
    if end_col is not None and end_col > 0 and end_lineno == lineno:
        end_col -= 1
    else:
        end_col = None
    block = caret_block(text, lineno, col, lineno, end_col, byte_offsets=False)
    return ExpressionError(f"{exc.msg or 'invalid syntax'}{where}:\n{block}")
