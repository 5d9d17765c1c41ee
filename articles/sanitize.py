"""The one HTML sanitiser: every HTML field (bodies, bios, corrections, imports) passes through here.

An explicit allow-list for nh3 (the Rust `ammonia` sanitiser, which parses like a browser does).
Anything not listed is dropped: unknown tags keep their text, the tags in CONTENT_DROPPED_TAGS lose
their content too, and comments go. Links get rel="noopener noreferrer" (other sites can't reach
back through `window.opener`, and nothing on our pages sets target="_blank" anyway).

The list matches what the body editor (articles/editor.py) produces — paragraphs, h2–h4, bold,
italic, links, lists, block quotes, and figures with an image, a caption and a credit:

    <figure class="image"><img src="…" alt="…" data-image-id="12" width="1600" height="900">
    <figcaption>Caption <span class="credit">Jane Roe/AP</span></figcaption></figure>

— plus the few structures imported stories bring along (tables, code, abbreviations).
"""

import html as htmllib
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span",
    "a", "ul", "ol", "li", "blockquote", "cite", "q", "code", "pre", "abbr",
    "figure", "figcaption", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title", "data-image-id"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
}
# Attributes allowed only with one of a few values (kept out of ALLOWED_ATTRIBUTES on purpose: nh3
# would otherwise accept any value).
ALLOWED_ATTRIBUTE_VALUES = {
    "ol": {"type": {"1", "a", "A", "i", "I"}},
    "th": {"scope": {"row", "col", "rowgroup", "colgroup"}},
}
ALLOWED_CLASSES = {"figure": {"image", "embed", "pull-quote"}, "figcaption": {"credit"}, "span": {"credit"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Removed with everything inside them: their content is code, or markup no article needs.
CONTENT_DROPPED_TAGS = {
    "script", "style", "template", "noscript", "noembed", "noframes", "iframe", "frame", "frameset",
    "object", "embed", "applet", "svg", "math", "textarea", "select", "title", "xmp", "plaintext",
}  # fmt: skip
LINK_REL = "noopener noreferrer"

# Attributes whose value must be a whole number (sizes, spans, list starts, image library ids).
_NUMERIC_ATTRIBUTES = {"width", "height", "colspan", "rowspan", "start", "data-image-id"}


# nh3 checks the schemes of href and src itself, but not of `cite`.
_URL_ATTRIBUTES = {"href", "src", "cite"}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_IGNORED_BY_URL_PARSERS = re.compile(r"[\x00-\x20]")


def _url_allowed(value):
    # Browsers drop tabs, newlines and leading control characters before reading the scheme.
    match = _SCHEME.match(_IGNORED_BY_URL_PARSERS.sub("", value))
    return match is None or match.group(1).lower() in ALLOWED_URL_SCHEMES


def _filter_attribute(tag, name, value):
    if name in _NUMERIC_ATTRIBUTES:
        value = value.strip()
        return value if value.isascii() and value.isdigit() and len(value) <= 9 else None
    if name in _URL_ATTRIBUTES and not _url_allowed(value):
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=CONTENT_DROPPED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    url_schemes=ALLOWED_URL_SCHEMES,
    allowed_classes=ALLOWED_CLASSES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def sanitize_html(html):
    """Clean editor or imported HTML against the allow-list; None and "" give ""."""
    if not html:
        return ""
    return _cleaner.clean(html.replace("\x00", ""))


def strip_tags(html):
    """Plain text of an HTML fragment (summaries, meta descriptions)."""
    if not html:
        return ""
    # Block boundaries become spaces, so "<p>Tuesday.</p><p>Opposition" doesn't read "Tuesday.Opposition".
    html = _BLOCK_BOUNDARY.sub(r" \g<0>", html)
    return " ".join(htmllib.unescape(nh3.clean(html, tags=set())).split())


_BLOCK_BOUNDARY = re.compile(r"<(?:/?(?:p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|div|tr|td|th)\b|br\b)", re.I)
