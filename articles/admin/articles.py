import copy

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag as TaggitTag

from desk import checks as desk_checks
from desk import presence

from .. import search as search_index
from ..forms import ArticleAdminForm, CorrectionForm
from ..models import Article, ArticleAuthor, Author, Correction, EditConflict, Tag, TaggedArticle
from ..revisions import article_versions, compare_versions, revert_blockers
from ..services import (
    Action,
    TransitionError,
    can_edit,
    can_publish,
    is_own,
    own_articles_q,
    state_label,
    transition,
    transition_message,
)
from ..templatetags.newsroom import newsroom_time, utc_offset
from .widgets import SafeAutocompleteMixin

# A revision holds the whole story: the article row (section, lead image, status, times) and the rows
# that belong to it alone — byline in order, tags, corrections. Shared records (authors, sections,
# images, tags themselves) are not followed: reverting one article must not rewrite them for every other.
for _model in (ArticleAuthor, Correction, TaggedArticle):
    if not reversion.is_registered(_model):
        reversion.register(_model)
if not reversion.is_registered(Article):
    reversion.register(Article, follow=["revision_bylines", "corrections", "revision_tags"])

# Body matches considered by the changelist search (newest first).
ADMIN_SEARCH_LIMIT = 5000

# Submit buttons on the change form, by their `name`.
WORKFLOW_BUTTONS = {
    "_submit_review": Action.SUBMIT,
    "_publish_now": Action.PUBLISH,
    "_schedule": Action.SCHEDULE,
    "_unpublish": Action.UNPUBLISH,
}


def workflow_action(request):
    if request.method != "POST":
        return None
    return next((action for name, action in WORKFLOW_BUTTONS.items() if name in request.POST), None)


class ArticleAuthorInline(SafeAutocompleteMixin, admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]
    verbose_name = gettext_lazy("author")
    verbose_name_plural = gettext_lazy("byline (in order)")


class CorrectionInline(admin.StackedInline):
    model = Correction
    form = CorrectionForm
    extra = 0
    fields = ["published_at", "note"]
    readonly_fields = ["note_as_published"]
    verbose_name_plural = gettext_lazy("corrections (dated, shown to readers)")

    def get_fields(self, request, obj=None):
        # Someone who may read the story but not change it sees the note as readers do, not its HTML.
        article_admin = self.admin_site.get_model_admin(self.parent_model)
        if obj is not None and not article_admin.has_change_permission(request, obj):
            return ["published_at", "note_as_published"]
        return super().get_fields(request, obj)

    @admin.display(description=gettext_lazy("note"))
    def note_as_published(self, correction):
        return mark_safe(correction.note)  # sanitised whenever a correction is saved


