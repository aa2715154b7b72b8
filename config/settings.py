"""Settings for Timeline, driven by environment variables (12-factor).

Safe defaults: DEBUG off, SQLite in the project folder, hosts limited to loopback.
Set DATABASE_URL=postgres://... for PostgreSQL.
"""

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

logger = logging.getLogger(__name__)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be an integer >= {minimum}: {raw!r}")
    return value


DEBUG = env_bool("DJANGO_DEBUG")

# No secret lives in the repository. Without DJANGO_SECRET_KEY a random key is
# made per process: fine for tests, but sessions do not survive a restart
# (`make demo` writes a persistent key to .secret_key, which git ignores).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "corpus",
    "timeline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The site and the admin speak the reader's language (cookie set by the
    # language switch, else Accept-Language); URLs stay the same in both.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}

# SQLite only: statements run on each new connection, separated by ";", e.g.
# "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536" for a large
# read-mostly file (bench/api.py sets this). Unset: SQLite's own defaults.
SQLITE_INIT_COMMAND = os.environ.get("DATABASE_SQLITE_INIT_COMMAND", "")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take the lock when their transaction begins and wait for it
    # (DATABASE_SQLITE_TIMEOUT seconds): a deferred transaction that reads
    # and then writes fails at once with "database is locked" when another
    # thread or worker writes meanwhile, which answered a 503.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=float(os.environ.get("DATABASE_SQLITE_TIMEOUT", "20")),
    )
if SQLITE_INIT_COMMAND and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = SQLITE_INIT_COMMAND

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_BACKENDS = {
    "db": "django.core.cache.backends.db.DatabaseCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}
CACHE_OPTIONS = {"max_entries": int, "cull_frequency": int}


def cache_from_url(url: str) -> dict:
    """A CACHES entry from a URL: `db://<table>`, `locmem://`, `file:///<dir>`,
    `redis://host:port/db`, `memcached://host:port`, `dummy://`. Query
    parameters `max_entries`, `cull_frequency` (OPTIONS) and `timeout`."""
    parts = urlsplit(url)
    backend = CACHE_BACKENDS.get(parts.scheme)
    if backend is None:
        known = ", ".join(f"{scheme}://" for scheme in CACHE_BACKENDS)
        raise ImproperlyConfigured(f"DJANGO_CACHE_URL {url!r}: use one of {known}")
    query = dict(parse_qsl(parts.query))
    unknown = set(query) - {*CACHE_OPTIONS, "timeout"}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise ImproperlyConfigured(f"DJANGO_CACHE_URL {url!r}: unknown {names}")
    config: dict = {"BACKEND": backend}
    if parts.scheme == "db":
        config["LOCATION"] = parts.netloc or "timeline_cache"
    elif parts.scheme == "file":
        config["LOCATION"] = parts.path
    elif parts.scheme in ("redis", "rediss"):
        config["LOCATION"] = parts._replace(query="").geturl()
    elif parts.scheme == "memcached":
        config["LOCATION"] = parts.netloc.split(",")
    elif parts.scheme == "locmem":
        config["LOCATION"] = parts.netloc
    options = {
        name: CACHE_OPTIONS[name](value)
        for name, value in query.items()
        if name in CACHE_OPTIONS
    }
    if options:
        config["OPTIONS"] = options
    if "timeout" in query:
        config["TIMEOUT"] = int(query["timeout"])
    return config


# One cache all workers (and app servers) share: the API throttle counts in
# it, and a per-process cache would let each gunicorn worker grant the full
# rate. By default a table in the database (migration 0009 creates it);
# point DJANGO_CACHE_URL at Redis or memcached when the database should not
# take a write per anonymous request.
CACHES = {"default": cache_from_url(os.environ.get("DJANGO_CACHE_URL", "db://"))}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests and the demo serve static files without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Cookies are only marked Secure when the site is served over HTTPS.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS deployments: redirect plain HTTP and send HSTS. Both off by default
# (the demo and the tests run on plain HTTP; HSTS is hard to take back).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (trusted only
# when the proxy strips it from clients).
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# History records keep the whole reason for a change (a rejection's reason, a
# deletion's): the default 100-character column refused longer ones with a
# database error on PostgreSQL, and cutting them would lose what editors read.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Where `load_seeds` reads from when no --dir is given.
SEEDS_DIR = BASE_DIR / "seeds"

# The REST API. Anonymous consumers are throttled (TIMELINE_API_ANON_RATE, in
# DRF's "number/period" form) per client address; authenticated users are not.
# The address is REMOTE_ADDR unless TIMELINE_TRUSTED_PROXIES reverse proxies
# (each appending to X-Forwarded-For) stand in front: a header the client sent
# itself must not pick its own throttle bucket.
TRUSTED_PROXIES = env_int("TIMELINE_TRUSTED_PROXIES", 0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write is then a 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["timeline.api.throttling.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("TIMELINE_API_ANON_RATE", "600/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXIES,
    "URL_FORMAT_OVERRIDE": "format",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Timeline API",
    "DESCRIPTION": (
        "Source-linked, dated events in China's healthcare, biotech and AI "
        "industry. Every date is EDTF with derived bounds: an event occupies "
        "the closed interval [lower, upper]; open ends are null in JSON. "
        "Anonymous requests see published events only and are throttled to "
        + os.environ.get("TIMELINE_API_ANON_RATE", "600/minute")
        + " per client address (HTTP 429 beyond): the connecting address, or "
        "the X-Forwarded-For hop written by a trusted reverse proxy."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "timeline.models.Event.Status",
        "ModalityEnum": "timeline.models.Event.Modality",
        "PrecisionEnum": "timeline.models.Event.Precision",
        "EntityKindEnum": "timeline.models.Entity.Kind",
    },
}
