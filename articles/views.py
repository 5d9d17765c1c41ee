import datetime
import sys
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core import signing
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery, Window, prefetch_related_objects
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.dateformat import format as date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import (
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)

from . import search
from .cache import CountCachingPaginator, cached_value, depends_on, depends_on_articles
from .models import Article, ArticleAuthor, Author, Correction, Section, Tag, TaggedArticle
from .pagination import KeysetPaginationMixin

HOME_SECTION_BLOCK_SIZE = 4
HOME_LATEST_SIZE = 8


class StrictPaginationMixin:
    """`?page=N` must be a whole number in range; anything else is a 404, never a 500.

    `deferred_join = True` fetches a page in one query that finds the page's ids first (an index-only
    walk past the skipped rows) and only then reads those rows, so page 4,000 costs what the database
    must do to skip, not 80,000 joined rows. The count is cached until the listing changes (articles/cache.py).
    """

    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = CountCachingPaginator
    deferred_join = False

    def get_paginator(self, queryset, per_page, **kwargs):
        return self.paginator_class(
            queryset, per_page, count_key=self.request.path, deps=self.listing_keys(), **kwargs
        )

    def listing_keys(self):
        """The dependency keys of the listing this page is (articles/cache.py)."""
        return []

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        raw = self.request.GET.get("page", "1")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 7:
            raise Http404(_("No such page."))
        try:
            page = paginator.page(int(raw))
        except InvalidPage as exc:
            raise Http404(_("No such page.")) from exc
        if self.deferred_join and paginator.count:
            ids = queryset.values("pk")[page.start_index() - 1 : page.end_index()]
            page.object_list = list(queryset.filter(pk__in=ids))
        return paginator, page, page.object_list, page.has_other_pages()


class ArticleListing(StrictPaginationMixin):
    """What every listing of articles shares: newest first, published only, the cards' cache dependencies."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    heading = ""
    empty_is_missing = False  # a listing with nothing published is a 404 (tags, authors, archives)

    def get_queryset(self):
        return Article.objects.published().for_listing().order_by("-published_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.empty_is_missing and not context["articles"]:  # page 1 (any other empty page is already a 404)
            raise Http404(_("Nothing published here."))
        context.setdefault("heading", self.heading)
        depends_on(self.request, *self.listing_keys())
        depends_on_articles(self.request, context["articles"])
        return context


class ArticleListView(ArticleListing, ListView):
    pass


# Bylines for any list of articles, in one query (the same prefetch as Article.objects.for_listing()).
BYLINES = Prefetch(
    "article_authors", queryset=ArticleAuthor.objects.select_related("author").order_by("position", "id")
)


class HomeView(TemplateView):
    """The front page in five queries whatever the archive's size: featured, newest, section blocks (two),
    bylines; plus the navigation's sections."""

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Article.objects.published().select_related("section", "lead_image")
        # The lead and the two stories under it: the editors' featured picks by priority.
        top = list(published.filter(is_featured=True).order_by("-priority", "-published_at", "-id")[:3])
        newest = list(published.order_by("-published_at", "-id")[: HOME_LATEST_SIZE + 3])
        if not top and newest:
            top = [newest[0]]
        featured, secondary = (top[0] if top else None), top[1:]
        latest = [article for article in newest if article not in top][:HOME_LATEST_SIZE]
        sections = active_sections(self.request)
        blocks = section_blocks(published, sections, exclude=top)
        shown = [*top, *latest, *(a for _s, items in blocks for a in items)]
        prefetch_related_objects(shown, BYLINES)
        depends_on(self.request, "list-home", *(f"section-{section.pk}" for section in sections))
        depends_on_articles(self.request, shown)
        context.update(featured=featured, secondary=secondary, latest=latest, section_blocks=blocks)
        return context


def navigation_sections():
    """The navigation's sections, kept in the shared cache until a section changes."""
    return cached_value(
        "nav-sections",
        ["frag-nav"],
        lambda: list(Section.objects.filter(is_active=True).only("name", "slug", "position")),
    )


def active_sections(request):
    """The navigation's sections, read once per request."""
    if not hasattr(request, "_active_sections"):
        request._active_sections = navigation_sections()
    return request._active_sections


