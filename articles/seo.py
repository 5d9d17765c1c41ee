"""How pages describe themselves to search engines, feed readers and social networks.

One rule for absolute links — `SITE_URL` when it is set, else the request's own scheme and host — used
by feeds, sitemaps, canonical links and structured data alike. Structured data is schema.org JSON-LD
(`NewsArticle`, `ProfilePage`, `WebSite`), built as plain dicts here and embedded safely by `json_ld()`.
"""

import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import to_locale

from .sanitize import strip_tags

LOGO_PATH = "img/logo.png"
LOGO_SIZE = (600, 60)

# Characters XML 1.0 forbids (feeds and sitemaps would be invalid, or fail to render).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def site_url(request=None):
    """`https://news.example.org` — no trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is None:
        raise ValueError("SITE_URL is not set, so absolute links need the request.")
    return f"{request.scheme}://{request.get_host()}"


def site_parts(request=None):
    """(scheme, host) of the site, for APIs that want them apart (sitemaps)."""
    parts = urlsplit(site_url(request))
    return parts.scheme, parts.netloc


def absolute_url(url, request=None):
    """`url` made absolute against the site; URLs that already are absolute are left alone."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{site_parts(request)[0]}:{url}"
    return site_url(request) + "/" + url.lstrip("/")


def xml_text(value):
    """Text safe for XML 1.0: control characters a feed or sitemap cannot carry are dropped."""
    return _XML_INVALID.sub("", str(value)) if value else ""


def iso(value):
    """ISO 8601 with the UTC offset, in the newsroom's time zone."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def json_ld(data):
    """`<script type="application/ld+json">`, escaped so no value can close the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    escaped = mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES))  # <, > and & are \u escapes now
    return format_html('<script type="application/ld+json">{}</script>', escaped)


# Articles -----------------------------------------------------------------


def canonical_url(article, request=None):
    """The article's own address, unless editors point search engines at the original elsewhere."""
    return article.canonical_url or absolute_url(article.get_absolute_url(), request)


def description(article):
    return " ".join((article.seo_description or article.dek or strip_tags(article.body)).split())[:300]


def modified_at(article):
    """When readers were last told the story changed: the "Updated" time, else publication."""
    return article.updated_at if article.show_updated else article.published_at


def image_url(image, request=None):
    return absolute_url(image.file.url, request) if image and image.file else ""


def logo(request=None):
    return {
        "@type": "ImageObject",
        "url": absolute_url(static(LOGO_PATH), request),
        "width": LOGO_SIZE[0],
        "height": LOGO_SIZE[1],
    }


def publisher(request=None):
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_NAME,
        "url": site_url(request) + "/",
        "logo": logo(request),
    }


def person(author, request=None):
    return {"@type": "Person", "name": author.name, "url": absolute_url(author.get_absolute_url(), request)}


def article_data(article, request=None):
    """schema.org NewsArticle for an article page. Uses the prefetched tags, authors and corrections."""
    # Load once, here, what the page's template shows again (prefetch_related_objects() skips what the view
    # already prefetched).
    prefetch_related_objects([article], "tags", "corrections")
    url = canonical_url(article, request)
    authors = article.ordered_authors()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.seo_title or article.headline,
        "description": description(article),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso(article.published_at),
        "dateModified": iso(modified_at(article)),
        "author": [person(author, request) for author in authors]
        or [{"@type": "Organization", "name": article.byline_override or settings.NEWSROOM_NAME}],
        "publisher": publisher(request),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "isAccessibleForFree": True,
    }
    if article.lead_image and article.lead_image.file:
        image = article.lead_image
        data["image"] = [
            {
                "@type": "ImageObject",
                "url": image_url(image, request),
                "width": image.width,
                "height": image.height,
                "caption": article.lead_caption,
                "creditText": image.credit,
            }
        ]
    if article.dateline:
        data["dateline"] = article.dateline
    corrections = list(article.corrections.all())
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": strip_tags(c.note), "datePublished": iso(c.published_at)}
            for c in corrections
        ]
    return data


def article_social(article, request=None):
    """Open Graph and Twitter card properties, as (attribute, name, content) triples in order."""
    url = canonical_url(article, request)
    title = article.seo_title or article.headline
    text = description(article)
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", settings.NEWSROOM_NAME),
        ("property", "og:title", title),
        ("property", "og:description", text),
        ("property", "og:url", url),
        ("property", "og:locale", to_locale(settings.LANGUAGE_CODE)),
        ("property", "article:published_time", iso(article.published_at)),
        ("property", "article:modified_time", iso(modified_at(article))),
        ("property", "article:section", article.section.name),
    ]
    tags += [("property", "article:author", person(a, request)["url"]) for a in article.ordered_authors()]
    tags += [("property", "article:tag", tag.name) for tag in article.tags.all()]
    image = article.lead_image if article.lead_image and article.lead_image.file else None
    if image:
        tags += [
            ("property", "og:image", image_url(image, request)),
            ("property", "og:image:width", image.width),
            ("property", "og:image:height", image.height),
            ("property", "og:image:alt", image.alt),
        ]
    tags += [
        ("name", "twitter:card", "summary_large_image" if image else "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", text),
    ]
    if image:
        tags += [("name", "twitter:image", image_url(image, request)), ("name", "twitter:image:alt", image.alt)]
    return [(attr, name, content) for attr, name, content in tags if content not in (None, "")]


# Other pages ----------------------------------------------------------------


def author_data(author, request=None):
    """schema.org ProfilePage whose main entity is the author as a Person."""
    url = absolute_url(author.get_absolute_url(), request)
    same_as = [
        author.website,
        f"https://x.com/{author.x_handle}" if author.x_handle else "",
        author.mastodon_url,
        f"https://bsky.app/profile/{author.bluesky_handle}" if author.bluesky_handle else "",
        author.linkedin_url,
    ]
    entity = {
        "@type": "Person",
        "@id": f"{url}#person",
        "name": author.name,
        "url": url,
        "worksFor": {"@type": "NewsMediaOrganization", "name": settings.NEWSROOM_NAME, "url": site_url(request) + "/"},
    }
    if author.job_title:
        entity["jobTitle"] = author.job_title
    if author.bio:
        entity["description"] = strip_tags(author.bio)
    if author.photo_id and author.photo.file:
        entity["image"] = image_url(author.photo, request)
    if author.email:
        entity["email"] = author.email
    if any(same_as):
        entity["sameAs"] = [link for link in same_as if link]
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": url, "mainEntity": entity}


def website_data(request=None):
    """schema.org WebSite with a SearchAction, so search engines can offer the site's own search."""
    root = site_url(request)
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.NEWSROOM_NAME,
        "url": root + "/",
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "publisher": publisher(request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": root + reverse("articles:search") + "?q={search_term}"},
            "query-input": "required name=search_term",
        },
    }
