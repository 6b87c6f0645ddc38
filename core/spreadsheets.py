"""Spreadsheet formula injection: the one rule for every CSV/XLSX the platform writes.

A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return
before one) as a formula; such cells are written with a leading apostrophe.
The rule is written twice from the same prefixes: in Python for rows written
here, and in SQL for rows the database writes itself (COPY ... TO STDOUT).
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The cell as text, defused against spreadsheet formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _sql_string(text):
    return "'" + text.replace("'", "''") + "'"  # standard SQL: tab and CR stand for themselves


FORMULA_PREFIXES_SQL = "(" + ", ".join(_sql_string(prefix) for prefix in FORMULA_PREFIXES) + ")"


def safe_cell_sql(expression):
    """SQL (PostgreSQL and SQLite alike) for safe_cell of a text `expression`; NULL stays NULL."""
    return f"CASE WHEN substr({expression}, 1, 1) IN {FORMULA_PREFIXES_SQL} THEN '''' || {expression} ELSE {expression} END"
