"""Sitemaps (an index over paginated article, section, author and tag sitemaps), the Google News
sitemap of the last 48 hours, and robots.txt pointing at both.

django.contrib.sites is not installed, so Django would take the host from the request; every URL here
goes through `seo.site_url()` instead, so `SITE_URL` wins when it is set.
"""

import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import seo
from .cache import depends_on, expires_at
from .models import Article, Author, Section, Tag

NEWS_WINDOW = datetime.timedelta(hours=48)
NEWS_LIMIT = 1000


class NewsroomSitemap(Sitemap):
    limit = 1000

    def __init__(self, request=None):
        self.request = request

    def get_protocol(self, protocol=None):
        return seo.site_parts(self.request)[0]

    def get_domain(self, site=None):
        return seo.site_parts(self.request)[1]


class ArticleSitemap(NewsroomSitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "publication_date", "updated_at", "modified_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        return max(article.modified_at, article.published_at)

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default of loading every article.
        latest = Article.objects.published().aggregate(modified=Max("modified_at"), published=Max("published_at"))
        return max((value for value in latest.values() if value), default=None)


class SectionSitemap(NewsroomSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.filter(is_active=True).only("slug").order_by("position", "name", "pk")


class AuthorSitemap(NewsroomSitemap):
    changefreq = "daily"

    def items(self):
        live = Article.objects.published().values("pk")
        return Author.objects.filter(article_links__article__in=live).distinct().only("slug").order_by("name", "pk")


class TagSitemap(NewsroomSitemap):
    changefreq = "daily"

    def items(self):
        live = Article.objects.published().values("pk")
        return Tag.objects.filter(tagged_articles__content_object__in=live).distinct().only("slug").order_by("slug")


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "authors": AuthorSitemap, "tags": TagSitemap}


def _sitemaps(request):
    return {name: cls(request) for name, cls in SITEMAPS.items()}


@require_GET
@sitemap_views.x_robots_tag
def index(request):
    """The sitemap index: one entry per page of every sitemap."""
    depends_on(request, "list-sitemap")
    entries = []
    for name, sitemap in _sitemaps(request).items():
        url = seo.absolute_url(reverse("articles:sitemap_section", kwargs={"section": name}), request)
        lastmod = sitemap.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(url, lastmod))
        pages = sitemap.paginator.page_range[1:]
        entries += [sitemap_views.SitemapIndexItem(f"{url}?p={page}", lastmod) for page in pages]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


@require_GET
def section(request, section):
    """One page (`?p=N`) of one sitemap; an unknown section or page is a 404."""
    depends_on(request, "list-sitemap")
    return sitemap_views.sitemap(request, sitemaps=_sitemaps(request), section=section)


@require_GET
@sitemap_views.x_robots_tag
def news(request):
    """Google News sitemap: articles published in the last 48 hours, newest first, at most 1,000."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("headline", "slug", "published_at", "publication_date")
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )
    articles = list(articles)
    depends_on(request, "list-news-sitemap")
    if articles:
        expires_at(request, articles[-1].published_at + NEWS_WINDOW)  # the oldest one leaves then
    entries = [
        {
            "location": seo.absolute_url(article.get_absolute_url(), request),
            "title": seo.xml_text(article.headline),
            "published": seo.iso(article.published_at),
        }
        for article in articles
    ]
    context = {"entries": entries, "name": seo.xml_text(settings.NEWSROOM_NAME), "language": news_language()}
    return render(request, "sitemaps/news.xml", context, content_type="application/xml")


def news_language():
    """ISO 639 code as Google News wants it: "en", "fr"; Chinese keeps its script ("zh-cn", "zh-tw")."""
    code = settings.NEWSROOM_LANGUAGE.lower().replace("_", "-")
    return code if code in ("zh-cn", "zh-tw") else code.split("-")[0]


@require_GET
def robots_txt(request):
    context = {
        "sitemap_url": seo.absolute_url(reverse("articles:sitemap"), request),
        "news_sitemap_url": seo.absolute_url(reverse("articles:news_sitemap"), request),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
