from http import HTTPStatus

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.models import Article

from . import presence


@require_POST
def presence_heartbeat(request, article_id):
    """The article screen says "I still have this open" (or, with `leave`, "I closed it").

    Answers who else has it open and the stored version, so the page can warn before a conflict. A
    logged-out browser gets 401 with the login address: the page then tells the editor to log in again,
    keeping what they typed.
    """
    if not (request.user.is_active and request.user.is_staff):
        login = redirect_to_login(request.headers.get("referer") or "", reverse("admin:login"))["Location"]
        return JsonResponse({"error": "logged_out", "login_url": login}, status=HTTPStatus.UNAUTHORIZED)
    article = get_object_or_404(Article.objects.only("pk", "version", "status", "created_by"), pk=article_id)
    if not admin.site.get_model_admin(Article).has_change_permission(request, article):
        return JsonResponse({"error": "forbidden"}, status=HTTPStatus.FORBIDDEN)
    if request.POST.get("leave"):
        presence.leave(article.pk, request.user)
        return JsonResponse({"editors": []})
    others = presence.touch(article.pk, request.user)
    return JsonResponse(
        {
            "editors": [{"name": e["name"], "since": presence.short_time(e["since"])} for e in others],
            "version": article.version,
        }
    )
