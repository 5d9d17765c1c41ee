"""The content API (/api/v1/): published articles, sections, authors and tags for apps, partners and mirrors.

Every operation reads through `Article.objects.published()`, as the pages do. Responses are cached and
invalidated like pages (articles/cache.py `reader_page`, wrapped around each operation in api/urls.py):
while an operation builds its answer it notes the same dependency keys a page showing the same things
would (`depends_on_articles`), plus the API's own (`list-api-changes`, `list-api-removed`, `list-api-tags`,
api/signals.py), so a typo fix reaches only the responses that show that article.
"""

import base64
import binascii
import datetime
import json

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import http_date
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import ValidationError

from articles import search
from articles.cache import depends_on
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Redirect,
    Section,
    Tag,
    TaggedArticle,
)
from articles.seo import absolute_url, iso
from articles.views import related_articles

from . import schemas
from .documents import api_articles, article_data, articles_for_api, documents, dumps, note_articles, with_documents
from .models import Removal
from .signals import CHANGES, REMOVED, TAGS

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# Every list operation may answer these besides 200 (the rate limit is api/middleware.py's).
ERRORS = {400: schemas.Error, 401: schemas.Error, 429: schemas.Error}

DESCRIPTION = """
Published content of the newsroom: what readers can see on the site, nothing more. No key is needed; a
partner's API token (`Authorization: Bearer nrk_…`, made by staff in the admin) raises the rate limit and
never widens what is visible. Lists are newest first (`updated_since`: oldest change first), at most
100 a page, with a `next` link (keyset cursors: stable while articles are published). Errors are JSON
`{"error": "…", "parameter": "…"}` with status 400 (bad parameter), 401 (unknown or revoked token),
404 or 429 (rate limit; see `Retry-After`). Responses carry `ETag`, `Last-Modified` and `Cache-Control`
and answer conditional requests with 304.
"""

api = NinjaAPI(
    title=f"{settings.NEWSROOM_NAME} content API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    # Swagger UI from our own static files (django-ninja in INSTALLED_APPS); it sets inline styles.
    docs_decorator=csp_update({"style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"]}),
)


class BadParameter(Exception):
    def __init__(self, parameter, message):
        super().__init__(message)
        self.parameter, self.message = parameter, message


def error(request, status, message, parameter=None):
    return api.create_response(request, {"error": message, "parameter": parameter}, status=status)


@api.exception_handler(BadParameter)
def bad_parameter(request, exc):
    return error(request, 400, exc.message, exc.parameter)


@api.exception_handler(ValidationError)
def invalid_parameter(request, exc):
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ())]
    parameter = location[1] if len(location) > 1 else (location[0] if location else None)
    message = first.get("msg", "Invalid value.")
    return error(request, 400, f"Invalid value for {parameter}: {message}", parameter)


# Cursors ------------------------------------------------------------------------------------------------------


def encode_cursor(kind, value, pk):
    raw = json.dumps([kind, value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, kind):
    """(value, pk) of a cursor this list made; BadParameter for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found_kind, value, pk = json.loads(raw)
        if found_kind != kind or not isinstance(pk, int) or not isinstance(value, str):
            raise ValueError
        if kind in ("p", "c", "r"):
            value = datetime.datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadParameter("cursor", "Not a cursor of this list: use the `next` link as given.") from None
    return value, pk


def next_link(request, cursor):
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_of(rows, limit):
    """The first `limit` rows and whether there are more (the query asked for limit + 1)."""
    rows = list(rows)
    return rows[:limit], len(rows) > limit


def aware(value, parameter):
    """`value` as an aware time in UTC: naive times are in the newsroom's time zone, and an offset PostgreSQL
    refuses (beyond ±15:59, which ISO 8601 and Python allow) is converted rather than sent."""
    if value is None:
        return None
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise BadParameter(parameter, "Not a time that exists in the newsroom's time zone.") from None


# Articles -------------------------------------------------------------------------------------------------------


def json_response(data, response):
    """`data` (or its JSON text) as JSON, past django-ninja's validation of the output against the schema: on a
    list of 20 that validation (pydantic over ~150 nested objects) cost more than the queries and the building
    together. The schema stays the contract: tests validate these answers against it, and schemathesis checks the
    live API. `response` is the operation's temporal response, whose headers (Last-Modified) are kept."""
    answer = HttpResponse(
        data if isinstance(data, str) else dumps(data), content_type="application/json; charset=utf-8"
    )
    for header, value in response.items():
        if header.lower() != "content-type":
            answer[header] = value
    return answer


def set_last_modified(response, moments):
    moments = [moment for moment in moments if moment is not None]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())


