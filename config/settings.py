"""One settings module; every difference between environments comes from variables.

The variables are listed in docs/environment.md. With DJANGO_ENV=production the
secrets have no default and the process refuses to start without them.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("DJANGO_ENV", "demo")
if ENVIRONMENT not in ("demo", "production"):
    # A misspelt « prod » must not silently run with the demo keys.
    raise ImproperlyConfigured(f"DJANGO_ENV « {ENVIRONMENT} » inconnu : « demo » ou « production ».")
PRODUCTION = ENVIRONMENT == "production"

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "PSEUDONYMISATION_KEY", "DATABASE_URL", "ALLOWED_HOSTS")


def _env(name, demo_default):
    """Read a variable; demo defaults exist only outside production."""
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        return None
    return demo_default


def _env_bool(name, default):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "oui"}


if PRODUCTION:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            "Configuration de production incomplète : variables manquantes " + ", ".join(missing)
        )

SECRET_KEY = _env("SECRET_KEY", "demo-only-secret-key-not-for-production-0123456789abcdef")
# Key of the HMAC-SHA256 that pseudonymises beneficiary identifiers on ingestion.
PSEUDONYMISATION_KEY = _env("PSEUDONYMISATION_KEY", "demo-only-pseudonymisation-key")
# Fernet key(s), comma-separated, first one encrypting: when set, the département's own identifiers of the
# persons on the orientation work list are kept encrypted and shown to its agents (indicators.identifiers).
# Empty (the default): no identifier is kept.
WORKLIST_IDENTIFIER_KEY = _env("WORKLIST_IDENTIFIER_KEY", "")
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in _env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "django_htmx",
    "simple_history",
    "axes",
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",
    "territories",
    "accounts",
    "conventions",
    "campaigns",
    "action_plans",
    "funding",
    "offer",
    "indicators",
    "steering",
    "notifications",
    "negotiation",
    "config.apps.PlatformConfig",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Default deny: every view needs a logged-in user unless marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The campaigns (rules, deadlines, model text of each year) read once per request.
    "campaigns.lookup.CampaignsPerRequest",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.inbox",
                "config.context_processors.csp_nonce",
            ],
            "builtins": ["config.templatetags_fr"],
            # Unknown variables show up instead of silently rendering as "".
            "string_if_invalid": os.environ.get("TEMPLATE_STRING_IF_INVALID", ""),
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests (browser tests, the demo server) wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run on a file, not in memory: concurrent connections (the payment concurrency test)
    # then wait for each other's locks as in production instead of failing at once.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"contractualisation-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.proconnect.ProConnectBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes: five wrong passwords for a username from one address lock it there for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = _env_bool("AXES_ENABLED", True)
# Behind reverse proxies, the client's address comes from X-Forwarded-For (accounts.throttling.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"

# ProConnect (OpenID Connect). Enabled when its endpoints are set.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
PROCONNECT_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email given_name usual_name uid siret"
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas1"}
OIDC_USE_NONCE = True
# Accounts are opened by an administrator with their role and territory; ProConnect only proves who logs in.
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True
OIDC_OP_LOGOUT_URL_METHOD = "accounts.proconnect.provider_logout_url"
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/compte/connexion/"  # a plain URL: mozilla-django-oidc does not reverse it

# E-mail: printed on the console by default (demo); SMTP in production from the environment (docs/environment.md).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Contractualisation insertion-emploi <ne-pas-repondre@contractualisation.invalid>"
)
# The platform's address, for the links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (django.tasks API, backport): immediate by default; a database-backed backend in production.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

# Pseudonymised, normalised beneficiary tables (Parquet), one folder per delivery. Raw files are never kept.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

INDICATORS_DATA_DIR = Path(os.environ.get("INDICATORS_DATA_DIR", BASE_DIR / "var" / "indicateurs"))
# Where a Spark cluster reads INDICATORS_DATA_DIR (« file:///partage/indicateurs », « s3a://seau/indicateurs »);
# empty: the same path (indicators.storage.spark_runner, docs/environment.md).
INDICATORS_SPARK_DATA_URL = os.environ.get("INDICATORS_SPARK_DATA_URL", "")
# The indicator engine's memory: beyond this limit DuckDB spills its intermediate tables to the temporary
# directory instead of growing (docs/environment.md).
INDICATORS_DUCKDB_MEMORY_LIMIT = os.environ.get("INDICATORS_DUCKDB_MEMORY_LIMIT", "1GB")
INDICATORS_DUCKDB_TEMP_DIR = Path(
    os.environ.get("INDICATORS_DUCKDB_TEMP_DIR", INDICATORS_DATA_DIR / "duckdb-temporaire")
)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Numbers are formatted explicitly (config/formats.py): a global separator would also touch years and ids.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if PRODUCTION:
    # Static files served by the application server itself, compressed and cache-busted.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content security policy with a per-request nonce (django-csp; Django 5.2 has no SECURE_CSP yet).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
