"""The archive: an uncompressed tar (the dump is compressed by pg_dump, photos and PDFs are already) with a
manifest that names every other member's SHA-256. Reading checks every checksum before anything is used."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from operations.backups.errors import BackupError

FORMAT = "ikomek-akimat-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DUMP = "schema.pgdump"
PUBLIC_ROWS = "public.json"
FILES = "files/"
CHUNK = 1024 * 1024


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


class ArchiveWriter:
    """Members are added as they come; the manifest (with their checksums) goes last."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.checksums: dict[str, str] = {}
        self._tar = tarfile.open(path, "w", format=tarfile.PAX_FORMAT)  # noqa: SIM115 (closed in close())

    def add_bytes(self, name: str, content: bytes) -> str:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        self._tar.addfile(info, io.BytesIO(content))
        self.checksums[name] = hashlib.sha256(content).hexdigest()
        return self.checksums[name]

    def add_file(self, name: str, source: Path) -> str:
        with source.open("rb") as stream:
            self.checksums[name] = sha256_of(stream)
        self._tar.add(str(source), arcname=name, recursive=False)
        return self.checksums[name]

    def add_stream(self, name: str, stream: IO[bytes], size: int) -> str:
        """A file read through Django's storage: hashed while it is copied into the archive."""
        digest = hashlib.sha256()

        class Hashing(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer: Any) -> int:
                data = stream.read(len(buffer))
                digest.update(data)
                buffer[: len(data)] = data
                return len(data)

        info = tarfile.TarInfo(name)
        info.size = size
        self._tar.addfile(info, io.BufferedReader(Hashing()))
        self.checksums[name] = digest.hexdigest()
        return self.checksums[name]

    def close(self, manifest: dict[str, Any]) -> None:
        manifest = {
            **manifest,
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "checksums": self.checksums,
        }
        content = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(content)
        self._tar.addfile(info, io.BytesIO(content))
        line = f"{hashlib.sha256(content).hexdigest()}  {MANIFEST}\n".encode()
        info = tarfile.TarInfo(MANIFEST_SUM)
        info.size = len(line)
        self._tar.addfile(info, io.BytesIO(line))
        self._tar.close()

    def abort(self) -> None:
        self._tar.close()
        self.path.unlink(missing_ok=True)


class ArchiveReader:
    """An archive whose every member matched its checksum (checked on opening)."""

    def __init__(self, tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
        self._tar = tar
        self.manifest = manifest

    def read_bytes(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()

    def open(self, name: str) -> IO[bytes]:
        stream = self._tar.extractfile(name)
        if stream is None:
            raise BackupError(f"the archive has no file {name}")
        return stream

    def extract_to(self, name: str, target: Path) -> None:
        with self.open(name) as stream, target.open("wb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)

    def json(self, name: str) -> Any:
        return json.loads(self.read_bytes(name))


@contextmanager
def read_archive(path: Path) -> Iterator[ArchiveReader]:
    """Open and verify: the format, the manifest's own checksum, and every member's."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        tar = tarfile.open(path, "r:")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a backup archive (not a readable tar file: {error})") from error
    try:
        try:
            manifest = _verified_manifest(path, tar)
        except (tarfile.TarError, OSError, EOFError, ValueError, KeyError, AttributeError) as error:
            raise BackupError(f"{path} is damaged or truncated ({type(error).__name__}: {error})") from error
        yield ArchiveReader(tar, manifest)
    finally:
        tar.close()


def _verified_manifest(path: Path, tar: tarfile.TarFile) -> dict[str, Any]:
    members = {member.name: member for member in tar.getmembers() if member.isfile()}
    if MANIFEST not in members or MANIFEST_SUM not in members:
        raise BackupError(f"{path} is not a backup archive: it has no {MANIFEST}")
    content = tar.extractfile(members[MANIFEST]).read()
    expected = tar.extractfile(members[MANIFEST_SUM]).read().decode(errors="replace").split()[:1]
    if [hashlib.sha256(content).hexdigest()] != expected:
        raise BackupError(f"{path} is damaged: {MANIFEST} does not match its checksum")
    manifest = json.loads(content)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not an akimat backup (format {manifest.get('format')!r})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has archive format version {manifest.get('format_version')}; this platform reads "
            f"version {FORMAT_VERSION}"
        )
    checksums: dict[str, str] = manifest["checksums"]
    missing = sorted(set(checksums) - set(members))
    extra = sorted(set(members) - set(checksums) - {MANIFEST, MANIFEST_SUM})
    if missing:
        raise BackupError(f"{path} is damaged: missing {', '.join(missing[:5])}")
    if extra:
        raise BackupError(f"{path} is damaged: not in its manifest: {', '.join(extra[:5])}")
    damaged = sorted(
        name
        for name, expected_sum in checksums.items()
        if sha256_of(tar.extractfile(members[name])) != expected_sum
    )
    if damaged:
        more = f" and {len(damaged) - 5} more" if len(damaged) > 5 else ""
        raise BackupError(f"{path} is damaged: checksum mismatch in {', '.join(damaged[:5])}{more}")
    return manifest
