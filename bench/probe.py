"""Inside Django (`python -m bench.probe OUT.json`): pick the pages to load, count their queries, weigh the
article page, time the admin changelist, and EXPLAIN the listing queries on PostgreSQL.

Run by bench/__main__.py with the benchmark's environment; prints nothing but errors, writes JSON.
"""

import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path


def main(out_path):
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from articles import cache as page_cache
    from articles.models import Article, ArticleAuthor, Author, Section, Tag

    published = Article.objects.published()
    typical = published.filter(lead_image__isnull=False, tags__isnull=False).distinct()
    article = typical.order_by("-published_at", "-id")[50:51]
    article = article[0] if article else published.order_by("-published_at").first()
    if article is None:
        sys.exit("bench.probe: no published articles to benchmark")
    section = Section.objects.filter(is_active=True).annotate(n=Count("articles")).order_by("-n").first()
    tag = Tag.objects.annotate(n=Count("tagged_articles")).order_by("-n").first()
    busiest = ArticleAuthor.objects.values("author").annotate(n=Count("pk")).order_by("-n")
    author = Author.objects.get(pk=busiest.values_list("author", flat=True)[0])
    words = Counter(
        word
        for headline in published.order_by("-published_at").values_list("headline", flat=True)[:500]
        for word in re.findall(r"[a-z]{5,}", headline.lower())
    )
    # The most common headline word that search really looks for: a stop word ("after") would be an empty
    # query on PostgreSQL, answered without touching the index, and flatter the figures.
    search_word = next((word for word, _n in words.most_common(50) if is_searchable(word)), "council")
    pages = {
        "trivial": "/bench/trivial/",
        "home": "/",
        "article": article.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "author": author.get_absolute_url(),
        "latest": "/latest/",
        "search": f"/search/?q={search_word}",
        "feed": "/feed/",
    }

    client = Client(HTTP_X_FORWARDED_PROTO="https")

    def measure(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return response.status_code, len(queries), response

    queries = {}
    statuses = {}
    for name, url in pages.items():
        client.get(url)  # warm the process (templates, ContentTypes), not the page cache: it is off here
        status, count, _response = measure(url)
        statuses[name] = status
        queries[name] = {"uncached": count}
    with override_settings(
        PAGE_CACHE_SECONDS=300,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}},
    ):
        page_cache.clear_local_memory()
        for name, url in pages.items():
            _status, miss, _r = measure(url)
            _status, hit, _r = measure(url)
            queries[name].update(cached_miss=miss, cached_hit=hit)

    result = {
        "pages": pages,
        "statuses": statuses,
        "queries": queries,
        "articles": {"total": Article.objects.count(), "published": published.count()},
        "weight": page_weight(client, pages["article"], settings),
        "admin": admin_timings(Client(HTTP_X_FORWARDED_PROTO="https"), get_user_model(), settings),
    }
    if connection.vendor == "postgresql":
        result["explain"] = explain_listings(client, pages, connection)
    Path(out_path).write_text(json.dumps(result, indent=2))


def is_searchable(word):
    """False for a word full-text search drops (PostgreSQL's stop words); SQLite's FTS5 keeps every word."""
    from django.db import connection

    from articles.search import search_config

    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT plainto_tsquery(%s::regconfig, %s)::text", [search_config(), word])
        return bool(cursor.fetchone()[0])


