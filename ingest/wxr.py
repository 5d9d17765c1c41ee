"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2) → stories.

The export is streamed twice with lxml's iterparse and never held in memory: a first pass checks it is a
well-formed WXR file and collects what posts refer to (authors, categories, attachments, the site's UTC offset);
the second pass yields the items one at a time. A malformed file is therefore found before anything is written.
"""

import bisect
import datetime
import html
import os
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils import timezone
from lxml import etree

from articles.models import Article

from .pipeline import AuthorRef, ImageRef, ImageUnavailable, SectionRef, Story, old_path, plain_text

# WordPress declares `http://wordpress.org/export/<version>/`; WordPress.com and other current exporters use
# https. Both schemes and any version are WXR (the `…/excerpt/` namespace belongs with it).
WP_NS = re.compile(r"^https?://wordpress\.org/export/([^/]+)/(excerpt/)?$")
EXPECTED_NS = 'xmlns:wp="http(s)://wordpress.org/export/<version>/"'
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"

# Control characters XML 1.0 forbids; real exports carry them (pasted from Word, old plugins).
_BAD_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32)])


class WxrError(Exception):
    """The file cannot be imported: unreadable, not XML, or not a WordPress export."""


@dataclass
class Attachment:
    url: str = ""
    file: str = ""
    title: str = ""
    alt: str = ""
    caption: str = ""


@dataclass
class Category:
    name: str
    nicename: str
    parent: str = ""
    term_id: str = ""


@dataclass
class WxrSite:
    """What the first pass learned about the export."""

    version: str = ""
    title: str = ""
    link: str = ""
    base_blog_url: str = ""
    authors: dict = field(default_factory=dict)  # login → display name
    categories: dict = field(default_factory=dict)  # nicename → Category
    category_ids: dict = field(default_factory=dict)  # term_id → nicename
    attachments: dict = field(default_factory=dict)  # post id → Attachment
    offsets: list = field(default_factory=list)  # sorted (local time, UTC offset) pairs
    item_count: int = 0
    types: Counter = field(default_factory=Counter)
    removed_control_chars: int = 0

    @property
    def key(self):
        """Identifies the site in external ids: host and path of the blog, e.g. "example.com/blog"."""
        for url in (self.base_blog_url, self.link):
            parts = urlsplit(url or "")
            if parts.netloc:
                return (parts.netloc + parts.path.rstrip("/")).lower()[:200]
        return "site"


@dataclass
class WxrItem:
    post_id: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_name: str = ""
    status: str = ""
    post_type: str = ""
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)
    comments: int = 0


# Reading ---------------------------------------------------------------------------


class _CleanStream:
    """A binary file that drops characters XML forbids and whitespace before the prolog, counting bytes read."""

    def __init__(self, raw, on_read=None):
        self.raw = raw
        self.on_read = on_read
        self.removed = 0
        self._started = False
        self._filter = True

    def read(self, size=-1):
        chunk = self.raw.read(size)
        if self.on_read is not None:
            self.on_read(len(chunk))
        if not self._started and chunk:
            self._started = True
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                self._filter = False  # UTF-16: bytes below 0x20 are part of ordinary characters
            else:
                bom = b"\xef\xbb\xbf" if chunk.startswith(b"\xef\xbb\xbf") else b""
                chunk = bom + chunk[len(bom) :].lstrip()
        if self._filter and chunk:
            cleaned = chunk.translate(None, _BAD_BYTES)
            self.removed += len(chunk) - len(cleaned)
            chunk = cleaned
        return chunk


def _kind(tag):
    """(namespace kind, local name) of an element tag: kinds are wp, excerpt, content, dc, "" (none) or other."""
    if not isinstance(tag, str):
        return None, None
    if not tag.startswith("{"):
        return "", tag
    uri, local = tag[1:].split("}", 1)
    match = WP_NS.match(uri)
    if match:
        return ("excerpt" if match.group(2) else "wp"), local
    if uri == CONTENT_NS:
        return "content", local
    if uri == DC_NS:
        return "dc", local
    return "other", local


def _text(elem):
    return "".join(elem.itertext()) if elem is not None else ""


def _events(path, on_read=None, events=("start", "end")):
    """(event, element, stream) from a streaming parse; unreadable files and broken XML become WxrError."""
    try:
        raw = open(path, "rb")
    except FileNotFoundError as exc:
        raise WxrError(f"No such file: {path}") from exc
    except IsADirectoryError as exc:
        raise WxrError(f"{path} is a directory, not a WordPress export file") from exc
    except OSError as exc:
        raise WxrError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if os.fstat(raw.fileno()).st_size == 0:
        raw.close()
        raise WxrError(f"{path} is empty: there is nothing to import")
    stream = _CleanStream(raw, on_read)
    try:
        parser = etree.iterparse(
            stream, events=events, huge_tree=True, resolve_entities=False, no_network=True,
            load_dtd=False, remove_comments=True, remove_pis=True,
        )  # fmt: skip
        for event, elem in parser:
            yield event, elem, stream
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        message = (exc.msg or str(exc)).strip()
        raise WxrError(f"{path} is not well-formed XML{line}: {message}") from exc
    except OSError as exc:
        raise WxrError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    finally:
        raw.close()


def _release(elem):
    """Free a processed element and everything before it, so memory stays flat however long the file."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def scan(path, on_read=None):
    """First pass: check the file is WXR and collect what the items refer to. Raises WxrError."""
    site = WxrSite()
    samples = []
    saw_wp = False
    root_seen = False
    stream = None
    for event, elem, stream in _events(path, on_read):  # noqa: B007 - the stream is read after the loop
        kind, local = _kind(elem.tag)
        if event == "start":
            if not root_seen:
                root_seen = True
                if local != "rss" or kind != "":
                    raise WxrError(
                        f"{path} is not a WordPress export: it is an XML document whose root is <{local}>, "
                        f"not <rss> with WordPress export (WXR) data ({EXPECTED_NS})."
                    )
            if kind == "wp" and not site.version:
                saw_wp = True
                site.version = WP_NS.match(elem.tag[1:].split("}", 1)[0]).group(1)
            continue
        parent = elem.getparent()
        parent_local = _kind(parent.tag)[1] if parent is not None else None
        if local == "item" and kind == "":
            if not saw_wp:
                raise WxrError(
                    f"{path} is an RSS feed, not a WordPress export (WXR): its items carry no WordPress data "
                    f"(expected {EXPECTED_NS}). Export from WordPress with Tools → Export, or use ingest_feed "
                    "for feeds."
                )
            item = read_item(elem)
            site.item_count += 1
            site.types[item.post_type or "post"] += 1
            if item.post_type == "attachment" and item.post_id:
                site.attachments[item.post_id] = Attachment(
                    url=item.attachment_url or item.guid,
                    file=item.meta.get("_wp_attached_file", ""),
                    title=plain_text(item.title),
                    alt=plain_text(item.meta.get("_wp_attachment_image_alt", "")),
                    caption=plain_text(item.excerpt),
                )
            local_time, gmt_time = parse_wp_date(item.post_date), parse_wp_date(item.post_date_gmt)
            if local_time and gmt_time:
                offset = local_time - gmt_time
                if abs(offset) <= datetime.timedelta(hours=14):
                    samples.append((local_time, offset))
            _release(elem)
        elif parent_local == "channel" and kind in ("", "wp"):
            _read_channel_element(site, kind, local, elem)
            if kind == "wp":
                saw_wp = True
            _release(elem)
    if not root_seen:
        raise WxrError(f"{path} is empty")
    if not saw_wp:
        raise WxrError(f"{path} is not a WordPress export (WXR): it has no WordPress data (expected {EXPECTED_NS}).")
    site.offsets = sorted(samples)
    site.removed_control_chars = stream.removed if stream is not None else 0
    return site


def _read_channel_element(site, kind, local, elem):
    if kind == "":
        if local == "title":
            site.title = plain_text(_text(elem))
        elif local == "link":
            site.link = _text(elem).strip()
        return
    fields = {_kind(child.tag)[1]: _text(child).strip() for child in elem if _kind(child.tag)[0] == "wp"}
    if local == "base_blog_url":
        site.base_blog_url = _text(elem).strip()
    elif local == "wxr_version":
        site.version = _text(elem).strip() or site.version
    elif local == "author" and fields.get("author_login"):
        name = fields.get("author_display_name") or " ".join(
            part for part in (fields.get("author_first_name"), fields.get("author_last_name")) if part
        )
        site.authors[fields["author_login"]] = plain_text(name) or fields["author_login"]
    elif local == "category" and fields.get("category_nicename"):
        _add_category(site, fields["category_nicename"], fields.get("cat_name", ""), fields)
    elif local == "term" and fields.get("term_taxonomy") == "category" and fields.get("term_slug"):
        _add_category(site, fields["term_slug"], fields.get("term_name", ""), {
            "term_id": fields.get("term_id", ""), "category_parent": fields.get("term_parent", ""),
        })  # fmt: skip


def _add_category(site, nicename, name, fields):
    category = Category(
        name=plain_text(name) or unquote(nicename),
        nicename=nicename,
        parent=fields.get("category_parent", ""),
        term_id=fields.get("term_id", ""),
    )
    site.categories.setdefault(nicename, category)
    if category.term_id:
        site.category_ids.setdefault(category.term_id, nicename)


def read_item(elem):
    item = WxrItem()
    for child in elem:
        kind, local = _kind(child.tag)
        if kind is None:
            continue
        if kind == "":
            if local == "title":
                item.title = _text(child)
            elif local == "link":
                item.link = _text(child).strip()
            elif local == "guid":
                item.guid = _text(child).strip()
            elif local == "category":
                item.categories.append((child.get("domain", ""), child.get("nicename", ""), _text(child)))
        elif kind == "dc" and local == "creator":
            item.creator = _text(child).strip()
        elif kind == "content" and local == "encoded":
            item.content = _text(child)
        elif kind == "excerpt" and local == "encoded":
            item.excerpt = _text(child)
        elif kind == "wp":
            if local == "postmeta":
                meta = {_kind(c.tag)[1]: _text(c) for c in child if _kind(c.tag)[0] == "wp"}
                if meta.get("meta_key"):
                    item.meta.setdefault(meta["meta_key"].strip(), (meta.get("meta_value") or "").strip())
            elif local == "comment":
                item.comments += 1
            elif local == "is_sticky":
                item.is_sticky = _text(child).strip() == "1"
            elif local in _ITEM_FIELDS:
                setattr(item, _ITEM_FIELDS[local], _text(child).strip())
    return item


_ITEM_FIELDS = {
    "post_id": "post_id", "post_date": "post_date", "post_date_gmt": "post_date_gmt", "post_name": "post_name",
    "status": "status", "post_type": "post_type", "post_password": "password", "attachment_url": "attachment_url",
}  # fmt: skip


def items(path, on_read=None):
    """Second pass: every <item>, in file order."""
    for _event, elem, _stream in _events(path, on_read, events=("end",)):
        if _kind(elem.tag) == ("", "item"):
            yield read_item(elem)
            _release(elem)


def parse_wp_date(value):
    """A naive datetime from WordPress's "YYYY-MM-DD HH:MM:SS"; None for empty, zero or impossible dates."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*", value or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # 0000-00-00 00:00:00 and the like


# Mapping items to stories -----------------------------------------------------------

_SKIPPED_TYPES = {
    "page": "pages are not articles",
    "attachment": "media files are not articles",
    "nav_menu_item": "menu items are not articles",
    "revision": "old revisions are not articles",
    "wp_block": "reusable blocks are not articles",
    "custom_css": "theme CSS is not an article",
    "customize_changeset": "theme settings are not articles",
    "oembed_cache": "embed caches are not articles",
}
_STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
    "private": Article.Status.UNPUBLISHED,
}
_SKIPPED_STATUSES = {
    "trash": "in the bin",
    "auto-draft": "never written (an automatic draft)",
    "inherit": "part of another post",
}
_UNCATEGORIZED = {"uncategorized", "uncategorised", "sin-categoria", "non-classe", "allgemein"}


class WxrMapper:
    """Turns WxrItems into Stories, or into the reason they are skipped."""

    def __init__(self, site, *, media_dir=None, time_zone=None, report=None):
        self.site = site
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.time_zone = time_zone
        self.report = report
        self.missing_media_dir = 0
        self._offset_times = [local for local, _offset in site.offsets]
        self._fallback_used = False

    def story(self, item):
        """A Story, or a str: why the item is skipped."""
        post_type = item.post_type or "post"
        if post_type != "post":
            return f"post type “{post_type}”: {_SKIPPED_TYPES.get(post_type, 'custom post types are not articles')}"
        if item.status in _SKIPPED_STATUSES:
            return f"status “{item.status}”: {_SKIPPED_STATUSES[item.status]}"
        if not item.post_id.isdigit():
            return "post without a numeric WordPress id"

        label = f"post {item.post_id} “{plain_text(item.title)[:60] or '(untitled)'}”"
        story = Story(
            source=Article.Source.IMPORT,
            external_id=f"wp:{self.site.key}:{item.post_id}",
            headline=item.title,
            label=label,
            slug=unquote(item.post_name or ""),
            dek=plain_text(item.excerpt),
            source_name=self.site.title[:200] or self.site.key,
            original_url=item.link,
            is_featured=item.is_sticky,
        )
        story.body = convert_content(item.content, story.warn)
        self._status_and_time(item, story)
        story.section = self._section(item)
        story.authors = self._authors(item)
        story.tags = [name for domain, _nicename, name in item.categories if domain in ("post_tag", "tag")]
        story.lead_image = self._lead_image(item, story)
        story.redirects = [path for path in (old_path(item.link), f"/?p={item.post_id}") if path]
        seo_title, seo_description = (
            item.meta.get("_yoast_wpseo_title", ""),
            item.meta.get("_yoast_wpseo_metadesc", ""),
        )
        story.seo_title = "" if "%%" in seo_title else plain_text(seo_title)
        story.seo_description = "" if "%%" in seo_description else plain_text(seo_description)
        if item.comments:
            story.warn(f"{item.comments} comment(s) not imported")
        return story

    def _status_and_time(self, item, story):
        status = _STATUSES.get(item.status)
        if status is None:
            story.warn(f"unknown WordPress status “{item.status}”; imported as a draft")
            status = Article.Status.DRAFT
        when = self._utc(item)
        if item.password and status == Article.Status.PUBLISHED:
            story.warn("password-protected in WordPress; imported unpublished so it stays private")
            status = Article.Status.UNPUBLISHED
        story.status = status
        # Drafts and pending posts have no publication time yet: publishing them later stamps "now".
        if status in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED):
            story.published_at = when
            if when is None:
                story.warn(f"no usable date (“{item.post_date or 'empty'}”)")

    def _utc(self, item):
        gmt = parse_wp_date(item.post_date_gmt)
        if gmt is not None:
            return gmt.replace(tzinfo=datetime.UTC)
        local = parse_wp_date(item.post_date)
        if local is None:
            return None
        if self.time_zone is not None:
            return local.replace(tzinfo=self.time_zone).astimezone(datetime.UTC)
        if self._offset_times:
            # The offset of the post nearest in time: right across daylight-saving changes most of the time.
            index = bisect.bisect_left(self._offset_times, local)
            candidates = [i for i in (index - 1, index) if 0 <= i < len(self._offset_times)]
            nearest = min(candidates, key=lambda i: abs(self._offset_times[i] - local))
            return (local - self.site.offsets[nearest][1]).replace(tzinfo=datetime.UTC)
        if not self._fallback_used and self.report is not None:
            self._fallback_used = True
            self.report.notes.append(
                f"Some posts had only a local date and the export gave no way to learn the site's UTC offset; "
                f"they were read in {timezone.get_current_timezone_name()}. Use --timezone to set the site's zone."
            )
        return timezone.make_aware(local).astimezone(datetime.UTC)

    def _section(self, item):
        entries = [
            (nicename, name.strip()) for domain, nicename, name in item.categories if domain in ("category", "")
        ]
        # WXR 1.0 lists each category twice: by name alone (old readers) and with its nicename.
        named = {name.casefold() for nicename, name in entries if nicename}
        names = {}
        for nicename, name in entries:
            if nicename or name.casefold() not in named:
                names.setdefault(nicename or name, name)
        names.pop("", None)
        if not names:
            return None
        keys = list(names)
        primary = self.site.category_ids.get(item.meta.get("_yoast_wpseo_primary_category", ""))
        if primary not in names:
            useful = [key for key in keys if key.lower() not in _UNCATEGORIZED] or keys
            primary = useful[0]
            # Prefer the most specific category along the first one's branch (World › Europe → Europe).
            changed = True
            while changed:
                changed = False
                for key in useful:
                    if key != primary and primary in self._ancestors(key):
                        primary, changed = key, True
        category = self.site.categories.get(primary)
        name = category.name if category else plain_text(names[primary])
        lineage = [
            self.site.categories[a].name for a in reversed(self._ancestors(primary)) if a in self.site.categories
        ]
        description = f"WordPress category: {' › '.join([*lineage, name])}" if lineage else ""
        return SectionRef(name=name or unquote(primary), slug=unquote(primary), description=description)

    def _ancestors(self, nicename):
        chain, seen = [], {nicename}
        category = self.site.categories.get(nicename)
        while category and category.parent and category.parent not in seen:
            seen.add(category.parent)
            chain.append(category.parent)
            category = self.site.categories.get(category.parent)
        return chain

    def _authors(self, item):
        coauthors = [
            AuthorRef(name=plain_text(name), login=nicename.removeprefix("cap-"))
            for domain, nicename, name in item.categories
            if domain == "author" and nicename
        ]
        if coauthors:
            return coauthors
        if not item.creator:
            return []
        return [AuthorRef(name=self.site.authors.get(item.creator, item.creator), login=item.creator)]

    def _lead_image(self, item, story):
        attachment_id = item.meta.get("_thumbnail_id", "")
        if not attachment_id:
            return None
        attachment = self.site.attachments.get(attachment_id)
        if attachment is None:
            story.warn(f"featured image (attachment {attachment_id}) is not in the export")
            return None
        if self.media_dir is None:
            self.missing_media_dir += 1
            return None
        candidates = _upload_paths(attachment)
        media_dir = self.media_dir

        def load():
            for relative in candidates:
                path = (media_dir / relative).resolve()
                if path.is_relative_to(media_dir) and path.is_file():
                    try:
                        return path.read_bytes(), path.name
                    except OSError as exc:
                        raise ImageUnavailable(f"cannot read {path}: {exc.strerror or exc}") from exc
            raise ImageUnavailable(
                f"{candidates[0] if candidates else attachment.url or 'file'} not found under {media_dir}"
            )

        return ImageRef(
            key=f"wp:{self.site.key}:attachment:{attachment_id}",
            load=load,
            title=attachment.title,
            alt_text=attachment.alt,
            caption=attachment.caption,
        )


def _upload_paths(attachment):
    """Where an attachment's file may sit under --media-dir, most likely first."""
    paths = []
    if attachment.file:
        paths.append(attachment.file.lstrip("/"))
    url_path = unquote(urlsplit(attachment.url or "").path)
    if "/wp-content/uploads/" in url_path:
        paths.append(url_path.split("/wp-content/uploads/", 1)[1])
    elif "/files/" in url_path:  # old multisite uploads
        paths.append(url_path.split("/files/", 1)[1])
    if url_path:
        paths.append(url_path.lstrip("/"))
    variants = []
    for path in paths:
        variants += [path, f"uploads/{path}", f"wp-content/uploads/{path}"]
    return [path for path in dict.fromkeys(variants) if path and ".." not in Path(path).parts]


def site_time_zone(name):
    """A ZoneInfo for --timezone; ValueError with a readable message when unknown."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"Unknown time zone “{name}”; use a name such as Europe/Berlin or Asia/Baku.") from exc


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return None


# Content: shortcodes and WordPress's automatic paragraphs ------------------------------

# WordPress's own shortcode grammar (get_shortcode_regex), for any tag name.
_SHORTCODE = re.compile(
    r"\[(\[?)"  # 1: [[escaped]]
    r"([A-Za-z][\w-]*)"  # 2: name
    r"(?![\w-])"
    r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"  # 3: attributes
    r"(?:(/)\]"  # 4: self-closing
    r"|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"  # 5: enclosed content
    r"(\]?)",  # 6: [[escaped]]
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))""")
_MEDIA_SHORTCODES = {"embed", "video", "audio", "playlist", "wp_playlist", "youtube", "vimeo", "soundcloud", "tweet"}
_DROPPED_SHORTCODES = {"gallery", "contact-form", "contact-form-7", "gravityform", "ninja_form", "wpforms", "more"}


