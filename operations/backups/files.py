"""The akimat's attachment files, through Django's storage (a folder or an S3 bucket: the same code)."""

from __future__ import annotations

import hashlib

from django.core.files.base import File
from django.core.files.storage import default_storage

from operations.backups.archive import FILES, ArchiveReader, ArchiveWriter
from operations.backups.errors import BackupError


def back_up(writer: ArchiveWriter, attachments: list[tuple[str, str]]) -> int:
    """Copy each (storage name, recorded SHA-256) into the archive; a file that is missing or differs from
    what was recorded at upload stops the backup, named (a backup that silently lacks files is worse)."""
    problems = []
    for name, recorded in attachments:
        try:
            size = default_storage.size(name)
            with default_storage.open(name, "rb") as stream:
                stored = writer.add_stream(FILES + name, stream, size)
        except FileNotFoundError:
            problems.append(f"{name} (missing from storage)")
            continue
        if stored != recorded:
            problems.append(f"{name} (content differs from the checksum recorded at upload)")
    if problems:
        raise BackupError(
            f"{len(problems)} attachment file(s) cannot be backed up as recorded: " + "; ".join(problems[:10])
        )
    return len(attachments)


def rename(name: str, old_prefix: str, new_prefix: str) -> str:
    return new_prefix + name.removeprefix(old_prefix) if name.startswith(old_prefix) else name


def restore(archive: ArchiveReader, names: list[str], old_prefix: str, new_prefix: str) -> int:
    """Put every file back under its name (the akimat's own folder). A file already there with the same
    content is left; one with other content is replaced (the archive is what is being restored)."""
    for name in names:
        target = rename(name, old_prefix, new_prefix)
        expected = archive.manifest["checksums"][FILES + name]
        if default_storage.exists(target):
            with default_storage.open(target, "rb") as stream:
                if hashlib.sha256(stream.read()).hexdigest() == expected:
                    continue
            default_storage.delete(target)
        with archive.open(FILES + name) as stream:
            saved = default_storage.save(target, File(stream, name=target))
        if saved != target:
            default_storage.delete(saved)
            raise BackupError(f"storage kept {target} under another name ({saved}): restore stopped")
    return len(names)
