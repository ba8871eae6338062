"""Django settings for Forewarn.

The embedded default (SQLite under ``FOREWARN_DATA_DIR``, in-process worker,
mail captured to files) needs no configuration.  Production is configured by
environment: ``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``EMAIL_URL``
style settings below.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("FOREWARN_DATA_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use SECRET_KEY when given; otherwise keep a generated one in the data folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("FOREWARN_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SITE_URL = os.environ.get("FOREWARN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if SITE_URL not in CSRF_TRUSTED_ORIGINS:
    CSRF_TRUSTED_ORIGINS.append(SITE_URL)  # the console's forms post from the public address

# Served over https: cookies only travel encrypted. Behind a TLS-terminating proxy, set
# FOREWARN_TLS_PROXY=1 so Django trusts X-Forwarded-Proto and redirects plain http
# (health checks excepted); FOREWARN_HSTS_SECONDS turns on Strict-Transport-Security.
if SITE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
if _env_bool("FOREWARN_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("FOREWARN_HSTS_SECONDS", "0"))
PAGE_NAME = os.environ.get("FOREWARN_PAGE_NAME", "Forewarn Demo Cloud")
PROVIDER_TIME_ZONE = os.environ.get("FOREWARN_TIME_ZONE", "Europe/Amsterdam")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Serves /api/v1/docs with the Swagger UI django-ninja ships (pinned with it in
    # requirements.lock), from our own static files rather than a public CDN.
    "ninja",
    "forewarn.record",
    "forewarn.calendars",
    "forewarn.catalog",
    "forewarn.policies",
    "forewarn.delivery",
    "forewarn.availability",
    "forewarn.incidents",
    "forewarn.planned",
    "forewarn.releases",
    "forewarn.metrics",
    "forewarn.compat.alertmanager",
    "forewarn.compat.statuspage_webhooks",
    "forewarn.support",
    "forewarn.portal",
    "forewarn.statuspage",
    "forewarn.api",
    "forewarn.ops",
    "forewarn.signin",
]

MIDDLEWARE = [
    "forewarn.ops.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "forewarn.ops.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session middleware, to see its answers after it: public ones keep no Vary: Cookie.
    "forewarn.statuspage.vary.PublicAnswersVaryByEncodingOnly",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "forewarn.signin.middleware.SessionLifetimeMiddleware",
    "forewarn.signin.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "forewarn.urls"
WSGI_APPLICATION = "forewarn.wsgi.application"

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
                "forewarn.statuspage.context.page",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    # Persistent connections in production; tests set DATABASE_CONN_MAX_AGE=0 so no thread keeps one open.
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "forewarn.sqlite3",
            # Reuse connections: opening one (and its PRAGMAs) per request costs more than the page.
            "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
            # WAL lets the worker write while the web process reads.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff sign-in (docs/operators/console.md#signing-in): django-axes locks an account out for
# FOREWARN_LOGIN_LOCKOUT_MINUTES after FOREWARN_LOGIN_FAILURE_LIMIT failed sign-ins from one
# address; django-otp checks authenticator (TOTP) codes, required of every staff member with
# FOREWARN_REQUIRE_2FA=1 or of those an admin names. Sessions end after
# FOREWARN_SESSION_IDLE_MINUTES without a request, and FOREWARN_SESSION_MAX_HOURS after sign-in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("FOREWARN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("FOREWARN_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "forewarn.delivery.views.client_ip"  # honours FOREWARN_NUM_PROXIES
AXES_LOCKOUT_TEMPLATE = "signin/locked.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = PAGE_NAME
FOREWARN_REQUIRE_2FA = _env_bool("FOREWARN_REQUIRE_2FA")
FOREWARN_SESSION_IDLE_MINUTES = int(os.environ.get("FOREWARN_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(float(os.environ.get("FOREWARN_SESSION_MAX_HOURS", "12")) * 3600)

# Content-Security-Policy (Django's own middleware) on every answer: scripts, styles, images and
# fonts from this site only, no inline script, nothing may frame the pages. The other headers:
# nosniff, Referrer-Policy, X-Frame-Options DENY, Cross-Origin-Opener-Policy (Django's defaults,
# spelled out) and Permissions-Policy (forewarn.ops.security_headers).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/console/login/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The static copy (docs/operators/static-copy.md): `forewarn publish` writes the whole public
# site into FOREWARN_STATIC_DIR (kept as a symlink to the current copy), and every worker
# re-publishes it within seconds of a change when it is set. With FOREWARN_STATIC_S3_BUCKET
# the worker also uploads it there (credentials: boto3's usual AWS_* variables or files).
FOREWARN_STATIC_DIR = os.environ.get("FOREWARN_STATIC_DIR", "")
FOREWARN_STATIC_S3_BUCKET = os.environ.get("FOREWARN_STATIC_S3_BUCKET", "")
FOREWARN_STATIC_S3_PREFIX = os.environ.get("FOREWARN_STATIC_S3_PREFIX", "")
FOREWARN_STATIC_S3_ENDPOINT_URL = os.environ.get("FOREWARN_STATIC_S3_ENDPOINT_URL", "")
FOREWARN_STATIC_S3_REGION = os.environ.get("FOREWARN_STATIC_S3_REGION", "")

CACHES = {
    # Rendered public pages: per process, keyed by the page version, so never stale.
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "forewarn",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    # Counters every web process must share (rate limits); the table is made by a migration.
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "forewarn_shared_cache",
    },
}

# Mail: captured as files under the data folder unless an SMTP host or an
# anymail provider is configured.
DEFAULT_FROM_EMAIL = os.environ.get(
    "FOREWARN_FROM_EMAIL", "Forewarn Demo Cloud <status@forewarn.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
FOREWARN_SUPPORT_EMAIL = os.environ.get("FOREWARN_SUPPORT_EMAIL", "support@forewarn.example")
# The From address of each kind of notice, by kind ("release.security") or its first word
# ("release", "planned", "incident"); the rest come from DEFAULT_FROM_EMAIL. Release mail has
# its own (seed 003: "teams-releases for release-related communications").
FOREWARN_NOTICE_SENDERS = {
    kind: address
    for kind, address in (("release", os.environ.get("FOREWARN_RELEASES_FROM", "")),)
    if address
}
# Django 6.1 MAILERS: one "default" mailer. Without configuration, mail is
# captured as files in the data folder ("mail captured locally").
if os.environ.get("ANYMAIL_BACKEND"):
    # e.g. ANYMAIL_BACKEND=anymail.backends.postmark.EmailBackend ANYMAIL_POSTMARK_SERVER_TOKEN=...
    ANYMAIL = {
        k.removeprefix("ANYMAIL_"): v
        for k, v in os.environ.items()
        if k.startswith("ANYMAIL_") and k != "ANYMAIL_BACKEND"
    }
    MAILERS = {"default": {"BACKEND": os.environ["ANYMAIL_BACKEND"]}}
elif os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _env_bool("EMAIL_USE_TLS"),
                "timeout": 30,
            },
        }
    }
else:
    MAIL_CAPTURE_DIR = DATA_DIR / "mail"
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(MAIL_CAPTURE_DIR)},
        }
    }

# DKIM-sign mail sent over SMTP (docs/developers/production.md#dkim): all three, or none.
FOREWARN_DKIM_DOMAIN = os.environ.get("FOREWARN_DKIM_DOMAIN", "")
FOREWARN_DKIM_SELECTOR = os.environ.get("FOREWARN_DKIM_SELECTOR", "")
FOREWARN_DKIM_KEY_FILE = os.environ.get("FOREWARN_DKIM_KEY_FILE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "forewarn.ops.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "{levelname} {name} [{request_id}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("FOREWARN_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

NINJA_PAGINATION_PER_PAGE = 100

# The instants an operator or a job claims for a change (``catalog.services.set_status``):
# up to CLOCK_SKEW ahead of this server's clock is taken as now, further ahead is refused; more
# than BACKDATE_GRACE before now needs a reason and is shown as backdated; more than
# BACKDATE_LIMIT before now is refused (docs/operators/time.md).
FOREWARN_CLOCK_SKEW_SECONDS = int(os.environ.get("FOREWARN_CLOCK_SKEW_SECONDS", "60"))
FOREWARN_BACKDATE_GRACE_SECONDS = int(os.environ.get("FOREWARN_BACKDATE_GRACE_SECONDS", "60"))
FOREWARN_BACKDATE_LIMIT_HOURS = int(os.environ.get("FOREWARN_BACKDATE_LIMIT_HOURS", "24"))

# Delivery tuning (threads, batch sizes, retry backoff, claim expiry) lives in
# forewarn.delivery.outbox.Tuning; set FOREWARN_DELIVERY_<NAME> in the environment
# (e.g. FOREWARN_DELIVERY_THREADS=8) or a FOREWARN_DELIVERY dict here.

# Webhooks go to public addresses on ports 443 and 80; an admin may allow more ports
# (FOREWARN_WEBHOOK_PORTS=8443,9443). FOREWARN_WEBHOOKS_TO_LOOPBACK = True lets them reach
# this machine (127.0.0.1, ::1, localhost, over http, on any port): for tests and development,
# never production (`forewarn check --deploy` refuses it), so it is not read from the environment.
FOREWARN_WEBHOOK_PORTS = [
    int(p) for p in os.environ.get("FOREWARN_WEBHOOK_PORTS", "").split(",") if p.strip()
]
FOREWARN_WEBHOOKS_TO_LOOPBACK = False

# Metric points: PostgreSQL acknowledges a batch before its WAL is on disk (metrics/storage.py,
# relax_commit); FOREWARN_METRICS_DURABLE=1 makes every batch wait for the disk.
FOREWARN_METRICS_DURABLE = _env_bool("FOREWARN_METRICS_DURABLE")

# How long a web process may reuse the page version it read (seconds; 0 = every request).
FOREWARN_PAGE_FRESHNESS_SECONDS = float(os.environ.get("FOREWARN_PAGE_FRESHNESS_SECONDS", "1"))

# /metrics (forewarn.ops.metrics): open to FOREWARN_METRICS_NETWORKS (comma-separated; default
# this machine; empty: none) and to `Authorization: Bearer $FOREWARN_METRICS_TOKEN` when set.
# A notice counts as late FOREWARN_METRICS_LATE_SECONDS after its due time.
FOREWARN_METRICS_TOKEN = os.environ.get("FOREWARN_METRICS_TOKEN", "")
FOREWARN_METRICS_NETWORKS = [
    n.strip()
    for n in os.environ.get("FOREWARN_METRICS_NETWORKS", "127.0.0.1/32,::1/128").split(",")
    if n.strip()
]
FOREWARN_METRICS_LATE_SECONDS = float(os.environ.get("FOREWARN_METRICS_LATE_SECONDS", "60"))

# The Cachet-compatible API (/cachet/api/v1/, docs/integrators/cachet.md): the zone of its
# "YYYY-MM-DD HH:MM:SS" times (Cachet's app.timezone), and the priority an incident opened
# through it takes when it does not name one in meta[priority]: public (visible=1) or internal.
FOREWARN_CACHET_TIME_ZONE = os.environ.get("FOREWARN_CACHET_TIME_ZONE", "UTC")
FOREWARN_CACHET_PUBLIC_PRIORITY = os.environ.get("FOREWARN_CACHET_PUBLIC_PRIORITY", "P3")
FOREWARN_CACHET_INTERNAL_PRIORITY = os.environ.get("FOREWARN_CACHET_INTERNAL_PRIORITY", "P4")
# Cachet's schedules are planned work under this policy and work type (a request may name others).
FOREWARN_CACHET_POLICY = os.environ.get("FOREWARN_CACHET_POLICY", "seed-001")
FOREWARN_CACHET_WORK_TYPE = os.environ.get("FOREWARN_CACHET_WORK_TYPE", "scheduled-maintenance")
# The system metrics behind Cachet's metrics endpoints: a dotted path to a callable returning a
# forewarn.compat.cachet.metric_store.MetricStore (empty, or not importable: they answer 404).
FOREWARN_CACHET_METRICS = os.environ.get(
    "FOREWARN_CACHET_METRICS", "forewarn.compat.cachet.forewarn_metrics.store"
)
# The Alertmanager hook (docs/integrators/alertmanager.md) keeps each notification it received
# (by its digest, to recognise retries) this many days; the worker's prune_old_alert_deliveries
# job deletes older ones. 0 keeps them forever.
FOREWARN_ALERTMANAGER_DELIVERY_RETENTION_DAYS = int(
    os.environ.get("FOREWARN_ALERTMANAGER_DELIVERY_RETENTION_DAYS", "30")
)
