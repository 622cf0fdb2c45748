"""acuclinic settings: one file, every knob from an environment variable with a safe default."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = BASE_DIR / "acuclinic"
VAR_DIR = Path(os.environ.get("ACUCLINIC_VAR_DIR", BASE_DIR / "var"))
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret_key() -> str:
    """A key generated once into var/, so a laptop install needs no configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Plain http is for an install that answers on this machine alone (a laptop, the tests, the
# benchmarks): every host name a loopback one, where no certificate can be had. Anything else
# with DEBUG off is production: HTTPS, HSTS, secure cookies and a SECRET_KEY from the
# environment. `make serve` says ACUCLINIC_INSECURE_LOOPBACK=1 out loud; =0 forces production
# settings on loopback too (to try `check --deploy` on a laptop).
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
INSECURE_LOOPBACK = envbool(
    "ACUCLINIC_INSECURE_LOOPBACK", all(host in LOOPBACK_HOSTS for host in ALLOWED_HOSTS)
)
if INSECURE_LOOPBACK and not all(host in LOOPBACK_HOSTS for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "ACUCLINIC_INSECURE_LOOPBACK=1 is for 127.0.0.1 and localhost only, but ALLOWED_HOSTS "
        f"is {','.join(ALLOWED_HOSTS)}: serve that behind HTTPS (docs/deploy.md)."
    )
HTTPS = not DEBUG and not INSECURE_LOOPBACK


def _production_secret_key() -> str:
    """Production refuses to start without a strong key of its own (not the generated one)."""
    key = os.environ.get("SECRET_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Generate one with: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(50))' (docs/deploy.md)."
        )
    development = VAR_DIR / "secret_key"
    weak = (
        len(key) < 50
        or len(set(key)) < 5
        or key.startswith("django-insecure-")
        or (development.exists() and development.read_text().strip() == key)
    )
    if weak:
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: at least 50 random characters, not the "
            "development key from var/ (docs/deploy.md)."
        )
    return key


SECRET_KEY = (
    _production_secret_key() if HTTPS else os.environ.get("SECRET_KEY") or _development_secret_key()
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "acuclinic.clinic",
    "acuclinic.patients",
    "acuclinic.scheduling",
    "acuclinic.outcomes",
    "acuclinic.charting",
    "acuclinic.herbs",
    "acuclinic.notifications",
    "acuclinic.website",
    "acuclinic.desk",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.humanize",  # allauth's session and security-key lists use it
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A read-only or full database is a clear 503 with Retry-After, not a 500 (docs/faults.md).
    "acuclinic.faults.middleware.StorageUnavailableMiddleware",
    # Outside the page cache: a cached page gets the header on every response (no nonces).
    "acuclinic.clinic.csp.ClinicCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before authentication: a cached anonymous page needs no user, session or routing.
    "acuclinic.website.page_cache.PublicPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "acuclinic.clinic.signin.SessionPolicyMiddleware",
    "acuclinic.clinic.two_factor.TwoFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "acuclinic.urls"
WSGI_APPLICATION = "acuclinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL points elsewhere (PostgreSQL in production and CI).
DATABASES = {
    # An empty DATABASE_URL means the default too (a blank line in an env file, say).
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'acuclinic.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Decision 2: writers take the lock up front, readers never block them (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # mmap: pages read straight from the OS cache, not copied in by a system call each
        # (availability over a month of a big clinic reads thousands of index pages).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;"
        ),
    }
    # Tests use a file, not memory: then the live server's threads each get their own
    # connection, as in production, instead of sharing one (which SQLite does not survive).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-acuclinic.sqlite3")}
if test_name := os.environ.get("TEST_DB_NAME"):
    # Lets several test runs share a machine, each with its own test database.
    sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"{test_name}.sqlite3") if sqlite else test_name
    }
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Wagtail's search index uses PostgreSQL's full-text fields there.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# The clinic's language is a setting (not the visitor's browser: pages must say in `lang` the
# language they are written in); every user-facing string is marked for translation.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Denver")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
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

