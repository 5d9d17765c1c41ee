"""Media through the storage API (issue 15): S3-compatible storage (a real SeaweedFS), large uploads finished by a
job, replaced files deleted, and pages and feeds that ask the storage nothing."""

import io
import socket
import urllib.request
from http import HTTPStatus

import pytest
from django.urls import reverse
from PIL import Image as PILImage

from articles import images as image_module
from articles.images import rendition_names, renditions_are_current
from articles.models import Image
from articles.tests.factories import ArticleFactory, ImageFactory
from articles.tests.test_images import encode, jpeg_with_orientation, upload
from newsroom.storage import MediaStorage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="picture-desk", is_staff=True, is_superuser=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post_image(client, file, url=None, **fields):
    data = {"file": file, "title": "Harbour", "alt_text": "Boats in the harbour", "crop_anchor": "center", **fields}
    return client.post(url or reverse("admin:articles_image_add"), data)


def photo_jpeg(size=(1200, 800)):
    """A JPEG with some detail (flat colour compresses to nothing)."""
    picture = PILImage.effect_noise((size[0] // 8, size[1] // 8), 60).convert("RGB").resize(size)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def upload_through_admin(client, capture, data=None, **fields):
    with capture(execute=True):
        response = post_image(client, upload("Harbour at dawn.jpg", data or photo_jpeg()), **fields)
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    return Image.objects.latest("pk")


def fetch(url):
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type"), response.read()


# S3-compatible storage ---------------------------------------------------------------------------------------


def test_uploads_and_renditions_go_to_the_bucket_and_pages_link_there(
    s3_media, staff_client, client, django_capture_on_commit_callbacks
):
    image = upload_through_admin(staff_client, django_capture_on_commit_callbacks)
    article = ArticleFactory(live=True, lead_image=image)

    stored = set(s3_media.keys())
    assert image.file.name in stored
    assert renditions_are_current(image)
    assert rendition_names(image.renditions) <= stored
    assert len(rendition_names(image.renditions)) == 8  # 320-1200 px, WebP and JPEG; already 3:2, so shared
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{s3_media.public_url}renditions/' in html
    status, content_type, body = fetch(image.file.url)  # anyone may read the file, as a reader's browser does
    assert (status, content_type) == (200, "image/jpeg")
    assert len(body) == image.file_size


def test_pages_and_feeds_make_no_storage_calls(s3_media, client, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(file=upload("photo.jpg", photo_jpeg((900, 600))))
    article = ArticleFactory(live=True, lead_image=image)
    image.refresh_from_db()

    def unreachable(self):
        raise AssertionError("a page asked the storage")

    for name in ("connection", "unsigned_connection", "bucket"):
        monkeypatch.setattr(MediaStorage, name, property(unreachable))

    for url in (
        article.get_absolute_url(),
        "/",
        "/latest/",
        "/feed/",
        "/feed/atom/",
        article.section.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
    assert s3_media.public_url in client.get("/feed/").content.decode()


def test_replacing_and_deleting_an_image_deletes_its_files_and_renditions(
    s3_media, staff_client, django_capture_on_commit_callbacks
):
    image = upload_through_admin(staff_client, django_capture_on_commit_callbacks)
    first = {image.file.name, *rendition_names(image.renditions)}
    change_url = reverse("admin:articles_image_change", args=[image.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = post_image(staff_client, upload("Harbour at noon.jpg", photo_jpeg((1000, 700))), url=change_url)
    assert response.status_code == HTTPStatus.FOUND
    image.refresh_from_db()
    second = {image.file.name, *rendition_names(image.renditions)}

    assert first.isdisjoint(s3_media.keys())
    assert second <= set(s3_media.keys())

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:articles_image_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert s3_media.keys() == []


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


def test_an_upload_while_the_storage_is_down_is_a_form_error_and_keeps_what_was_typed(settings, staff_client):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsroom.storage.MediaStorage", "OPTIONS": {
            "bucket_name": "media", "endpoint_url": f"http://127.0.0.1:{closed_port()}", "region_name": "us-east-1",
            "access_key": "k", "secret_key": "s", "public_url": "http://media.invalid/media", "file_overwrite": False,
        }},
    }  # fmt: skip

    response = post_image(staff_client, upload("Harbour.jpg", photo_jpeg((400, 300))), title="Harbour at dawn")

    assert response.status_code == HTTPStatus.OK
    form = response.context["adminform"].form
    assert "media storage is not answering" in " ".join(form.non_field_errors())
    assert 'value="Harbour at dawn"' in response.content.decode()
    assert not Image.objects.exists()


# Large uploads: a quick clean copy at once, the full size from a job --------------------------------------------


@pytest.fixture
def small_limits(settings, monkeypatch):
    settings.IMAGE_INLINE_MAX_PIXELS = 100_000
    monkeypatch.setattr(image_module, "QUICK_COPY_SIZE", 300)


def test_a_large_upload_returns_with_a_clean_quick_copy_and_its_job_stores_the_full_size(
    small_limits, staff_client, client, django_capture_on_commit_callbacks
):
    data = jpeg_with_orientation(6, size=(1200, 800))  # EXIF: rotate, plus a script in ImageDescription

    with django_capture_on_commit_callbacks(execute=False) as jobs:
        response = post_image(staff_client, upload("Big.jpg", data))
    assert response.status_code == HTTPStatus.FOUND
    image = Image.objects.get()
    storage = image.file.storage

    # Before the job: a clean, upright copy in the shape of the original; pages show it with its size.
    assert image.pending_source.startswith("incoming/")
    assert (image.width, image.height) == (200, 300)
    with storage.open(image.file.name) as quick, PILImage.open(quick) as quick_copy:
        assert quick_copy.size == (200, 300)
        assert not quick_copy.getexif()
    article = ArticleFactory(live=True, lead_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{image.file.url}"' in html
    assert 'width="200" height="300"' in html

    quick_name, incoming = image.file.name, image.pending_source
    with django_capture_on_commit_callbacks(execute=True):
        for job in jobs:
            job()
    image.refresh_from_db()

    assert (image.width, image.height, image.pending_source) == (800, 1200, "")
    assert renditions_are_current(image)
    assert not storage.exists(quick_name)
    assert not storage.exists(incoming)
    with storage.open(image.file.name) as full, PILImage.open(full) as full_size:
        assert full_size.size == (800, 1200)
        assert not full_size.getexif()
    assert image.file_size == storage.size(image.file.name)


def test_running_the_image_job_twice_leaves_one_copy_and_one_set_of_renditions(
    small_limits, staff_client, django_capture_on_commit_callbacks, settings
):
    from articles.tasks import process_image

    with django_capture_on_commit_callbacks(execute=True):
        post_image(staff_client, upload("Big.jpg", photo_jpeg((900, 600))))
    image = Image.objects.get()
    files_before = sorted(p.relative_to(settings.MEDIA_ROOT) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())

    with django_capture_on_commit_callbacks(execute=True):
        assert process_image.call(image.pk) == "done already"
        Image.objects.filter(pk=image.pk).update(renditions={})  # as if a worker died before recording them
        process_image.call(image.pk)

    image.refresh_from_db()
    files_after = sorted(p.relative_to(settings.MEDIA_ROOT) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    assert renditions_are_current(image)
    assert files_after == files_before


def test_an_edit_saved_from_an_old_copy_of_the_image_keeps_what_the_job_recorded(
    staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as jobs:
        image = ImageFactory(file=upload("photo.jpg", encode("JPEG", size=(700, 500))))
    stale = Image.objects.get(pk=image.pk)  # loaded before the job ran: no renditions
    with django_capture_on_commit_callbacks(execute=True):
        for job in jobs:
            job()

    with django_capture_on_commit_callbacks(execute=False) as more_jobs:
        stale.caption = "Corrected caption"
        stale.save()

    image.refresh_from_db()
    assert image.caption == "Corrected caption"
    assert renditions_are_current(image)
    assert [callback for callback in more_jobs if hasattr(callback, "func")] == []  # no job enqueued


def test_media_backups_go_through_the_storage_and_come_back_into_another_bucket_folder(
    s3_media, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        ImageFactory(file=upload("photo.jpg", photo_jpeg((700, 500))))
    stored = s3_media.keys()
    archive = tmp_path / "media.tar.gz"
    call_command("media_archive", "export", str(archive), stdout=io.StringIO())

    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"],
                                                         "OPTIONS": {**options, "location": "restored"}}}  # fmt: skip
    call_command("media_archive", "import", str(archive), stdout=io.StringIO())

    restored = [key.removeprefix("restored/") for key in s3_media.server.keys() if key.startswith("restored/")]
    assert len(stored) > 5
    assert sorted(restored) == sorted(stored)


def test_make_renditions_finishes_a_large_upload_whose_job_was_lost(small_limits, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=False):  # the job never runs (Redis lost it)
        image = ImageFactory(file=upload("big.jpg", photo_jpeg((900, 600))))
    assert image.pending_source

    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions", stdout=io.StringIO())

    image.refresh_from_db()
    assert (image.width, image.height, image.pending_source) == (900, 600, "")
    assert renditions_are_current(image)


def test_renditions_of_a_very_large_photo_are_made_from_one_shrunk_copy_with_the_right_sizes(
    django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.IMAGE_INLINE_MAX_PIXELS = 50_000_000  # stored in full at once: this test is about the renditions
    shrunk = []
    working_copy = image_module._working_copy
    monkeypatch.setattr(image_module, "_working_copy", lambda *args: shrunk.append(args) or working_copy(*args))
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(file=upload("wide.jpg", encode("JPEG", size=(4000, 2000))))
    image.refresh_from_db()

    assert len(shrunk) == 1  # one working copy for all the renditions
    original, cropped = image.renditions["original"], image.renditions["3:2"]
    assert [(w, h) for w, h, _n in original["fallback"]] == [(320, 160), (640, 320), (960, 480), (1280, 640),
                                                               (1920, 960)]  # fmt: skip
    assert [(w, h) for w, h, _n in cropped["webp"]][-1] == (1920, 1280)
    storage = image.file.storage
    for width, height, name in original["fallback"][-1:] + cropped["webp"][-1:]:
        with storage.open(name) as stored, PILImage.open(stored) as rendition:
            assert rendition.size == (width, height)