def lookup_slug(model, slug, parameter, **filters):
    found = model.objects.filter(slug=slug, **filters).only("pk").first()
    if found is None:
        raise BadParameter(parameter, f"No {parameter} with the slug “{slug}”.")
    return found


@api.get(
    "/articles",
    response={200: schemas.ArticlePage, **ERRORS},
    summary="List published articles",
    tags=["articles"],
)
def list_articles(request: HttpRequest, response: HttpResponse, filters: Query[schemas.ArticleFilters]):
    section, tag, author, q, cursor, limit = (
        filters.section, filters.tag, filters.author, filters.q, filters.cursor, filters.limit
    )  # fmt: skip
    published_after, published_before, updated_since = (
        filters.published_after, filters.published_before, filters.updated_since
    )  # fmt: skip
    articles = api_articles()
    keys = set()
    if section is not None:
        found = lookup_slug(Section, section, "section")
        articles = articles.filter(section_id=found.pk)
        keys |= {f"list-section-{found.pk}", f"section-{found.pk}"}
    if tag is not None:
        found = lookup_slug(Tag, tag, "tag")
        articles = articles.filter(pk__in=TaggedArticle.objects.filter(tag_id=found.pk).values("content_object_id"))
        keys |= {f"list-tag-{found.pk}", f"tag-{found.pk}"}
    if author is not None:
        found = lookup_slug(Author, author, "author")
        articles = articles.filter(pk__in=ArticleAuthor.objects.filter(author_id=found.pk).values("article_id"))
        keys |= {f"list-author-{found.pk}", f"author-{found.pk}"}
    if published_after is not None:
        articles = articles.filter(published_at__gte=aware(published_after, "published_after"))
    if published_before is not None:
        articles = articles.filter(published_at__lt=aware(published_before, "published_before"))
    if q is not None:
        parsed = search.parse_query(q)
        if not parsed:
            raise BadParameter("q", "Search for at least one word.")
        matches = search.search(Article.objects.published(), parsed).values("pk")
        articles = articles.filter(pk__in=[row["pk"] for row in matches])
        keys.add("list-search")
    if not keys & {k for k in keys if k.startswith("list-")}:
        keys.add("list-latest")
    if updated_since is not None:
        since = aware(updated_since, "updated_since")
        keys.add(CHANGES)
        articles = articles.filter(changed__gte=since).order_by("changed", "pk")
        kind, sort_field = "c", "changed"
        if cursor:
            value, pk = decode_cursor(cursor, kind)
            articles = articles.filter(Q(changed__gt=value) | Q(changed=value, pk__gt=pk))
    else:
        articles = articles.order_by("-published_at", "-pk")
        kind, sort_field = "p", "published_at"
        if cursor:
            value, pk = decode_cursor(cursor, kind)
            articles = articles.filter(Q(published_at__lt=value) | Q(published_at=value, pk__lt=pk))
    depends_on(request, *keys)
    # One query for the page: the stored documents come with it (api/documents.py).
    items, more = page_of(with_documents(articles)[: limit + 1], limit)
    set_last_modified(response, [row["changed"] for row in items])
    last = items[-1] if items else None
    after = encode_cursor(kind, last[sort_field].isoformat(), last["pk"]) if more else None
    text = (
        '{"items":[' + ",".join(documents(request, items)) + '],"next":' + dumps(after and next_link(request, after))
    )
    return json_response(text + "}", response)


def detail_response(request, response, article):
    article.api_tags = list(article.tags.all())  # prefetched (articles_for_api(one=True)): no query
    related = related_articles(article)
    note_articles(request, [article])
    depends_on(request, *(f"article-{item.pk}" for item in related))
    set_last_modified(response, [article.changed])
    return json_response({**article_data(request, article), "related_ids": [item.pk for item in related]}, response)


@api.get(
    "/articles/lookup",
    response={200: schemas.ArticleDetail, 404: schemas.Error, **ERRORS},
    summary="Find a published article by its public address",
    tags=["articles"],
)
def lookup_article(request: HttpRequest, response: HttpResponse, params: Query[schemas.LookupParams]):
    path = params.path
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        raise BadParameter("path", "Give a path starting with / or a full URL.")
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    article = None
    if match is not None and match.view_name == "articles:detail":
        try:
            day = datetime.date(match.kwargs["year"], match.kwargs["month"], match.kwargs["day"])
        except ValueError:
            day = None
        if day is not None:
            article = articles_for_api(one=True).filter(publication_date=day, slug=match.kwargs["slug"]).first()
    if article is None:  # an old address of a moved article 301-redirects on the site
        moved = Redirect.objects.filter(old_path=path).values_list("article_id", flat=True).first()
        if moved is not None:
            article = articles_for_api(one=True).filter(pk=moved).first()
    if article is None:
        return Status(404, {"error": "No published article at that address.", "parameter": "path"})
    depends_on(request, "list-latest")  # an address that starts to show an article
    return detail_response(request, response, article)


