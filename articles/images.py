"""Uploads that cannot hurt, and the renditions readers get.

Every file that reaches the image library goes through `clean_image()`: it must decode with Pillow
as JPEG, PNG, WebP or GIF (whatever its name says), stay within IMAGE_MAX_UPLOAD_BYTES and
IMAGE_MAX_PIXELS, and is then re-encoded from its pixels alone — EXIF orientation applied, colours
converted to sRGB, and every byte of metadata, comment or trailing payload left behind. A GIF keeps
its first frame only and is stored as a PNG. `LibraryImageField` calls it from `FieldFile.save()`, so
the admin, importers, seed_demo and the shell all get the same treatment.

Renditions (several widths, WebP plus a JPEG or PNG fallback, in the original shape and cropped to
3:2 around the image's crop anchor) are made by easy-thumbnails once, after the image is saved,
and their names and sizes are kept on `Image.renditions` so pages render them without a query.
"""

import functools
import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from easy_thumbnails.files import get_thumbnailer
from easy_thumbnails.storage import thumbnail_default_storage
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

# Decoded format → (stored format, file extension, save options).
STORED_AS = {
    "JPEG": ("JPEG", "jpg", {"quality": 90, "optimize": True}),
    "PNG": ("PNG", "png", {"optimize": True}),
    "GIF": ("PNG", "png", {"optimize": True}),
    "WEBP": ("WEBP", "webp", {"quality": 90, "method": 4}),
}
# Pillow's JPEG reader reports cameras' multi-picture JPEGs as MPO: the first picture is the photo.
STORED_AS["MPO"] = STORED_AS["JPEG"]
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
ACCEPTED_TYPES_TEXT = _("JPEG, PNG, WebP or GIF")

# Widths offered to browsers in srcset; an image is never enlarged past its own width.
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
# Shapes: None keeps the image's own proportions; (3, 2) is the cards' crop.
RENDITION_RATIOS = {"original": None, "3:2": (3, 2)}
# Where a crop keeps the focal point, as percentages from the left and the top.
ANCHOR_TARGETS = {"center": (50, 50), "top": (50, 0), "bottom": (50, 100), "left": (0, 50), "right": (100, 50)}
RENDITIONS_VERSION = 1
# The largest side of the clean copy stored at once for a large upload, until its job stores the full size.
QUICK_COPY_SIZE = 1600

_SRGB = ImageCms.createProfile("sRGB")


@dataclass
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def _limits():
    return settings.IMAGE_MAX_UPLOAD_BYTES, settings.IMAGE_MAX_PIXELS


def _read_bounded(file, max_bytes):
    """At most max_bytes + 1 bytes of an upload or stored file, from its start."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    return data if isinstance(data, bytes) else data.encode()


def _looks_like_svg(data):
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def _megapixels(pixels):
    return f"{pixels / 1_000_000:.0f}"


def decode_image(data, *, draft=None):
    """Decode `data` with Pillow, refusing anything that is not an accepted, bounded image.

    Returns the loaded PIL image; raises ValidationError with a message an editor can act on. `draft` (a size)
    lets a JPEG be decoded at 1/2, 1/4 or 1/8 scale, at least that size: every byte of the compressed data is
    still read and checked, in a fraction of the time (a 40-MP photo: 0.07 s instead of 0.2-0.8 s).
    """
    max_bytes, max_pixels = _limits()
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is too large (more than %(limit)s MB). Upload a smaller image."),
            code="too_large",
            params={"limit": f"{max_bytes / 1024 / 1024:g}"},
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if _looks_like_svg(data):
        raise ValidationError(
            _("SVG images are not accepted. Upload a %(types)s image."),
            code="svg",
            params={"types": ACCEPTED_TYPES_TEXT},
        )
    # Pillow raises DecompressionBombError past twice this and warns past it; we refuse both.
    PILImage.MAX_IMAGE_PIXELS = max_pixels
    too_many_pixels = ValidationError(
        _("The image has too many pixels (at most %(limit)s megapixels). Upload a smaller image."),
        code="too_many_pixels",
        params={"limit": _megapixels(max_pixels)},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
                if probe.width * probe.height > max_pixels:
                    raise too_many_pixels
                probe.verify()
            image = PILImage.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if image.format not in STORED_AS:
                raise UnidentifiedImageError(image.format)
            image.full_size = image.size
            if draft and image.format in ("JPEG", "MPO"):
                if isinstance(draft, int):  # fit in a draft × draft square
                    scale = min(1, draft / max(image.size))
                    draft = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
                image.draft(image.mode, draft)
            image.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise too_many_pixels from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("The file is not an image in an accepted format. Upload a %(types)s image."),
            code="invalid_format",
            params={"types": ACCEPTED_TYPES_TEXT},
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports truncated or corrupt data as OSError (or SyntaxError from some plugins).
        raise ValidationError(
            _("The image could not be read (the file may be damaged or incomplete)."), code="corrupt"
        ) from exc
    return image


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info


def _to_srgb(image):
    """Convert pixels to sRGB when the image carries another colour profile; untagged means sRGB already."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode == "RGBA" else ("L" if image.mode == "L" else "RGB")
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def reencode(image, *, max_side=None):
    """Pixels only: a new file with EXIF orientation applied and no metadata, comments or extra data.

    `max_side` shrinks it to fit a square of that size (the quick copy of a large upload)."""
    stored_format, extension, options = STORED_AS[image.format]
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # animations and multi-picture files keep their first frame
    if max_side:
        # Shrink first (EXIF is kept), so the copies below are of the small picture; a quick copy is not optimised.
        image.thumbnail((max_side, max_side), PILImage.Resampling.BILINEAR, reducing_gap=2.0)
        options = {key: value for key, value in options.items() if key != "optimize"}
    image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    if image.mode in ("1", "L") and "transparency" not in image.info:
        mode = "L"
    elif _has_alpha(image):
        mode = "RGBA"
    else:
        mode = "RGB"
    clean = image.convert(mode)
    # convert() copies `info`; JPEG and PNG writers would carry comments and profiles over from it.
    clean.info = {}
    buffer = io.BytesIO()
    clean.save(buffer, format=stored_format, **options)
    return CleanImage(buffer.getvalue(), extension, clean.width, clean.height)


