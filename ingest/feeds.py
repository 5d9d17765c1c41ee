"""RSS 0.9x/1.0/2.0 and Atom feeds (parsed by feedparser) → stories, as drafts of wire copy.

Each item comes in once: it is identified by its guid (else its link) within the site the feed belongs to.
Relative links are resolved against the item's link (else the feed's), HTML is sanitised, categories become
tags, dates keep their time zones, and an enclosure or media:content image becomes the lead image.
"""

import calendar
import datetime
import hashlib
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
from django.conf import settings
from lxml import etree
from lxml import html as lxml_html

from articles.models import Article

from .pipeline import AuthorRef, ImageRef, ImageUnavailable, Story, paragraphs_html, plain_text, split_names
from .wxr import wpautop

MAX_FEED_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 15
USER_AGENT = "Newsroom feed ingest (+https://github.com/)"
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


class FeedError(Exception):
    """The feed cannot be read or is not a feed."""


@dataclass
class FetchedFeed:
    data: bytes
    url: str = ""  # set when fetched over http(s)
    path: Path | None = None  # set when read from a file


@dataclass
class ParsedFeed:
    title: str
    link: str
    version: str
    entries: list
    identity: str
    problem: str = ""
    notes: list = field(default_factory=list)


def fetch_url(url, *, max_bytes, timeout=TIMEOUT_SECONDS):
    """GET an http(s) URL, refusing bodies over `max_bytes`. Only http(s) is followed, redirects included."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise OSError(f"only http and https addresses are fetched, not {url}")
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler(),
    ):  # fmt: skip
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise OSError(f"{url} is larger than {max_bytes} bytes")
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise OSError(f"{url} answered HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        raise OSError(f"cannot fetch {url}: {exc.reason}") from exc
    except (TimeoutError, ValueError) as exc:
        raise OSError(f"cannot fetch {url}: {exc}") from exc
    if len(data) > max_bytes:
        raise OSError(f"{url} is larger than {max_bytes} bytes")
    return data


def fetch(source):
    """Read a feed from a file or an http(s) URL. Raises FeedError."""
    if urlsplit(source).scheme in ("http", "https"):
        try:
            return FetchedFeed(data=fetch_url(source, max_bytes=MAX_FEED_BYTES), url=source)
        except OSError as exc:
            raise FeedError(str(exc)) from exc
    path = Path(source)
    try:
        if path.is_dir():
            raise FeedError(f"{source} is a folder, not a feed file")
        if path.stat().st_size > MAX_FEED_BYTES:
            raise FeedError(f"{source} is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
        return FetchedFeed(data=path.read_bytes(), path=path.resolve())
    except FileNotFoundError as exc:
        raise FeedError(f"No such file: {source}") from exc
    except OSError as exc:
        raise FeedError(f"Cannot read {source}: {exc.strerror or exc}") from exc


def parse(fetched):
    """Parse feed bytes. Raises FeedError when they are not an RSS or Atom feed."""
    head = fetched.data[:65536]
    if b"<!ENTITY" in head:
        raise FeedError("the feed declares XML entities; refused (a feed has no need of them)")
    headers = {"content-location": fetched.url} if fetched.url else {}
    parsed = feedparser.parse(fetched.data, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else ""
    if not parsed.get("version") and not parsed.entries:
        detail = f" ({problem})" if problem else ""
        raise FeedError(f"not an RSS or Atom feed{detail}")
    feed = parsed.feed
    link = feed.get("link", "")
    if link and fetched.url:
        link = urljoin(fetched.url, link)
    identity = link if urlsplit(link).scheme in ("http", "https") else (fetched.url or str(fetched.path))
    return ParsedFeed(
        title=plain_text(feed.get("title", "")),
        link=link,
        version=parsed.get("version", "") or "unknown",
        entries=parsed.entries,
        identity=identity,
        problem=problem,
    )


class FeedMapper:
    """Turns feedparser entries into Stories, or into the reason they are skipped."""

    def __init__(self, feed, fetched, *, source_name, section):
        self.feed = feed
        self.fetched = fetched
        self.source_name = source_name
        self.section = section
        self.base = fetched.url or (feed.link if urlsplit(feed.link).scheme in ("http", "https") else "")

    def story(self, entry, position):
        link = entry.get("link", "")
        if link and self.base:
            link = urljoin(self.base, link)
        key = entry.get("id") or link
        title = entry.get("title", "")
        body_html = self._body(entry)
        if not key:
            if not (title or body_html):
                return "empty item (no id, link, title or text)"
            key = hashlib.sha256(f"{title}\n{body_html}".encode()).hexdigest()
        label = f"item {position} “{plain_text(title)[:60] or '(untitled)'}”"
        story = Story(
            source=Article.Source.WIRE,
            external_id="feed:" + hashlib.sha256(f"{self.feed.identity}\n{key}".encode()).hexdigest()[:40],
            headline=title,
            label=label,
            status=Article.Status.DRAFT,
            source_name=self.source_name,
            original_url=link,
            section=self.section,
        )
        base = link if urlsplit(link).scheme in ("http", "https") else self.base
        if not re.search(r"<(p|div|ul|ol|h[1-6]|blockquote|table|figure|pre)\b", body_html, re.I):
            body_html = wpautop(body_html)  # a bare description: give it real paragraphs
        story.body = absolute_links(body_html, base) if base else body_html
        summary = plain_text(entry.get("summary", ""))
        if entry.get("content") and summary and not plain_text(story.body).startswith(summary[:80]):
            story.dek = summary[:600]
        story.published_at = _when(entry)
        if story.published_at is None:
            story.warn("no date")
        story.authors = self._authors(entry)
        story.tags = [tag.get("term") or tag.get("label") or "" for tag in entry.get("tags", [])]
        story.lead_image = self._lead_image(entry, story)
        return story

    @staticmethod
    def _body(entry):
        contents = entry.get("content") or []
        for content in contents:
            if content.get("type") in ("text/html", "application/xhtml+xml"):
                return content.get("value", "")
        if contents:
            return paragraphs_html(contents[0].get("value", ""))
        detail = entry.get("summary_detail") or {}
        if detail.get("type") == "text/plain":
            return paragraphs_html(entry.get("summary", ""))
        return entry.get("summary", "")

    @staticmethod
    def _authors(entry):
        names = []
        for author in entry.get("authors") or []:
            name = plain_text(author.get("name", ""))
            if author.get("email") and re.search(r"[()@<>]", name):
                continue  # feedparser mangles RSS's "email (Name)"; the raw value is read below
            names += split_names(name)
        raw = plain_text(entry.get("author", ""))
        match = re.fullmatch(r"\S+@\S+\s*\((?P<name>[^()]+)\)", raw) or re.fullmatch(
            r"(?P<name>[^<>@]+?)\s*<\S+@[^>]+>", raw
        )
        if match:
            names += split_names(match.group("name"))
        elif raw and not names:
            names = split_names(raw)
        # An e-mail address alone is no byline, and must not become a public name.
        return [AuthorRef(name=name) for name in dict.fromkeys(names) if "@" not in name]

    def _lead_image(self, entry, story):
        href = _image_href(entry)
        if not href:
            return None
        scheme = urlsplit(href).scheme
        max_bytes = getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
        if not scheme and self.fetched.path is not None:
            folder = self.fetched.path.parent
            path = (folder / unquote(urlsplit(href).path)).resolve()
            if not path.is_relative_to(folder):
                story.warn(f"lead image {href} is outside the feed's folder; skipped")
                return None

            def load():
                try:
                    return path.read_bytes(), path.name
                except OSError as exc:
                    raise ImageUnavailable(f"{href} cannot be read next to the feed ({exc.strerror or exc})") from exc

            return ImageRef(key=f"feed-file:{path}", load=load, title=plain_text(story.headline)[:200])
        url = urljoin(self.base, href) if self.base else href
        if urlsplit(url).scheme not in ("http", "https"):
            story.warn(f"lead image {href} is not an http(s) address; skipped")
            return None

        def download():
            try:
                return fetch_url(url, max_bytes=max_bytes), Path(urlsplit(url).path).name or "image"
            except OSError as exc:
                raise ImageUnavailable(str(exc)) from exc

        return ImageRef(key=f"feed-url:{url}", load=download, title=plain_text(story.headline)[:200])


def _image_href(entry):
    for enclosure in entry.get("enclosures") or []:
        href, kind = enclosure.get("href", ""), enclosure.get("type", "")
        if href and (kind.startswith("image/") or (not kind and href.lower().endswith(_IMAGE_SUFFIXES))):
            return href
    for media in (entry.get("media_content") or []) + (entry.get("media_thumbnail") or []):
        href, kind, medium = media.get("url", ""), media.get("type", ""), media.get("medium", "")
        if href and (
            medium == "image" or kind.startswith("image/") or urlsplit(href).path.lower().endswith(_IMAGE_SUFFIXES)
        ):
            return href
    return ""


def _when(entry):
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(name)
        if value:
            # feedparser gives struct_time in UTC, whatever zone the feed wrote.
            return datetime.datetime.fromtimestamp(calendar.timegm(value), tz=datetime.UTC)
    return None


def absolute_links(fragment, base):
    """Resolve relative href/src in an HTML fragment against `base`."""
    if not fragment or not fragment.strip():
        return fragment or ""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
        root.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
    except (etree.ParserError, ValueError):
        return fragment
    return (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