def convert_content(content, warn):
    """WordPress post content → HTML with real paragraphs; shortcodes rendered as figures or links where
    that keeps the content, removed otherwise (each reported through `warn`)."""
    if not content or not content.strip():
        return ""
    removed = Counter()
    text = _shortcodes(content, removed)
    for name, count in sorted(removed.items()):
        warn(f"shortcode [{name}] {'replaced' if name in _MEDIA_SHORTCODES else 'removed'} ({count}×)")
    hostile = sorted({m.lower() for m in re.findall(r"<(script|iframe|object|embed|form|style)\b", text, re.I)})
    if hostile:
        warn("removed " + ", ".join(f"<{tag}>" for tag in hostile) + " (not allowed in article bodies)")
    if "<!-- wp:" not in text:  # block-editor content already has its paragraphs
        text = wpautop(text)
    # A URL alone on its line is a WordPress auto-embed: keep it as a link.
    return re.sub(r"<p>\s*(https?://[^\s<>\"]+)\s*</p>", r'<p><a href="\1">\1</a></p>', text)


def _shortcodes(text, removed):
    def replace(match):
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)[1:-1]
        name, attrs, self_closing, inner = match.group(2), match.group(3), match.group(4), match.group(5)
        lower = name.lower()
        values = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(attrs)}
        if lower in ("caption", "wp_caption"):
            return _caption(_shortcodes(inner or "", removed), values)
        if lower in _MEDIA_SHORTCODES:
            removed[lower] += 1
            url = (inner or "").strip()
            if not re.fullmatch(r"https?://\S+", url):
                url = next((v for k, v in values.items() if k in ("src", "url", "mp4", "mp3", "m4v", "webm", "ogg")
                            and re.match(r"https?://", v)), "")  # fmt: skip
            return f'\n\n<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>\n\n' if url else ""
        if lower in _DROPPED_SHORTCODES:
            removed[lower] += 1
            return _shortcodes(inner, removed) if inner and lower != "gallery" else ""
        if inner is not None:
            removed[lower] += 1
            return _shortcodes(inner, removed)  # unknown wrapper: keep what it wraps
        if self_closing or "=" in attrs:
            removed[lower] += 1
            return ""
        return match.group(0)  # "[sic]", "[Updated]": ordinary text in brackets

    return _SHORTCODE.sub(replace, text)


