"""Background jobs of the newsroom app (django-tasks; jobs/ has the machinery). Each is safe to run twice.

They are enqueued when the transaction that asked for them commits (`jobs.enqueue_on_commit`), take ids and
names rather than objects (a job may run after the row changed again), and check the row before writing.
"""

import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task

from . import httpcache
from .images import build_renditions, clean_file_name, clean_image, rendition_names, renditions_are_current

logger = logging.getLogger("newsroom.jobs")


@task()
def process_image(image_id):
    """Finish an uploaded image: its full-size clean copy (large uploads), then its renditions."""
    from .models import Image

    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return "gone"
    if image.pending_source:
        # Storing the full-size copy saves the row, which asks for this job again (for the renditions).
        return _store_full_size(image)
    if renditions_are_current(image):
        return "done already"
    before = rendition_names(image.renditions)
    renditions = build_renditions(image, fresh=True)
    made = rendition_names(renditions)
    with transaction.atomic():
        current = Image.objects.select_for_update().filter(pk=image_id).values("file", "crop_anchor").first()
        if current != {"file": image.file.name, "crop_anchor": image.crop_anchor}:
            # A new upload or crop came in while we worked: its own job makes its renditions.
            transaction.on_commit(lambda: _delete(made - rendition_names(_current_renditions(image_id))))
            return "superseded"
        image.renditions = renditions
        image.save(update_fields=["renditions"])  # renews the pages that show the image
    _delete(before - made)  # renditions of an earlier crop
    return f"{len(made)} renditions"


def _current_renditions(image_id):
    from .models import Image

    return Image.objects.filter(pk=image_id).values_list("renditions", flat=True).first()


def _store_full_size(image):
    from .models import Image

    source = image.pending_source
    storage = image.file.storage
    with storage.open(source, "rb") as upload:
        cleaned = clean_image(upload)
    # One name per upload, so a run that is cut short and run again overwrites its own copy instead of adding one.
    quick = PurePosixPath(image.file.name)
    name = f"{quick.parent}/{clean_file_name(quick.stem + '-full', cleaned.extension)}"
    storage.delete(name)
    stored = storage.save(name, ContentFile(cleaned.content, name=name))
    with transaction.atomic():
        current = Image.objects.select_for_update().filter(pk=image.pk).values("pending_source").first()
        if current is None or current["pending_source"] != source:
            transaction.on_commit(lambda: _delete({stored}))  # replaced (or deleted) meanwhile
            return "superseded"
        quick_copy = image.file.name
        image.file.name = stored
        image.width, image.height, image.file_size = cleaned.width, cleaned.height, len(cleaned.content)
        image.pending_source = ""
        image.renditions = {}
        image.save(update_fields=["file", "width", "height", "file_size", "pending_source", "renditions"])
        transaction.on_commit(lambda: _delete({quick_copy, source}))
    return "full size stored"


@task()
def delete_media_files(names):
    """Delete stored files (a replaced or deleted image, its renditions); a file already gone is no error."""
    _delete(set(names))
    return len(names)


def _delete(names):
    from easy_thumbnails.models import Source, Thumbnail

    names = sorted(name for name in names if name)
    for name in names:
        default_storage.delete(name)
    if names:
        Thumbnail.objects.filter(name__in=names).delete()
        Source.objects.filter(name__in=names).delete()


@task()
def purge_http_cache(soft, hard):
    """Purge these keys in every HTTP cache of HTTP_CACHE_PURGE_URLS; an unreachable one fails the job (retried)."""
    from django.conf import settings

    failed = []
    for url in settings.HTTP_CACHE_PURGE_URLS:
        try:
            httpcache.send_purge(url, soft=soft, hard=hard)
        except OSError as exc:
            failed.append(f"{url}: {exc}")
    if failed:
        raise OSError("HTTP cache purge failed at " + "; ".join(failed))
    return len(soft) + len(hard)


def image_deleted(sender, instance, using=None, **kwargs):
    """post_delete of Image (the admin's bulk delete too): its files go once the deletion commits."""
    from jobs import enqueue_on_commit

    names = instance.media_files()
    if names:
        enqueue_on_commit(delete_media_files, sorted(names), using=using)


@task()
def rebuild_search_batch(first_id, last_id):
    """Recompute the search entries of articles first_id..last_id (rebuild_search_index --background)."""
    from django.db import connection

    from . import search

    with transaction.atomic():
        search.rebuild_batch(connection, first_id, last_id)
    return [first_id, last_id]
