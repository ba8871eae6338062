"""The one CSV writer: RFC 4180 lines, and text a spreadsheet would run as a formula neutralised."""

import subprocess
import sys

import pytest

from forewarn.csvexport import csv_lines, csv_text, neutralised


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1"),
        ("+31 20 123 4567", "'+31 20 123 4567"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),
        ("-3", "-3"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-7, -7),
        (2.5, 2.5),
    ],
)
def test_formulas_are_neutralised_and_numbers_kept(cell, written):
    assert neutralised(cell) == written


def test_rows_are_crlf_lines_quoted_as_rfc_4180_says():
    header = ["id", "description"]
    rows = [[1, 'said "hello", then left'], [2, '=HYPERLINK("http://x")'], [3, None]]
    assert list(csv_lines(header, rows)) == [
        "id,description\r\n",
        '1,"said ""hello"", then left"\r\n',
        '2,"\'=HYPERLINK(""http://x"")"\r\n',
        "3,\r\n",
    ]
    assert csv_text(header, rows) == "".join(csv_lines(header, rows))


@pytest.mark.parametrize("module", ["forewarn.csvexport", "forewarn.record.kinds"])
def test_pure_modules_load_no_django(module):
    script = (
        f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")
