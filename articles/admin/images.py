import json
import logging

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from newsroom.storage import STORAGE_ERRORS

from ..images import rendition_url, validate_image_file
from ..models import Image

logger = logging.getLogger("newsroom.media")

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
PICKER_PAGE_SIZE = 24


def smallest_rendition(image):
    """(url, width, height) of the narrowest recorded rendition, or of the file itself before they exist."""
    fallback = (image.renditions or {}).get("original", {}).get("fallback")
    if fallback:
        width, height, name = fallback[0]
        return rendition_url(name), width, height
    if image.file:
        return image.file.url, image.width, image.height
    return "", None, None


def thumbnail_html(image, width=96):
    url, w, h = smallest_rendition(image)
    if not url:
        return "—"
    height = round(width * h / w) if w and h else width
    return format_html('<img src="{}" width="{}" height="{}" alt="" loading="lazy">', url, width, height)


class ImageForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        help_text=Image._meta.get_field("file").help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "is_decorative", "caption", "credit", "crop_anchor"]

    # Set by ImageAdmin when storing the file failed: the form is shown again with this error.
    storage_unavailable = False

    def clean(self):
        cleaned = super().clean()
        if self.storage_unavailable:
            raise forms.ValidationError(
                _("The image could not be stored: the media storage is not answering. Nothing was saved; "
                  "try again in a minute.")
            )  # fmt: skip
        return cleaned

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            # Decoded with Pillow here for a clear message; the model re-encodes it when it is stored.
            validate_image_file(file)
        return file


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "credit", "dimensions", "uploaded_by", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["is_decorative", "crop_anchor"]
    list_select_related = ["uploaded_by"]
    search_fields = ["title", "credit", "caption", "alt_text"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "dimensions", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (
            None,
            {"fields": ["file", "preview", "title", "alt_text", "is_decorative", "caption", "credit", "crop_anchor"]},
        ),
        (_("Upload"), {"fields": ["dimensions", "uploaded_by", "uploaded_at"]}),
    ]

    @admin.display(description=_("Preview"))
    def thumbnail(self, obj):
        return thumbnail_html(obj)

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        return thumbnail_html(obj, width=320) if obj.pk else "—"

    @admin.display(description=_("Size (pixels)"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width and obj.height else "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except STORAGE_ERRORS as exc:
            # The save was rolled back; the same request is shown again as a form with the error (and what was
            # typed). An article being edited in the window behind the add-image pop-up is untouched.
            logger.error("Image upload failed: media storage error %s", exc.__class__.__name__, exc_info=exc)
            request.media_storage_failed = True
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "media_storage_failed", False):
            form = type(form.__name__, (form,), {"storage_unavailable": True})
        return form

    def save_model(self, request, obj, form, change):
        if not obj.uploaded_by_id:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        picker = path("picker/", self.admin_site.admin_view(self.picker_view), name="articles_image_picker")
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """The body editor's "insert image from the library" window: search, pick, and it's in the text."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:200]
        images = Image.objects.order_by("-uploaded_at", "-pk")
        if query:
            images = images.filter(
                Q(title__icontains=query) | Q(credit__icontains=query) | Q(caption__icontains=query)
            )
        page = Paginator(images, PICKER_PAGE_SIZE).get_page(request.GET.get("p"))
        choices = [
            {
                "image": image,
                "thumbnail": thumbnail_html(image, width=160),
                "data": json.dumps(
                    {
                        "id": image.pk,
                        "src": image.file.url if image.file else "",
                        "alt": image.alt,
                        "width": image.width,
                        "height": image.height,
                        "caption": image.caption,
                        "credit": image.credit,
                    }
                ),
            }
            for image in page.object_list
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Insert an image from the library"),
            "opts": self.opts,
            "is_popup": True,
            "query": query,
            "page": page,
            "choices": choices,
        }
        return TemplateResponse(request, "admin/articles/image/picker.html", context)
