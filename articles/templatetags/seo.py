"""Head tags for search engines, feed readers and social cards: `{% load seo %}`."""

from django import template
from django.urls import reverse

from .. import seo
from ..models import Author, Section, Tag

register = template.Library()


@register.inclusion_tag("articles/includes/seo_article.html", takes_context=True)
def article_head(context, article):
    """Canonical link, Open Graph and Twitter cards, and NewsArticle JSON-LD for an article page."""
    request = context.get("request")
    return {
        "canonical": seo.canonical_url(article, request),
        "social": seo.article_social(article, request),
        "json_ld": seo.json_ld(seo.article_data(article, request)),
    }


@register.inclusion_tag("articles/includes/seo_page.html", takes_context=True)
def author_head(context, author):
    request = context.get("request")
    page = context.get("page_obj")
    url = seo.absolute_url(author.get_absolute_url(), request)
    if page is not None:  # a page of the author's listing (articles/pagination.py): its own address
        url += page.query
    return {
        "canonical": url,
        "social": [
            ("property", "og:type", "profile"),
            ("property", "og:title", author.name),
            ("property", "og:url", url),
        ],
        "json_ld": seo.json_ld(seo.author_data(author, request)),
    }


@register.inclusion_tag("articles/includes/seo_page.html", takes_context=True)
def home_head(context):
    request = context.get("request")
    data = seo.website_data(request)
    return {
        "canonical": data["url"],
        "social": [
            ("property", "og:type", "website"),
            ("property", "og:site_name", data["name"]),
            ("property", "og:title", data["name"]),
            ("property", "og:url", data["url"]),
            ("property", "og:image", data["publisher"]["logo"]["url"]),
        ],
        "json_ld": seo.json_ld(data),
    }


@register.inclusion_tag("articles/includes/seo_feeds.html", takes_context=True)
def feed_links(context):
    """Feed autodiscovery: the site's RSS and Atom feeds, plus the feed of the section, tag or author listed."""
    listing = None
    for key, kind, url_name in (
        ("section", Section, "articles:section_feed"),
        ("tag", Tag, "articles:tag_feed"),
        ("author", Author, "articles:author_feed"),
    ):
        obj = context.get(key)
        if isinstance(obj, kind) and context.get("page_obj") is not None:
            listing = {"title": obj.name, "url": reverse(url_name, kwargs={"slug": obj.slug})}
            break
    return {"listing": listing, "NEWSROOM_NAME": context.get("NEWSROOM_NAME", "")}