def _caption(inner, attrs):
    inner = inner.strip()
    media = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)", inner, re.S | re.I)
    if media:
        image, caption = media.group(1), media.group(2).strip()
    else:
        image, caption = "", inner
    caption = caption or attrs.get("caption", "")
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'\n\n<figure class="image">{image}{figcaption}</figure>\n\n'


_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    r"blockquote|address|math|style|script|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
    r"footer|nav|figure|figcaption|details|menu|summary|iframe|object|video|audio)"
)


def wpautop(text):
    """A port of WordPress's wpautop(): blank lines make paragraphs, single line breaks make <br>."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    kept = []

    def keep(match):
        kept.append(match.group(0))
        return f"<pre data-kept='{len(kept) - 1}'></pre>"

    text = re.sub(r"<(pre|figure)\b.*?</\1>", keep, text, flags=re.S | re.I)
    text = re.sub(r"<[^>]*>", lambda m: m.group(0).replace("\n", " "), text)  # newlines inside tags
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<{_BLOCK}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{_BLOCK}>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"<hr\s*?/?>", "<hr />\n\n", text, flags=re.I)
    chunks = [chunk.strip("\n") for chunk in re.split(r"\n\s*\n", text)]
    text = "".join(f"<p>{chunk.strip()}</p>\n" for chunk in chunks if chunk.strip())
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(rf"<p>\s*(</?{_BLOCK}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_BLOCK}[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?{_BLOCK}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"(</?{_BLOCK}[^>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(r"<pre data-kept='(\d+)'></pre>", lambda m: kept[int(m.group(1))], text)
    return text.strip()
