"""Validating a tabular file (a contribution, a resource version): format, encoding, Table Schema checks, personal data, row changes.

frictionless handles the Table Schema side (checking a target descriptor,
inferring one from a sample of rows); the row checks themselves run in this
module's own streaming loop, guided by the schema, because frictionless'
per-cell parsing is too slow for million-row files (see bench/README.md).
Memory stays flat whatever the size: rows stream, and the keys and row
hashes that uniqueness, duplicate-row and change checks need go to a
temporary SQLite file, not to Python sets.

The report is plain JSON: counts per error type with the first examples
and their row numbers, warnings (columns entirely empty: the file stays
valid), the header, row and column counts, a preview.
"""
import os
import sqlite3

from django.utils.translation import gettext as _

from core import inspection, jobs, uploads

from . import pii
from .cells import constraint_checks, type_checker
from .tables import TABULAR_FORMATS, Table, Unreadable

EXAMPLES = 5
PREVIEW_ROWS = 20
PREVIEW_CELL = 200
INFER_ROWS = 500
PROGRESS_EVERY = 50_000
BATCH = 10_000


# --- the schema ------------------------------------------------------------------

def check_descriptor(descriptor):
    """A frictionless Schema for a Table Schema descriptor, or Unreadable saying what is wrong with it."""
    from frictionless import FrictionlessException, Schema

    try:
        return Schema.from_descriptor(descriptor)
    except FrictionlessException as error:
        raise Unreadable(_("目标资源的表结构无效：%(error)s") % {"error": error}) from None


def infer_schema(header, sample):
    """A Table Schema inferred by frictionless from the first rows (labels as they are)."""
    from frictionless import Resource

    names = [label or f"field{position}" for position, label in enumerate(header, start=1)]
    width = len(names)
    data = [names] + [(row + [""] * width)[:width] for row in sample]
    resource = Resource(data=data)
    resource.infer()
    descriptor = resource.schema.to_descriptor()
    for field, label in zip(descriptor["fields"], header):
        field["name"] = label or field["name"]
    return descriptor


# --- collecting errors -------------------------------------------------------------

class Errors:
    def __init__(self):
        self.counts = {}
        self.examples = {}

    def add(self, kind, row=None, field=None, cell=None, message=""):
        self.counts[kind] = self.counts.get(kind, 0) + 1
        examples = self.examples.setdefault(kind, [])
        if len(examples) < EXAMPLES:
            example = {"row": row, "message": message}
            if field is not None:
                example["field"] = field
            if cell is not None:
                example["cell"] = str(cell)[:PREVIEW_CELL]
            examples.append(example)

    def as_report(self):
        return {kind: {"count": count, "examples": self.examples.get(kind, [])}
                for kind, count in sorted(self.counts.items())}


class HashStore:
    """(group, hash, row) triples in a temporary SQLite file: duplicates found by SQL, not in memory."""

    def __init__(self, scratch):
        self.path = jobs.scratch_file(scratch, ".sqlite3")  # named after the job: a killed run's is found
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-16000; PRAGMA temp_store=FILE;"
            "CREATE TABLE seen (grp TEXT, h INTEGER, row INTEGER, v INTEGER);"
        )
        self.pending = []

    def add(self, group, key, row, value=0):
        self.pending.append((group, key, row, value))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        self.db.executemany("INSERT INTO seen VALUES (?, ?, ?, ?)", self.pending)
        self.pending = []

    def duplicates(self, group):
        """(count of rows repeating an earlier one, the first such row numbers)."""
        self.flush()
        query = (
            "SELECT s.row FROM seen s JOIN (SELECT h, MIN(row) AS first FROM seen WHERE grp = ? GROUP BY h "
            "HAVING COUNT(*) > 1) d ON s.h = d.h AND s.row > d.first WHERE s.grp = ? ORDER BY s.row"
        )
        rows = [row for (row,) in self.db.execute(query, (group, group))]
        return len(rows), rows[:EXAMPLES]

    def close(self):
        self.db.close()
        os.unlink(self.path)


def _hash(values):
    return hash(tuple(values))


# --- the validator -------------------------------------------------------------------

