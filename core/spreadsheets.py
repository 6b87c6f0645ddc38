"""Spreadsheet formula injection: the one rule for every CSV/XLSX the platform writes.

A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return
before one) as a formula; such cells are written with a leading apostrophe.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The cell as text, defused against spreadsheet formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
