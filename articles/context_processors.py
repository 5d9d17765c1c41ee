from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject


def newsroom(request):
    from .views import active_sections

    return {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "today": timezone.localdate(),
        # Lazy: pages that never render the navigation never query for it. Cached per content version.
        "nav_sections": SimpleLazyObject(lambda: active_sections(request)),
    }
