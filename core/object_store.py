"""The object store as a service, when the default storage is an S3 bucket (portal/settings/storage.py).

Which of its errors mean it cannot serve now (core.outages answers them with a 503, as a database
outage) and the cheap probe /healthz makes. The S3 backend is the optional s3 extra: botocore is
imported only once the default storage is a bucket, so a portal on local disk never needs it.
"""
from django.conf import settings
from django.core.files.storage import default_storage

# django-storages' S3 backend, under its name and its older one.
S3_BACKENDS = frozenset({"storages.backends.s3.S3Storage", "storages.backends.s3boto3.S3Boto3Storage"})
# Error codes of a store that is overloaded or down, whatever HTTP status it sends with them.
BUSY_CODES = frozenset({"ServiceUnavailable", "SlowDown"})
# /healthz waits this long on the store, once: a dead store shows at once instead of after boto3's retries.
PROBE_TIMEOUT_SECONDS = 2


def in_use():
    return settings.STORAGES["default"]["BACKEND"] in S3_BACKENDS


def unavailable(error):
    """Whether `error` is the store not answering: no connection, a timeout, a connection dropped
    (botocore's ConnectionError and HTTPClientError families), or its own 5xx / ServiceUnavailable / SlowDown.
    A refusal (403, 404, a bad request) is not an outage."""
    if not in_use():
        return False
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(error, (ConnectionError, HTTPClientError)):
        return True
    if not isinstance(error, ClientError):
        return False
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return status >= 500 or error.response.get("Error", {}).get("Code") in BUSY_CODES


def probe():
    """HEAD the bucket once with the storage's own credentials and endpoint, within PROBE_TIMEOUT_SECONDS."""
    from botocore.config import Config

    storage = default_storage
    config = storage.client_config.merge(Config(
        connect_timeout=PROBE_TIMEOUT_SECONDS, read_timeout=PROBE_TIMEOUT_SECONDS,
        retries={"total_max_attempts": 1}))
    client = storage._create_session().client(  # the session the storage's connections come from
        "s3", region_name=storage.region_name, use_ssl=storage.use_ssl, endpoint_url=storage.endpoint_url,
        verify=storage.verify, config=config)
    client.head_bucket(Bucket=storage.bucket_name)
