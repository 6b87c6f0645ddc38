"""Where stored files live, chosen by the environment alone: the local disk (MEDIA_ROOT) or an S3 bucket.

Setting AWS_STORAGE_BUCKET_NAME is what chooses a bucket (docs/deployment.md, "Object storage"); the
other variables describe the store. boto3 reads its own variables besides (AWS_CA_BUNDLE,
AWS_REQUEST_CHECKSUM_CALCULATION...). tests/test_object_storage.py builds its settings with these
functions from the environment of a private S3-compatible server.
"""
LOCAL_BACKEND = "core.stored_files.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
# An object being read is held in memory up to this size, then spooled to FILE_UPLOAD_TEMP_DIR
# (django-storages' S3File reads an object whole before the first byte; 0 would keep it all in memory).
S3_SPOOL_BYTES = 2 * 1024 * 1024


def default_storage(environ):
    """The STORAGES["default"] entry the environment asks for."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return {"BACKEND": environ.get("DEFAULT_FILE_STORAGE_BACKEND") or LOCAL_BACKEND}
    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        # "path" for most stores that are not AWS itself (no bucket name in the host).
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        # The bucket stays private: an object is only reached by a signed URL, given after the download checks.
        "querystring_auth": True,
        "default_acl": None,
        # As on the local disk: a taken name gets a suffix, another upload never replaces an object.
        "file_overwrite": False,
        "max_memory_size": int(environ.get("AWS_S3_MAX_MEMORY_SIZE") or S3_SPOOL_BYTES),
    }
    # Without them boto3 finds credentials itself (its environment variables, an instance role).
    for option, name in (("access_key", "AWS_ACCESS_KEY_ID"), ("secret_key", "AWS_SECRET_ACCESS_KEY")):
        if environ.get(name):
            options[option] = environ[name]
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
