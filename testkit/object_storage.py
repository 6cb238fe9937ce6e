"""An S3-compatible object store on loopback for tests: moto's server as a real HTTP server.

The cloud's object store is an outside party that cannot run here; moto speaks the S3 API over HTTP
on a free port, and the platform reaches it exactly as it reaches a cloud's bucket (django-storages,
ATTACHMENTS_BUCKET and ATTACHMENTS_ENDPOINT_URL).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

from testkit.processes import free_port, wait_until

REGION = "kz-test-1"


@dataclass(frozen=True)
class ObjectStore:
    endpoint_url: str
    bucket: str

    @property
    def env(self) -> dict[str, str]:
        """What a web or worker process needs to keep attachments in this bucket."""
        return {
            "ATTACHMENTS_BUCKET": self.bucket,
            "ATTACHMENTS_ENDPOINT_URL": self.endpoint_url,
            "ATTACHMENTS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "ikomek-test",
            "AWS_SECRET_ACCESS_KEY": "ikomek-test-secret",  # moto accepts any
        }

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )

    def keys(self) -> list[str]:
        listed = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return [item["Key"] for page in listed for item in page.get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()


@contextmanager
def s3_server(log_path: Path, bucket: str = "ikomek-attachments") -> Iterator[ObjectStore]:
    """moto's S3 server on a free loopback port with `bucket` created; stopped at the end."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def up() -> bool:
        try:
            return requests.get(f"{url}/moto-api/", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    try:
        assert wait_until(up, timeout=30), f"moto's S3 server did not start, see {log_path}"
        store = ObjectStore(url, bucket)
        store.client().create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield store
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
