from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin

from ..models import Article, ArticleAuthor, Author, Correction


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order)")


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["published_at", "note"]


class AuthorFilter(admin.SimpleListFilter):
    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return [(str(a.pk), a.name) for a in Author.objects.filter(is_active=True).only("name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(article_authors__author_id=self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    list_display = ["headline", "section", "byline", "status", "published_at"]
    list_filter = ["status", "section", AuthorFilter, "is_featured", "source"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_image"]
    inlines = [ArticleAuthorInline, CorrectionInline]
    actions = ["publish_now", "unpublish"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "section", "body"]}),
        (_("Byline and place"), {"fields": ["byline_override", "dateline", "tags"]}),
        (_("Lead image"), {"fields": ["lead_image", "lead_image_caption"]}),
        (
            _("Publishing"),
            {"fields": ["status", "published_at", "updated_at", "embargo_until", "is_featured", "priority"]},
        ),
        (
            _("Search and sharing"),
            {"fields": ["seo_title", "seo_description", "canonical_url"], "classes": ["collapse"]},
        ),
        (_("Source"), {"fields": ["source", "source_name", "original_url", "external_id"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")))
        )

    @admin.display(description=_("Byline"))
    def byline(self, obj):
        return obj.byline_text()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected articles now"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = 0
        for article in queryset:
            article.publish(at=article.published_at or timezone.now(), user=request.user)
            count += 1
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("Unpublish selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset:
            article.unpublish(user=request.user)
            count += 1
        self.message_user(
            request, ngettext("%d article unpublished.", "%d articles unpublished.", count) % count, messages.SUCCESS
        )
