from django.contrib import admin

from ..models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["title", "credit", "width", "height", "uploaded_at"]
    search_fields = ["title", "credit", "caption", "alt_text"]
    date_hierarchy = "uploaded_at"
    fields = ["file", "title", "alt_text", "is_decorative", "caption", "credit", "crop_anchor"]

    def save_model(self, request, obj, form, change):
        if not obj.uploaded_by_id:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
