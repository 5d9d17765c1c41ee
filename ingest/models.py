from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedImage(models.Model):
    """Which library image an imported file became, so re-running an import reuses it instead of copying it again."""

    key = models.CharField(max_length=500, unique=True, help_text=_("The file's identity in the source system."))
    image = models.ForeignKey("articles.Image", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported image")

    def __str__(self):
        return self.key
