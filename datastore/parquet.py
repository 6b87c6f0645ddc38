"""Parquet files as tables: their own column types, read a record batch at a time with pyarrow.

A Parquet file says what type each column is, so nothing is guessed: Arrow's
types map onto the datastore's (`datastore_type`) and, when every column's
type fits what the Table Schema declares (`direct_types`), the batches go to
the database as typed arrays (datastore.arrow_writes) without becoming text.
Otherwise, and for the quality report, `rows()` gives text cells like every
other reader. Reading is bounded by the row groups, which core.inspection
checked at upload (and checks again here) against the unzipped-size limits.
"""
import datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.utils.translation import gettext as _

from core import inspection

from . import types

BATCH_ROWS = 65_536
TEXT_SLICE_ROWS = 2048
# Types that become another without checking each value (declared -> what the file holds).
WIDENINGS = {(types.NUMBER, types.INTEGER), (types.DATETIME, types.DATE), (types.GEOMETRY, types.STRING)}
ARROW_TARGETS = {
    types.INTEGER: pa.int64(), types.NUMBER: pa.float64(), types.BOOLEAN: pa.bool_(), types.DATE: pa.date32(),
    types.DATETIME: pa.timestamp("us", tz="UTC"), types.STRING: pa.large_string(), types.GEOMETRY: pa.large_string(),
}
# What Python's datetime (and so the rows API) can show: years 1-9999, as Arrow stores them.
_EPOCH = datetime.datetime(1970, 1, 1)
STORABLE_DAYS = ((datetime.datetime(1, 1, 1) - _EPOCH).days, (datetime.datetime(9999, 12, 31) - _EPOCH).days)
STORABLE_MICROSECONDS = tuple(
    (moment - _EPOCH) // datetime.timedelta(microseconds=1)
    for moment in (datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)))


class ParquetError(Exception):
    """The Parquet file cannot be read; the message says why, for the publisher."""


def datastore_type(arrow_type):
    """The datastore type of an Arrow column type (anything without a counterpart is text)."""
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pa.types.is_boolean(arrow_type):
        return types.BOOLEAN
    if pa.types.is_integer(arrow_type):
        return types.INTEGER
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return types.NUMBER
    if pa.types.is_date(arrow_type):
        return types.DATE
    if pa.types.is_timestamp(arrow_type):
        return types.DATETIME
    return types.STRING


def _unreadable(error):
    return ParquetError(_("无法读取 Parquet 文件：%(error)s") % {"error": error})


class ParquetTable:
    """An opened Parquet file: `names` (as stored), `file_types` (datastore types), batches and text rows."""

    def __init__(self, fileobj):
        try:
            inspection.check_parquet(fileobj)
            self._file = pq.ParquetFile(fileobj)
            schema = self._file.schema_arrow
        except inspection.Refused as error:
            raise ParquetError(str(error)) from None
        except (pa.ArrowException, OSError, ValueError) as error:
            raise _unreadable(error) from None
        self.names = list(schema.names)
        self.file_types = [datastore_type(field.type) for field in schema]
        self.num_rows = self._file.metadata.num_rows

    def batches(self):
        """Record batches of the whole file, in order; a damaged page is a ParquetError where it is met."""
        try:
            yield from self._file.iter_batches(batch_size=BATCH_ROWS, use_threads=False)
        except (pa.ArrowException, OSError, ValueError) as error:
            raise _unreadable(error) from None

    def text_rows(self):
        """Every row as a list of text cells (None for null): the typed values, written the way datastore.types reads them."""
        for batch in self.batches():
            for start in range(0, batch.num_rows, TEXT_SLICE_ROWS):  # a sample needs only the first slice
                arrays = typed_arrays(batch.slice(start, TEXT_SLICE_ROWS), self.names, self.file_types, ())
                for row in zip(*(array.to_pylist() for array in arrays)):
                    yield [types.as_text(value) for value in row]

    def direct_types(self, names, declared):
        """[type per column] when every column can be stored as the file types it, else None.

        `names` are the shown (cleaned) names in file order; a declared type wins when the file's
        type widens to it without a check per value (an integer column declared number, say).
        """
        chosen = []
        for name, file_type in zip(names, self.file_types):
            wanted = declared.get(name, file_type)
            if wanted != file_type and wanted != types.STRING and (wanted, file_type) not in WIDENINGS:
                return None  # e.g. text declared integer: every value must be checked, as text
            chosen.append(wanted)
        return chosen


def _python_values(column):
    try:
        return column.to_pylist()
    except (pa.ArrowException, ValueError, OverflowError):  # a timestamp beyond Python's years, say
        return pc.cast(column, pa.large_string()).to_pylist()


def typed_arrays(batch, names, column_types, missing):
    """The batch's columns as Arrow arrays of their storage types (ARROW_TARGETS), `column_types` in file order.

    Missing-value markers in text columns become nulls, as they do in every other format, and so
    do NaN and infinities (no JSON can carry them).
    """
    arrays = []
    for name, column, wanted in zip(names, batch.columns, column_types):
        try:
            arrays.append(_convert(column, wanted, missing))
        except (pa.ArrowException, ValueError, OverflowError) as error:
            raise ParquetError(_("列“%(column)s”无法存为 %(type)s 类型：%(error)s")
                               % {"column": name, "type": wanted, "error": error}) from None
    return arrays


def _convert(column, wanted, missing):
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    target = ARROW_TARGETS[wanted]
    if wanted in (types.STRING, types.GEOMETRY):
        column = _as_text(column, target)
        if missing:
            column = pc.if_else(pc.is_in(column, value_set=pa.array(missing, target)), None, column)
        return column
    column = pc.cast(column, target)
    if wanted == types.NUMBER:
        return pc.if_else(pc.is_finite(column), column, None)
    if wanted in (types.DATE, types.DATETIME) and column.null_count < len(column):
        _check_years(column)
    return column


def _as_text(column, target):
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(target)
    if datastore_type(column.type) != types.DATETIME:  # times are written the way every other reader writes them
        try:
            return pc.cast(column, target)
        except pa.ArrowNotImplementedError:  # lists, structs...: written the way the JSON reader writes them
            pass
    return pa.array([types.as_text(value) for value in _python_values(column)], target)


def _check_years(column):
    """Refuse times outside years 1-9999, which PostgreSQL would store but nothing could show."""
    if pa.types.is_date(column.type):
        low, high = STORABLE_DAYS
        numbers = column.cast(pa.int32())
    else:
        low, high = STORABLE_MICROSECONDS
        numbers = column.cast(pa.int64())
    bounds = pc.min_max(numbers)
    if bounds["min"].as_py() < low or bounds["max"].as_py() > high:
        raise ValueError(_("有超出 1 到 9999 年的时间。"))
