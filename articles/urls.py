from django.urls import path, register_converter

from . import converters, feeds, sitemaps, views
from .cache import fragment_view, reader_page
from .pagination import PARAMS as LISTING_PARAMS

register_converter(converters.FourDigitYearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "mm")
register_converter(converters.TwoDigitConverter, "dd")

app_name = "articles"

# Readers' pages are cached for anonymous readers and answer conditional requests (articles/cache.py);
# `params` are the query parameters a page depends on (any other one is served uncached).
SEARCH_PARAMS = ("q", "section", "from", "to", "page")

urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("latest/", reader_page(views.LatestView.as_view(), params=LISTING_PARAMS), name="latest"),
    path("section/<slug:slug>/", reader_page(views.SectionView.as_view(), params=LISTING_PARAMS), name="section"),
    path("authors/", reader_page(views.AuthorListView.as_view()), name="authors"),
    path("author/<slug:slug>/", reader_page(views.AuthorView.as_view(), params=LISTING_PARAMS), name="author"),
    path("tag/<slug:slug>/", reader_page(views.TagView.as_view(), params=LISTING_PARAMS), name="tag"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<slug:slug>/", reader_page(views.ArticleDetailView.as_view()), name="detail"
    ),
    # Discovery: search, date archives, feeds, sitemaps, robots.txt
    path("search/", reader_page(views.SearchView.as_view(), params=SEARCH_PARAMS), name="search"),
    path("archive/<yyyy:year>/", reader_page(views.ArchiveYearView.as_view()), name="archive_year"),
    path("archive/<yyyy:year>/<mm:month>/", reader_page(views.ArchiveMonthView.as_view()), name="archive_month"),
    path("archive/<yyyy:year>/<mm:month>/<dd:day>/", reader_page(views.ArchiveDayView.as_view()), name="archive_day"),
    path("feed/", reader_page(feeds.LatestFeed(), params=()), name="feed"),
    path("feed/atom/", reader_page(feeds.LatestAtomFeed(), params=()), name="feed_atom"),
    path("section/<slug:slug>/feed/", reader_page(feeds.SectionFeed(), params=()), name="section_feed"),
    path("tag/<slug:slug>/feed/", reader_page(feeds.TagFeed(), params=()), name="tag_feed"),
    path("author/<slug:slug>/feed/", reader_page(feeds.AuthorFeed(), params=()), name="author_feed"),
    path("sitemap.xml", reader_page(sitemaps.index, params=()), name="sitemap"),
    path("sitemap-<slug:section>.xml", reader_page(sitemaps.section, params=("p",)), name="sitemap_section"),
    path("news-sitemap.xml", reader_page(sitemaps.news, params=()), name="news_sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    # Shared parts of every page, for an HTTP cache that assembles pages with Edge Side Includes.
    path("_esi/<slug:name>/", fragment_view, name="fragment"),
]
