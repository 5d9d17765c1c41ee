"""RSS 2.0 and Atom feeds of published articles: the whole site, and each section, tag and author.

Every link is absolute per `seo.site_url()`. An item's guid is a tag: URI minted from the article's id
and creation day, so it never changes when the headline, slug or publication time does.
"""

import copy
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone

from . import seo
from .cache import depends_on, depends_on_articles, expires_at, local_midnight
from .models import Article, Author, Section, Tag

FEED_SIZE = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"


class NewsroomRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 plus a `media:content` for the lead image and a `dc:creator` per author."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_NS, "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("creators", [])[1:]:
            handler.addQuickElement("dc:creator", name)
        media = item.get("media")
        if media:
            handler.startElement("media:content", media["attrs"])
            if media.get("description"):
                handler.addQuickElement("media:description", media["description"])
            if media.get("credit"):
                handler.addQuickElement("media:credit", media["credit"])
            handler.endElement("media:content")


class NewsroomAtomFeed(feedgenerator.Atom1Feed):
    """Atom with one `<author>` per author (Django writes only the first)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for author in item.get("more_authors", []):
            handler.startElement("author", {})
            handler.addQuickElement("name", author["name"])
            handler.addQuickElement("uri", author["uri"])
            handler.endElement("author")


class LatestFeed(Feed):
    """The newest published articles on the whole site, as RSS 2.0."""

    feed_type = NewsroomRssFeed

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request; the per-request copy carries the request for absolute URLs.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def absolute(self, url):
        return seo.absolute_url(url, self.request)

    def title(self, obj=None):
        return settings.NEWSROOM_NAME

    def description(self, obj=None):
        return f"The latest news from {settings.NEWSROOM_NAME}."

    def link(self, obj=None):
        return self.absolute(reverse("articles:home"))

    def feed_url(self, obj=None):
        return self.absolute(self.request.path)

    @property
    def language(self):  # Django reads this one as a plain attribute
        return settings.NEWSROOM_LANGUAGE

    def feed_copyright(self, obj=None):
        return f"© {timezone.localdate().year} {settings.NEWSROOM_NAME}"

    def get_queryset(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        items = list(
            self.get_queryset(obj).for_listing().prefetch_related("tags").order_by("-published_at", "-id")[:FEED_SIZE]
        )
        depends_on(self.request, *self.listing_keys(obj))
        depends_on_articles(self.request, items, full=True)
        expires_at(self.request, local_midnight(timezone.now()))  # the copyright line's year
        return items

    def listing_keys(self, obj):
        return ["list-latest"]

    # Items ----------------------------------------------------------------

    def item_title(self, item):
        return seo.xml_text(item.headline)

    def item_description(self, item):
        return seo.xml_text(seo.description(item))

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())

    def item_guid(self, item):
        host = urlsplit(seo.site_url(self.request)).hostname or "localhost"
        return f"tag:{host},{timezone.localdate(item.created_at):%Y-%m-%d}:article:{item.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, item):
        # The first author; the others follow as more dc:creator (RSS) or <author> (Atom) elements.
        if item.byline_override:
            return seo.xml_text(item.byline_override)
        authors = item.ordered_authors()
        return seo.xml_text(authors[0].name) if authors else None

    def item_author_link(self, item):
        authors = item.ordered_authors()
        return self.absolute(authors[0].get_absolute_url()) if authors and not item.byline_override else None

    # In the newsroom's time zone, with its offset, as the pages show them.
    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(seo.modified_at(item))

    def item_categories(self, item):
        return [seo.xml_text(item.section.name), *sorted(seo.xml_text(tag.name) for tag in item.tags.all())]

    def item_enclosures(self, item):
        image = item.lead_image
        if not image or not image.file:
            return []
        length = image.file_size or 0  # recorded on upload: a feed asks the storage nothing
        mime_type = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
        return [feedgenerator.Enclosure(seo.image_url(image, self.request), str(length), mime_type)]

    def item_extra_kwargs(self, item):
        authors = [] if item.byline_override else item.ordered_authors()
        extra = {
            "creators": [seo.xml_text(a.name) for a in authors],
            "more_authors": [
                {"name": seo.xml_text(a.name), "uri": self.absolute(a.get_absolute_url())} for a in authors[1:]
            ],
        }
        image = item.lead_image
        if image and image.file:
            attrs = {"url": seo.image_url(image, self.request), "medium": "image"}
            attrs["type"] = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
            if image.width and image.height:
                attrs.update(width=str(image.width), height=str(image.height))
            extra["media"] = {
                "attrs": attrs,
                "description": seo.xml_text(item.lead_caption or image.alt),
                "credit": seo.xml_text(image.credit),
            }
        return extra


class LatestAtomFeed(LatestFeed):
    feed_type = NewsroomAtomFeed

    def subtitle(self, obj=None):
        return self.description(obj)


class SectionFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section.objects.filter(is_active=True), slug=slug)

    def title(self, obj):
        return f"{obj.name} | {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return seo.xml_text(obj.description) or f"The latest {obj.name} news from {settings.NEWSROOM_NAME}."

    def link(self, obj):
        return self.absolute(obj.get_absolute_url())

    def get_queryset(self, obj):
        return Article.objects.published().filter(section=obj)

    def listing_keys(self, obj):
        return [f"list-section-{obj.pk}", f"section-{obj.pk}"]


class TagFeed(LatestFeed):
    def get_object(self, request, slug):
        # A tag used only by drafts, scheduled or embargoed stories is not public, nor is its name.
        return get_object_or_404(Tag.objects.filter(tagged_articles__content_object__in=_live()).distinct(), slug=slug)

    def title(self, obj):
        return f"{obj.name} | {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return f"Articles about {obj.name} from {settings.NEWSROOM_NAME}."

    def link(self, obj):
        return self.absolute(obj.get_absolute_url())

    def get_queryset(self, obj):
        return Article.objects.published().filter(tags=obj)

    def listing_keys(self, obj):
        return [f"list-tag-{obj.pk}", f"tag-{obj.pk}"]


class AuthorFeed(LatestFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author.objects.filter(article_links__article__in=_live()).distinct(), slug=slug)

    def title(self, obj):
        return f"{obj.name} | {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return f"Articles by {obj.name} for {settings.NEWSROOM_NAME}."

    def link(self, obj):
        return self.absolute(obj.get_absolute_url())

    def get_queryset(self, obj):
        return Article.objects.published().filter(article_authors__author=obj)

    def listing_keys(self, obj):
        return [f"list-author-{obj.pk}", f"author-{obj.pk}"]


def _live():
    return Article.objects.published().values("pk")