def _label_errors(errors, header, schema_fields):
    seen = set()
    for position, label in enumerate(header, start=1):
        if not label.strip():
            errors.add("blank-label", row=1, field=str(position), message=_("第 %(n)d 列没有列名。") % {"n": position})
        elif label in seen:
            errors.add("duplicate-label", row=1, field=label, message=_("列名重复：%(label)s。") % {"label": label})
        seen.add(label)
    if schema_fields is None:
        return
    expected = [field.name for field in schema_fields]
    for position, name in enumerate(expected, start=1):
        if position > len(header):
            errors.add("missing-label", row=1, field=name, message=_("缺少列：%(name)s。") % {"name": name})
        elif header[position - 1] != name:
            errors.add("incorrect-label", row=1, field=name, cell=header[position - 1],
                       message=_("第 %(n)d 列应为 %(name)s。") % {"n": position, "name": name})
    for label in header[len(expected):]:
        errors.add("extra-label", row=1, field=label, message=_("多出的列：%(label)s。") % {"label": label})


def _empty_columns(names, empty):
    """Columns without a single filled cell: a warning (the file stays valid; a column may be kept for later)."""
    warnings = Errors()
    for index in sorted(empty):
        warnings.add("empty-column", field=names[index], message=_("%(field)s 列全部为空。") % {"field": names[index]})
    return warnings.as_report()


def _preview_row(row):
    return [cell[:PREVIEW_CELL] for cell in row]


def validate_table(fileobj, fmt, target_schema=None, progress=None, scratch="contribution"):
    """The report for a tabular file, its personal-data counts, and the schema used."""
    table = Table(fileobj, fmt)
    header = table.header
    rows = table.rows()
    sample = []
    for item in rows:
        sample.append(item)
        if len(sample) >= INFER_ROWS:
            break
    if target_schema:
        schema = check_descriptor(target_schema)
        descriptor, schema_source = target_schema, "target"
    else:
        descriptor = infer_schema(header, [row for _number, row in sample])
        schema, schema_source = check_descriptor(descriptor), "inferred"
    fields = list(schema.fields)
    errors = Errors()
    _label_errors(errors, header, fields if schema_source == "target" else None)

    width = len(fields)
    names = [field.name for field in fields]
    required = [bool((field.constraints or {}).get("required")) for field in fields]
    unique = [index for index, field in enumerate(fields) if (field.constraints or {}).get("unique")]
    key_indexes = [names.index(name) for name in (schema.primary_key or []) if name in names]
    # (index, name, type check or None, constraint checks) of the fields with something to check per cell.
    checked = [(index, field.name, type_checker(field), constraint_checks(field)) for index, field in enumerate(fields)]
    checked = [item for item in checked if item[2] or item[3]]
    empty = set(range(width))  # columns no row has filled yet: soon none, so the check costs nothing after
    scanner = pii.Scanner(header)
    store = HashStore(scratch)
    preview, count = [], 0

    def stream():
        yield from sample
        yield from rows

    try:
        for number, row in stream():
            count += 1
            if len(preview) < PREVIEW_ROWS:
                preview.append(_preview_row(row))
            if not any(cell.strip() for cell in row):
                errors.add("blank-row", row=number, message=_("空行。"))
                continue
            if len(row) != width:
                if len(row) > width:
                    errors.add("extra-cell", row=number, cell=row[width],
                               message=_("有 %(got)d 个单元格，应为 %(want)d 个。") % {"got": len(row), "want": width})
                else:
                    errors.add("missing-cell", row=number, field=names[len(row)],
                               message=_("有 %(got)d 个单元格，应为 %(want)d 个。") % {"got": len(row), "want": width})
                row = (row + [""] * width)[:width]
            for index, name, checker, constraints in checked:
                cell = row[index]
                if not cell:
                    continue
                if checker and not checker(cell):
                    errors.add("type-error", row=number, field=name, cell=cell,
                               message=_("%(field)s 应为 %(type)s 类型。") % {"field": name, "type": fields[index].type})
                    continue
                for constraint, limit, passes in constraints:
                    if not passes(cell):
                        errors.add("constraint-error", row=number, field=name, cell=cell,
                                   message=_("%(field)s 不满足约束 %(constraint)s：%(limit)s。")
                                   % {"field": name, "constraint": constraint, "limit": limit})
            if empty:
                empty.difference_update([index for index in empty if row[index].strip()])
            for index, needed in enumerate(required):
                if needed and not row[index]:
                    errors.add("constraint-error", row=number, field=names[index], message=_("必填字段为空。"))
            for index in unique:
                if row[index]:
                    store.add(f"u{index}", hash(row[index]), number)
            if key_indexes:
                store.add("pk", _hash(row[i] for i in key_indexes), number)
            store.add("row", _hash(row), number)
            scanner.scan(row)
            if progress and count % PROGRESS_EVERY == 0:
                progress(count)
        for row_number in table.encoding_errors:
            errors.add("encoding-error", row=row_number,
                       message=_("第 %(line)d 行不是 %(encoding)s 编码。") % {"line": row_number, "encoding": table.encoding})
        for group, kind, label in ([("row", "duplicate-row", None), ("pk", "primary-key-error", None)]
                                   + [(f"u{i}", "unique-error", names[i]) for i in unique]):
            if group == "pk" and not key_indexes:
                continue
            total, examples = store.duplicates(group)
            for row_number in examples:
                errors.add(kind, row=row_number, field=label, message=_("与前面的行重复。"))
            if total > len(examples):
                errors.counts[kind] += total - len(examples)
    finally:
        store.close()
    report = {
        "format": fmt, "encoding": table.encoding, "header": header, "rows": count, "columns": len(header),
        "schema": descriptor, "schema_source": schema_source, "errors": errors.as_report(),
        "warnings": _empty_columns(names, empty) if count else {}, "preview": preview, "valid": not errors.counts,
    }
    return report, scanner.result()


