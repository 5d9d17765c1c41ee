"""Media in S3-compatible object storage (settings: AWS_STORAGE_BUCKET_NAME and friends).

django-storages' S3Storage, with one change: URLs are `public_url` + the file's name, built without boto3 (a
page lists dozens of renditions; signing or asking the bucket for each would make rendering depend on the
storage). Files are therefore served publicly, from the bucket (a public-read policy on it, which
`manage.py media_bucket` sets) or from a CDN in front of it (`MEDIA_PUBLIC_URL`).
"""

from botocore.exceptions import BotoCoreError, ClientError
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


@deconstructible
class MediaStorage(S3Storage):
    def __init__(self, *, public_url="", **settings):
        self.public_url = public_url.rstrip("/")
        super().__init__(**settings)

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_url or parameters or http_method:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        return f"{self.public_url}/{filepath_to_uri(self._normalize_name(clean_name(name)))}"


# What the media storage raises when it cannot be reached or refuses a request (file system or S3).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
