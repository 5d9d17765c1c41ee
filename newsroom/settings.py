"""Newsroom settings: one module, configured from the environment, safe by default.

Every variable is listed in `.env.example`. Production differs from development only by
environment variables; `DEBUG` is off unless set.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A .env file in the project root is read when present; real environment variables win.
load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# The fallback key is for local work and tests. Serving with it (or with the placeholder from .env.example)
# while DEBUG is off is refused at start-up: see newsroom/wsgi.py and the `newsroom.E001` deploy check. Settings
# themselves don't raise, so tooling such as `makemigrations --check` works in a bare environment.
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-only"
PLACEHOLDER_SECRET_KEYS = {DEVELOPMENT_SECRET_KEY, "change-me-to-a-long-random-string", ""}
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY  # empty counts as unset

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if DEBUG:
    # Local work, and Django's test client ("testserver") in `manage.py shell`.
    ALLOWED_HOSTS += ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "The Daily Ledger")
NEWSROOM_LANGUAGE = os.environ.get("NEWSROOM_LANGUAGE", "en")
# PostgreSQL text search configuration used for stemming (e.g. "english", "russian", "simple").
NEWSROOM_SEARCH_CONFIG = os.environ.get("NEWSROOM_SEARCH_CONFIG", "english")
# Absolute links in feeds, sitemaps and structured data; empty means "the request's own scheme and host".
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Third party
    "taggit",
    "reversion",
    "easy_thumbnails",
    "django_prose_editor",
    "csp",
    "axes",
    "ninja",  # in INSTALLED_APPS so /api/v1/docs is served from our static files, not a CDN
    "corsheaders",
    "storages",
    "django_tasks",
    "django_rq",
    # Local
    "articles",
    "ingest",
    "api",
    "live",
    "jobs",
    "desk",
]

MIDDLEWARE = [
    # Outermost: logs every request, including the ones answered by the two below.
    "newsroom.middleware.RequestLogMiddleware",
    # /healthz answers before host validation and the SSL redirect, for load-balancer probes.
    "newsroom.middleware.HealthCheckMiddleware",
    # CORS for the content API (/api/): before anything that answers, so 429s and cached hits carry it too.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Cached pages for anonymous readers are answered here, with every header above and without the
    # session, CSRF, auth and messages work below (articles/cache.py).
    # Counts readers' views of article pages, those the page cache answers included (live/counting.py).
    "live.counting.ViewCountMiddleware",
    # The content API's rate limits and tokens, before the page cache answers cached API responses.
    "api.middleware.ApiRateLimitMiddleware",
    "articles.cache.ReaderPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.middleware.OldUrlRedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost, so it is the first to see a view's exception: database down → friendly 503.
    "newsroom.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.newsroom",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # RedisCache that logs and serves uncached while Redis is down, instead of raising.
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "BREAKER_SECONDS": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom"}}

# Background jobs (jobs/, articles/tasks.py): django-tasks on RQ with the Redis above; a worker runs
# `python manage.py jobs_worker`. Without Redis, jobs run in-process right
# after the commit that asked for them, so `make run` needs no worker.
JOB_MAX_RETRIES = env_int("JOB_MAX_RETRIES", 5)
# Seconds before each retry: 10 s, 30 s, 90 s, 4.5 min, 13.5 min by default (backoff ×3).
JOB_RETRY_INTERVALS = [int(s) for s in env_list("JOB_RETRY_INTERVALS", "10,30,90,270,810")]
if REDIS_URL:
    TASKS = {"default": {"BACKEND": "jobs.backends.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A job that runs longer than this is stopped and retried (a 40-MP photo takes a few seconds).
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 300}}

# Readers' pages (articles/cache.py). Page caching needs a cache every worker shares, so it is on by default
# only with Redis. 0 turns it off (the test configuration, conftest.py, turns it off unless a test asks for it).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)
# Cache-Control for anonymous pages, capped by the moment the page stops being right (a scheduled
# article's time, midnight): browsers keep it PAGE_BROWSER_MAX_AGE, a CDN PAGE_CDN_MAX_AGE (s-maxage).
PAGE_BROWSER_MAX_AGE = env_int("PAGE_BROWSER_MAX_AGE", 60)
PAGE_CDN_MAX_AGE = env_int("PAGE_CDN_MAX_AGE", 300)
PAGE_STALE_WHILE_REVALIDATE = env_int("PAGE_STALE_WHILE_REVALIDATE", 30)
# Pages each worker also keeps in memory (a few tens of kB each; whether they are still fresh is checked in Redis
# on every request). Fewer than the pages readers are reading means fetching whole pages from Redis on most hits.
PAGE_CACHE_LOCAL_ENTRIES = env_int("PAGE_CACHE_LOCAL_ENTRIES", 1000)
# After an edit or a publication, one worker renders a page again while the others may serve the previous
# copy for at most this many seconds (no reader queues behind a re-render). Takedowns never serve stale copies.
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 2)
# That one worker renders the page in a background thread while it, too, answers with the previous copy
# (off: the reader whose request found the page stale waits for the render). Takedowns always render at once.
PAGE_CACHE_BACKGROUND_REFRESH = env_bool("PAGE_CACHE_BACKGROUND_REFRESH", default=True)
# Each worker also listens for changes on a Redis publish/subscribe channel, so a hit learns of them without a
# round trip (off: every hit asks Redis). Either way a takedown is never served after its save returns.
PAGE_CACHE_CHANGE_FEED = env_bool("PAGE_CACHE_CHANGE_FEED", default=True)
# Under gunicorn those background renders run in one renderer process per app server, started by the master
# (articles/renderer.py), at this `nice` level, so serving workers get the CPU first; 0 renders in the workers.
PAGE_CACHE_RENDER_PROCESS = env_bool("PAGE_CACHE_RENDER_PROCESS", default=True)
PAGE_CACHE_RENDER_NICE = env_int("PAGE_CACHE_RENDER_NICE", 5)
# The renderer starts a job this long after a worker asked for it, so it does not add its CPU to the burst of
# work a change itself brings (the commit, readers' first requests); and after each render it rests for this
# share of the CPU time the render took (100: as long again), so readers' requests come first while a change's
# pages are rendered again. Meanwhile readers get the previous copies, as cheaply as fresh ones.
PAGE_CACHE_RENDER_DELAY_MS = env_int("PAGE_CACHE_RENDER_DELAY_MS", 150)
PAGE_CACHE_RENDER_REST_PERCENT = env_int("PAGE_CACHE_RENDER_REST_PERCENT", 100)
# Pages go stale when a change commits. On: also at once, for reads inside the writing transaction (tests).
PAGE_CACHE_INVALIDATE_BEFORE_COMMIT = env_bool("PAGE_CACHE_INVALIDATE_BEFORE_COMMIT", default=False)
# The HTTP cache in front (articles/httpcache.py, deploy/varnish/): the response header carrying each page's
# dependency keys ("xkey" for Varnish, "Surrogate-Key" for Fastly-style CDNs, "Cache-Tag" for Cloudflare,
# empty for none), where to send purges after each commit (Varnish URLs, comma-separated), and whether pages
# leave their shared parts to the cache as Edge Side Includes when it asks for them (Surrogate-Capability).
HTTP_CACHE_TAG_HEADER = os.environ.get("HTTP_CACHE_TAG_HEADER", "xkey").strip()
HTTP_CACHE_PURGE_URLS = env_list("HTTP_CACHE_PURGE_URLS")
HTTP_CACHE_ESI = env_bool("HTTP_CACHE_ESI", default=False)
# `make bench` only: a trivial view at /bench/trivial/ to measure the framework's own cost against.
BENCH_TRIVIAL_VIEW = env_bool("BENCH_TRIVIAL_VIEW", default=False)

# Accounts -----------------------------------------------------------------
# django-axes watches every login (admin included) and locks a username+address pair out after
# AXES_FAILURE_LIMIT failures in a row, for AXES_COOLOFF_HOURS. Staff unlock in the admin ("Access
# attempts") or with `manage.py axes_reset_username NAME`. (conftest.py turns it off for tests, which log
# in with client.login and pass no request, unless a test switches it on.)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1) or None  # 0: locked until staff unlock
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Behind a proxy, the client address is taken from X-Forwarded-For, counting TRUSTED_PROXY_COUNT hops
# from the right (see newsroom.middleware.client_ip); 0 means "no proxy: use the socket's address".
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "newsroom.middleware.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-gb")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Media in S3-compatible object storage (AWS S3, SeaweedFS, MinIO, R2…) when a bucket is named; otherwise local files
# under MEDIA_ROOT. Every node of a cluster must use the bucket: a file written on one node is read on all of them.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip().rstrip("/") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "").strip() or None
# Where browsers fetch media from (a CDN, or the bucket's public address); URLs are built without a storage call.
MEDIA_PUBLIC_URL = os.environ.get("MEDIA_PUBLIC_URL", "").strip().rstrip("/")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as BotoConfig

    MEDIA_STORAGE = {
        "BACKEND": "newsroom.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            # Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an instance role), read by boto3.
            "public_url": MEDIA_PUBLIC_URL
            or (f"{AWS_S3_ENDPOINT_URL}/{AWS_STORAGE_BUCKET_NAME}" if AWS_S3_ENDPOINT_URL else ""),
            # Two uploads called photo.jpg in one month must not overwrite each other.
            "file_overwrite": False,
            "querystring_auth": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            # A storage that is down fails an upload within seconds (a form error), never hangs the editor.
            "client_config": BotoConfig(
                connect_timeout=env_int("AWS_S3_CONNECT_TIMEOUT", 2), read_timeout=env_int("AWS_S3_READ_TIMEOUT", 20),
                retries={"max_attempts": 2, "mode": "standard"}, signature_version="s3v4",
            ),
        },
    }  # fmt: skip
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Images: limits on uploads (bytes and pixels) are configurable.
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
# Renditions (easy-thumbnails, articles/images.py): made once after an upload, kept under media/renditions/.
THUMBNAIL_BASEDIR = "renditions"
# Uploads with more pixels than this are stored at once as a reduced, cleaned copy; the full-size clean copy and
# the renditions are made by a job (articles/tasks.py), so an editor's upload returns within a second.
IMAGE_INLINE_MAX_PIXELS = env_int("IMAGE_INLINE_MAX_PIXELS", 12_000_000)
THUMBNAIL_QUALITY = 82
THUMBNAIL_IMAGE_SAVE_OPTIONS = {"JPEG": {"quality": 82}, "WEBP": {"quality": 80}}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TAGGIT_CASE_INSENSITIVE = True

# Security -----------------------------------------------------------------
# Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto: https (and strips any
# X-Forwarded-Proto the client sent). Django trusts that header to know a request came over HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /healthz over plain HTTP (the health middleware answers before the redirect, too).
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): public pages run no inline script or style at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Imported and wire stories may show photos hosted elsewhere; everything else is our own.
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": env_bool("CSP_UPGRADE_INSECURE_REQUESTS", default=not DEBUG),
    }
}
# Media served from the bucket's own address (or a CDN): pages show its images.
MEDIA_ORIGIN = "/".join(MEDIA_STORAGE.get("OPTIONS", {}).get("public_url", "").split("/")[:3])
if MEDIA_ORIGIN.startswith(("http://", "https://")):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(MEDIA_ORIGIN)
# The admin's widgets and the prose editor use inline scripts and styles; they get their own policy
# (newsroom.middleware.ContentSecurityPolicyMiddleware picks it for paths under ADMIN_URL).
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", "https:", *CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"][3:]],
    }
}

# Logging: one JSON object per line on stderr (LOG_FORMAT=text for plain lines while developing).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "newsroom.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if os.environ.get("LOG_FORMAT", "json") == "text" else "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The request log (newsroom.request) already has a line per request, 4xx/5xx included.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # a start-up banner on every manage.py command otherwise
    },
}

ARTICLES_PER_PAGE = 20

# Content API (api/, /api/v1/): requests a minute per anonymous client address, and per partner token.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 60)
API_TOKEN_RATE_LIMIT = env_int("API_TOKEN_RATE_LIMIT", 600)
# Any origin may read the API with GET (no cookies are sent or needed).
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["authorization", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["etag", "last-modified", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining"]
# Webhooks (api/webhooks.py): internal and plain-http endpoints only with DEBUG on (or this set);
# seconds between a failed delivery's attempts (backoff). Deliveries are jobs on the queue with REDIS_URL;
# without it they are sent from a background thread of the process (0: in the saving thread, for tests).
WEBHOOK_ALLOW_INTERNAL = env_bool("WEBHOOK_ALLOW_INTERNAL", default=DEBUG)
WEBHOOK_RETRY_DELAYS = [int(s) for s in env_list("WEBHOOK_RETRY_DELAYS", "10,60,300,1800,7200")]
WEBHOOK_BACKGROUND = env_bool("WEBHOOK_BACKGROUND", default=True)

# Live coverage (live/): how often live pages' script asks for new entries (10-30 s), and the most entries shown.
LIVE_POLL_SECONDS = min(30, max(10, env_int("LIVE_POLL_SECONDS", 15)))
LIVE_MAX_ENTRIES = env_int("LIVE_MAX_ENTRIES", 500)
# Most read: the top MOST_READ_SIZE stories of the last MOST_READ_HOURS hours, renewed at most every
# MOST_READ_REFRESH_SECONDS; MOST_READ_COUNTING=0 stops counting views.
MOST_READ_SIZE = env_int("MOST_READ_SIZE", 5)
MOST_READ_HOURS = min(168, max(1, env_int("MOST_READ_HOURS", 24)))
MOST_READ_REFRESH_SECONDS = max(1, env_int("MOST_READ_REFRESH_SECONDS", 60))
MOST_READ_COUNTING = env_bool("MOST_READ_COUNTING", default=True)
# Views are counted in each worker and sent to Redis in one call every MOST_READ_FLUSH_SECONDS (0: at once,
# in the request), or sooner once MOST_READ_FLUSH_VIEWS wait; a killed worker loses at most that much.
MOST_READ_FLUSH_SECONDS = max(0.0, float(os.environ.get("MOST_READ_FLUSH_SECONDS", "").strip() or 1))
MOST_READ_FLUSH_VIEWS = max(1, env_int("MOST_READ_FLUSH_VIEWS", 1000))
PREVIEW_MAX_AGE = env_int("PREVIEW_MAX_AGE", 7 * 24 * 60 * 60)
