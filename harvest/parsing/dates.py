"""Dates as the real catalogs write them -> ISO 8601 text the dataset services take.

Seen in the catalogs under ../shared/data/catalogs: `2019-05-01T10:00:00.000Z`, `2019-05-01T10:00:00-04:00`,
`2019-05-01T10:00:00.123456` (no zone), `2019-05-01`, a bare year `2019` (data.json `modified`),
`2017/09/12` and `2017/05/22 20:26` (data.gov.tw), plus the basic forms `20190501` and `20190501T100000Z`
and `2019-05-01 10:00:00`. DCAT-US catalogs sometimes put a repeating period (`R/P1D`) in `modified`:
that says how often, not when, so it is no date.
"""
import datetime
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from core.datetimes import check_storable_datetime

UTC = datetime.UTC
TAIPEI = ZoneInfo("Asia/Taipei")

# Year, month, day, then an optional time and zone; "-" or "/" between the date's parts, or none.
DATE = re.compile(
    r"^(?P<y>\d{4})(?:(?P<sep>[-/]?)(?P<m>\d{2})(?:(?P=sep)(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$",
    re.IGNORECASE,
)
PERIOD = re.compile(r"^R\d*/", re.IGNORECASE)


def _zone(text, default):
    if not text:
        return default
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0)))


def parse(value, zone=UTC):
    """The aware datetime a catalog's date text names, or None when it names none.

    A value without a zone is read in `zone` (the source's own time zone); a year or a month alone is its
    first day. A period (`R/P1Y`), free text, or an impossible or unstorable date gives None.
    """
    text = str(value or "").strip()
    match = DATE.match(text) if text and not PERIOD.match(text) else None
    if not match:
        return None
    parts = match.groupdict()
    try:
        moment = datetime.datetime(
            int(parts["y"]), int(parts["m"] or 1), int(parts["d"] or 1), int(parts["H"] or 0),
            int(parts["M"] or 0), int(parts["S"] or 0), int((parts["f"] or "0").ljust(6, "0")),
            tzinfo=_zone(parts["zone"], zone),
        )
        return check_storable_datetime(moment)
    except (ValueError, OverflowError, ValidationError):
        return None


def map_date(record, field, value, zone=UTC):
    """ISO 8601 text for Record.data (None without a date); the field's outcome is noted on the record.

    An absent value has no outcome; one that is not a date is "dropped" and its reason noted.
    """
    if value in (None, "") or not str(value).strip():
        return None
    moment = parse(value, zone)
    if moment is None:
        reason = "a repeating period, not a date" if PERIOD.match(str(value).strip()) else "not a date"
        record.notes.append(f"{field} dropped ({reason})")
        record.field_outcomes[field] = "dropped"
        return None
    record.field_outcomes[field] = "mapped"
    return moment.isoformat()
