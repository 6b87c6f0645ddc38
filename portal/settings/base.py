"""Settings shared by every environment.

Every external service is read from the environment and falls back to an
embedded default, so a fresh machine with only Python runs the portal:
SQLite, local-disk media, eager Celery tasks, the database search backend.
"""
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from . import storage
from .environment import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("SECRET_KEY", "insecure-embedded-default-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "portal.apps.SignInEmailConfig",  # allauth.account, named apart from the portal's accounts
    "core",
    "sitepages",
    "organizations",
    "audit",
    "accounts",
    "datasets",
    "enterprises",
    "apikeys",
    "access",
    "search",
    "datastore",
    "searchstats",
    "quality",
    "contributions",
    "harvest",
    "exchange",
    "evaluation",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages by their URL prefix; the API by `?lang=`, then Accept-Language (core.locale).
    "core.locale.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # RateLimit-* headers, 429 bodies and usage metering of API calls (apikeys).
    "apikeys.middleware.ApiUsageMiddleware",
    # Refusals at the door, inside the limiter so they carry RateLimit-* headers: over-long URLs
    # and control characters in any parameter (portal), API keys in the query string (apikeys).
    "core.input_guard.InputGuardMiddleware",
    "apikeys.url_keys.KeyInUrlMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts: django-allauth (sign-up with a verified email, login by username or email).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
# Failed logins, counted in the cache (Redis when REDIS_URL is set): per account and per client IP.
LOGIN_FAILURES_PER_ACCOUNT = int(env("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_IP = int(env("LOGIN_FAILURES_PER_IP", "20"))
LOGIN_FAILURES_WINDOW = env("LOGIN_FAILURES_WINDOW", "15m")
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_FAILURES_PER_IP}/{LOGIN_FAILURES_WINDOW}/ip,"
                    f"{LOGIN_FAILURES_PER_ACCOUNT}/{LOGIN_FAILURES_WINDOW}/key",
}
# Proxies in front of the portal that append to X-Forwarded-For (the client IP for rate limits).
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Enterprises: the business licence scan (PDF or image) and how long an invitation link works.
ENTERPRISE_LICENCE_MAX_BYTES = int(env("ENTERPRISE_LICENCE_MAX_BYTES", str(10 * 1024 * 1024)))
ENTERPRISE_INVITATION_MAX_AGE = 7 * 24 * 3600

# The data page's map: vendored boundary outlines work offline; a tile server (e.g.
# https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png) is drawn beneath them only when set,
# and core.security then lets the page load images from its host.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")

# Content-Security-Policy sent by core.security: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# Connections are kept a minute and checked before reuse (CONN_HEALTH_CHECKS), so the portal
# recovers by itself once a stopped database is back: no request is answered over a dead connection.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # An unreachable database host costs a request seconds, not the system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", int(env("DATABASE_CONNECT_TIMEOUT", "5")))
# What Retry-After says when the database is down or the disk is full (core.outages).
OUTAGE_RETRY_AFTER_SECONDS = int(env("OUTAGE_RETRY_AFTER_SECONDS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: this process's memory stands in until it answers again (core.caches).
            "BACKEND": "core.caches.RedisWithLocalFallback",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient",
                        "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: the broker, queues per kind of work, time limits, jobs and the beat schedule.
from .tasks import *  # noqa: E402,F401,F403

# Search: "database" (embedded) or "elasticsearch".
SEARCH_BACKEND = env("SEARCH_BACKEND", "database")
# One URL, or several separated by commas (the nodes of a cluster: a request to a node that is down is retried on another).
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", "portal")
# Analyzers of the Elasticsearch index; the text arrives normalized (search.normalizer), Han characters
# must stay single tokens as the standard tokenizer makes them.
SEARCH_ELASTICSEARCH_TEXT_ANALYZER = env("SEARCH_ELASTICSEARCH_TEXT_ANALYZER", "standard")
SEARCH_ELASTICSEARCH_SHINGLE_TOKENIZER = env("SEARCH_ELASTICSEARCH_SHINGLE_TOKENIZER", "standard")
# Each new index's primary shards (fixed once created: a change takes effect at the next rebuild_search_index)
# and replicas (also applied live to the current index by rebuild_search_index --replicas-only); see
# docs/deployment.md, "Elasticsearch cluster".
SEARCH_ELASTICSEARCH_SHARDS = int(env("SEARCH_ELASTICSEARCH_SHARDS", "1"))
SEARCH_ELASTICSEARCH_REPLICAS = int(env("SEARCH_ELASTICSEARCH_REPLICAS", "0"))
SEARCH_ELASTICSEARCH_TIMEOUT = float(env("SEARCH_ELASTICSEARCH_TIMEOUT", "5"))
# Query-time stems, synonyms and typo corrections (search.expansion); the benchmark compares both.
SEARCH_QUERY_EXPANSION = env_bool("SEARCH_QUERY_EXPANSION", True)
# Harvesting (harvest/fetcher.py): how long a source may take to answer, and how much it may send.
HARVEST_TIMEOUT_SECONDS = float(env("HARVEST_TIMEOUT_SECONDS", "60"))
HARVEST_MAX_BYTES = int(env("HARVEST_MAX_BYTES", str(512 * 1024**2)))
# Loopback, private and link-local addresses are refused (SSRF) unless this allows them.
HARVEST_ALLOW_PRIVATE_ADDRESSES = env_bool("HARVEST_ALLOW_PRIVATE_ADDRESSES", False)
# Records a harvest job writes per transaction (harvest/loader.py); a resumed job restarts after the last one.
HARVEST_BATCH_SIZE = int(env("HARVEST_BATCH_SIZE", "500"))
# A queued harvest job that has not started after this long (its message was lost: the broker was down)
# is queued again by the repair (harvest.repair).
HARVEST_STUCK_MINUTES = int(env("HARVEST_STUCK_MINUTES", "30"))
# The link check of link resources (quality/services/links.py): how often a link is checked again (seconds),
# how many links one run of the hourly beat checks, how long one connection or read may wait.
LINK_CHECK_INTERVAL = float(env("LINK_CHECK_INTERVAL", str(24 * 3600)))
LINK_CHECK_BATCH_SIZE = int(env("LINK_CHECK_BATCH_SIZE", "200"))
LINK_CHECK_TIMEOUT_SECONDS = float(env("LINK_CHECK_TIMEOUT_SECONDS", "10"))
# Links to loopback, private and link-local addresses count as broken (SSRF) unless this allows them.
LINK_CHECK_ALLOW_PRIVATE_ADDRESSES = env_bool("LINK_CHECK_ALLOW_PRIVATE_ADDRESSES", False)
# Timeliness (quality.timeliness): days before its due date a dataset is "due soon" (at most a quarter of
# its period); the daily digest's hour is with the beat schedule (portal/settings/tasks.py).
TIMELINESS_DUE_SOON_DAYS = int(env("TIMELINESS_DUE_SOON_DAYS", "7"))

# Files: local disk by default (Django's, refusing a full disk cleanly: core.stored_files), or an
# S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (portal/settings/storage.py).
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": storage.default_storage(os.environ),
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Uploads: the resource size limit (default 2 GiB) and where Django spools them.
RESOURCE_MAX_UPLOAD_BYTES = int(env("RESOURCE_MAX_UPLOAD_BYTES", str(2 * 1024**3)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Larger uploads are spooled here (default: the system's temporary directory); size it for the largest
# concurrent uploads: when it fills, the upload is refused with a 507 (docs/deployment.md).
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler", "core.uploads.SpoolingUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# What a compressed upload may hold (core/inspection.py, for every upload and every stored file a task
# reads): uncompressed size, compression ratio; for XLSX the shared strings (read whole) and the sheet size.
UPLOAD_MAX_UNZIPPED_BYTES = int(env("UPLOAD_MAX_UNZIPPED_BYTES", str(1024**3)))
UPLOAD_MAX_COMPRESSION_RATIO = int(env("UPLOAD_MAX_COMPRESSION_RATIO", "100"))
UPLOAD_MAX_SHARED_STRINGS_BYTES = int(env("UPLOAD_MAX_SHARED_STRINGS_BYTES", str(64 * 1024**2)))
UPLOAD_MAX_SHEET_ROWS = int(env("UPLOAD_MAX_SHEET_ROWS", "1048576"))
UPLOAD_MAX_SHEET_COLUMNS = int(env("UPLOAD_MAX_SHEET_COLUMNS", "1000"))
# The datastore reads a JSON file whole: above this size, a load asks for CSV instead.
DATASTORE_MAX_JSON_BYTES = int(env("DATASTORE_MAX_JSON_BYTES", str(256 * 1024**2)))
DATASTORE_COPY_CHUNK_BYTES = int(env("DATASTORE_COPY_CHUNK_BYTES", str(8 * 1024**2)))
# Columns the rows API is asked to filter or sort by at least DATASTORE_INDEX_MIN_USES times in the last
# DATASTORE_INDEX_USE_DAYS days get an index, the DATASTORE_POPULAR_INDEXES most used per table
# (after each load, and hourly: datastore.indexing).
DATASTORE_POPULAR_INDEXES = int(env("DATASTORE_POPULAR_INDEXES", "3"))
DATASTORE_INDEX_MIN_USES = int(env("DATASTORE_INDEX_MIN_USES", "20"))
DATASTORE_INDEX_USE_DAYS = int(env("DATASTORE_INDEX_USE_DAYS", "30"))
# How often each server process writes the uses it counted (kept in memory in between: a read writes nothing).
DATASTORE_USE_FLUSH_SECONDS = float(env("DATASTORE_USE_FLUSH_SECONDS", "60"))
# Enterprise contributions: file size, and when a submitted contribution whose task never started is queued again.
CONTRIBUTION_MAX_UPLOAD_BYTES = int(env("CONTRIBUTION_MAX_UPLOAD_BYTES", str(RESOURCE_MAX_UPLOAD_BYTES)))
CONTRIBUTION_STUCK_MINUTES = int(env("CONTRIBUTION_STUCK_MINUTES", "30"))
# In production the front web server sends the bytes (nginx X-Accel-Redirect).
DOWNLOAD_X_ACCEL_REDIRECT_PREFIX = env("DOWNLOAD_X_ACCEL_REDIRECT_PREFIX", "")
# With object storage the store sends the bytes: a download is answered by a redirect to a signed URL
# valid this long (seconds); 0 streams the object through Django instead. No effect on local files.
DOWNLOAD_PRESIGNED_URL_SECONDS = int(env("DOWNLOAD_PRESIGNED_URL_SECONDS", "60"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "opendata@localhost")
# Where e-mailed links point (the portal's public address, no trailing slash).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://localhost:8000")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apikeys.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "apikeys.authentication.UnclaimedAuthorization",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["apikeys.throttling.PlanRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PortalPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "core.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    # `format` is a catalog filter (resource format), not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
API_MAX_PAGE_SIZE = 100
# Longest URL (path and query string, percent-encoded) answered; longer is a 414. Front servers
# must pass request lines of at least this plus the method and protocol (README, "Request limits").
REQUEST_URL_MAX_BYTES = int(env("REQUEST_URL_MAX_BYTES", "8000"))

SPECTACULAR_SETTINGS = {
    "TITLE": "City Open Data Portal API",
    "DESCRIPTION": "Catalog, publishing and download API of the city's urban big data platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind", "status" or "state"; name their enums instead of letting a hash decide.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "datasets.models.Organization.Kind",
        "ResourceKindEnum": "datasets.models.Resource.Kind",
        "AccessApplicationStatusEnum": "access.models.AccessApplication.Status",
        "GrantStateEnum": "access.models.Grant.State",
        "DatasetStateEnum": "datasets.models.Dataset.State",
        "EnterpriseStatusEnum": "enterprises.models.EnterpriseProfile.Status",
        "ApiKeyStatusEnum": "apikeys.models.KeyStatus",
        "ContributionStatusEnum": "contributions.models.Status",
        "ContributionKindEnum": "contributions.models.Kind",
        "OpenGradeEnum": "datasets.models.OpenGrade",
    },
}

# API limits of callers without a key (per signed-in user, else per client IP);
# keys are limited by their plan. Counters live in Redis (none: limits and metering off).
APIKEYS_ANONYMOUS_LIMITS = {
    "burst_per_second": int(env("API_ANONYMOUS_BURST_PER_SECOND", "10")),
    "requests_per_minute": int(env("API_ANONYMOUS_REQUESTS_PER_MINUTE", "120")),
    "daily_quota": int(env("API_ANONYMOUS_DAILY_QUOTA", "10000")),
}
APIKEYS_REDIS_URL = env("APIKEYS_REDIS_URL", REDIS_URL)
# Behind a proxy, the META key holding the client's address (e.g. HTTP_X_REAL_IP).
APIKEYS_CLIENT_IP_META = env("APIKEYS_CLIENT_IP_META", "REMOTE_ADDR")

# Access lines (runserver's django.server) name the path without its query string, which may
# carry secrets; client errors (4xx, e.g. an ordinary PermissionDenied) log one line, no traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "without_query_string": {"()": "core.log_filters.WithoutQueryString"},
        "no_client_error_traceback": {"()": "core.log_filters.NoClientErrorTraceback"},
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}",
                          "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server",
                          "filters": ["without_query_string"]},
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["no_client_error_traceback"]},
        "django.security": {"filters": ["no_client_error_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
