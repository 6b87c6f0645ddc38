"""Logging filters named in settings.LOGGING."""
import logging

from .outages import outage_of


class WithoutQueryString(logging.Filter):
    """Drops the query string from runserver's access lines ('"GET /path?q HTTP/1.1" 200 12').

    Query strings may carry secrets (a key pasted into a URL, a reset token), and access logs
    are kept and shared far longer than the requests they record.
    """

    def filter(self, record):
        if record.args and isinstance(record.args[0], str):
            method, _, rest = record.args[0].partition(" ")
            target, space, protocol = rest.rpartition(" ") if " " in rest else (rest, "", "")
            record.args = (f"{method} {target.partition('?')[0]}{space}{protocol}", *record.args[1:])
        return True


class NoClientErrorTraceback(logging.Filter):
    """A 4xx answer (PermissionDenied, a bad request) is the client's fault: one line, no traceback.

    Nor does an outage (core.outages: the database or the object store down, the disk full) repeat its
    traceback on every request it stops: core.http_errors has logged one line naming the service.
    """

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", 500) < 500 or outage_of(error) is not None:
            record.exc_info = None
            record.exc_text = None
        return True
