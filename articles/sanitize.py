"""The one HTML sanitiser: every HTML field (bodies, bios, corrections, imports) passes through here.

An explicit allow-list for nh3 (the Rust `ammonia` sanitiser). Anything not listed is dropped;
links to other sites get rel="noopener noreferrer".
"""

import html as htmllib

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "cite", "q", "code", "pre", "abbr",
    "figure", "figcaption", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title", "data-image-id"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "span": set(),
    "figure": set(),
    "figcaption": set(),
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
ALLOWED_CLASSES = {"figure": {"image", "embed", "pull-quote"}, "figcaption": {"credit"}, "span": {"credit"}}


def sanitize_html(html):
    """Clean editor or imported HTML against the allow-list; None and "" give ""."""
    if not html:
        return ""
    html = html.replace("\x00", "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"span"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def strip_tags(html):
    """Plain text of an HTML fragment (summaries, meta descriptions)."""
    if not html:
        return ""
    return " ".join(htmllib.unescape(nh3.clean(html, tags=set())).split())
