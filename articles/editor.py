"""The article body editor: django-prose-editor (ProseMirror/Tiptap), served from our own static files.

Editors get paragraphs, h2–h4, bold, italic, links, bullet and numbered lists, block quotes and
figures. "Insert image from the library" (static/admin/js/newsroom-editor.js) opens the image
library's picker and places

    <figure class="image"><img src="…" alt="…" width="…" height="…" data-image-id="12">
    <figcaption>Caption <span class="credit">Credit</span></figcaption></figure>

which the article page renders responsively from the library image's renditions. The editor only
shapes what people can type: articles/sanitize.py stays the authority, on form validation and on
every save.
"""

from html.parser import HTMLParser

from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget

from .sanitize import sanitize_html

EDITOR_MODULE = "admin/js/newsroom-editor.js"

BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    # Figure, Image and Caption are prose-editor's, adjusted by our module: the image keeps its
    # library id in data-image-id, the figure has class "image", the caption no class.
    "Figure": True,
    "Image": True,
    "Caption": True,
    "TextClass": {"cssClasses": [{"className": "credit", "title": "Photo credit"}]},
    "LibraryImage": {"pickerUrl": reverse_lazy("admin:articles_image_picker")},
    "HTML": True,
}


class _BodyImages(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))

    handle_startendtag = handle_starttag


def validate_body_images(value):
    """Images in the body need alt text, unless they come from the library (which requires it itself)."""
    parser = _BodyImages()
    parser.feed(value or "")
    parser.close()
    for attrs in parser.images:
        from_library = (attrs.get("data-image-id") or "").strip().isdigit()
        if not from_library and not (attrs.get("alt") or "").strip():
            raise ValidationError(
                _(
                    "An image in the body has no alt text. Describe it (select the image and edit it), "
                    "or insert it from the image library."
                ),
                code="image_without_alt",
            )


class _NewsroomEditorMixin:
    def get_config(self):
        config = super().get_config()
        # Our module exports the adjusted extensions; the configurable preset imports it before
        # building the editor (its own way of loading extension modules, without a settings entry).
        return config | {"js_modules": [*config.get("js_modules", []), static(EDITOR_MODULE)]}


class BodyEditorWidget(_NewsroomEditorMixin, ProseEditorWidget):
    pass


class AdminBodyEditorWidget(_NewsroomEditorMixin, AdminProseEditorWidget):
    pass


class BodyField(ProseEditorField):
    """HTML body edited with our prose-editor configuration and cleaned by sanitize_html()."""

    default_validators = [validate_body_images]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": BODY_EXTENSIONS})
        kwargs.setdefault("sanitize", sanitize_html)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        widget = kwargs.get("widget")
        widget_class = widget if isinstance(widget, type) else type(widget)
        in_admin = widget is not None and issubclass(widget_class, (AdminTextareaWidget, AdminProseEditorWidget))
        kwargs["widget"] = AdminBodyEditorWidget if in_admin else BodyEditorWidget
        return super().formfield(**kwargs)
