"""Attachment rules: photos and PDFs only (recognised by their first bytes, not by the name the
client sent), a size limit, and storage under the tenant's own folder."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from appeals.errors import Problem


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


# Signatures: JPEG, PNG, PDF, WebP, HEIC (iPhone photos).
def sniff(head: bytes) -> FileKind | None:
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind("image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind("image/png", ".png")
    if head.startswith(b"%PDF-"):
        return FileKind("application/pdf", ".pdf")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileKind("image/webp", ".webp")
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return FileKind("image/heic", ".heic")
    return None


def check_upload(size: int, head: bytes) -> tuple[FileKind | None, Problem | None]:
    limit = settings.APPEALS_ATTACHMENT_MAX_BYTES
    if size == 0:
        return None, Problem("file", "empty", "Файл бос / Файл пустой")
    if size > limit:
        return None, Problem(
            "file",
            "too_large",
            f"Файл {limit // (1024 * 1024)} МБ-тан аспауы керек / не больше {limit // (1024 * 1024)} МБ",
        )
    kind = sniff(head)
    if kind is None:
        return None, Problem(
            "file",
            "unsupported_type",
            "Тек фото (JPEG, PNG, WebP, HEIC) немесе PDF / Только фото (JPEG, PNG, WebP, HEIC) или PDF",
        )
    return kind, None