def page_weight(client, url, settings):
    """Bytes a phone downloads for an article's first view: HTML, CSS (as served: compressed), fonts, lead image."""
    import gzip

    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    response = client.get(url, headers={"accept-encoding": "gzip"})
    html = response.content.decode()
    weight = {"html": len(response.content), "html_gzip": len(gzip.compress(response.content))}

    def static_file(href):
        name = href.split(settings.STATIC_URL, 1)[-1].split("?")[0]
        path = Path(staticfiles_storage.path(name)) if staticfiles_storage.exists(name) else None
        return path or (Path(finders.find(name)) if finders.find(name) else None)

    css_bytes = css_gzip = font_bytes = 0
    for href in re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html):
        path = static_file(href)
        if path is None:
            continue
        css = path.read_bytes()
        css_bytes += len(css)
        gz = path.with_name(path.name + ".gz")
        css_gzip += gz.stat().st_size if gz.exists() else len(gzip.compress(css))
        for font in re.findall(rb"url\(['\"]?([^'\")]+\.(?:woff2?|ttf|otf))", css):
            font_path = static_file(font.decode())
            font_bytes += font_path.stat().st_size if font_path else 0
    weight.update(css=css_bytes, css_gzip=css_gzip, fonts=font_bytes)

    lead = re.search(r'<figure class="article__lead">(.*?)</figure>', html, re.S)
    image_bytes, image_url = 0, ""
    if lead:
        img = re.search(r"<img[^>]*>", lead.group(1)).group(0)
        candidates = []
        srcset = re.search(r'srcset="([^"]+)"', img)
        if srcset:
            for part in srcset.group(1).split(","):
                bits = part.strip().split()
                if len(bits) == 2 and bits[1].endswith("w"):
                    candidates.append((int(bits[1][:-1]), bits[0]))
        if candidates:
            # A 375 px-wide phone at 2x picks the smallest candidate at least 750 px wide.
            wide_enough = sorted(c for c in candidates if c[0] >= 750) or sorted(candidates)[-1:]
            image_url = wide_enough[0][1]
        else:
            image_url = re.search(r'src="([^"]+)"', img).group(1)
        media_path = Path(settings.MEDIA_ROOT) / image_url.split(settings.MEDIA_URL, 1)[-1].lstrip("/")
        image_bytes = media_path.stat().st_size if media_path.exists() else 0
    scripts = [
        s for s in re.findall(r"<script([^>]*)>", html) if "application/ld+json" not in s
    ]  # structured data is not JavaScript
    weight.update(
        image=image_bytes,
        image_url=image_url,
        scripts=len(scripts),
        total=weight["html_gzip"] + css_gzip + font_bytes + image_bytes,
        total_uncompressed=weight["html"] + css_bytes + font_bytes + image_bytes,
    )
    return weight


def admin_timings(client, user_model, settings):
    """The article changelist at full size, as a superuser: median of three, and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, _created = user_model.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    base = f"/{settings.ADMIN_URL}articles/article/"
    from articles.models import Article

    newest = Article.objects.exclude(published_at=None).order_by("-published_at").first()
    year = newest.published_at.year if newest else 2024
    deep = max(1, min(200, Article.objects.count() // 100))  # the changelist shows 100 a page
    variants = {
        "changelist": base,
        "status filter": base + "?status__exact=published",
        "date drill-down (year)": base + f"?published_at__year={year}",
        "search": base + "?q=council",
        f"page {deep}": base + f"?p={deep - 1}",  # ?p= counts from 0
    }
    timings = {}
    for label, url in variants.items():
        client.get(url)
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            samples.append(time.perf_counter() - start)
        timings[label] = {
            "url": url,
            "status": response.status_code,
            "ms": round(statistics.median(samples) * 1000, 1),
            "queries": len(queries),
        }
    return timings


def explain_listings(client, pages, connection):
    """EXPLAIN ANALYZE every query that reads the article table on the listing pages."""
    from django.test.utils import CaptureQueriesContext

    plans = {}
    for name in ("home", "article", "latest", "section", "tag", "author", "search", "feed"):
        with CaptureQueriesContext(connection) as queries:
            client.get(pages[name])
        explained = []
        for query in queries.captured_queries:
            sql = query["sql"]
            if "articles_article" not in sql or not sql.lstrip().upper().startswith(("SELECT", "(SELECT")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            explained.append({"sql": sql, "plan": plan, "seq_scan": "Seq Scan on articles_article" in plan})
        plans[name] = explained
    # Deep pagination, as a reader would reach it.
    with CaptureQueriesContext(connection) as queries:
        client.get("/latest/?page=2000")
    plans["latest page 2000"] = []
    for query in queries.captured_queries:
        if "articles_article" in query["sql"] and "OFFSET" in query["sql"]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            seq_scan = "Seq Scan on articles_article" in plan
            plans["latest page 2000"].append({"sql": query["sql"], "plan": plan, "seq_scan": seq_scan})
    return plans


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    main(sys.argv[1])
