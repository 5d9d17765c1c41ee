from django import forms
from django.utils.translation import gettext_lazy as _

from articles.editor import AdminBodyEditorWidget
from articles.sanitize import sanitize_html, strip_tags

from .models import Entry

BODY_HELP = _("A few sentences: bold, italic, links, lists and quotes. Ctrl+Enter (or Cmd+Enter) posts.")
# The article body's editor (articles/editor.py), cut down to what a short entry needs; the image is a field.
ENTRY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
}


def entry_body_widget():
    return AdminBodyEditorWidget(config={"extensions": ENTRY_EXTENSIONS}, preset="configurable")


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["title", "body", "image", "author", "is_key_event", "is_pinned"]
        widgets = {"body": entry_body_widget()}
        help_texts = {"body": BODY_HELP}

    def clean_body(self):
        body = sanitize_html(self.cleaned_data["body"])
        if not strip_tags(body).strip() and "<img" not in body:
            raise forms.ValidationError(_("Write something: the entry has no text."))
        return body
