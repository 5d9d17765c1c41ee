"""Responsive images from the library's recorded renditions: no queries, no files made while rendering."""

import html
import re
from dataclasses import dataclass

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ..images import rendition_url
from ..models import Image

register = template.Library()

# What a body image occupies: the article column on wide screens, the screen's width on phones.
BODY_IMAGE_SIZES = "(min-width: 60em) 40em, 100vw"
# The `src` for browsers that ignore srcset: the first rendition at least this wide.
FALLBACK_SRC_WIDTH = 640

# sanitize_html() output: attribute values are always double-quoted, with < > " & escaped inside.
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?')


@dataclass(frozen=True)
class Picture:
    src: str
    width: int | None
    height: int | None
    srcset: str = ""
    webp_srcset: str = ""
    fallback_type: str = ""


def _srcset(entries):
    return ", ".join(f"{rendition_url(name)} {width}w" for width, _height, name in entries)


@register.simple_tag
def picture_data(image, ratio="original"):
    """What image.html needs: src, srcset (WebP and fallback), and the width and height of the shape."""
    entry = (image.renditions or {}).get(ratio or "original")
    if not entry or not entry.get("fallback"):
        return Picture(src=image.file.url if image.file else "", width=image.width, height=image.height)
    fallback = entry["fallback"]
    chosen = next((item for item in fallback if item[0] >= FALLBACK_SRC_WIDTH), fallback[-1])
    widest = fallback[-1]
    return Picture(
        src=rendition_url(chosen[2]),
        width=widest[0],
        height=widest[1],
        srcset=_srcset(fallback),
        webp_srcset=_srcset(entry.get("webp") or []),
        fallback_type=entry.get("fallback_type", ""),
    )


@register.simple_tag(takes_context=True)
def picture(context, **given):
    """image.html's markup in one tag: `{% picture image=… ratio=… sizes=… %}`; what is not given comes from
    the context, as it would in an `{% include %}` (loading, alt…). Cards render dozens of these per page."""

    def value(name):
        return given[name] if name in given else context.get(name, "")

    image = value("image")
    pic = picture_data(image, value("ratio"))
    sizes = conditional_escape(value("sizes") or "100vw")
    loading = value("loading") or "lazy"
    alt = value("alt") or image.alt
    parts = []
    if pic.webp_srcset:
        parts.append(
            f'<picture><source type="image/webp" srcset="{conditional_escape(pic.webp_srcset)}" sizes="{sizes}">'
        )
    parts.append(f'<img src="{conditional_escape(pic.src)}"')
    if pic.srcset:
        parts.append(f' srcset="{conditional_escape(pic.srcset)}" sizes="{sizes}"')
    if pic.width and pic.height:
        parts.append(f' width="{conditional_escape(pic.width)}" height="{conditional_escape(pic.height)}"')
    parts.append(f' alt="{conditional_escape(alt)}" loading="{conditional_escape(loading)}" decoding="async"')
    if loading == "eager":
        parts.append(' fetchpriority="high"')
    parts.append(">")
    if pic.webp_srcset:
        parts.append("</picture>")
    return mark_safe("".join(parts))  # every value above is escaped


def _attributes(tag):
    return {name.lower(): html.unescape(value or "") for name, value in _ATTRIBUTE.findall(tag[len("<img") :])}


@register.filter
def responsive_images(body, sizes=BODY_IMAGE_SIZES):
    """Swap each library image in sanitised body HTML for its <picture> (one query for all of them)."""
    if not body or "data-image-id" not in body:
        return mark_safe(body or "")  # body HTML is sanitised on every save
    tags = {match.group(0): _attributes(match.group(0)) for match in _IMG_TAG.finditer(body)}
    ids = {int(attrs["data-image-id"]) for attrs in tags.values() if attrs.get("data-image-id", "").isdigit()}
    images = Image.objects.in_bulk(ids) if ids else {}

    def replace(match):
        attrs = tags[match.group(0)]
        image_id = attrs.get("data-image-id", "")
        image = images.get(int(image_id)) if image_id.isdigit() else None
        if image is None or not image.file:
            return match.group(0)
        context = {"image": image, "sizes": sizes, "loading": "lazy", "alt": attrs.get("alt", "")}
        return render_to_string("articles/includes/image.html", context).strip()

    return mark_safe(_IMG_TAG.sub(replace, body))  # sanitised body plus our own escaped markup
