"""Spreadsheet formula injection: the one rule for every CSV/XLSX the platform writes.

A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return
before one) as a formula; such cells are written with a leading apostrophe.
The rule is written twice from the same prefixes: in Python for rows written
here, and in SQL for rows PostgreSQL writes itself (COPY ... TO STDOUT).
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The prefixes' code points: PostgreSQL's ascii() of a text is its first character's (0 for ''),
# an integer test that costs far less per cell than comparing substrings.
FORMULA_CODES_SQL = "(" + ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES) + ")"


def safe_cell(value):
    """The cell as text, defused against spreadsheet formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_cell_sql(expression):
    """PostgreSQL SQL for safe_cell of a text `expression`; NULL stays NULL."""
    return f"CASE WHEN ascii({expression}) IN {FORMULA_CODES_SQL} THEN '''' || {expression} ELSE {expression} END"
