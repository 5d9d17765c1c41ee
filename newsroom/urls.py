from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import health

admin.site.site_header = f"{settings.NEWSROOM_NAME} — newsroom"
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = "Desk"

urlpatterns = [
    # HealthCheckMiddleware answers these first; the routes keep reverse("healthz") and the URL map honest.
    path("healthz", health.healthz, name="healthz"),
    path("healthz/", health.healthz),
    # The writing desk's small endpoints (heartbeat of the article screen) live under the admin's path.
    path(f"{settings.ADMIN_URL}desk/", include("desk.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("live.urls")),
    path("", include("articles.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
if settings.BENCH_TRIVIAL_VIEW:  # `make bench` only: the view every page's speed is measured against
    from bench.trivial import trivial

    urlpatterns.insert(0, path("bench/trivial/", trivial))

handler404 = "articles.views.page_not_found"
handler500 = "articles.views.server_error"
