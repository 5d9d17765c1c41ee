"""Prepare the S3 bucket of the media storage: create it if it is missing, and let anyone read its files."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from newsroom.storage import STORAGE_ERRORS, MediaStorage


class Command(BaseCommand):
    help = (
        "Create the bucket named by AWS_STORAGE_BUCKET_NAME if it does not exist, and give it a policy that "
        "lets anyone read (not list or write) its files, since pages link to them. Safe to run again."
    )

    def handle(self, **options):
        from scripts.seaweedfs import make_public

        storage = storages["default"]
        if not isinstance(storage, MediaStorage):
            raise CommandError("Media is stored in local files: set AWS_STORAGE_BUCKET_NAME (see .env.example).")
        client = storage.connection.meta.client
        bucket = settings.AWS_STORAGE_BUCKET_NAME
        try:
            existing = {item["Name"] for item in client.list_buckets().get("Buckets", [])}
            if bucket not in existing:
                client.create_bucket(Bucket=bucket)
                self.stdout.write(f"Created bucket {bucket}.")
            make_public(client, bucket)
        except STORAGE_ERRORS as exc:
            raise CommandError(f"Could not prepare bucket {bucket}: {exc}") from None
        self.stdout.write(f"Bucket {bucket} is ready; files are read from {storage.url('')}")
