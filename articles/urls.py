from django.urls import path, register_converter

from . import converters, views
from .cache import reader_page

register_converter(converters.FourDigitYearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "mm")
register_converter(converters.TwoDigitConverter, "dd")

app_name = "articles"

# Readers' pages are cached for anonymous readers and answer conditional requests (articles/cache.py);
# `params` are the query parameters a page depends on (any other one is served uncached).

urlpatterns = [
    path("", reader_page(views.HomeView.as_view()), name="home"),
    path("latest/", reader_page(views.LatestView.as_view()), name="latest"),
    path("section/<slug:slug>/", reader_page(views.SectionView.as_view()), name="section"),
    path("authors/", reader_page(views.AuthorListView.as_view()), name="authors"),
    path("author/<slug:slug>/", reader_page(views.AuthorView.as_view()), name="author"),
    path("tag/<slug:slug>/", reader_page(views.TagView.as_view()), name="tag"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<slug:slug>/", reader_page(views.ArticleDetailView.as_view()), name="detail"
    ),
]
