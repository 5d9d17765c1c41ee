from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject


def newsroom(request):
    from .models import Section

    return {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "today": timezone.localdate(),
        # Lazy: pages that never render the navigation never query for it.
        "nav_sections": SimpleLazyObject(lambda: list(Section.objects.filter(is_active=True).only("name", "slug"))),
    }
