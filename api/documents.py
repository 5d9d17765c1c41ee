"""Articles as the API shows them, and each public article's document stored once built (ArticleDocument).

A list of 20 whole stories (bodies, bylines, tags, corrections, ~19 renditions each) cost ~13-15 ms of CPU to
build on every uncached request; a story's document changes only when something it shows changes. So each
article's JSON is kept in the database with what it was built from, and a list is one query that joins the
stored texts. A stored document is served only when all of these still hold:

- `built_generation == generation`: every change to what the document shows (the article, its byline, tags,
  corrections, section, authors, lead image) bumps `generation` in the change's own transaction
  (`drop_documents`, from api/signals.py), so it is dropped exactly when the change commits. A reader that
  built from older rows stores its text only where the generation it read is still current (one conditional
  upsert), so a build racing a change is never kept;
- `changed_at` equals the article's `changed` now (a second check on the article's own row);
- `built_for` is the same: this module's code, the site's address, the time zone, the URL prefix and the
  media storage's address (see `build_context`); another deployment or a code change rebuilds.

Anything else is rebuilt on read (4 queries for all the stale ones of a page, one to store them). The detail
is built fresh each time: it adds related articles, which depend on other stories.
"""

import hashlib
import html
import json
import re
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import Prefetch
from django.db.models.functions import Coalesce, Greatest
from django.urls import get_script_prefix
from django.utils.html import strip_tags

from articles.cache import depends_on
from articles.images import rendition_url
from articles.models import Article, ArticleAuthor, Correction, join_names
from articles.seo import iso, site_url

from .models import ArticleDocument

# Stored documents are rebuilt when this module changes (a deployment that changes the output).
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]

BYLINES = Prefetch(
    "article_authors", queryset=ArticleAuthor.objects.select_related("author").order_by("position", "id")
)
CORRECTIONS = Prefetch(
    "corrections", queryset=Correction.objects.order_by("published_at", "id"), to_attr="api_corrections"
)
# Into a plain list: prefetching into django-taggit's manager builds a queryset per article (a fifth of a list's
# time); with `to_attr` the tags are one query and one list per article.
TAG_LIST = Prefetch("tags", to_attr="api_tags")  # (taggit takes no custom queryset: sorted when shown)

CHANGED = Greatest(
    "modified_at",
    Coalesce("api_change__changed_at", "modified_at"),
    "published_at",
    Coalesce("embargo_until", "published_at"),
)


def api_articles():
    """Published articles with `changed` (the API's `changed_at`): what lists filter and page."""
    return Article.objects.published().annotate(changed=CHANGED)


def articles_for_api(*, one=False):
    """api_articles() with everything a document shows, in a fixed number of queries (4).

    `one`: for a single article, whose related articles are found from `article.tags` (taggit's manager)."""
    return (
        api_articles()
        .select_related("section", "lead_image", "api_change")
        .prefetch_related(BYLINES, "tags" if one else TAG_LIST, CORRECTIONS)
    )


BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figcaption|figure|ul|ol)>|<br\s*/?>", re.IGNORECASE)


def plain_text(body):
    """The body as text: paragraphs separated by blank lines, entities decoded."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n\n", body)))
    return "\n\n".join(part.strip() for part in re.split(r"\n\s*\n", text) if part.strip())


def renditions(absolute, image):
    found = []
    for shape, entry in (image.renditions or {}).items():
        if not isinstance(entry, dict):
            continue
        for key in ("webp", "fallback"):
            kind = "image/webp" if key == "webp" else entry.get("fallback_type", "image/jpeg")
            found += [
                {
                    "url": absolute(rendition_url(name)),
                    "width": width,
                    "height": height,
                    "format": kind,
                    "shape": shape,
                }
                for width, height, name in entry.get(key, ())
            ]
    return found


def absolute_urls(request):
    """absolute_url() for many links of one response: the site's address is worked out once, not per link."""
    site = site_url(request) + "/"

    def absolute(url):
        return url if url.startswith(("http://", "https://")) else site + url.lstrip("/")

    return absolute


def article_data(request, article, absolute=None):
    absolute = absolute or absolute_urls(request)
    image = article.lead_image
    links = article.byline_links()
    url = absolute(article.get_absolute_url())
    return {
        "id": article.pk,
        "headline": article.headline,
        "dek": article.dek,
        "body_html": article.body,
        "body_text": plain_text(article.body),
        "section": {
            "id": article.section.pk,
            "name": article.section.name,
            "slug": article.section.slug,
            "url": absolute(article.section.get_absolute_url()),
        },
        "authors": [
            {
                "id": link.author.pk,
                "name": link.author.name,
                "slug": link.author.slug,
                "role": link.role,
                "url": absolute(link.author.get_absolute_url()),
            }
            for link in links
        ],
        "byline": article.byline_override or join_names([link.author.name for link in links]),
        "tags": [
            {"id": tag.pk, "name": tag.name, "slug": tag.slug, "url": absolute(tag.get_absolute_url())}
            for tag in sorted(article.api_tags, key=lambda tag: tag.name)
        ],
        "dateline": article.dateline,
        "published_at": iso(article.published_at),
        "updated_at": iso(article.updated_at) if article.show_updated else None,
        "changed_at": iso(article.changed),
        "url": url,
        "canonical_url": article.canonical_url or url,
        "lead_image": None
        if image is None
        else {
            "alt": image.alt,
            "caption": article.lead_caption,
            "credit": image.credit,
            "width": image.width,
            "height": image.height,
            "renditions": renditions(absolute, image),
        },
        "corrections": [{"date": iso(c.published_at), "note_html": c.note} for c in article.api_corrections],
    }