class AuthorFilter(admin.SimpleListFilter):
    title = gettext_lazy("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return [(str(a.pk), a.name) for a in Author.objects.filter(is_active=True).only("name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(article_authors__author_id=self.value())
        return queryset


class StateFilter(admin.SimpleListFilter):
    """Where each story stands. `?state=incoming` is wire and imported copy waiting for an editor."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("My drafts")),
            ("review", _("In review")),
            ("scheduled", _("Scheduled or embargoed")),
            ("live", _("Live")),
            ("incoming", _("Incoming (wire and imports)")),
            ("unpublished", _("Unpublished")),
            ("archived", _("Archived")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queryset.filter(own_articles_q(request.user), status=Article.Status.DRAFT)
        if value == "review":
            return queryset.filter(status=Article.Status.REVIEW)
        if value == "scheduled":
            return queryset.filter(pk__in=Article.objects.scheduled().values("pk"))
        if value == "live":
            return queryset.filter(pk__in=Article.objects.published().values("pk"))
        if value == "incoming":
            return queryset.filter(
                source__in=[Article.Source.WIRE, Article.Source.IMPORT],
                status__in=[Article.Status.DRAFT, Article.Status.REVIEW],
            )
        if value in (Article.Status.UNPUBLISHED, Article.Status.ARCHIVED):
            return queryset.filter(status=value)
        return queryset


class ArticleChangeList(ChangeList):
    """The changelist's rows without their bodies: a page of 100 real stories would otherwise read megabytes of
    HTML it never shows. Actions build their own queryset (cl.get_queryset()), so they still load whole rows."""

    def get_results(self, request):
        self.queryset = self.queryset.defer("body")
        super().get_results(request)


@admin.register(Article)
class ArticleAdmin(SafeAutocompleteMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "section", "byline", "state", "published_at"]
    list_filter = [StateFilter, "status", "section", AuthorFilter, "is_featured", "source"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_image"]
    inlines = [ArticleAuthorInline, CorrectionInline]
    actions = ["publish_now", "unpublish"]
    show_full_result_count = False
    object_history_template = "admin/articles/article/object_history.html"
    change_list_template = "admin/articles/article/change_list.html"
    history_latest_first = True
    # The writing desk's layout (templates/admin/articles/article/change_form.html): the story first, full
    # width; "desk-side" fieldsets go to the side panel beside the publishing actions; rarely used fields are
    # folded. get_fieldsets() below adds to the first, the Publishing and the History fieldsets by position.
    fieldsets = [
        (None, {"fields": ["headline", "dek", "body"], "classes": ["desk-writing"]}),
        (gettext_lazy("Placement"), {"fields": ["section", "dateline", "tags"]}),
        (gettext_lazy("Lead image"), {"fields": ["lead_image", "lead_image_caption"]}),
        (
            gettext_lazy("Publishing"),
            {
                "fields": ["status", "published_at", "updated_at", "embargo_until", "is_featured", "priority"],
                "classes": ["desk-side"],
            },
        ),
        (
            gettext_lazy("Search and sharing"),
            {"fields": ["seo_title", "seo_description", "canonical_url"], "classes": ["collapse"]},
        ),
        (
            gettext_lazy("Address, byline override and source"),
            {
                "fields": ["slug", "byline_override", "source", "source_name", "original_url", "external_id"],
                "classes": ["collapse"],
            },
        ),
    ]

    # Who sees and edits what --------------------------------------------

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_search_results(self, request, queryset, search_term):
        """Headline and dek by substring; the body through the full-text index.

        A substring match over every body (ILIKE '%word%') reads the whole table: over a second at
        100,000 articles. Bodies match whole words (with stemming); `word*` matches a prefix.
        """
        words = search_term.split()
        if not words:
            return queryset, False
        if connections[queryset.db].vendor not in ("postgresql", "sqlite"):
            return super().get_search_results(request, queryset, search_term)
        in_text = Q()
        for word in words:
            in_text &= Q(headline__icontains=word) | Q(dek__icontains=word)
        parsed = search_index.parse_query(search_term)
        if parsed:
            body_matches = search_index.search(Article.objects.all(), parsed, limit=ADMIN_SEARCH_LIMIT)
            in_text |= Q(pk__in=body_matches.values("pk"))
        return queryset.filter(in_text), False

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")))
        )
        if not can_publish(request.user):
            queryset = queryset.filter(own_articles_q(request.user))
        return queryset

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return can_publish(request.user) or is_own(obj, request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return can_edit(obj, request.user)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["updated_at", "last_saved"]
        if not can_publish(request.user):
            readonly += ["published_at", "embargo_until", "is_featured", "priority"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = copy.deepcopy(self.fieldsets)
        if obj is not None and not self.has_change_permission(request, obj):
            return fieldsets
        fieldsets[0][1]["fields"].append("loaded_version")
        if obj is not None and can_publish(request.user):
            fieldsets[3][1]["fields"].append("significant_update")
        # The last save is shown beside the state (render_change_form); the note goes with the next save.
        fieldsets.append((_("History"), {"fields": ["revision_comment"], "classes": ["desk-side"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user, "action": workflow_action(request)})

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # A new story is most often its writer's own: their author profile is the first byline, ready to change.
        # Only on the empty form: posted back as is, an initial value would count as unchanged and not be saved.
        if isinstance(inline, ArticleAuthorInline) and obj.pk is None and request.method != "POST":
            author = Author.objects.filter(user=request.user, is_active=True).only("pk").first()
            if author is not None:
                kwargs["initial"] = [{"author": author.pk}]
        return kwargs

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    # Changelist -----------------------------------------------------------

    @admin.display(description=gettext_lazy("Byline"))
    def byline(self, obj):
        return obj.byline_text()

    @admin.display(description=gettext_lazy("Status"), ordering="status")
    def state(self, obj):
        return state_label(obj)

    @admin.display(description=gettext_lazy("Last saved"))
    def last_saved(self, obj):
        """“Saved 2 minutes ago by Leyla Mammadova”, then the exact newsroom time and the version."""
        if obj is None or obj.pk is None:
            return "—"
        if obj.modified_by:
            who = obj.modified_by.get_full_name() or obj.modified_by.get_username()
        else:
            who = _("an import or a command")
        return _("Saved %(ago)s by %(who)s · %(when)s · version %(version)s") % {
            "ago": naturaltime(obj.modified_at),
            "who": who,
            "when": newsroom_time(obj.modified_at),
            "version": obj.version,
        }

    def changelist_view(self, request, extra_context=None):
        # Unlike VersionAdmin, no request-wide revision here: bulk actions record one revision per
        # article, so reverting one story never reverts the others changed by the same action.
        context = {
            "has_change_permission": self.has_change_permission(request),
            "can_recover": self.has_delete_permission(request),
            **(extra_context or {}),
        }
        return admin.ModelAdmin.changelist_view(self, request, context)

    @admin.action(description=gettext_lazy("Publish selected articles now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self._bulk_transition(request, queryset, Action.PUBLISH)

    @admin.action(description=gettext_lazy("Unpublish selected articles"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._bulk_transition(request, queryset.filter(status=Article.Status.PUBLISHED), Action.UNPUBLISH)

    def _bulk_transition(self, request, queryset, action):
        count = 0
        for article in queryset:
            try:
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment(_("%(action)s (bulk action)") % {"action": action.label})
                    transition(article, action, user=request.user)
            except TransitionError as exc:
                self.message_user(request, f"{article}: {exc}", messages.WARNING)
                continue
            count += 1
        message = {
            Action.PUBLISH: ngettext("%d article published.", "%d articles published.", count),
            Action.UNPUBLISH: ngettext("%d article unpublished.", "%d articles unpublished.", count),
        }[action]
        self.message_user(request, message % count, messages.SUCCESS)

    # Change form ------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        editable = add or (obj is not None and self.has_change_permission(request, obj))
        saved = obj is not None and obj.pk
        stored = obj
        if saved and form.is_bound and form.errors:
            # A refused save leaves the form's values (a workflow step's new status too) on `obj`: the state
            # and the buttons are those of the article as stored.
            stored = Article._base_manager.only("status", "published_at", "embargo_until").get(pk=obj.pk)
        buttons = self.workflow_buttons(request, stored) if editable else []
        context.update(
            preview_url=request.build_absolute_uri(obj.get_preview_url()) if saved else None,
            article_state=state_label(stored) if saved else None,
            workflow_buttons=buttons,
            # The one action this person most likely wants next; None means "Update" (save and stay).
            primary_button=next((button for button in buttons if button["primary"]), None),
            conflict=getattr(form, "conflict", None),
            prepublish_warnings=form.prepublish_warnings,
            checklist=desk_checks.article_warnings(obj) if saved and editable and can_publish(request.user) else None,
            being_edited_by=[
                {"name": e["name"], "since": presence.short_time(e["since"])}
                for e in (presence.editors(obj.pk, exclude=request.user) if saved and editable else [])
            ],
            last_saved=self.last_saved(obj) if saved else None,
            newsroom_offset=utc_offset(timezone.localtime()),
            presence_url=reverse("desk:presence", args=[obj.pk]) if saved and editable else None,
            autosave_key=f"{obj.pk if saved else 'new'}:{request.user.pk}",
            show_save_and_add_another=False,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_buttons(self, request, obj):
        status = obj.status if obj is not None else Article.Status.DRAFT
        editor = can_publish(request.user)
        buttons = []
        if status in (Article.Status.DRAFT, Article.Status.UNPUBLISHED):
            buttons.append(("_submit_review", Action.SUBMIT.label, not editor))
        if editor:
            future = obj is not None and obj.published_at is not None and obj.published_at > timezone.now()
            out = status != Article.Status.PUBLISHED
            if obj is None or not obj.is_live:
                buttons.append(("_publish_now", Action.PUBLISH.label, out and not future))
            buttons.append(("_schedule", Action.SCHEDULE.label, out and future))
            if status == Article.Status.PUBLISHED:
                buttons.append(("_unpublish", Action.UNPUBLISH.label, False))
        return [{"name": name, "label": label, "primary": primary} for name, label, primary in buttons]

    def save_model(self, request, obj, form, change):
        obj.save(expected_version=form.expected_version)
        request._article_revision_note = [
            str(action.label) if (action := workflow_action(request)) else "",
            form.cleaned_data.get("revision_comment", "").strip(),
            # Pre-publish warnings the editor chose to publish over (desk/checks.py).
            _("Published despite warnings: %(warnings)s") % {"warnings": " ".join(form.prepublish_warnings)}
            if form.prepublish_warnings
            else "",
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        restore = getattr(request, "_article_version_before_revert", None)
        if object_id is not None and restore is not None:
            # The revert just wrote the old row back, old version number included: the counter never
            # goes backwards, or a form opened before the revert could overwrite it unnoticed.
            Article._base_manager.filter(pk=unquote(object_id)).update(version=restore)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Only when two saves race past the form's check at the same instant (SQLite has no row locks).
            self.message_user(
                request, _("Not saved: someone else saved this article at the same moment. Reload it."), messages.ERROR
            )
            return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        if workflow_action(request):
            self.message_user(request, transition_message(obj), messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if workflow_action(request):
            self.message_user(request, transition_message(obj), messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(obj))
        return super().response_change(request, obj)

    def _change_url(self, obj):
        return reverse(
            f"{self.admin_site.name}:articles_article_change", args=[quote(obj.pk)], current_app=self.admin_site.name
        )

    # Revision comments: the workflow step and the editor's note, then Django's "Changed headline and body."

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._comment_revision(request, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._comment_revision(request, entry)
        return entry

    def _comment_revision(self, request, entry):
        if reversion.is_active():
            parts = [*getattr(request, "_article_revision_note", []), entry.get_change_message()]
            reversion.set_comment(" — ".join(part for part in parts if part))

    # History, compare, revert, recover ---------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="{}_{}_compare".format(*info),
        )
        return [compare, *super().get_urls()]

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        versions = []
        if article is not None and self.has_view_or_change_permission(request, article):
            may_revert = self.has_change_permission(request, article) and can_publish(request.user)
            versions = [
                {
                    "version": version,
                    "revert_url": reverse(
                        f"{self.admin_site.name}:articles_article_revision", args=[quote(article.pk), version.pk]
                    )
                    if may_revert
                    else None,
                }
                for version in article_versions(article).order_by("-pk")
            ]
        context = {
            "article_versions": versions,
            "compare_url": reverse(f"{self.admin_site.name}:articles_article_compare", args=[quote(object_id)]),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        ids = [request.GET.get("a", ""), request.GET.get("b", "")]
        history_url = reverse(f"{self.admin_site.name}:articles_article_history", args=[quote(article.pk)])
        if not all(i.isascii() and i.isdigit() for i in ids) or ids[0] == ids[1]:
            self.message_user(request, _("Choose two different revisions to compare."), messages.WARNING)
            return HttpResponseRedirect(history_url)
        versions = article_versions(article)
        older, newer = sorted((get_object_or_404(versions, pk=int(i)) for i in ids), key=lambda v: v.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Compare revisions of “%(headline)s”") % {"headline": article.headline},
            "article": article,
            "older": older,
            "newer": newer,
            "changes": compare_versions(older, newer),
            "history_url": history_url,
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Revert to a stored revision (an editor's power); the result is saved as a new revision."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not (self.has_change_permission(request, article) and can_publish(request.user)):
            raise PermissionDenied
        version = get_object_or_404(article_versions(article), pk=version_id)
        if missing := revert_blockers(version.revision):
            self.message_user(
                request,
                _("This revision cannot be restored: it refers to %(missing)s, since deleted.")
                % {"missing": ", ".join(missing)},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:articles_article_history", args=[article.pk]))
        request._article_version_before_revert = article.version
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(Article), pk=version_id)
        if missing := revert_blockers(version.revision):
            self.message_user(
                request,
                _("This article cannot be recovered: it refers to %(missing)s, since deleted.")
                % {"missing": ", ".join(missing)},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:articles_article_recoverlist"))
        return super().recover_view(request, version_id, extra_context)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Editors manage tags; the slug is transliterated from the name when left empty."""

    list_display = ["name", "slug", "article_count"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "slug" in form.base_fields:
            form.base_fields["slug"].required = False
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("tagged_articles"))

    @admin.display(description=gettext_lazy("Articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


# taggit's own Tag model is unused here (articles.Tag replaces it): keep it out of the editors' way.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)