def section_blocks(published, sections, *, exclude=None):
    """[(section, its newest HOME_SECTION_BLOCK_SIZE articles)] in navigation order, in two queries."""
    if not sections:
        return []
    if exclude:
        published = published.exclude(pk__in=[article.pk for article in exclude])
    ordering = ("-published_at", "-id")
    if connection.vendor == "postgresql":
        # Each section's newest ids as an array (one small index scan per section, on
        # article_section_published_idx), then those articles: two short queries. A UNION ALL of one
        # query per section cost as much to build in Python as all the rest of the page's queries.
        newest = published.filter(section_id=OuterRef("pk")).order_by(*ordering).values("pk")
        ids = (
            Section.objects.filter(pk__in=[section.pk for section in sections])
            .annotate(ids=ArraySubquery(newest[:HOME_SECTION_BLOCK_SIZE]))
            .values_list("ids", flat=True)
        )
        ids = [pk for section_ids in ids for pk in section_ids]
    else:
        # SQLite: number each section's stories and keep the first few (fine at SQLite's sizes).
        ids = (
            published.filter(section__in=sections)
            .annotate(
                row=Window(
                    RowNumber(), partition_by=[F("section_id")], order_by=[F("published_at").desc(), F("id").desc()]
                )
            )
            .filter(row__lte=HOME_SECTION_BLOCK_SIZE)
            .values_list("pk", flat=True)
        )
    rows = published.filter(pk__in=list(ids))
    by_section = {}
    for article in rows:
        by_section.setdefault(article.section_id, []).append(article)
    blocks = []
    for section in sections:
        items = sorted(by_section.get(section.pk, []), key=lambda a: (a.published_at, a.pk), reverse=True)
        if items:
            blocks.append((items[0].section, items))
    return blocks


class LatestView(KeysetPaginationMixin, ArticleListView):
    heading = _("Latest")

    def listing_keys(self):
        return ["list-latest"]


class SectionView(KeysetPaginationMixin, ArticleListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section.objects.filter(is_active=True), slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, heading=self.section.name, **kwargs)

    def listing_keys(self):
        return [f"list-section-{self.section.pk}", f"section-{self.section.pk}"]


class TagView(KeysetPaginationMixin, ArticleListView):
    empty_is_missing = True  # a tag used only by drafts or embargoed stories must not show its name
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, heading=self.tag.name, **kwargs)

    def listing_keys(self):
        return [f"list-tag-{self.tag.pk}", f"tag-{self.tag.pk}"]


class AuthorView(KeysetPaginationMixin, ArticleListView):
    empty_is_missing = True
    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.select_related("photo"), slug=self.kwargs["slug"])
        return super().get_queryset().filter(article_authors__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, heading=self.author.name, **kwargs)

    def listing_keys(self):
        keys = [f"list-author-{self.author.pk}", f"author-{self.author.pk}", f"author-{self.author.pk}-page"]
        return keys + ([f"image-{self.author.photo_id}"] if self.author.photo_id else [])


class AuthorListView(StrictPaginationMixin, ListView):
    template_name = "articles/author_list.html"
    context_object_name = "authors"
    paginate_by = 60

    def get_queryset(self):
        # A correlated count, computed only for the page's authors (a GROUP BY would count every byline).
        live_bylines = (
            ArticleAuthor.objects.filter(author=OuterRef("pk"), article__in=Article.objects.published().values("pk"))
            .values("author")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Author.objects.filter(is_active=True)
            .select_related("photo")
            .annotate(article_count=Coalesce(Subquery(live_bylines), 0))
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        authors = context["authors"]
        depends_on(self.request, "list-authors", *(f"author-{author.pk}" for author in authors))  # names
        depends_on(self.request, *(f"image-{author.photo_id}" for author in authors if author.photo_id))
        return context

    def listing_keys(self):
        return ["list-authors"]


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Corrections are rare: ask whether there are any in the article's own query, load them only then.
        return (
            Article.objects.published()
            .for_listing()
            .select_related("live_blog")  # live coverage (live/), in the same query
            .prefetch_related("tags")
            .annotate(has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))))
        )

    def get_object(self, queryset=None):
        try:
            day = datetime.date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except ValueError as exc:
            raise Http404(_("No such date.")) from exc
        article = get_object_or_404(self.get_queryset(), publication_date=day, slug=self.kwargs["slug"])
        # The article's own query asked whether it has corrections; without any, the prefetch is of none()
        # (no query), and the page and the SEO tags read that.
        corrections = Correction.objects.all() if article.has_corrections else Correction.objects.none()
        prefetch_related_objects([article], Prefetch("corrections", queryset=corrections))
        return article

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related"] = related_articles(self.object)
        depends_on_articles(self.request, [self.object], full=True)
        depends_on(self.request, f"article-{self.object.pk}-corrections")
        depends_on(self.request, *(f"article-{item.pk}" for item in context["related"]))  # headlines only
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


