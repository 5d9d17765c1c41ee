from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.images import renditions_are_current
from articles.models import Image
from articles.tasks import process_image
from newsroom.storage import STORAGE_ERRORS


class Command(BaseCommand):
    help = (
        "Make the responsive renditions (several widths, WebP and JPEG/PNG) of library images that "
        "lack them, and record them on each image; a large upload still waiting for its full-size copy gets it "
        "first (its job was lost, e.g. with Redis). Safe to run again: existing renditions are reused."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these image ids (default: every image).")
        parser.add_argument(
            "--all", action="store_true", help="Also check images whose renditions are already recorded."
        )

    def handle(self, *args, ids, all, **options):
        images = Image.objects.order_by("pk")
        if ids:
            images = images.filter(pk__in=ids)
            missing = set(ids) - set(images.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No image with id {', '.join(map(str, sorted(missing)))}.")
        total = images.count()
        made = skipped = failed = 0
        for number, image in enumerate(images.iterator(chunk_size=100), start=1):
            if image.pending_source:
                try:
                    process_image.call(image.pk)  # the full-size copy, here and now
                except STORAGE_ERRORS + (ValueError, ValidationError) as exc:
                    self.stderr.write(f"Image {image.pk} ({image.title}): {exc}")
                    failed += 1
                    continue
                image.refresh_from_db()
            if not all and renditions_are_current(image):
                skipped += 1
                continue
            if not image.file or not image.file.storage.exists(image.file.name):
                self.stderr.write(f"Image {image.pk} ({image.title}): its file is missing; skipped.")
                failed += 1
                continue
            try:
                image.make_renditions()
            except (OSError, ValueError) as exc:
                self.stderr.write(f"Image {image.pk} ({image.title}): {exc}")
                failed += 1
                continue
            made += 1
            if number % 25 == 0 or number == total:
                self.stdout.write(f"{number}/{total} images checked")
        self.stdout.write(
            self.style.SUCCESS(
                f"Renditions recorded for {made} image(s); {skipped} already had them; {failed} failed."
            )
        )
        if failed:
            raise CommandError(f"{failed} image(s) could not be processed.")
