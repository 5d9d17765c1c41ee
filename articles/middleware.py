from django.http import HttpResponsePermanentRedirect

from .models import Redirect


class OldUrlRedirectMiddleware:
    """A 404 at an article's old address (changed slug or date, imported permalink) becomes a 301."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path
        candidates = {path, path.rstrip("/"), path.rstrip("/") + "/"}
        if request.GET.get("p", "").isdigit():  # WordPress "plain" permalinks: /?p=123
            candidates.add(f"/?p={request.GET['p']}")
        redirect = (
            Redirect.objects.filter(old_path__in=candidates, article__in=_live_articles())
            .select_related("article")
            .first()
        )
        if redirect is None:
            return response
        return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())


def _live_articles():
    from .models import Article

    return Article.objects.published().values("pk")
