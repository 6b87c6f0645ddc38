"""Logging filters named in settings.LOGGING."""
import logging


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
    """A 4xx answer (PermissionDenied, a bad request) is the client's fault: one line, no traceback."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
