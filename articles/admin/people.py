from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Author, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active", "article_count"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("Articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "is_active", "article_count"]
    list_filter = ["is_active"]
    search_fields = ["name", "job_title", "email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "photo"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "is_active"]}),
        (_("Profile"), {"fields": ["photo", "bio"]}),
        (
            _("Contact and links"),
            {"fields": ["email", "website", "x_handle", "bluesky_handle", "mastodon_url", "linkedin_url"]},
        ),
        (_("Account"), {"fields": ["user", "external_login"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("article_links"))

    @admin.display(description=_("Articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count
