"""Fixtures for tests against a real S3 server (SeaweedFS, scripts/seaweedfs.py); registered by the root conftest.

    def test_upload_lands_in_the_bucket(s3_media): ...

One SeaweedFS serves the whole run; each test gets its own folder (key prefix) in the bucket as its media
storage. Tests are skipped, with the reason, when SeaweedFS cannot start (no `weed` binary, no free ports).
"""

import uuid

import pytest

from scripts.seaweedfs import SeaweedUnavailable, start_seaweedfs


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    try:
        server = start_seaweedfs(workdir=tmp_path_factory.mktemp("seaweedfs"), bucket="newsroom-test")
    except SeaweedUnavailable as error:
        pytest.skip(f"SeaweedFS unavailable: {error}")
    yield server
    server.stop()


@pytest.fixture
def s3_media(settings, seaweedfs):
    """Media in the SeaweedFS bucket, under a folder of this test's own; `.keys()` lists what is stored there."""
    prefix = f"t-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsroom.storage.MediaStorage",
                    "OPTIONS": {**seaweedfs.storage_options(), "location": prefix}},
    }  # fmt: skip

    class Bucket:
        server = seaweedfs
        public_url = f"{seaweedfs.endpoint}/{seaweedfs.bucket}/{prefix}/"

        @staticmethod
        def keys():
            return [key.removeprefix(f"{prefix}/") for key in seaweedfs.keys() if key.startswith(f"{prefix}/")]

    return Bucket
