"""Outages told apart from bugs: a database or an object store that stopped answering, a disk that filled up.

None is the client's fault nor a defect of the code, and all pass: clients get
a 503 (database, object store) or a 507 (storage) with `Retry-After` instead of a 500,
and the log gets one line naming the service instead of a traceback per request.
core.http_errors answers them outside views, core.exceptions inside the API.
"""
import errno
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _

from . import object_store

# "No space left on device", "File too large" (a file size limit), "Disk quota exceeded".
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
# SQLSTATE classes of a database that cannot serve now: connection exceptions, insufficient
# resources (too many connections), operator intervention (shutdown, starting up, query cancelled).
UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")


@dataclass(frozen=True)
class Outage:
    service: str
    status: int
    code: str
    title: str
    message: str


DATABASE = Outage("database", 503, "service_unavailable", _("服务暂时不可用"),
                  _("数据库暂时不可用，请稍后再试。"))
OBJECT_STORE = Outage("object_store", 503, "service_unavailable", _("服务暂时不可用"),
                      _("文件存储暂时不可用，请稍后再试。"))
STORAGE = Outage("storage", 507, "insufficient_storage", _("存储空间不足"),
                 _("存储空间不足，文件未能保存。请稍后再试，或联系平台管理员。"))


def is_disk_full(error):
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS


def _database_unavailable(error):
    if isinstance(error, InterfaceError):
        return True  # the connection is gone (closed under us)
    if not isinstance(error, OperationalError):
        return False
    # psycopg's own error is the cause; it has no SQLSTATE when the server could not be reached.
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(UNAVAILABLE_SQLSTATE_CLASSES)


def outage_of(error):
    """The Outage an exception stands for, or None if it is an ordinary error (a bug: a 500)."""
    if _database_unavailable(error):
        return DATABASE
    if is_disk_full(error):
        return STORAGE
    if object_store.unavailable(error):
        return OBJECT_STORE
    return None


def retry_after():
    """Seconds a client should wait before trying again, for the Retry-After header."""
    return str(settings.OUTAGE_RETRY_AFTER_SECONDS)


def log_line(outage, error):
    """What the log says of an outage: the service and the error's first line, never the SQL."""
    first_line = (str(error).strip().splitlines() or [""])[0][:200]
    return f"{outage.service} unavailable ({type(error).__name__}: {first_line})"
