from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Author, Section
from .widgets import SafeAutocompleteMixin


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active", "article_count"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The article-count annotation is a GROUP BY, where Meta.ordering no longer applies: order explicitly.
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("Articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Author)
class AuthorAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "job_title", "is_active", "article_count"]
    list_filter = ["is_active"]
    search_fields = ["name", "job_title", "email"]
    ordering = ["name"]
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


User = get_user_model()


class NewsroomUserAdmin(UserAdmin):
    """Accounts and their roles, for staff. Only a superuser can make or change a superuser."""

    list_display = ["username", "email", "first_name", "last_name", "roles", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, NewsroomUserAdmin)
