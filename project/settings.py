"""The one settings module, driven by environment variables.

Defaults give a local development set-up (SQLite, debug on). Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the app refuses to start "
            "without a secret key: set DJANGO_SECRET_KEY to a long random string."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "seizures",
    "destruction",
    "compliance",
    # Last, so that its post-migrate role sync sees every app's permissions.
    "project",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "project.navigation.navigation",
            ],
            "builtins": ["project.templatetags.users"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Evidence files are private: kept outside the web root and served only through a
# permission-checked view, never under a public URL.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/private-media/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a request without credentials gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["project.api.ActionPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "project.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "project.api.exception_handler",
    # Behind a reverse proxy, the number of proxies in X-Forwarded-For, so that rate limits
    # apply to the client's address rather than the proxy's.
    "NUM_PROXIES": int(os.environ["DJANGO_NUM_PROXIES"])
    if "DJANGO_NUM_PROXIES" in os.environ
    else None,
    "DEFAULT_THROTTLE_RATES": {
        "verify": os.environ.get("VERIFY_RATE", "30/minute"),
        "token": "20/minute",
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Infringing Goods Tracker API",
    "DESCRIPTION": (
        "Seizures, storage, destruction and certificates of destruction of IP-infringing goods."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets sharing a field name ("status") get their own component names.
    "ENUM_NAME_OVERRIDES": {
        "CertificateStatusEnum": "destruction.models.CertificateStatus",
        "HazardClassEnum": "seizures.categories.HazardClass",
        "CountryEnum": "seizures.validation.COUNTRY_CHOICES",
        "SamplePurposeEnum": "seizures.models.SamplePurpose",
        "DestructionMethodEnum": "destruction.methods.Method",
        "OrderStatusEnum": "destruction.models.OrderStatus",
        "EvidenceKindEnum": "destruction.models.EvidenceFile.Kind",
    },
}

# The cache holds the rate-limit counters (token, verification). In memory it is per process;
# DJANGO_CACHE_DIR shares it between the gunicorn workers of one host.
CACHE_DIR = os.environ.get("DJANGO_CACHE_DIR", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": CACHE_DIR}
        if CACHE_DIR
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# --- Domain settings -------------------------------------------------------------------------

# The public address printed on certificates (QR code and verification URL).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Storage ageing: a lot in storage longer than this is listed as a long stay (digest X-CC-05d).
LONG_STAY_ALARM_DAYS = int(os.environ.get("LONG_STAY_ALARM_DAYS", "180"))

# Cross-app hooks, called by dotted path so that imports keep pointing one way
# (compliance -> destruction -> seizures). Empty: no check runs.
# STORAGE_PLACEMENT_CHECK(placements, *, actor) -> for each (lot, location) of the batch, a list
#   of finding dicts (rule, severity, message, source); a "blocking" finding refuses the batch.
STORAGE_PLACEMENT_CHECK = "compliance.services.check_placements"
# DESTRUCTION_COMPLIANCE_CHECK(order, *, stage, actor) -> a stored check with .verdict and
#   .findings; stage is "submit", "approve" or "record".
DESTRUCTION_COMPLIANCE_CHECK = "compliance.services.check_order"

# Compliance parameters the digest marks as inferred; the rulebook's defaults apply where unset
# (compliance/rulebook/<version>.toml [parameters]). An unknown key, or a value of the wrong
# type, stops start-up (compliance.apps). Keys and defaults of rulebook 2026.3:
#   min_witnesses_high_risk 2       witnesses: tobacco, controlled drugs, high-risk lots (X-WE-02)
#   mass_tolerance_pct 2.0          gate vs dispatch mass deviation accepted, % (X-QM-02)
#   mass_tolerance_kg 5.0           the same in kg; the larger of the two applies (X-QM-02)
#   perishable_alarm_days 3         storage alarm for perishable goods (X-CC-05 b)
#   decision_deadline_alarm_days 20 alarm while no legal basis is complete (X-CC-05 a)
#   hazardous_long_stay_days 180    long-stay alarm for goods with a hazard class (X-CC-05 d)
#   stocktake_interval_days 90      maximum days between stocktakes (X-CC-06)
# e.g. COMPLIANCE_PARAMETERS = {"min_witnesses_high_risk": 3, "mass_tolerance_pct": 1.5}
COMPLIANCE_PARAMETERS: dict[str, object] = {}

# Statistics are converted to this currency with the yearly rate table.
REPORTING_CURRENCY = os.environ.get("REPORTING_CURRENCY", "EUR")

EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(50 * 1024 * 1024)))

# Mass balance of a destruction (digest X-QM-02): gate vs dispatch weight and outputs vs gate
# weight may differ by the larger of this share and this mass; beyond it is a deviation that
# needs a written justification.
MASS_BALANCE_TOLERANCE_PERCENT = float(os.environ.get("MASS_BALANCE_TOLERANCE_PERCENT", "2"))
MASS_BALANCE_TOLERANCE_KG = float(os.environ.get("MASS_BALANCE_TOLERANCE_KG", "5"))
