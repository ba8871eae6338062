"""The one CSV writer every export uses: RFC 4180 with CRLF, spreadsheet formulas neutralised.

Pure Python, no Django. A cell of text that a spreadsheet would run as a formula (it starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; OWASP "CSV injection") gets a
leading single quote, so it reads as the text it is. Numbers, and text that is only a number
such as ``-12.5``, stay as they are.
"""

import csv
import re
from collections.abc import Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralised(value):
    """``value`` as a spreadsheet may safely read it (None becomes an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _Line:
    """A file-like object whose ``write`` hands the line back, so rows can be streamed."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Sequence, rows: Iterable[Sequence]) -> Iterator[str]:
    """The header and each row as one CSV line each, for a streaming response."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow([neutralised(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralised(cell) for cell in row])


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """The whole CSV as one string."""
    return "".join(csv_lines(header, rows))
