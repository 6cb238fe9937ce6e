"""The attachments of a transferred appeal.

The sender lists them in the transfer message (storage name, size, SHA-256); the receiving akimat's
handler copies each from the sender's folder of the media storage, the one place where a file
passes from one akimat to another. It takes a file only from the folder of the akimat the platform
stamped as the message's source, and only with the size and digest the sender recorded; a file
that is gone or differs is named in the new appeal's history instead (never dropped silently).
A storage that fails otherwise (OSError) fails the delivery, which the relay retries.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage

from appeals.actions import CarriedFile
from appeals.models import Appeal
from appeals.models.appeal import prefix_of

ATTACHMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "file": {"type": "string", "minLength": 1, "maxLength": 300},
        "name": {"type": "string", "maxLength": 200},
        "size": {"type": "integer", "minimum": 0},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "uploaded_by": {"type": "string", "maxLength": 200},
    },
    "required": ["file", "name", "size", "sha256"],
    "additionalProperties": False,
}
CHUNK = 1 << 20


def attachment_entries(appeal: Appeal) -> list[dict[str, Any]]:
    """What the receiver needs to fetch and check each of the appeal's files (sender's side)."""
    return [
        {
            "file": attachment.file.name,
            "name": attachment.original_name,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "uploaded_by": attachment.uploaded_by,
        }
        for attachment in appeal.attachments.order_by("uploaded_at", "id")
    ]


def is_senders(name: str, source_schema: str) -> bool:
    """A plain path inside the sender's own folder (no `..`, no absolute path, no other akimat)."""
    return posixpath.normpath(name) == name and name.startswith(prefix_of(source_schema))


@contextmanager
def carried_files(
    source_schema: str, entries: list[dict[str, Any]]
) -> Iterator[tuple[list[CarriedFile], list[str]]]:
    """The sender's files opened and checked, and the names of those that could not be brought."""
    carried: list[CarriedFile] = []
    lost: list[str] = []
    try:
        for entry in entries:
            name = entry["name"] or posixpath.basename(entry["file"])
            handle = _checked(source_schema, entry)
            if handle is None:
                lost.append(name)
                continue
            carried.append(
                CarriedFile(
                    name=name,
                    file=handle,
                    size=entry["size"],
                    sha256=entry["sha256"],
                    uploaded_by=entry.get("uploaded_by", ""),
                )
            )
        yield carried, lost
    finally:
        for item in carried:
            item.file.close()


def _checked(source_schema: str, entry: dict[str, Any]) -> File | None:
    if not is_senders(entry["file"], source_schema):
        return None
    try:
        handle = default_storage.open(entry["file"], "rb")
    except FileNotFoundError:
        return None
    digest, size = hashlib.sha256(), 0
    for chunk in handle.chunks(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        handle.close()
        return None
    handle.seek(0)
    return handle