def article_keys(article):
    """The page cache's keys of `article` shown in full: what depends_on_articles(full=True) notes, with the tags
    read from the API's own prefetch (`api_tags`), plus the corrections."""
    pk, image = article.pk, article.lead_image_id
    return [
        f"article-{pk}", f"article-{pk}-page", f"article-{pk}-corrections", f"section-{article.section_id}",
        *(f"author-{link.author_id}" for link in article.article_authors.all()),
        *(f"tag-{tag.pk}" for tag in article.api_tags),
        *((f"image-{image}", f"image-{image}-page") if image else ()),
    ]  # fmt: skip


def note_articles(request, articles):
    for article in articles:
        depends_on(request, *article_keys(article))


def dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# Stored documents ----------------------------------------------------------------------------------------------

# What a list reads of each article: enough to page, and its stored document with what it was built from.
STORED = {
    "generation": "api_document__generation",
    "built_generation": "api_document__built_generation",
    "built_for": "api_document__built_for",
    "built_changed": "api_document__changed_at",
    "keys": "api_document__dependency_keys",
    "data": "api_document__data",
}


def with_documents(articles):
    """`articles` (from api_articles()) as dicts: pk, published_at, changed and the stored document's columns."""
    return articles.values("pk", "published_at", "changed", *STORED.values())


def build_context(request):
    """Everything besides the rows that a document's text depends on."""
    parts = (CODE_VERSION, site_url(request), settings.TIME_ZONE, get_script_prefix(), rendition_url("x.jpg"))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def documents(request, rows):
    """The JSON text of each row's article (rows from with_documents()), in order, noting its keys for the page
    cache. Missing or stale documents are built (and stored) for all of them at once; an article that left
    public view in the meantime is left out."""
    context = build_context(request)
    found, stale = {}, []
    for row in rows:
        fresh = (
            row[STORED["built_generation"]] is not None
            and row[STORED["built_generation"]] == row[STORED["generation"]]
            and row[STORED["built_for"]] == context
            and row[STORED["built_changed"]] == row["changed"]
        )
        if fresh:
            found[row["pk"]] = (row[STORED["data"]], row[STORED["keys"]].split())
        else:
            stale.append(row)
    if stale:
        found.update(rebuild(request, context, stale))
    texts = []
    for row in rows:
        if row["pk"] in found:
            text, keys = found[row["pk"]]
            depends_on(request, *keys)
            texts.append(text)
    return texts


def rebuild(request, context, rows):
    """{pk: (text, keys)} for these rows' articles, stored where the generation they were read at still holds."""
    generations = {row["pk"]: row[STORED["generation"]] or 0 for row in rows}
    articles = articles_for_api().filter(pk__in=list(generations))
    absolute = absolute_urls(request)
    built, stored = {}, []
    for article in articles:
        text, keys = dumps(article_data(request, article, absolute)), article_keys(article)
        built[article.pk] = (text, keys)
        stored.append((article.pk, generations[article.pk], article.changed, " ".join(keys), text))
    store(context, sorted(stored))
    return built


def _table():
    return connection.ops.quote_name(ArticleDocument._meta.db_table)


def store(context, documents):
    """Keep (pk, generation read, changed, keys, text) documents: a new row, or an existing one whose generation
    is still the one read. A change committed since then bumped it, so a build from older rows is not kept."""
    if not documents:
        return
    changed_field = ArticleDocument._meta.get_field("changed_at")
    table = _table()
    values, params = [], []
    for pk, generation, changed, keys, text in documents:
        values.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += [
            pk,
            generation,
            generation,
            context,
            changed_field.get_db_prep_value(changed, connection),
            keys,
            text,
        ]
    columns = "article_id, generation, built_generation, built_for, changed_at, dependency_keys, data"
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)} ON CONFLICT (article_id) DO UPDATE SET "
        "built_generation = excluded.built_generation, built_for = excluded.built_for, "
        "changed_at = excluded.changed_at, dependency_keys = excluded.dependency_keys, data = excluded.data "
        f"WHERE {table}.generation = excluded.built_generation"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    except OperationalError:
        # Storing only saves the next reader some work, and this answer is built: a lock that timed out (SQLite
        # held by a writer) costs nothing. Inside a transaction the error has broken it: not ours to hide.
        if connection.in_atomic_block:
            raise


def drop_documents(article_ids):
    """Something the documents of these articles show changed: bump their generation (a row for each, so a
    reader building from the old rows right now cannot store its text as current), in the caller's
    transaction, so they are dropped exactly when the change commits."""
    ids = sorted(set(article_ids))
    table, articles = _table(), connection.ops.quote_name(Article._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} (article_id, generation, built_generation, built_for, dependency_keys, data) "
                f"SELECT id, 1, NULL, '', '', '' FROM {articles} WHERE id IN ({', '.join(['%s'] * len(chunk))}) "
                # In id order, like store(): two statements locking the same rows never wait for each other.
                "ORDER BY id "
                f"ON CONFLICT (article_id) DO UPDATE SET generation = {table}.generation + 1, "
                "built_generation = NULL, dependency_keys = '', data = ''",
                chunk,
            )
