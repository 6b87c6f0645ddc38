"""gunicorn for the portal behind nginx on the same host (`gunicorn -c deploy/gunicorn.conf.py portal.wsgi`).

Every value can be changed through the environment (the systemd unit's EnvironmentFile),
so an operator edits /etc/portal/portal.env, not this file.
"""
import multiprocessing
import os


def _env_int(name, default):
    return int(os.environ.get(name) or default)


wsgi_app = "portal.wsgi:application"
bind = os.environ.get("PORTAL_WEB_BIND", "127.0.0.1:8000")
# Sync workers, the usual 2 x cores + 1: requests are short (downloads go to nginx via X-Accel-Redirect).
workers = _env_int("PORTAL_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1)
# A request still running after `timeout` seconds is a stuck worker: it is killed and replaced.
timeout = _env_int("PORTAL_WEB_TIMEOUT", 60)
# On SIGTERM / restart, requests in flight get this long to finish (systemd's TimeoutStopSec is longer).
graceful_timeout = _env_int("PORTAL_WEB_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to the upstream short; a little keep-alive saves a handshake per burst.
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound; jitter keeps them from all restarting at once.
max_requests = _env_int("PORTAL_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# As the README asks of a deployment: the portal's JSON 414 answers before gunicorn's own.
limit_request_line = 8190
# Heartbeat files in memory, not on a disk that may stall (and be read-only under ProtectSystem).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Only the local nginx may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("PORTAL_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr (the journal) unless a file is named.
accesslog = os.environ.get("PORTAL_WEB_ACCESS_LOG", "-")
errorlog = os.environ.get("PORTAL_WEB_ERROR_LOG", "-")
loglevel = os.environ.get("PORTAL_WEB_LOG_LEVEL", "info")
# The path only (%(U)s), never the query string (%(q)s, %(r)s) nor the referrer: either may carry an
# API key, a password-reset token or a search a citizen would not want kept. The client is nginx's
# X-Forwarded-For; %(B)s is the body size gunicorn sent (0 for an X-Accel-Redirect hand-off).
access_log_format = '%({x-forwarded-for}i)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
