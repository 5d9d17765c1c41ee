"""Pre-publish checks: what an editor should look at before a story goes out.

They warn and never block: an editor may publish anyway, and the warnings are then written into the
revision's history note (articles/forms.py, ArticleAdmin.save_model).
"""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

HEADLINE_MAX = 110
HEADLINE_MIN = 20
SEO_TITLE_MAX = 60
SEO_DESCRIPTION_MIN = 50
SEO_DESCRIPTION_MAX = 160


class _BodyParts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    handle_startendtag = handle_starttag


def _own_hosts():
    hosts = {host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"}
    if settings.SITE_URL:
        hosts.add(urlsplit(settings.SITE_URL).hostname or "")
    return hosts


def linked_unpublished_articles(links):
    """Headlines of the drafts, stories in review or scheduled stories that these links point at."""
    from articles.models import Article

    found = []
    own = _own_hosts()
    for href in links:
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or (parts.hostname and parts.hostname not in own):
            continue
        try:
            match = resolve(parts.path or "/")
        except Resolver404:
            continue
        if match.view_name == "articles:preview":
            found.append(_("a preview link"))
        elif match.view_name == "articles:detail":
            kwargs = match.kwargs
            day = datetime.date(kwargs["year"], kwargs["month"], kwargs["day"])
            # A story never published has no day yet: its address (and a link copied from a preview) uses today's.
            target = (
                Article.objects.filter(Q(publication_date=day) | Q(publication_date__isnull=True), slug=kwargs["slug"])
                .only("headline", "status", "published_at", "embargo_until")
                .first()
            )
            if target is not None and not target.is_live:
                found.append(f"“{target.headline}”")
    return found


def prepublish_warnings(*, headline, dek, body, lead_image, author_count, seo_title, seo_description):
    """The checklist, as sentences for the editor; an empty list means nothing to look at."""
    warnings = []
    if lead_image is None:
        pass  # No lead image is a choice, not a mistake.
    elif not lead_image.alt_text.strip():
        # The library allows alt-less images only when marked decorative; a story's lead picture is not.
        warnings.append(_("The lead image has no alt text (it is marked decorative)."))
    parts = _BodyParts()
    parts.feed(body or "")
    parts.close()
    missing_alt = sum(1 for attrs in parts.images if not (attrs.get("alt") or "").strip())
    if missing_alt:
        warnings.append(_("%(count)d image(s) in the body have no alt text.") % {"count": missing_alt})
    length = len((headline or "").strip())
    if length > HEADLINE_MAX:
        warnings.append(
            _("The headline is %(n)d characters long (aim for at most %(max)d).") % {"n": length, "max": HEADLINE_MAX}
        )
    elif length < HEADLINE_MIN:
        warnings.append(_("The headline is only %(n)d characters long.") % {"n": length})
    if not (dek or "").strip():
        warnings.append(_("There is no dek."))
    if author_count < 1:
        warnings.append(_("The byline has no author."))
    if len(seo_title or "") > SEO_TITLE_MAX:
        warnings.append(_("The SEO title is longer than %(max)d characters.") % {"max": SEO_TITLE_MAX})
    description = (seo_description or "").strip()
    if description and not SEO_DESCRIPTION_MIN <= len(description) <= SEO_DESCRIPTION_MAX:
        warnings.append(
            _("The SEO description is %(n)d characters long (aim for %(min)d–%(max)d).")
            % {"n": len(description), "min": SEO_DESCRIPTION_MIN, "max": SEO_DESCRIPTION_MAX}
        )
    if drafts := linked_unpublished_articles(parts.links):
        warnings.append(_("The body links to stories readers cannot see yet: %(list)s.") % {"list": ", ".join(drafts)})
    return warnings


def authors_in_post(data, prefix="article_authors"):
    """How many byline rows the submitted inline formset keeps (filled in and not marked for deletion)."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return 0
    total = min(total, 1000)
    return sum(
        1
        for n in range(total)
        if (data.get(f"{prefix}-{n}-author") or "").strip() and not data.get(f"{prefix}-{n}-DELETE")
    )


def article_warnings(article):
    """The checklist for a saved article (the side panel shows it before anyone presses Publish)."""
    return prepublish_warnings(
        headline=article.headline,
        dek=article.dek,
        body=article.body,
        lead_image=article.lead_image,
        author_count=len(article.article_authors.all()),
        seo_title=article.seo_title,
        seo_description=article.seo_description,
    )
