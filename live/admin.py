import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.admin import VersionAdmin

from articles.admin.articles import ArticleAdmin
from articles.models import Article, Author
from articles.services import can_publish, is_own, own_articles_q

from .forms import EntryForm, entry_body_widget
from .fragments import refresh_article_views
from .models import Banner, Entry, LiveBlog

if not reversion.is_registered(Entry):
    reversion.register(Entry)


def can_post(user, blog):
    """Editors post to any live page; a writer to those of articles they wrote or are in the byline of."""
    return user.has_perm("live.add_entry") and (can_publish(user) or is_own(blog.article, user))


def can_touch_entry(user, entry, action):
    return user.has_perm(f"live.{action}_entry") and (can_publish(user) or is_own(entry.live_blog.article, user))


def author_of(user):
    try:
        return user.author
    except Author.DoesNotExist:
        return None


@admin.register(LiveBlog)
class LiveBlogAdmin(admin.ModelAdmin):
    list_display = ["article", "coverage_start", "coverage_end", "entry_count", "posting_link"]
    list_select_related = ["article"]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]
    fields = ["article", "coverage_start", "coverage_end"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(entry_total=Count("entries"))
        if not can_publish(request.user):
            queryset = queryset.filter(article__in=Article.objects.filter(own_articles_q(request.user)))
        return queryset

    def get_readonly_fields(self, request, obj=None):
        return ["article"] if obj is not None else []

    @admin.display(description=gettext_lazy("entries"), ordering="entry_total")
    def entry_count(self, obj):
        return obj.entry_total

    @admin.display(description=gettext_lazy("post"))
    def posting_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:live_liveblog_post", args=[obj.pk]), _("Post entries")
        )

    def get_urls(self):
        post = path("<int:pk>/post/", self.admin_site.admin_view(self.post_view), name="live_liveblog_post")
        return [post, *super().get_urls()]

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:live_liveblog_post", args=[obj.pk]))

    def post_view(self, request, pk):
        """The fast posting screen: a short form on top, the entries below, newest first."""
        blog = get_object_or_404(LiveBlog.objects.select_related("article"), pk=pk)
        if not can_post(request.user, blog):
            raise PermissionDenied
        form_class = forms.modelform_factory(
            Entry,
            form=EntryForm,
            widgets={
                "image": AutocompleteSelect(Entry._meta.get_field("image"), self.admin_site),
                "author": AutocompleteSelect(Entry._meta.get_field("author"), self.admin_site),
                "body": entry_body_widget(),
            },
        )
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                entry = form.save(commit=False)
                entry.live_blog, entry.posted_by = blog, request.user
                entry.author = entry.author or author_of(request.user)
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment(_("Posted"))
                    entry.save()
                self.message_user(request, _("Entry posted at %s.") % f"{timezone.localtime(entry.posted_at):%H:%M}")
                return HttpResponseRedirect(request.path)
        else:
            form = form_class(initial={"author": author_of(request.user)})
        entries = Entry.objects.filter(live_blog=blog).select_related("author")[:100]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Live: %s") % blog.article.headline,
            "blog": blog,
            "form": form,
            "media": self.media + form.media,
            "entries": entries,
            "can_change_blog": self.has_change_permission(request, blog),
        }
        return TemplateResponse(request, "admin/live/liveblog/post.html", context)


@admin.register(Entry)
class EntryAdmin(VersionAdmin):
    form = EntryForm
    list_display = ["__str__", "live_blog", "posted_at", "author", "is_key_event", "is_pinned"]
    list_filter = ["is_key_event", "is_pinned"]
    list_select_related = ["live_blog__article", "author"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["image", "author"]
    history_latest_first = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("live_blog__article")
        if not can_publish(request.user):
            queryset = queryset.filter(live_blog__article__in=Article.objects.filter(own_articles_q(request.user)))
        return queryset

    def has_add_permission(self, request):
        return False  # entries are posted from their live blog's screen, which knows the live blog

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed if obj is None else allowed and can_touch_entry(request.user, obj, "change")

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed if obj is None else allowed and can_touch_entry(request.user, obj, "delete")

    def _back_to_screen(self, obj):
        return HttpResponseRedirect(reverse("admin:live_liveblog_post", args=[obj.live_blog_id]))

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, _("Entry saved."), messages.SUCCESS)
        return self._back_to_screen(obj)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(request, _("Entry deleted; its history keeps it."), messages.SUCCESS)
        blog = getattr(request, "_live_blog_id", None)
        if blog is not None:
            return HttpResponseRedirect(reverse("admin:live_liveblog_post", args=[blog]))
        return super().response_delete(request, obj_display, obj_id)

    def delete_model(self, request, obj):
        request._live_blog_id = obj.live_blog_id
        super().delete_model(request, obj)


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ["text", "level", "is_active", "expires_at", "showing"]
    list_filter = ["level", "is_active"]
    fields = ["text", "link", "level", "is_active", "expires_at"]

    @admin.display(description=gettext_lazy("showing now"), boolean=True)
    def showing(self, obj):
        return obj.is_active and (obj.expires_at is None or obj.expires_at > timezone.now())


# The article list, sortable by views; the article form links to its live coverage ---------------------------

VIEWS_REFRESH_KEY = "live:article-views-refreshed"


class ArticleWithViewsAdmin(ArticleAdmin):
    list_display = [*ArticleAdmin.list_display, "views_24h", "views_7d"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                views_24h=Coalesce("view_stats__last_24h", Value(0)),
                views_7d=Coalesce("view_stats__last_7d", Value(0)),
            )
        )

    @admin.display(description=gettext_lazy("views 24 h"), ordering="-views_24h")
    def views_24h(self, obj):
        return obj.views_24h

    @admin.display(description=gettext_lazy("views 7 d"), ordering="-views_7d")
    def views_7d(self, obj):
        return obj.views_7d

    def changelist_view(self, request, extra_context=None):
        if cache.add(VIEWS_REFRESH_KEY, 1, timeout=60):  # the counts are copied at most once a minute
            refresh_article_views()
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            blog = LiveBlog.objects.filter(article=obj).first()
            if blog is not None and can_post(request.user, blog):
                context["live_url"] = reverse("admin:live_liveblog_post", args=[blog.pk])
            elif blog is None and request.user.has_perm("live.add_liveblog"):
                context["live_url"] = reverse("admin:live_liveblog_add") + f"?article={obj.pk}"
                context["live_label"] = _("Run as live blog")
        return super().render_change_form(request, context, add, change, form_url, obj)


admin.site.unregister(Article)
admin.site.register(Article, ArticleWithViewsAdmin)
