"""/api/v1/: django-ninja's routes, each operation cached like a reader page (articles/cache.py)."""

from django.urls import URLPattern, re_path

from articles.cache import reader_page

from .views import api, not_found

# The query parameters responses depend on; a request with any other is answered uncached.
PARAMS = (
    "section", "tag", "author", "published_after", "published_before", "updated_since", "q", "cursor", "limit",
    "path", "since",
)  # fmt: skip
UNCACHED = {"openapi-json", "openapi-view"}

patterns, _app_name, _namespace = api.urls
app_name = "api"
urlpatterns = [
    pattern
    if pattern.name in UNCACHED
    else URLPattern(pattern.pattern, reader_page(pattern.callback, params=PARAMS), pattern.default_args, pattern.name)
    for pattern in patterns
]
urlpatterns.append(re_path(r"^(?P<rest>.*)$", not_found))
