from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from desk.checks import authors_in_post, prepublish_warnings

from .models import Article, Correction
from .plaintext import html_to_text, normalize, text_to_html
from .revisions import changes_since, differences_from_stored
from .services import EDITOR_ONLY_FIELDS, WRITER_STATUSES, Action, TransitionError, can_publish, next_state
from .templatetags.newsroom import newsroom_time


@dataclass
class Conflict:
    """Someone saved the article after this form was loaded."""

    by: object
    at: object
    # What they changed (from the history), or else where this edit differs from their saved version.
    changes: list = field(default_factory=list)
    from_history: bool = True

    @property
    def who(self):
        if self.by is None:
            return _("Someone else")
        return self.by.get_full_name() or self.by.get_username()


class NoteField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        return normalize(super().to_python(value))


class CorrectionForm(forms.ModelForm):
    """A correction's note typed as plain text (articles/plaintext.py) and stored as the HTML readers get.

    A stored note is shown as that text. Saved unchanged, it keeps its stored HTML, so a note whose markup
    the text cannot say (a list from an import) loses nothing when only its date is changed.
    """

    note = NoteField(
        label=gettext_lazy("Note"),
        help_text=gettext_lazy(
            "What was wrong and what is right now. Shown to readers. Plain text: a blank line starts a new "
            "paragraph; web addresses become links, or write [words](https://…) to link words; *italic*."
        ),
    )

    class Meta:
        model = Correction
        fields = ["published_at", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_text = html_to_text(self.instance.note) if self.instance.pk else ""
        if self.instance.pk:
            self.initial["note"] = self.stored_text

    def clean_note(self):
        text = self.cleaned_data["note"]
        if self.instance.pk and text == self.stored_text:
            return self.instance.note
        return text_to_html(text)  # sanitised by Correction.save()


class ArticleAdminForm(forms.ModelForm):
    """The article form of the admin. ArticleAdmin.get_form binds `user` and the workflow `action` per request.

    Rules enforced here, whatever the browser sends: a writer cannot publish, schedule, unpublish or
    set editor-only fields; a workflow step must be allowed from the article's stored state; a save
    over someone else's newer save is refused and the editor's text stays in the form.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    significant_update = forms.BooleanField(
        required=False,
        label=gettext_lazy("This is a significant update (show “Updated” to readers)"),
        help_text=gettext_lazy("Leave unticked for typo fixes and small corrections."),
    )
    revision_comment = forms.CharField(
        required=False,
        max_length=250,
        label=gettext_lazy("Note for the history"),
        help_text=gettext_lazy("Optional: what you changed and why. Kept with this revision."),
    )

    publish_anyway = forms.BooleanField(
        required=False,
        label=gettext_lazy("Publish anyway: I have read the warnings above"),
    )

    WORKFLOW_FIELDS = ("loaded_version", "significant_update", "revision_comment", "publish_anyway")

    user = None
    action = None

    class Meta:
        model = Article
        # ArticleAdmin passes the fields of its fieldsets; these are the defaults for any other use.
        fields = [
            "headline", "slug", "dek", "body", "section", "byline_override", "dateline", "tags",
            "lead_image", "lead_image_caption", "status", "published_at", "embargo_until", "is_featured",
            "priority", "seo_title", "seo_description", "canonical_url", "source", "source_name",
            "original_url", "external_id",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        # Pre-publish checklist (desk/checks.py) of the Publish or Schedule being attempted.
        self.prepublish_warnings = []
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        if "status" in self.fields and not self.is_editor:
            self.fields["status"].choices = [(v, label) for v, label in Article.Status.choices if v in WRITER_STATUSES]

    @cached_property
    def changed_data(self):
        # The workflow's own fields are not changes to the story (and stay out of "Changed …" messages).
        return [name for name in super().changed_data if name not in self.WORKFLOW_FIELDS]

    @property
    def is_editor(self):
        return self.user is not None and can_publish(self.user)

    @property
    def expected_version(self):
        return self.cleaned_data.get("loaded_version") if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        if not self.is_editor:
            self._refuse_editor_only_fields()
        if self.instance.pk:
            self._check_version(cleaned)
        self._apply_workflow(cleaned)
        if self.action in (Action.PUBLISH, Action.SCHEDULE) and not self.errors:
            self._check_before_publishing(cleaned)
        return cleaned

    def save(self, commit=True):
        article = super().save(commit=False)
        if self.cleaned_data.get("significant_update") and article.is_live:
            article.updated_at = timezone.now()
        if self.user is not None:
            article.modified_by = self.user
            if article._state.adding:
                article.created_by = self.user
        if commit:
            article.save(expected_version=self.expected_version)
            self._save_m2m()
        return article

    def _refuse_editor_only_fields(self):
        # The admin never renders these inputs for writers, so any value for them is a crafted request.
        names = [*EDITOR_ONLY_FIELDS, "significant_update"]
        sent = [
            name
            for name in names
            if any(key == self.add_prefix(name) or key.startswith(f"{self.add_prefix(name)}_") for key in self.data)
        ]
        if sent:
            labels = ", ".join(str(self._label(name)) for name in sent)
            raise forms.ValidationError(
                _("Only editors can set: %(fields)s. Nothing was saved.") % {"fields": labels}, code="permission"
            )

    def _label(self, name):
        if name in self.fields:
            return self.fields[name].label
        return capfirst(Article._meta.get_field(name).verbose_name)

    def _check_version(self, cleaned):
        stored = Article._base_manager.only("version", "modified_by", "modified_at")
        if transaction.get_connection().in_atomic_block:
            # Hold the row until this save commits, so a second save cannot slip in between check and write.
            stored = stored.select_for_update()
        stored = stored.filter(pk=self.instance.pk).first()
        if stored is None:
            return
        loaded = cleaned.get("loaded_version")
        if loaded is None:
            raise forms.ValidationError(
                _("This form did not say which version of the article it was editing. Reload the page and try again."),
                code="no_version",
            )
        if loaded == stored.version:
            return
        changes = changes_since(stored, loaded)
        if changes is not None:
            self.conflict = Conflict(by=stored.modified_by, at=stored.modified_at, changes=changes)
        else:
            changes = differences_from_stored(stored, cleaned)
            self.conflict = Conflict(by=stored.modified_by, at=stored.modified_at, changes=changes, from_history=False)
        # The editor has now seen the other changes: the next save from this form may go ahead.
        data = self.data.copy()
        data[self.add_prefix("loaded_version")] = stored.version
        self.data = data
        raise forms.ValidationError(
            _(
                "Not saved: %(who)s saved this article at %(when)s, after you opened it. Your text is still "
                "in the form below. Check what they changed, keep what you need, then save again."
            )
            % {"who": self.conflict.who, "when": newsroom_time(stored.modified_at)},
            code="conflict",
        )

    def _check_before_publishing(self, cleaned):
        def value(name):
            return cleaned[name] if name in self.fields else getattr(self.instance, name)

        self.prepublish_warnings = prepublish_warnings(
            headline=value("headline"),
            dek=value("dek"),
            body=value("body"),
            lead_image=value("lead_image"),
            author_count=authors_in_post(self.data),
            seo_title=value("seo_title"),
            seo_description=value("seo_description"),
        )
        if self.prepublish_warnings and not cleaned.get("publish_anyway"):
            raise forms.ValidationError(
                _("Not published yet — check before publishing: %(warnings)s Tick “Publish anyway” to go ahead.")
                % {"warnings": " ".join(self.prepublish_warnings)},
                code="prepublish",
            )

    def _apply_workflow(self, cleaned):
        has_time = "published_at" in self.fields
        if not self.action:
            if has_time and cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
                cleaned["published_at"] = timezone.now()
            return
        published_at = cleaned.get("published_at") if has_time else self.instance.published_at
        try:
            status, published_at = next_state(
                self.action, status=self.instance.status, published_at=published_at, user=self.user
            )
        except TransitionError as exc:
            raise forms.ValidationError(str(exc), code="transition") from exc
        cleaned["status"] = status
        if has_time:
            cleaned["published_at"] = published_at
