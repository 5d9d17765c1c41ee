from django.http import HttpResponsePermanentRedirect

from .models import Redirect


class OldUrlRedirectMiddleware:
    """A 404 at an article's old address (changed slug or date, imported permalink) becomes a 301."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # WordPress "plain" permalinks (/?p=123) land on our home page, which would answer 200: check them first.
        post_id = request.GET.get("p", "") if request.path == "/" else ""
        if post_id.isascii() and post_id.isdigit() and request.method in ("GET", "HEAD"):
            redirect = self.find({f"/?p={post_id}"})
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path
        return self.find({path, path.rstrip("/"), path.rstrip("/") + "/"}) or response

    def find(self, candidates):
        redirect = (
            Redirect.objects.filter(old_path__in=candidates, article__in=_live_articles())
            .select_related("article")
            .first()
        )
        if redirect is None:
            return None
        return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())


def _live_articles():
    from .models import Article

    return Article.objects.published().values("pk")
