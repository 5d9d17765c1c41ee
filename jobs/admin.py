from django.contrib import admin, messages
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import FailedJob


@admin.register(FailedJob)
class FailedJobAdmin(admin.ModelAdmin):
    """What went wrong in the background: staff see each failing job with its error, and can run it again."""

    list_display = ["task_name", "attempts", "status", "last_failed_at", "short_error"]
    list_filter = ["task_path"]
    search_fields = ["task_path", "error"]
    readonly_fields = ["task_path", "arguments", "attempts", "error", "first_failed_at", "last_failed_at"]
    fields = readonly_fields
    actions = ["run_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("job"), ordering="task_path")
    def task_name(self, obj):
        return obj.task_name

    @admin.display(description=_("status"))
    def status(self, obj):
        return _("gave up") if obj.gave_up else _("will retry")

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        lines = [line for line in obj.error.strip().splitlines() if line.strip()]
        return Truncator(lines[-1] if lines else "").chars(70)  # the whole error is on the job's own page

    @admin.action(description=_("Run the selected jobs again now"), permissions=["delete"])
    def run_again(self, request, queryset):
        count = 0
        for failed in queryset:
            try:
                task = import_string(failed.task_path)
            except ImportError:
                self.message_user(request, _("%s no longer exists.") % failed.task_path, messages.ERROR)
                continue
            task.enqueue(*failed.arguments.get("args", []), **failed.arguments.get("kwargs", {}))
            count += 1
        self.message_user(request, ngettext("%d job queued again.", "%d jobs queued again.", count) % count)
