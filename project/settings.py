"""The one settings module, driven by environment variables.

Defaults give a local development set-up (SQLite, debug on). Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import os
from datetime import timedelta
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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "seizures",
    "destruction",
    "compliance",
    # Last, so that its post-migrate role sync sees every app's permissions.
    "project",
]

MIDDLEWARE = [
    "project.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "project.second_factor.SecondFactorMiddleware",
    "project.middleware.SessionIdleTimeoutMiddleware",
    "project.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused by the lockout into its response (project.lockout).
    "axes.middleware.AxesMiddleware",
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
            "builtins": [
                "project.templatetags.users",
                "project.templatetags.form_errors",
                "project.templatetags.display",
            ],
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
    # Concurrent writers wait for each other instead of failing with "database is locked":
    # IMMEDIATE takes the write lock when a transaction begins, so a transaction never has to
    # upgrade a read lock mid-way (which SQLite refuses at once, busy timeout or not); the
    # timeout (seconds) is how long a writer waits; WAL lets readers go on during a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles the expressions of any statement it estimates as costly, and a
    # page's capped count (a few thousand rows, each with correlated subqueries) crosses that
    # estimate at a million lots: 0.1 s of compiling for a statement that runs in 0.02 s.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The lockout backend first: it refuses a locked-out user or address before the password is
# even checked (project/lockout.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SIGNIN_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
# 0: locked until an administrator unlocks.
SIGNIN_LOCKOUT_MINUTES = int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15"))
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES) if SIGNIN_LOCKOUT_MINUTES else None
# Counted per username and per address separately: either reaching the limit locks.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "project.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "project.lockout.lockout_response"
# Attempts during a lockout are refused without being counted: the lockout ends a cool-off
# after the failure that caused it, however long a guesser keeps trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Masked in the form data an access attempt keeps (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]

# Administrators sign in with an authenticator app's code too (project.second_factor).
REQUIRE_ADMIN_2FA = env_flag("REQUIRE_ADMIN_2FA", False)
OTP_TOTP_ISSUER = "Infringing Goods Tracker"

# API tokens lapse after this many hours without use (project.authentication).
API_TOKEN_IDLE_HOURS = float(os.environ.get("API_TOKEN_IDLE_HOURS", "8"))

# Signed out after this many minutes without a request (sliding; project.middleware).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# Scripts only from this site (no inline script anywhere, the API docs included). Inline styles
# are allowed: the statistics charts are server-drawn SVG with style attributes; with images,
# fonts and connections limited to this site, a style cannot send data elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# Dates and numbers on pages follow the locale: "2 Mar 2026", "2 Mar 2026, 14:30" (the
# |date and |date:"DATETIME_FORMAT" filters), weights and counts through |quantity.
FORMAT_MODULE_PATH = ["project.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Brussels")
USE_I18N = True
# The certificate PDF's second language (destruction/certificates/labels.py): one .po per
# language, compiled at install (`manage.py compile_translations`).
LOCALE_PATHS = [BASE_DIR / "locale"]
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

# A list filter left empty means any value; "---------" read as a value of its own.
FILTERS_EMPTY_CHOICE_LABEL = "Any"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a request without credentials gets 401 with WWW-Authenticate.
        "project.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["project.api.ActionPermission"],
    "DEFAULT_PARSER_CLASSES": [
        "project.api.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "project.api.document_errors",
    ],
    # Choice sets sharing a field name ("status") get their own component names.
    "ENUM_NAME_OVERRIDES": {
        "CertificateStatusEnum": "destruction.models.CertificateStatus",
        "HazardClassEnum": "seizures.categories.HazardClass",
        "CountryEnum": "seizures.validation.COUNTRY_CHOICES",
        "SamplePurposeEnum": "seizures.models.SamplePurpose",
        "DestructionMethodEnum": "destruction.methods.Method",
        "OrderStatusEnum": "destruction.models.OrderStatus",
        "LotStatusEnum": "seizures.models.LotStatus",
        "EvidenceKindEnum": "destruction.models.EvidenceFile.Kind",
        "RuleAspectEnum": "compliance.rulebook.changes.ASPECTS",
        "UploadMatchEnum": "destruction.certificates.services.UploadMatch",
        "VerdictEnum": "compliance.models.Verdict",
        "StatementStatusEnum": "destruction.costs.models.StatementStatus",
        "OperationCodeEnum": "destruction.methods.OPERATION_CODES",
    },
}

# The cache holds the rate-limit counters (token, verification) and the short-lived figures of
# open years. With REDIS_URL (several app servers) every instance shares one Redis; otherwise in
# memory it is per process, and DJANGO_CACHE_DIR shares it between the gunicorn workers of one
# host. Sessions and sign-in lockouts (django-axes' database handler) stay in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_DIR = os.environ.get("DJANGO_CACHE_DIR", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "igt"),
        }
    }
elif CACHE_DIR:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds the statistics of a year still open are kept in the cache (0: computed every time).
# Shared through Redis only: a per-process copy would show each app server other figures.
STATISTICS_CACHE_SECONDS = int(
    os.environ.get("STATISTICS_CACHE_SECONDS", "60" if REDIS_URL else "0")
)

# Evidence files, certificate PDFs and other uploads go through Django's storage API: on the
# local disk (MEDIA_ROOT) by default; with STORAGE_S3_BUCKET, in an S3-compatible object store
# (django-storages, `pip install .[s3]`), private, read only through the permission-checked views.
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Background jobs (notification e-mails): django-tasks with its database backend, so the embedded
# default needs no broker; `manage.py db_worker` runs them (README).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# E-mail: printed on the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "true"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "customs-ipr@localhost")
# Reminders: a statutory deadline this many working days ahead; permits expiring within N days.
REMINDER_WORKING_DAYS = int(os.environ.get("REMINDER_WORKING_DAYS", "2"))
PERMIT_EXPIRY_WARNING_DAYS = 60
# Each app's reminder jobs, run by `manage.py send_reminders` (daily, from cron).
REMINDERS = [
    "seizures.reminders.deadlines_due",
    "seizures.reminders.long_stay",
    "destruction.reminders.permits_expiring",
    "destruction.reminders.statements_overdue",
    "compliance.reminders.reviews_waiting",
]

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

# The electronic seal on certificates and reports (PAdES): a PKCS#12 file with the seal key, its
# certificate and chain, and its passphrase. With a timestamp authority URL (RFC 3161) the seal is
# PAdES-B-T, else B-B. Unset: unsealed with debug on (the demo makes its own demo seal), refused
# with debug off (destruction/certificates/seal.py).
# Cost statements are due this many days after issue (then listed as overdue).
STATEMENT_PAYMENT_DAYS = int(os.environ.get("STATEMENT_PAYMENT_DAYS", "30"))

CERTIFICATE_SEAL_P12 = os.environ.get("CERTIFICATE_SEAL_P12", "")
CERTIFICATE_SEAL_PASSWORD = os.environ.get("CERTIFICATE_SEAL_PASSWORD", "")
CERTIFICATE_TSA_URL = os.environ.get("CERTIFICATE_TSA_URL", "")
# PEM bundle of the timestamp authority's root(s): verification then trusts a B-T seal's time.
CERTIFICATE_TSA_TRUST = os.environ.get("CERTIFICATE_TSA_TRUST", "")

# Storage ageing: a lot in storage longer than this is listed as a long stay (digest X-CC-05d).
LONG_STAY_ALARM_DAYS = int(os.environ.get("LONG_STAY_ALARM_DAYS", "180"))

# Cross-app hooks, called by dotted path so that imports keep pointing one way
# (compliance -> destruction -> seizures); what they return is typed in project/compliance.py.
# Empty: no check runs.
# STORAGE_PLACEMENT_CHECK(placements, *, actor) -> for each (lot, location) of the batch, a list
#   of Finding; a blocking one refuses the batch.
STORAGE_PLACEMENT_CHECK = "compliance.services.check_placements"
# STORAGE_RULE_SEVERITIES() -> {rule id: Severity} of the rulebook's storage rules: the storage
#   refusals of the seizures app (X-CC-04, BAT-S1, FOOD-S2) refuse only where the rule blocks.
#   Empty: every storage refusal blocks.
STORAGE_RULE_SEVERITIES = "compliance.services.storage_rule_severities"
# DESTRUCTION_COMPLIANCE_CHECK(order, *, stage, actor) -> an OrderCheck (.verdict,
#   .blocking_findings()); stage is "submit", "approve" or "record".
DESTRUCTION_COMPLIANCE_CHECK = "compliance.services.check_order"
# DESTRUCTION_PROPOSALS(lots, *, planned_on, choices) -> a LineProposal per lot: the best-ranked
#   permitted method the lot meets the conditions of, at the nearest covering facility, with its
#   verdict, findings and alternatives (or the person's PlanChoice, evaluated). Empty: the
#   planner proposes nothing and shows no preview.
DESTRUCTION_PROPOSALS = "compliance.proposals.propose_lines"
# MASS_BALANCE_TOLERANCE() -> MassTolerance of X-QM-02 from the rulebook (mass_tolerance_pct,
#   mass_tolerance_kg): gate vs dispatch weight and outputs vs gate weight may differ by the
#   larger of the two; beyond it a deviation needs a written justification. Empty: no tolerance.
MASS_BALANCE_TOLERANCE = "compliance.services.mass_balance_tolerance"
# STATISTICS_ROLLUP_CHANGE(*, seizures, lots, orders) -> a context manager that the services
#   wrap around a change moving a statistics figure, inside their transaction: the annual
#   statistics rollups get the change's difference. Empty: no rollups kept (then run
#   `rebuild_statistics` before reading statistics).
STATISTICS_ROLLUP_CHANGE = "compliance.statistics.rollups.track_change"
# RECORD_SCOPE_CONDITION(user, *, office, right_holder) -> the Q limiting a project model (the
#   letters to print) to the user's offices or right holder, by the lookups `office` and
#   `right_holder`. Empty: superusers only.
RECORD_SCOPE_CONDITION = "seizures.scoping.record_condition"

# The audit trail (project.audit): every save and delete of these models is recorded with its
# actor, time, values before and after and the request's origin.
AUDITED_MODELS = [
    "seizures.Seizure",
    "seizures.Lot",
    "seizures.CustomsOffice",
    "seizures.Warehouse",
    "seizures.StorageLocation",
    "seizures.RightHolder",
    "seizures.Holiday",
    "seizures.LotPhoto",
    "destruction.Facility",
    "destruction.FacilityPermit",
    "destruction.DestructionOrder",
    "destruction.OrderLine",
    "destruction.DestructionRecord",
    "destruction.OutputFraction",
    "destruction.Witness",
    "destruction.EvidenceFile",
    "destruction.Certificate",
    "destruction.Tariff",
    "destruction.Statement",
    "destruction.Payment",
    "compliance.CertificateReview",
    "compliance.ExchangeRate",
    "auth.User",
    "auth.Group",
]
# Issuing and deleting rows of this model are recorded as token issue and revoke.
AUDIT_TOKEN_MODEL = "project.ApiToken"  # noqa: S105 - a model label, not a secret
# Custody seals (seizures.seals, `manage.py seal_custody`): the Ed25519 private key (PEM, PKCS#8)
# that signs them, a file outside the database and its backups. In debug it defaults to a demo
# key under DJANGO_VAR_DIR, which seed_demo writes when it is missing.
CUSTODY_SEAL_KEY = os.environ.get("CUSTODY_SEAL_KEY") or (
    str(VAR_DIR / "custody-seal-demo-key.pem") if DEBUG else ""
)
# Public keys (PEM files, comma-separated) whose seals verify_custody accepts besides the public
# half of CUSTODY_SEAL_KEY: keys used before a rotation, or a checking host's only keys.
CUSTODY_SEAL_TRUSTED_KEYS = env_list("CUSTODY_SEAL_TRUSTED_KEYS", "")
# Further checks verify_custody runs, by dotted path (the layers above seizures compare their own
# frozen copies of chain hashes): each is called with no argument and returns a list of
# seizures.custody.BrokenLink.
CUSTODY_VERIFICATION_CHECKS = ["destruction.certificates.custody.certificate_problems"]
# LOT_DESTRUCTION_REFUSALS(lot) -> why the lot may not be planned for destruction today (empty:
#   eligible); the lot page shows them.
LOT_DESTRUCTION_REFUSALS = "destruction.eligibility.destruction_refusals"
# SEIZURE_COSTS(seizure id) -> list[project.costs.CostLine] for the seizure page (empty: no costs).
SEIZURE_COSTS = "destruction.costs.services.seizure_costs"

# Compliance parameters the digest marks as inferred; the rulebook's defaults apply where unset
# (compliance/rulebook/<version>.toml [parameters]). An unknown key, or a value of the wrong
# type, stops start-up (compliance.apps). Keys and defaults of rulebook 2026.4:
#   min_witnesses_high_risk 2       witnesses: tobacco, controlled drugs, high-risk lots (X-WE-02)
#   mass_tolerance_pct 2.0          gate vs dispatch mass deviation accepted, % (X-QM-02)
#   mass_tolerance_kg 5.0           the same in kg; the larger of the two applies (X-QM-02)
#   perishable_alarm_days 3         storage alarm for perishable goods (X-CC-05 b)
#   decision_deadline_alarm_days 20 alarm while no legal basis is complete (X-CC-05 a)
#   hazardous_long_stay_days 180    long-stay alarm for goods with a hazard class (X-CC-05 d)
#   stocktake_interval_days 90      maximum days between stocktakes (X-CC-06)
# e.g. COMPLIANCE_PARAMETERS = {"min_witnesses_high_risk": 3, "mass_tolerance_pct": 1.5}
# The mass-balance tolerance may also be set from the environment (MASS_BALANCE_TOLERANCE_PERCENT,
# MASS_BALANCE_TOLERANCE_KG); it is the rulebook parameter either way (see MASS_BALANCE_TOLERANCE).
COMPLIANCE_PARAMETERS: dict[str, object] = {
    parameter: float(os.environ[variable])
    for parameter, variable in (
        ("mass_tolerance_pct", "MASS_BALANCE_TOLERANCE_PERCENT"),
        ("mass_tolerance_kg", "MASS_BALANCE_TOLERANCE_KG"),
    )
    if os.environ.get(variable)
}

# Statistics are converted to this currency with the yearly rate table.
REPORTING_CURRENCY = os.environ.get("REPORTING_CURRENCY", "EUR")

EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(50 * 1024 * 1024)))
# The lot photos an e-mailed notification carries, in total: 10 MB, about 13.5 MB once base64
# encoded, under the 20-25 MB most mail servers accept. Photos past it are left out and the
# message says how many are kept in the case instead.
NOTIFICATION_ATTACHMENTS_MAX_BYTES = int(
    os.environ.get("NOTIFICATION_ATTACHMENTS_MAX_BYTES", str(10 * 1024 * 1024))
)
