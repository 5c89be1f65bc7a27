"""
One settings module, driven by environment variables.

With nothing set, the project runs on the embedded default: an SQLite file, Celery tasks
run eagerly in-process and email goes to the console. Setting DATABASE_URL switches to
PostgreSQL, REDIS_URL to a real broker and a shared cache. `.env.example` lists every
variable.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or os.environ.get("MM_TESTING") == "1"

DEBUG = envbool("DEBUG", False)
# The fallback key only exists so that a fresh clone runs in development: the web app
# and the Celery worker refuse to start with it when DEBUG is off (see
# mm_program.checks.require_real_secret_key), and `check --deploy` flags it.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-dev-only-key-change-me")
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Mentors & Mentees")

# The model of a program, for the ground's models that belong to one (the message log),
# as AUTH_USER_MODEL names the user model: the ground never imports an app.
PROGRAM_MODEL = "matching.Program"

INSTALLED_APPS = [
    "mm_program.admin_site.ProgramAdminConfig",  # django.contrib.admin, in the order of the work
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "csp",
    "import_export",
    "mm_program",
    "matching",
    "surveys",
    "payments",
    "django.forms",  # its widget templates, for FORM_RENDERER below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PostgreSQL unreachable: 503 with Retry-After and a page that says nothing was saved,
    # instead of a 500 (mm_program/outage.py).
    "mm_program.outage.DatabaseOutageMiddleware",
    # A 400 for the few URLs views can't be trusted to survive (NUL, which PostgreSQL
    # refuses; Django admin's own crashes): mm_program/query_guard.py.
    "mm_program.query_guard.QueryStringGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change in the audit trails (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A participant's session lasts six weeks after their last visit (mm_program/sessions.py).
    "mm_program.sessions.ParticipantSessionMiddleware",
    # Cache-Control: private, no-store on a signed-in person's pages and on emailed links'
    # pages (mm_program/private_pages.py).
    "mm_program.private_pages.PrivatePagesMiddleware",
]

ROOT_URLCONF = "mm_program.urls"
WSGI_APPLICATION = "mm_program.wsgi.application"

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
                "mm_program.context_processors.site",
            ],
        },
    },
]
# Widgets render through the templates above, so templates/ can mend one of Django's
# (templates/admin/widgets/split_datetime.html labels the admin's date and time inputs).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database host must cost a request seconds, not the OS's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DB_CONNECT_TIMEOUT", 5))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock at the start of a transaction, so that two simultaneous form
    # posts wait for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker --------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Rate limits (allauth's and the public forms') must be shared by every web worker.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mm"),
            # An unreachable Redis must cost a request seconds, not the OS's TCP timeout:
            # the rate limits are read on the way to the database.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only once it finished, and re-queued if its worker died.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task that failed or hit its time limit is acknowledged, not redelivered by the broker:
# email delivery's own lease and sweeper decide when a message is tried again.
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task a dead worker held comes back to the queue after this many seconds; it must
    # be longer than any task runs (a matching run's solve). Email does not wait for it:
    # the message sweeper hands over again what a dead worker held, within a minute or two.
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600),
    # How often workers look for such tasks: about interval x throttle seconds.
    "unacked_restore_interval": envint("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": envint("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    # A Redis host that swallows packets costs a request this long once, not the OS's
    # TCP timeout (then email hand-overs pause: mm_program.delivery).
    "socket_connect_timeout": envint("CELERY_BROKER_CONNECT_TIMEOUT", 2),
    # Opening a channel to send a task tries once: kombu's default keeps trying for
    # broker_connection_timeout (6 s a task, measured) before the publish's own retry
    # policy even starts. Workers' consuming connections retry by their own settings.
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- Email delivery (mm_program.delivery; README, "Emails and reminders") ---------------
# A worker takes up to MESSAGE_BATCH_SIZE messages at once and sends them over one SMTP
# connection; after MESSAGE_BATCH_SECONDS it hands what is left to a new task, so that a
# task stays short (warm shutdown, time limits) on a slow mail server.
MESSAGE_BATCH_SIZE = envint("MESSAGE_BATCH_SIZE", 100)
MESSAGE_BATCH_SECONDS = envint("MESSAGE_BATCH_SECONDS", 5)
# The delivery task's time limits: at the soft one it stops and gives its messages back;
# at the hard one its process is killed. A claim on a message lasts the hard limit plus
# MESSAGE_LEASE_MARGIN_SECONDS, so no live worker ever loses its claim to another.
MESSAGE_SOFT_TIME_LIMIT = envint("MESSAGE_SOFT_TIME_LIMIT", 20)
MESSAGE_TIME_LIMIT = envint("MESSAGE_TIME_LIMIT", 25)
MESSAGE_LEASE_MARGIN_SECONDS = envint("MESSAGE_LEASE_MARGIN_SECONDS", 5)
# The sweeper (every minute, from beat) hands a queued message over again when its
# hand-over is this old and the broker's queue holds no task, or when the hand-over's task
# has expired (MESSAGE_TASK_EXPIRES_SECONDS: a worker discards it unrun).
MESSAGE_REHAND_AFTER_SECONDS = envint("MESSAGE_REHAND_AFTER_SECONDS", 20)
MESSAGE_TASK_EXPIRES_SECONDS = envint("MESSAGE_TASK_EXPIRES_SECONDS", 900)

# --- Users and sign-in ----------------------------------------------------------------
AUTH_USER_MODEL = "mm_program.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Sessions store the path of the backend that signed them in, and Django signs out a
    # session whose path is no longer listed: migration mm_program 0011 moved the
    # sessions a since-removed backend had signed in over to this one.
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_ADAPTER = "mm_program.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# A sign-in code works for 10 minutes and for 3 tries; then a new one must be asked for
# (tests/test_expiry.py).
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = envint("LOGIN_CODE_TIMEOUT", 600)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = envint("LOGIN_CODE_TIMEOUT", 600)
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# allauth's defaults, kept explicit so that a reader sees them, with hourly caps on
# sign-in codes; they live in the cache (tests/test_rate_limits_sign_in.py).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    # Each code is an email: no inbox gets flooded, no address sends a stream of them.
    "request_login_code": "20/m/ip,60/h/ip,3/m/key,10/h/key",
    "confirm_email": "1/10s/key",
}

# A session ends 14 days after it was last changed (signing in changes it), in the
# browser (the cookie's max-age) and on the server (the stored session's expiry date).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
# Mentees and mentors come back about monthly: their session lasts this long after their
# last visit; saving bank details asks for a sign-in this recent (mm_program/sessions.py).
PARTICIPANT_SESSION_AGE = envint("PARTICIPANT_SESSION_AGE", 60 * 60 * 24 * 42)
RECENT_SIGN_IN_SECONDS = envint("RECENT_SIGN_IN_SECONDS", 60 * 60)
SESSION_COOKIE_HTTPONLY = True

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# Seconds any one exchange with the mail server may take (connect, each reply): a server
# that accepts and never answers must not hold a worker (Django's default waits forever).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <program@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in envlist("ADMINS", "")]

# --- Privacy --------------------------------------------------------------------------
# Declined and redirected applications are anonymised this many months after the
# decision (mm_program.privacy.retention, run daily by beat); 0 switches the job off.
RETENTION_REJECTED_MONTHS = envint("RETENTION_REJECTED_MONTHS", 12)

# --- Public forms: rate limits (django-ratelimit syntax, counted in the cache) ----------
# Interest forms: submissions taken (saved, held or caught by the honeypot), per client
# address and per submitted email (each can send the owner of the address an email).
APPLY_RATE_LIMIT = os.environ.get("APPLY_RATE_LIMIT", "10/h")
APPLY_EMAIL_RATE_LIMIT = os.environ.get("APPLY_EMAIL_RATE_LIMIT", "5/h")
# Emailed links (update confirmation, mentee invitation, reminder pause): every request,
# per client address.
LINK_RATE_LIMIT = os.environ.get("LINK_RATE_LIMIT", "60/h")
# The survey page's posts, autosaves included (one per answer changed), per address.
SURVEY_RATE_LIMIT = os.environ.get("SURVEY_RATE_LIMIT", "300/h")
# The stipend request and bank details forms: posts per signed-in account.
STIPEND_RATE_LIMIT = os.environ.get("STIPEND_RATE_LIMIT", "20/h")
# Invitations a mentor sends (each emails an address the mentor typed), per account,
# whether or not the invitation is withdrawn later.
INVITATION_RATE_LIMIT = os.environ.get("INVITATION_RATE_LIMIT", "10/d")
RATELIMIT_ENABLE = envbool("RATELIMIT_ENABLE", True)
# Behind a reverse proxy every request comes from the proxy: the client's address is in
# a header the proxy sets (e.g. X-Real-IP). Both rate limiters must read it, or one
# busy visitor would lock everybody out of signing in.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()
if CLIENT_IP_HEADER:
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = CLIENT_IP_HEADER
    RATELIMIT_IP_META_KEY = "mm_program.ratelimit.client_ip"
RATELIMIT_USE_CACHE = "default"

# --- Stipends: bank details encrypted at rest ------------------------------------------
# Fernet keys, comma-separated, newest first: the first encrypts, all of them decrypt.
# To rotate: put a new key in front, deploy, run `manage.py rotate_field_encryption`, then
# drop the old key. Without a key bank details can be neither saved nor read, and with
# DEBUG off `check` (so `migrate`) fails (mm_program.checks). Development and the test
# suite fall back to a published key that must never protect real data.
DEV_FIELD_ENCRYPTION_KEY = "GpDNCfmGc0DSNCamRHRyoQn4_hbAqlG2bmhw3deUVyw="
FIELD_ENCRYPTION_KEYS = envlist("FIELD_ENCRYPTION_KEYS", "")
if not FIELD_ENCRYPTION_KEYS and (DEBUG or TESTING):
    FIELD_ENCRYPTION_KEYS = [DEV_FIELD_ENCRYPTION_KEY]
# The change history (simple_history) is an audit trail: never restored from the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Error reports never list a posted account or the variables holding one (payments.debug),
# nor a password written in a URL: REDIS_URL, the broker's, the cache's LOCATION
# (mm_program.error_reports).
DEFAULT_EXCEPTION_REPORTER_FILTER = "payments.debug.BankDetailsReporterFilter"

# --- Forms, i18n, static --------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# "2 Dec 2026" and 24-hour times wherever Django formats a date (mm_program/formats).
FORMAT_MODULE_PATH = ["mm_program.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploads (a cohort mentor's task, a milestone submission): never served as they are,
# only through views that check who asks (matching.views.cohort_selection). No MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Each upload is checked by its form too (matching.forms.cohort: UPLOAD_MAX_BYTES).
FILE_UPLOAD_PERMISSIONS = 0o640
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the source folders when collectstatic has not run (make run).
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Security -------------------------------------------------------------------------
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG and not TESTING)
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), enforced on every response, admin included. Every
# script and style is a static file: no inline <script>, <style>, style="..." or on*=
# handlers anywhere we render (tests/test_csp.py and tests/test_browser_csp.py hold us to
# it). data: images are allowed because Bootstrap's CSS draws its select arrows, check
# marks and close buttons as data: SVGs; they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Errors go to the log (stderr: the container's log), never to ADMINS by mail: Django's
# default mails every server error, bad Host header and oversized body, unthrottled, and
# prints to the console only with DEBUG. Replacing the "django" logger's configuration
# drops both handlers; its records go to the root's console like everyone else's
# (tests/test_logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_warning": {"()": "mm_program.logs.OneLineWarning"},
                "one_line_outage": {"()": "mm_program.outage.OneLineOutage"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"level": "INFO"},
        # Requests refused as suspicious (bad Host, oversized body, too many fields): a
        # client's doing, one warning line each instead of an error with a traceback.
        **{f"django.security.{name}": {"filters": ["one_line_warning"]}
           for name in ("DisallowedHost", "RequestDataTooBig", "TooManyFieldsSent",
                        "TooManyFilesSent")},
        # PostgreSQL unreachable: one line per request, not a traceback (outage.py).
        "django.request": {"filters": ["one_line_outage"]},
        "django.db.backends": {"level": "WARNING"},
        # One line per task run is noise in-process (development); workers log their own.
        "celery.app.trace": {"level": os.environ.get("CELERY_TRACE_LOG_LEVEL", "WARNING")},
    },
}