@api.get(
    "/articles/{article_id}",
    response={200: schemas.ArticleDetail, 404: schemas.Error, **ERRORS},
    summary="One published article",
    tags=["articles"],
)
def get_article(request: HttpRequest, response: HttpResponse, params: Path[schemas.ArticlePath]):
    article = articles_for_api(one=True).filter(pk=params.article_id).first()
    if article is None:
        return Status(404, {"error": "No published article with this id.", "parameter": None})
    return detail_response(request, response, article)


@api.get(
    "/removed",
    response={200: schemas.RemovalPage, **ERRORS},
    summary="Articles that left public view, for mirrors to delete",
    tags=["articles"],
)
def list_removed(request: HttpRequest, filters: Query[schemas.RemovedFilters]):
    since, cursor, limit = filters.since, filters.cursor, filters.limit
    removals = Removal.objects.order_by("removed_at", "pk")
    if since is not None:
        removals = removals.filter(removed_at__gte=aware(since, "since"))
    if cursor:
        value, pk = decode_cursor(cursor, "r")
        removals = removals.filter(Q(removed_at__gt=value) | Q(removed_at=value, pk__gt=pk))
    depends_on(request, REMOVED)
    items, more = page_of(removals[: limit + 1], limit)
    last = items[-1] if items else None
    return {
        "items": [
            {"id": r.article_id, "url": absolute_url(r.url, request), "removed_at": iso(r.removed_at)} for r in items
        ],
        "next": next_link(request, encode_cursor("r", last.removed_at.isoformat(), last.pk)) if more else None,
    }


def not_found(request, rest=""):
    """Any other address under /api/v1/: a JSON 404, like the API's own."""
    return error(request, 404, "No such API address: see /api/v1/docs.")


# Sections, authors, tags ---------------------------------------------------------------------------------------


@api.get("/sections", response={200: schemas.SectionPage, 401: schemas.Error, 429: schemas.Error}, tags=["sections"],
         summary="Active sections, in navigation order")  # fmt: skip
def list_sections(request: HttpRequest):
    sections = list(Section.objects.filter(is_active=True).order_by("position", "name"))
    depends_on(request, "frag-nav", *(f"section-{s.pk}" for s in sections))
    return {
        "items": [
            {"id": s.pk, "name": s.name, "slug": s.slug, "description": s.description,
             "url": absolute_url(s.get_absolute_url(), request)}
            for s in sections
        ],
        "next": None,
    }  # fmt: skip


def published_with(model_field):
    return Exists(Article.objects.published().filter(**{model_field: OuterRef("pk")}))


@api.get("/authors", response={200: schemas.AuthorPage, **ERRORS}, tags=["authors"],
         summary="Authors with published articles, by slug")  # fmt: skip
def list_authors(request: HttpRequest, paging: Query[schemas.Paging]):
    cursor, limit = paging.cursor, paging.limit
    authors = Author.objects.filter(published_with("authors")).order_by("slug")
    if cursor:
        value, _pk = decode_cursor(cursor, "s")
        authors = authors.filter(slug__gt=value)
    items, more = page_of(authors[: limit + 1], limit)
    depends_on(request, "list-authors", "list-latest", *(f"author-{a.pk}" for a in items))
    depends_on(request, *(f"author-{a.pk}-page" for a in items))  # bio and job title
    return {
        "items": [
            {"id": a.pk, "name": a.name, "slug": a.slug, "job_title": a.job_title, "bio_html": a.bio,
             "url": absolute_url(a.get_absolute_url(), request)}
            for a in items
        ],
        "next": next_link(request, encode_cursor("s", items[-1].slug, items[-1].pk)) if more else None,
    }  # fmt: skip


@api.get("/tags", response={200: schemas.TagPage, **ERRORS}, tags=["tags"],
         summary="Tags with published articles, by slug")  # fmt: skip
def list_tags(request: HttpRequest, paging: Query[schemas.Paging]):
    cursor, limit = paging.cursor, paging.limit
    tags = Tag.objects.filter(published_with("tags")).order_by("slug")
    if cursor:
        value, _pk = decode_cursor(cursor, "s")
        tags = tags.filter(slug__gt=value)
    items, more = page_of(tags[: limit + 1], limit)
    depends_on(request, TAGS, "list-latest", *(f"tag-{t.pk}" for t in items))
    return {
        "items": [
            {"id": t.pk, "name": t.name, "slug": t.slug, "url": absolute_url(t.get_absolute_url(), request)}
            for t in items
        ],
        "next": next_link(request, encode_cursor("s", items[-1].slug, items[-1].pk)) if more else None,
    }  # fmt: skip
