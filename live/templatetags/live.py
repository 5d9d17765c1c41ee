from django import template
from django.template.loader import render_to_string

from articles.cache import fragment_slot

from ..coverage import context_for
from ..models import LiveBlog

register = template.Library()


@register.simple_tag(takes_context=True)
def live_coverage(context, article):
    """The live blog under the article's intro, when the article is run live (the view select_related it)."""
    try:
        blog = article.live_blog
    except LiveBlog.DoesNotExist:
        return ""
    request = context["request"]
    return render_to_string("live/coverage.html", context_for(article, blog, request), request=request)


@register.simple_tag(takes_context=True)
def news_banner(context):
    """The breaking-news banner: a fragment shared by every page (articles/cache.py)."""
    return fragment_slot(context["request"], "banner")


@register.simple_tag(takes_context=True)
def most_read(context):
    """The Most read box: a fragment shared by the home and article pages, renewed at most once a minute."""
    return fragment_slot(context["request"], "mostread")
