from django import forms
from django.utils.translation import gettext_lazy as _

from articles.sanitize import sanitize_html, strip_tags

from .models import Entry

BODY_HELP = _("A few sentences. Basic formatting allowed: <b>, <i>, <a href>, lists, quotes. Ctrl+Enter posts.")


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["title", "body", "image", "author", "is_key_event", "is_pinned"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5, "cols": 80, "autofocus": True})}
        help_texts = {"body": BODY_HELP}

    def clean_body(self):
        body = sanitize_html(self.cleaned_data["body"])
        if not strip_tags(body).strip() and "<img" not in body:
            raise forms.ValidationError(_("Write something: the entry has no text."))
        return body
