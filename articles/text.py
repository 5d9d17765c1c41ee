"""Plain-text helpers shared by models, importers and templates."""

import hashlib

from slugify import slugify

# Letters text-unidecode maps badly for the languages our newsrooms publish in.
_REPLACEMENTS = [["ə", "e"], ["Ə", "E"], ["ı", "i"], ["ß", "ss"], ["ø", "o"], ["Ø", "O"]]


def make_slug(text, *, max_length=200, fallback="item"):
    """An ASCII slug for text in any script; a stable fallback when nothing transliterates (emoji)."""
    text = (text or "").replace("\x00", "")
    slug = slugify(text, max_length=max_length, word_boundary=True, replacements=_REPLACEMENTS)
    if not slug:
        slug = slugify(text, max_length=max_length, replacements=_REPLACEMENTS)
    if not slug:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{fallback}-{digest}" if text.strip() else fallback
    return slug[:max_length].strip("-") or fallback
