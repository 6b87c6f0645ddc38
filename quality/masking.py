"""A masked copy of a table: personal data in the chosen columns replaced by quality.pii.mask.

One writer for both uses: a contribution merged with masked columns, and a
resource version the platform masks for its publisher. CSV and TSV stay
delimited text with their own delimiter; XLSX, JSON and Parquet tables come out as CSV
(the masked copy is for download, not for keeping workbook formatting). The
copy is UTF-8 whatever the source encoding, and its text cells are defused
against spreadsheet formulas, as every file the platform writes.
"""
import csv
import os
import tempfile
from contextlib import contextmanager

from django.core.files import File

from core.spreadsheets import safe_cell

from . import pii
from .tables import Table


def _write(table, columns, text_columns, out):
    delimiter = table.delimiter if table.format in ("CSV", "TSV") else ","
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in table.header])
    masked = [index for index, name in enumerate(table.header) if name in columns]
    text = [index for index, name in enumerate(table.header) if name in text_columns]
    for _number, row in table.rows():
        row = list(row)
        for index in masked:
            if index < len(row):
                row[index] = pii.mask(row[index])
        for index in text:
            if index < len(row):
                row[index] = safe_cell(row[index])
        writer.writerow(row)


def masked_name(filename, fmt):
    """The file name of the masked copy: the same stem, .tsv for a TSV, .csv for anything else."""
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return f"{stem}.{'tsv' if fmt == 'TSV' else 'csv'}"


@contextmanager
def masked_upload(fileobj, fmt, columns, filename, schema=None):
    """The masked copy as an upload for datasets.services (a File named `masked_name`), removed afterwards.

    `schema` (a Table Schema descriptor) says which columns hold text: only those are defused, so numbers
    such as -5 keep their sign. Rows stream from the source to a temporary file: memory stays flat.
    """
    types = {field.get("name"): field.get("type", "string") for field in (schema or {}).get("fields", [])}
    table = Table(fileobj, fmt)
    text_columns = {name for name in table.header if types.get(name, "string") == "string"}
    handle, path = tempfile.mkstemp(suffix=".masked")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            _write(table, set(columns), text_columns, out)
        with open(path, "rb") as stored:
            upload = File(stored, name=masked_name(filename, fmt))
            upload.size = os.path.getsize(path)
            yield upload
    finally:
        os.unlink(path)