def clean_image(file):
    """Validate and re-encode an uploaded or stored file; returns a CleanImage or raises ValidationError."""
    max_bytes, _pixels = _limits()
    image = decode_image(_read_bounded(file, max_bytes))
    try:
        return reencode(image)
    finally:
        image.close()


def validate_image_file(value):
    """Model-field validator: the file must decode as an accepted, bounded image."""
    if not value:
        return
    if isinstance(value, ImageFieldFile) and value._committed:
        # Already stored, so already cleaned by LibraryImageFieldFile.save().
        return
    file = value.file if isinstance(value, ImageFieldFile) else value
    if getattr(file, "newsroom_checked", False):  # the form checked it already; the model's full_clean asks again
        return
    max_bytes, _pixels = _limits()
    decode_image(_read_bounded(file, max_bytes), draft=(1, 1)).close()
    try:
        file.newsroom_checked = True
    except AttributeError:  # a file object that takes no attributes: checked again next time
        pass


def clean_file_name(name, extension):
    """`Holiday Photo.php.JPG` → `holiday-photophp.jpg`: a plain name with the extension of what is stored."""
    stem = slugify(PurePath(name or "").stem)[:80].strip("-_") or "image"
    return f"{stem}.{extension}"


def _upload_extension(image):
    return {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}[image.format]


class LibraryImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store the re-encoded image instead of the bytes that were given.

        An upload of more than IMAGE_INLINE_MAX_PIXELS is checked in full but stored at once only as a clean copy
        of at most QUICK_COPY_SIZE pixels a side (same shape, so pages lay out as they will); the upload itself
        waits under incoming/ (a random name, linked from nowhere) for the `process_image` job, which stores the
        full-size clean copy in its place. Re-encoding 40 MP takes seconds; an editor's upload must not.
        """
        max_bytes, _pixels = _limits()
        data = _read_bounded(content, max_bytes)
        probe = decode_image(data, draft=QUICK_COPY_SIZE)
        width, height = probe.full_size
        instance = self.instance
        instance.renditions = {}
        instance.pending_source = ""
        try:
            if width * height > settings.IMAGE_INLINE_MAX_PIXELS:
                cleaned = reencode(probe, max_side=QUICK_COPY_SIZE)
                instance.pending_source = self.storage.save(
                    f"incoming/{uuid.uuid4().hex}.{_upload_extension(probe)}", ContentFile(data)
                )
            elif probe.size == probe.full_size:
                cleaned = reencode(probe)
            else:  # decoded at a reduced scale: decode it again in full
                probe.close()
                probe = decode_image(data)
                cleaned = reencode(probe)
        finally:
            probe.close()
        name = clean_file_name(name, cleaned.extension)
        instance.file_size = len(cleaned.content)
        # A named ContentFile: ImageField reads the new width and height from it.
        super().save(name, ContentFile(cleaned.content, name=name), save=save)

    save.alters_data = True


class LibraryImageField(models.ImageField):
    """An ImageField whose every stored file has been through clean_image()."""

    attr_class = LibraryImageFieldFile


# Renditions -----------------------------------------------------------------


def _thumbnailer(source, extension):
    # A FieldFile, or the original's bytes in a named ContentFile (names follow it either way).
    thumbnailer = get_thumbnailer(source, relative_name=source.name)
    thumbnailer.thumbnail_preserve_extensions = False
    thumbnailer.thumbnail_extension = extension
    thumbnailer.thumbnail_transparency_extension = extension
    return thumbnailer


def rendition_widths(max_width):
    """The srcset widths for an image `max_width` pixels wide: the standard ones below it, then its own."""
    cap = min(max_width, RENDITION_WIDTHS[-1])
    return sorted({width for width in RENDITION_WIDTHS if width < cap} | {cap})


def _shape_size(width, height, ratio):
    """The largest width × height of `ratio` that fits in the image."""
    if ratio is None:
        return width, height
    rw, rh = ratio
    if width * rh > height * rw:
        return height * rw // rh, height
    return width, width * rh // rw


def _working_copy(picture, transparent):
    """A photo far larger than the widest rendition, shrunk once to twice that width (same shape, near-lossless).

    easy-thumbnails decodes its source again for every rendition: 20 decodes of 40 MP took most of a job.
    """
    side = 2 * RENDITION_WIDTHS[-1]
    if picture.format in ("JPEG", "MPO"):
        scale = side / max(picture.size)
        picture.draft(picture.mode, (round(picture.width * scale), round(picture.height * scale)))
    picture = picture.convert("RGBA" if transparent else "RGB")
    picture.thumbnail((side, side), PILImage.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if transparent:
        picture.save(buffer, format="PNG")
    else:
        picture.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def build_renditions(image, *, fresh=False):
    """Make (or find, when already made) every rendition of `image`; returns the `renditions` mapping.

    Layout: {"v": 1, "<shape>": {"fallback_type": "image/jpeg", "webp": [[w, h, name], …],
    "fallback": [[w, h, name], …]}} with names in the thumbnail storage, narrowest first.

    `fresh` (the `process_image` job) reads the original once and writes every rendition anew, whatever is
    already stored under its name: a run cut short leaves no half-written file that a later run would keep.
    """
    if not image.file or not image.width or not image.height:
        return {}
    with image.file.open("rb") as source:
        data = source.read()
    with PILImage.open(io.BytesIO(data)) as probe:
        transparent = _has_alpha(probe)
        if fresh and max(probe.size) > 2 * RENDITION_WIDTHS[-1]:
            data = _working_copy(probe, transparent)
    fallback_ext, fallback_type = ("png", "image/png") if transparent else ("jpg", "image/jpeg")
    target = ANCHOR_TARGETS.get(image.crop_anchor, ANCHOR_TARGETS["center"])
    result = {"v": RENDITIONS_VERSION, "source": image.file.name, "anchor": image.crop_anchor}
    for shape, ratio in RENDITION_RATIOS.items():
        shape_width, shape_height = _shape_size(image.width, image.height, ratio)
        if ratio and (shape_width, shape_height) == (image.width, image.height) and "original" in result:
            result[shape] = result["original"]  # already that shape: the same files serve both
            continue
        entry = {"fallback_type": fallback_type, "webp": [], "fallback": []}
        for key, extension in (("webp", "webp"), ("fallback", fallback_ext)):
            thumbnailer = _thumbnailer(ContentFile(data, name=image.file.name) if fresh else image.file, extension)
            for width in rendition_widths(shape_width):
                height = max(1, round(width * shape_height / shape_width))
                options = {"size": (width, height if ratio else 0)}
                if ratio:
                    options.update(crop=True, target=target)
                if fresh:
                    thumbnail = thumbnailer.generate_thumbnail(options)
                    storage = thumbnailer.thumbnail_storage
                    storage.delete(thumbnail.name)
                    if storage.save(thumbnail.name, thumbnail) != thumbnail.name:
                        raise OSError(f"rendition {thumbnail.name} was stored under another name")
                else:
                    thumbnail = thumbnailer.get_thumbnail(options)
                entry[key].append([width, height, thumbnail.name])
        result[shape] = entry
    return result


def rendition_names(renditions):
    """Every file name a `renditions` mapping lists."""
    return {
        name
        for shape, entry in (renditions or {}).items()
        if isinstance(entry, dict)
        for key in ("webp", "fallback")
        for _width, _height, name in entry.get(key, [])
    }


def renditions_are_current(image):
    """Whether `image.renditions` were made for its present file and crop anchor."""
    renditions = image.renditions or {}
    return (renditions.get("v"), renditions.get("source"), renditions.get("anchor")) == (
        RENDITIONS_VERSION,
        image.file.name,
        image.crop_anchor,
    )


def rendition_url(name):
    """The rendition's URL; a file-system storage's URLs are memoised (pages list hundreds of them).

    Kept on a profile (issue 14, in-process, 300 articles, uncached): without this and the address memos
    in models.py the home page took 22.5 ms instead of 16.6, /latest/ 14.5 instead of 11.1.
    """
    # `_wrapped` is LazyObject's private slot, the only way to see which storage easy-thumbnails' lazy
    # `thumbnail_default_storage` holds without building one (checked with Django 5.2, easy-thumbnails 2.10.1);
    # if it moves, the getattr() falls back to the storage's own url() and test_render_memo still passes.
    storage = getattr(thumbnail_default_storage, "_wrapped", None)  # set up by the first url() call
    if isinstance(storage, FileSystemStorage) and type(storage).url is FileSystemStorage.url:
        return _file_system_url(storage.base_url, storage, name)
    return thumbnail_default_storage.url(name)


@functools.lru_cache(maxsize=8192)
def _file_system_url(base_url, storage, name):
    # base_url is part of the key, so a changed MEDIA_URL (override_settings) never reuses an old URL.
    return storage.url(name)