RELATED_CANDIDATES = 40


def related_articles(article, limit=4):
    """The newest stories sharing the most tags with this one, else from its section: usually one query.

    Ranking every story that shares a tag would count thousands of rows for a popular tag; the newest
    RELATED_CANDIDATES stories sharing any tag are ranked instead (an index walk that stops early).
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    published = Article.objects.published().exclude(pk=article.pk)
    fields = ("headline", "slug", "published_at", "publication_date")
    related = []
    if tag_ids:
        candidates = (
            published.filter(pk__in=TaggedArticle.objects.filter(tag_id__in=tag_ids).values("content_object_id"))
            .order_by("-published_at", "-id")
            .values("pk")[:RELATED_CANDIDATES]
        )
        shared = (
            TaggedArticle.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=tag_ids)
            .values("content_object_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        related = list(
            Article.objects.filter(pk__in=candidates)
            .annotate(shared=Subquery(shared))
            .order_by("-shared", "-published_at", "-id")
            .only(*fields)[:limit]
        )
    if len(related) < limit:
        related += list(
            published.filter(section_id=article.section_id)
            .exclude(pk__in=[a.pk for a in related])
            .order_by("-published_at", "-id")
            .only(*fields)[: limit - len(related)]
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


# Discovery: search and date archives ----------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search for"), required=False, widget=forms.SearchInput(attrs={"maxlength": 200})
    )
    section = forms.ChoiceField(label=gettext_lazy("Section"), required=False)

    def __init__(self, *args, sections=(), **kwargs):
        """`sections`: the active sections, as the navigation already has them (no query of its own)."""
        super().__init__(*args, auto_id="search-%s", **kwargs)
        self.sections = {section.slug: section for section in sections}
        self.fields["section"].choices = [
            ("", gettext_lazy("All sections")),
            *((section.slug, section.name) for section in sections),
        ]
        # "from" and "to" are the parameter names readers see; they cannot be class attributes.
        for name, label in (("from", gettext_lazy("From")), ("to", gettext_lazy("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text=gettext_lazy("Date of publication, as YYYY-MM-DD."),
            )

    def clean_section(self):
        return self.sections.get(self.cleaned_data["section"])  # a Section, or None for all sections

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError(_("The “From” date must not be after the “To” date."))
        return cleaned


class SearchView(StrictPaginationMixin, ListView):
    """Full-text search of published articles, best match first, with section and date filters."""

    template_name = "articles/search.html"
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        data = {key: request.GET.get(key, "") for key in ("q", "section", "from", "to")}
        self.parsed = search.parse_query(data["q"])
        data["q"] = self.parsed.text  # without control characters, at most MAX_QUERY_LENGTH long
        self.form = SearchForm(
            {key: value.replace("\x00", "") for key, value in data.items()}, sections=active_sections(request)
        )
        return super().get(request, *args, **kwargs)

    def get_paginator(self, queryset, per_page, **kwargs):
        # Every query has its own count: the listings' per-path count cache must not be used here. A search
        # already knows it (search.search() reads its window of matches), so no COUNT query is needed.
        paginator = Paginator(queryset, per_page, **kwargs)
        if getattr(queryset, "match_count", None) is not None:
            paginator.count = queryset.match_count
        return paginator

    def get_queryset(self):
        if not self.parsed or not self.form.is_valid():
            return Article.objects.none()
        cleaned = self.form.cleaned_data
        # Results show no picture and no body: neither is read (the image's renditions are parsed JSON).
        articles = Article.objects.published().select_related("section").prefetch_related(BYLINES).defer("body")
        if cleaned["section"]:
            articles = articles.filter(section=cleaned["section"])
        if cleaned["from"]:
            articles = articles.filter(publication_date__gte=cleaned["from"])
        if cleaned["to"]:
            articles = articles.filter(publication_date__lte=cleaned["to"])
        return articles.search(self.parsed)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = list(context["articles"])
        found = search.snippets(articles, self.parsed)
        for article in articles:
            article.snippet = found.get(article.pk, "")
        context.update(
            form=self.form,
            query=self.parsed,
            searched=bool(self.parsed) and self.form.is_valid(),
            max_results=search.MAX_RESULTS,
        )
        # Any story that becomes public, changes or goes may change what a search finds.
        depends_on(self.request, "list-search", "frag-nav")
        depends_on_articles(self.request, articles)
        return context


class DateArchiveMixin:
    """What the three date archives share: published stories by the stored publication date (the day their
    addresses carry), and a 404 for a date with nothing published or that does not exist."""

    date_field = "publication_date"
    allow_empty = False
    month_format = "%m"

    def get_dated_queryset(self, **lookup):
        # Django's version tests emptiness with a query of its own (and, unpaginated, by reading every story of
        # the year); the counts each archive shows anyway answer it. published() already leaves out the future.
        return self.get_queryset().filter(**lookup)


class LazyNeighboursMixin:
    """Django finds the previous and next day or month with a query each while it builds the context; these
    pages do not show them, so the queries wait until a template asks."""

    def get_next_day(self, date):
        return SimpleLazyObject(partial(super().get_next_day, date))

    def get_previous_day(self, date):
        return SimpleLazyObject(partial(super().get_previous_day, date))

    def get_next_month(self, date):
        return SimpleLazyObject(partial(super().get_next_month, date))

    def get_previous_month(self, date):
        return SimpleLazyObject(partial(super().get_previous_month, date))


class ArchiveYearView(DateArchiveMixin, YearArchiveView):
    """The months of a year that have published articles, with how many each."""

    template_name = "articles/archive_year.html"

    def get_queryset(self):
        return Article.objects.published().only("publication_date")  # the neighbouring years need only the date

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        self.months = list(
            queryset.annotate(month=TruncMonth(self.date_field))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("month")
        )
        if not self.months:
            raise Http404(_("Nothing was published in %(year)s.") % {"year": self.get_year()})
        return [month["month"] for month in self.months]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = context["year"].year
        depends_on(self.request, f"list-archive-{year:04d}")
        context.update(
            months=self.months,
            total=sum(month["count"] for month in self.months),
            heading=_("Archive: %(year)s") % {"year": year},
        )
        return context


class ArchiveMonthView(LazyNeighboursMixin, DateArchiveMixin, ArticleListing, MonthArchiveView):
    """A month's published articles, newest first, with the days that have any."""

    template_name = "articles/archive_month.html"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        self.days = list(
            queryset.prefetch_related(None)
            .values(self.date_field)
            .annotate(count=Count("pk"))
            .order_by(self.date_field)
        )
        if not self.days:
            raise Http404(_("Nothing was published in this month."))
        return [day[self.date_field] for day in self.days]

    def get_context_data(self, **kwargs):
        heading = _("Archive: %(month)s") % {"month": date_format(kwargs["month"], "F Y")}
        return super().get_context_data(days=self.days, heading=heading, **kwargs)

    def listing_keys(self):
        return [f"list-archive-{self.get_year():04d}-{self.get_month():02d}"]


class ArchiveDayView(LazyNeighboursMixin, DateArchiveMixin, ArticleListing, DayArchiveView):
    """A day's published articles, newest first."""

    template_name = "articles/archive_day.html"
    empty_is_missing = True  # the listing's count is this page's emptiness test

    def get_context_data(self, **kwargs):
        heading = _("Archive: %(day)s") % {"day": date_format(kwargs["day"], "j F Y")}
        return super().get_context_data(heading=heading, **kwargs)

    def listing_keys(self):
        return [f"list-archive-{self.get_year():04d}-{self.get_month():02d}-{self.get_day():02d}"]
