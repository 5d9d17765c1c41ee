from django.urls import path, register_converter

from . import converters, views

register_converter(converters.FourDigitYearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "mm")
register_converter(converters.TwoDigitConverter, "dd")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("authors/", views.AuthorListView.as_view(), name="authors"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("<yyyy:year>/<mm:month>/<dd:day>/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