# E-mail: EMAIL_URL such as smtp://user:pass@host:587?tls=1; development prints to the console.
EMAIL_URL = os.environ.get("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def mailer_from_url(url: str) -> dict:
    """EMAIL_URL to a MAILERS entry: smtp://user:pass@host:587?tls=1, smtps://..., console://."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme in {"console", "locmem", "dummy"}:
        return {"BACKEND": f"django.core.mail.backends.{parts.scheme}.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise ValueError(f"EMAIL_URL: unknown scheme {parts.scheme!r}")
    query = parse_qs(parts.query)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": query.get("tls", ["0"])[0] in {"1", "true"},
            "use_ssl": parts.scheme == "smtps",
            "timeout": 10,
        },
    }


MAILERS = {"default": mailer_from_url(EMAIL_URL)}

# Decision 6: background work through Django's tasks API, stored in the database.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# /healthz reports the worker down when a heartbeat task waited this long for it (clinic/health.py).
WORKER_HEARTBEAT_SECONDS = envint("WORKER_HEARTBEAT_SECONDS", 120)

# Wagtail: public content only (decision 5).
WAGTAIL_SITE_NAME = "acuclinic"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]

# Sign-in (django-allauth). Staff: username or e-mail and password, then a second factor (an
# authenticator app with recovery codes, or a security key). Patients: a one-time code e-mailed
# to them, no password (see clinic/signin.py for how a patient's account comes to exist).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/desk/"  # staff; patients go to PATIENT_LOGIN_REDIRECT_URL
# Where a patient lands after signing in; "/" while nothing but Wagtail answers there.
PATIENT_LOGIN_REDIRECT_URL = os.environ.get("PATIENT_LOGIN_REDIRECT_URL", "/portal/")

# Outcome questionnaires (outcomes/questionnaires.py): the folder where the clinic puts the
# licensed texts we may not ship (ODI, PROMIS, RMDQ), and which function measure it asks.
OUTCOME_QUESTIONNAIRE_DIR = os.environ.get("OUTCOME_QUESTIONNAIRE_DIR", "")
OUTCOME_FUNCTION_MEASURE = os.environ.get("OUTCOME_FUNCTION_MEASURE", "rmdq")  # or "odi"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "acuclinic.clinic.auth.ClinicAccountAdapter"
ACCOUNT_FORMS = {
    "request_login_code": "acuclinic.clinic.signin.RequestCodeForm",
    "confirm_login_code": "acuclinic.clinic.signin.ConfirmCodeForm",
}
ACCOUNT_PREVENT_ENUMERATION = True  # a code request answers the same for any address
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the subjects name the clinic themselves
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Ten minutes to switch to the mail app on a phone; three wrong tries and the code is void.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = envint("LOGIN_CODE_MINUTES", 10) * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_TIMEOUT = 15 * 60  # from the password to the second factor (or the code)
# A code request takes at least this long whether or not the address is known, so the answer's
# timing does not tell (see clinic/signin.py).
LOGIN_CODE_MIN_SECONDS = float(os.environ.get("LOGIN_CODE_MIN_SECONDS", "1.0"))
# Shared computers at the front desk: the sign-in cookie ends with the browser, no "remember me".
ACCOUNT_SESSION_REMEMBER = False
# "amount/period/per" (allauth's syntax); held in the cache, so several processes need a shared
# CACHE_BACKEND (e.g. Redis) for the limits to add up across them.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",  # every password sign-in attempt
    "login_failed": "10/m/ip,5/5m/key",  # wrong passwords (and wrong second factors) per account
    "request_login_code": "20/m/ip,3/m/key,10/h/key",  # the key is the e-mail address
    "confirm_login_code": "20/m/ip,10/h/key",  # code attempts (clinic/signin.py); key: e-mail
    "reset_password": "20/m/ip,5/m/key",
}
# Second factors: an authenticator app (TOTP, RFC 6238: 6 digits, 30 s, the current step only)
# with ten recovery codes, and security keys/passkeys (WebAuthn through fido2) as a second factor
# only; a passkey alone does not sign anyone in.
MFA_ADAPTER = "acuclinic.clinic.two_factor.ClinicMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_RECOVERY_CODE_COUNT = 10
# Where a staff account without a second factor is stopped when the clinic requires one.
TWO_FACTOR_REQUIRED_PATHS = ("/desk/", "/cms/", "/admin/")
USERSESSIONS_ADAPTER = "acuclinic.clinic.signin.ClinicUserSessionsAdapter"
# Sessions: a signed-in session ends after this long without a request (staff sooner: an
# unattended desk computer), and at the latest SESSION_COOKIE_AGE after signing in.
SESSION_IDLE_MINUTES_STAFF = envint("SESSION_IDLE_MINUTES_STAFF", 30)
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 8)

# Booking API (/api/) POSTs per client address, in django-ninja's rate syntax; empty: no limit.
API_BOOKING_RATE = os.environ.get("API_BOOKING_RATE", "30/min") or None
if os.environ.get("NINJA_NUM_PROXIES"):
    # Behind N reverse proxies, trust the last N addresses in X-Forwarded-For for rate limits.
    NINJA_NUM_PROXIES = envint("NINJA_NUM_PROXIES", 0)

# Reader comments: spam defences that need no third-party service.
COMMENT_MIN_FILL_SECONDS = envint("COMMENT_MIN_FILL_SECONDS", 3)
COMMENT_RATE_LIMIT = envint("COMMENT_RATE_LIMIT", 5)  # comments per address per hour
COMMENT_MAX_LINKS = envint("COMMENT_MAX_LINKS", 2)
COMMENT_MAX_LENGTH = envint("COMMENT_MAX_LENGTH", 5000)
ALTCHA_HMAC_KEY = os.environ.get("ALTCHA_HMAC_KEY") or SECRET_KEY
ALTCHA_COST = envint("ALTCHA_COST", 5_000)  # PBKDF2 iterations per attempt

# Page cache for the public site: cleared on every publish, so a change shows at once.
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "acuclinic"),
    }
}
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 300)

# Security. HTTPS (above) is on with DEBUG off on any host but loopback; each part can be
# turned off for a setup that does it elsewhere (docs/deploy.md).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
# A monitor may ask the app itself over plain http on loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER"):
    # Behind a reverse proxy that terminates TLS, e.g. X-Forwarded-Proto: the proxy must set it
    # on every request (overwriting what the visitor sent), or a visitor can claim https.
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{proxy_header.upper().replace('-', '_')}", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy for every page (clinic/csp.py relaxes it for /cms/ and /admin/).
# No inline script or style anywhere: JS and CSS come from static/ files. Pages embed nothing
# from other sites (no video or map frames); the booking button for other sites is a script
# they load from us (api/embed.py), so no page of ours is ever framed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # The comment form's proof of work (ALTCHA) runs in a worker made from a blob: URL.
    "worker-src": [CSP.SELF, "blob:"],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if csp_report_uri := os.environ.get("CSP_REPORT_URI"):
    SECURE_CSP["report-uri"] = [csp_report_uri]
# No staff e-mail hashes to gravatar.com from the editor (and nothing to allow in its policy).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# `make bench` turns on a bare view, served by the same process, to compare pages against.
BENCH_VIEWS = envbool("ACUCLINIC_BENCH", False)
SERVE_MEDIA = envbool("SERVE_MEDIA", True)

# Backups (manage.py backup / restore, docs/backups.md): where they go by default (None:
# VAR_DIR/backups). The key file (ACUCLINIC_BACKUP_KEY_FILE) and pg_dump's folder
# (ACUCLINIC_PG_BIN_DIR) are read by the commands themselves, so a key never sits in the
# settings of a running web process.
BACKUP_DIR = Path(d) if (d := os.environ.get("ACUCLINIC_BACKUP_DIR")) else None
