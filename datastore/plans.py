"""What a load builds: each column's shown name, physical name, type (declared or to be found) and index.

The Table Schema (if any) declares types, missing-value markers and keys; the
keys it names (primary, unique, foreign, or `index: true`) are indexed after
the load, with the columns the rows API is asked for most (datastore.indexing).
"""
from . import types


def _names(value):
    """Field names of a key: one name or a list of them."""
    if isinstance(value, str):
        return [value]
    return [name for name in value if isinstance(name, str)] if isinstance(value, list) else []


class Plan:
    """Columns of the table to build: shown name, physical column, declared type or candidates, index."""

    def __init__(self, names, declared, missing, indexed, geometry_column, sample):
        self.names = names
        self.physical = [f"c{position}" for position in range(1, len(names) + 1)]
        self.missing = missing
        self.declared = {}
        self.candidates = {}
        self.indexed = [name for name in names if name in indexed]
        self.types = {}
        self.copied = False
        self.sampled_missing = set()
        for position, name in enumerate(names):
            self.sampled_missing.update(row[position] for row in sample if row[position] in missing)
            if name == geometry_column:
                self.types[name] = types.GEOMETRY
            elif name in declared:
                self.declared[name] = declared[name]
                if declared[name] in (types.STRING, types.GEOMETRY):
                    self.types[name] = declared[name]
                else:
                    self.candidates[name] = (declared[name],)
            else:
                values = [row[position] for row in sample if row[position] is not None and row[position] not in missing]
                self.candidates[name] = types.candidates_from_sample(values)
                if not self.candidates[name]:
                    self.types[name] = types.STRING

    def guess(self):
        """Types from the sample and the one marker COPY may read as NULL; None when no single marker serves."""
        markers = self.sampled_missing - {""}
        if len(markers) > 1:
            return None
        return {name: self.types.get(name) or self.candidates[name][0] for name in self.names}, (
            markers.pop() if markers else "")

    def columns(self):
        return [{"name": name, "type": self.types[name], "column": column}
                for name, column in zip(self.names, self.physical)]


def plan_for(source, table_schema):
    """The plan of a source's table: the types its file declares (Parquet), then its Table Schema's types, markers, keys."""
    declared, missing, indexed = dict(source.file_types), list(types.DEFAULT_MISSING_VALUES), set()
    if isinstance(table_schema, dict):
        for field in table_schema.get("fields") or []:
            if isinstance(field, dict) and isinstance(field.get("name"), str):
                kind = types.TABLE_SCHEMA_TYPES.get(str(field.get("type") or "string"), types.STRING)
                declared[field["name"]] = kind
                constraints = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
                if field.get("index") is True or constraints.get("unique") is True:
                    indexed.add(field["name"])
        if isinstance(table_schema.get("missingValues"), list):
            missing = [str(value) for value in table_schema["missingValues"]]
        indexed.update(_names(table_schema.get("primaryKey")))
        for foreign_key in table_schema.get("foreignKeys") or []:  # joined on, so looked up by
            if isinstance(foreign_key, dict):
                indexed.update(_names(foreign_key.get("fields")))
    return Plan(source.header, declared, missing, indexed, source.geometry_column, source.sample())