def validate_file(fileobj, filename, target_schema=None, progress=None, scratch="contribution"):
    """(report, pii) for any contributed file; a file that cannot be read gets a report saying why."""
    fileobj.seek(0)
    head = fileobj.read(uploads.SNIFF_BYTES)
    fileobj.seek(0)
    try:
        fmt, _media_type = uploads.detect_format(head, filename)
    except Exception as error:  # an empty file: ValidationError with the reason
        return fatal_report("", getattr(error, "messages", [str(error)])[0]), {}
    try:
        if fmt == "GEOJSON" or fmt not in TABULAR_FORMATS:
            inspection.check_contents(fileobj, fmt)
            return {"format": fmt, "tabular": False, "valid": True, "errors": {}}, {}
        return validate_table(fileobj, fmt, target_schema, progress, scratch)  # an XLSX is checked as it opens
    except (Unreadable, inspection.Refused) as error:
        return fatal_report(fmt, str(error)), {}
    except Exception as error:  # noqa: BLE001 - a damaged XLSX fails deep inside openpyxl, mid-stream
        if fmt != "XLSX":
            raise
        return fatal_report(fmt, _("无法读取 XLSX 文件：%(error)s") % {"error": error}), {}


def fatal_report(fmt, message):
    return {"format": fmt, "valid": False, "fatal": message,
            "errors": {"unreadable": {"count": 1, "examples": [{"row": None, "message": message}]}}}


# --- row-level changes between two versions -----------------------------------------

def row_changes(old_file, new_file, fmt_old, fmt_new, key_fields=None, scratch="contribution"):
    """Rows added, removed and changed from the old version to the new one.

    By the primary key when the schema has one (a changed row keeps its key),
    else by whole-row comparison (a changed row counts as one removed and one
    added). Both files stream through a temporary SQLite file.
    """
    old, new = Table(old_file, fmt_old), Table(new_file, fmt_new)
    store = HashStore(scratch)
    try:
        for group, table in (("old", old), ("new", new)):
            indexes = [table.header.index(name) for name in key_fields or [] if name in table.header]
            if key_fields and len(indexes) != len(key_fields):
                indexes = []
            for number, row in table.rows():
                whole = _hash(row)
                store.add(group, _hash(row[i] for i in indexes if i < len(row)) if indexes else whole, number, whole)
        store.flush()
        db = store.db
        db.executescript("CREATE INDEX seen_grp_h ON seen (grp, h);")
        added = db.execute("SELECT COUNT(*) FROM seen n WHERE grp='new' AND NOT EXISTS "
                           "(SELECT 1 FROM seen o WHERE o.grp='old' AND o.h=n.h)").fetchone()[0]
        removed = db.execute("SELECT COUNT(*) FROM seen o WHERE grp='old' AND NOT EXISTS "
                             "(SELECT 1 FROM seen n WHERE n.grp='new' AND n.h=o.h)").fetchone()[0]
        changed = db.execute("SELECT COUNT(*) FROM seen n JOIN seen o ON o.grp='old' AND o.h=n.h "
                             "WHERE n.grp='new' AND o.v != n.v").fetchone()[0]
    finally:
        store.close()
    return {"added": added, "removed": removed, "changed": changed,
            "by": "primary_key" if key_fields else "row", "key": list(key_fields or [])}
