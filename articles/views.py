import datetime
import sys

from django.conf import settings
from django.core import signing
from django.core.paginator import InvalidPage
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from .models import Article, Author, Section, Tag

HOME_SECTION_BLOCK_SIZE = 4
HOME_LATEST_SIZE = 8


class StrictPaginationMixin:
    """`?page=N` must be a whole number in range; anything else is a 404, never a 500."""

    paginate_by = settings.ARTICLES_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        raw = self.request.GET.get("page", "1")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 7:
            raise Http404(_("No such page."))
        try:
            page = paginator.page(int(raw))
        except InvalidPage as exc:
            raise Http404(_("No such page.")) from exc
        return paginator, page, page.object_list, page.has_other_pages()


class ArticleListView(StrictPaginationMixin, ListView):
    """Base for every listing of articles: newest first, published only."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    heading = ""

    def get_queryset(self):
        return Article.objects.published().for_listing().order_by("-published_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("heading", self.heading)
        return context


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Article.objects.published().for_listing()
        featured = published.order_by("-is_featured", "-priority", "-published_at", "-id").first()
        exclude = [featured.pk] if featured else []
        latest = list(published.exclude(pk__in=exclude).order_by("-published_at", "-id")[:HOME_LATEST_SIZE])
        # One query for every section block: number each section's stories and keep the first few.
        blocks_qs = (
            published.filter(section__is_active=True)
            .exclude(pk__in=exclude)
            .annotate(
                row=Window(
                    RowNumber(),
                    partition_by=[F("section_id")],
                    order_by=[F("published_at").desc(), F("id").desc()],
                )
            )
            .filter(row__lte=HOME_SECTION_BLOCK_SIZE)
            .order_by("section__position", "section__name", "row")
        )
        blocks = {}
        for article in blocks_qs:
            blocks.setdefault(article.section, []).append(article)
        context.update(featured=featured, latest=latest, section_blocks=list(blocks.items()))
        return context


class LatestView(ArticleListView):
    heading = _("Latest")


class SectionView(ArticleListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section.objects.filter(is_active=True), slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, heading=self.section.name, **kwargs)


class TagView(ArticleListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, heading=self.tag.name, **kwargs)


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.select_related("photo"), slug=self.kwargs["slug"])
        return super().get_queryset().filter(article_authors__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, heading=self.author.name, **kwargs)


class AuthorListView(StrictPaginationMixin, ListView):
    template_name = "articles/author_list.html"
    context_object_name = "authors"
    paginate_by = 60

    def get_queryset(self):
        live = Article.objects.published().values("pk")
        return (
            Author.objects.filter(is_active=True)
            .select_related("photo")
            .annotate(article_count=Count("article_links", filter=Q(article_links__article__in=live)))
            .order_by("name")
        )


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_listing().prefetch_related("tags", "corrections")

    def get_object(self, queryset=None):
        try:
            day = datetime.date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except ValueError as exc:
            raise Http404(_("No such date.")) from exc
        return get_object_or_404(self.get_queryset(), publication_date=day, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = related_articles(self.object)
        return context


class PreviewView(ArticleDetailView):
    """An unpublished article exactly as readers will see it, behind a signed, expiring token."""

    def get_queryset(self):
        return Article.objects.for_listing().prefetch_related("tags", "corrections")

    def get_object(self, queryset=None):
        try:
            data = signing.loads(self.kwargs["token"], salt="articles.preview", max_age=settings.PREVIEW_MAX_AGE)
            pk = int(data["a"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise Http404(_("This preview link is not valid or has expired.")) from exc
        return get_object_or_404(self.get_queryset(), pk=pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


def related_articles(article, limit=4):
    """Stories sharing the most tags with this one, then the same section; two queries at most."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    published = Article.objects.published().exclude(pk=article.pk)
    related = []
    if tag_ids:
        related = list(
            published.filter(tags__in=tag_ids)
            .annotate(shared=Count("tags"))
            .order_by("-shared", "-published_at")
            .select_related("section")
            .only("headline", "slug", "published_at", "publication_date", "section__name", "section__slug")[:limit]
        )
    if len(related) < limit:
        seen = [a.pk for a in related]
        related += list(
            published.filter(section_id=article.section_id)
            .exclude(pk__in=seen)
            .select_related("section")
            .only("headline", "slug", "published_at", "publication_date", "section__name", "section__slug")
            .order_by("-published_at")[: limit - len(related)]
        )
    return related


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the database or cache may be what failed.
    from newsroom.middleware import is_database_unavailable, service_unavailable_response

    if is_database_unavailable(sys.exc_info()[1]):
        # The database failed outside a view (in a middleware): still the friendly 503, not a 500.
        return service_unavailable_response()
    html = loader.get_template("500.html").render({"NEWSROOM_NAME": settings.NEWSROOM_NAME})
    return HttpResponseServerError(html)
