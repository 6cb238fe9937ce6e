"""Attachments go to files under MEDIA_ROOT, or to an S3-compatible bucket when ATTACHMENTS_BUCKET is set.

No S3 here: the suite keeps the filesystem backend, and these tests only read the storage a fresh
process configures (django-storages connects lazily, so nothing is contacted).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from testkit.processes import ROOT

pytestmark = pytest.mark.slow  # a Python child process each

SHOW_STORAGE = """
import json, django
django.setup()
from django.core.files.storage import default_storage
default_storage._setup()
s = default_storage._wrapped
print(json.dumps({
    "class": f"{type(s).__module__}.{type(s).__name__}",
    "bucket": getattr(s, "bucket_name", None),
    "region": getattr(s, "region_name", None),
    "endpoint": getattr(s, "endpoint_url", None),
    "acl": getattr(s, "default_acl", "n/a"),
    "overwrite": getattr(s, "file_overwrite", None),
    "location": getattr(s, "location", None),
}))
"""


def storage_of(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ATTACHMENTS_")} | env
    result = subprocess.run(
        [sys.executable, "-c", SHOW_STORAGE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_bucket_attachments_are_files_under_media_root(tmp_path):
    storage = storage_of(MEDIA_ROOT=str(tmp_path))
    assert storage["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["location"] == str(tmp_path)


def test_a_bucket_turns_on_the_s3_backend_with_its_region_and_endpoint():
    storage = storage_of(
        ATTACHMENTS_BUCKET="ikomek-attachments",
        ATTACHMENTS_REGION="kz-ala-1",
        ATTACHMENTS_ENDPOINT_URL="https://s3.cloud.example.kz",
    )
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert (storage["bucket"], storage["region"], storage["endpoint"]) == (
        "ikomek-attachments",
        "kz-ala-1",
        "https://s3.cloud.example.kz",
    )
    # No ACL on objects (the bucket policy decides) and no file silently replaced by a namesake.
    assert storage["acl"] is None and storage["overwrite"] is False


def test_on_aws_the_endpoint_is_left_to_the_sdk():
    storage = storage_of(ATTACHMENTS_BUCKET="ikomek-attachments")
    assert storage["endpoint"] is None and storage["region"] is None
