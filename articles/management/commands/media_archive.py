"""Media in and out of a .tar.gz through the storage API: local files or an S3 bucket alike (backups)."""

import tarfile
import time
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from newsroom.storage import STORAGE_ERRORS


def walk(storage, folder=""):
    """Every file name under `folder`, depth first."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from walk(storage, f"{folder}/{name}" if folder else name)


def safe_member(member):
    path = PurePosixPath(member.name)
    return member.isfile() and not path.is_absolute() and ".." not in path.parts and str(path) not in ("", ".")


class Command(BaseCommand):
    help = (
        "Copy every media file (uploads and renditions) into a .tar.gz (`export FILE`), or back from one "
        "(`import FILE`, replacing files of the same name), through the configured storage: local MEDIA_ROOT "
        "or the S3 bucket. scripts/backup.sh and scripts/restore.sh use it."
    )

    def add_arguments(self, parser):
        parser.add_argument("direction", choices=["export", "import"])
        parser.add_argument("archive", help="The .tar.gz file to write or read.")

    def handle(self, *, direction, archive, **options):
        started = time.monotonic()
        try:
            count = self.export(archive) if direction == "export" else self.restore(archive)
        except STORAGE_ERRORS as exc:
            raise CommandError(f"Media storage error: {exc}") from None
        except tarfile.TarError as exc:
            raise CommandError(f"{archive} is not a readable .tar.gz archive: {exc}") from None
        verb = "archived to" if direction == "export" else "restored from"
        self.stdout.write(f"{count:,} media files {verb} {archive} in {time.monotonic() - started:.1f} s.")

    def export(self, archive):
        count = 0
        with tarfile.open(archive, "w:gz") as tar:
            try:
                names = list(walk(default_storage))
            except FileNotFoundError:  # no media folder yet
                names = []
            for count, name in enumerate(names, start=1):
                with default_storage.open(name, "rb") as source:
                    data = source.read()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(time.time())
                tar.addfile(info, ContentFile(data))
                if count % 200 == 0:
                    self.stdout.write(f"{count:,}/{len(names):,} files")
        return count

    def restore(self, archive):
        count = 0
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not safe_member(member):
                    continue
                name = str(PurePosixPath(member.name))
                data = tar.extractfile(member).read()
                default_storage.delete(name)
                stored = default_storage.save(name, ContentFile(data))
                if stored != name:
                    raise CommandError(f"{name} was stored as {stored}")
                count += 1
                if count % 200 == 0:
                    self.stdout.write(f"{count:,} files")
        return count
