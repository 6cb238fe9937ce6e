"""Attachment rules: photos and PDFs only (recognised by their first bytes, not by the name the
client sent), a size limit, and storage under the tenant's own folder. Where the file is a photo of
the place or of the work (the executor's report, the citizens' portal) a PDF is refused too."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from appeals.errors import Problem

NOT_A_PHOTO = _("The file is not a photo: only JPEG, PNG, WebP or HEIC.")


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str

    @property
    def is_photo(self) -> bool:
        return self.content_type.startswith("image/")


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


# The endings a kind is known by; a name without one of them gets the kind's own.
_ENDINGS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
}


def named_by_kind(name: str, kind: FileKind) -> str:
    """The sent name ending as its content is: a PDF sent as "scan.png" is listed as "scan.pdf",
    so no one takes it for a photo."""
    stem, dot, ending = name.rpartition(".")
    if dot and stem and f".{ending.lower()}" in _ENDINGS.get(kind.content_type, (kind.extension,)):
        return name
    return f"{stem if dot and stem else name}{kind.extension}"


def check_upload(size: int, head: bytes, *, photo: bool = False) -> tuple[FileKind | None, Problem | None]:
    """(kind, None) or (None, why not); `photo`: the file must be a picture by its content, whatever
    the name it was sent with (a PDF renamed .png is refused)."""
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
    if photo and (kind is None or not kind.is_photo):
        return None, Problem("file", "not_a_photo", NOT_A_PHOTO)
    if kind is None:
        return None, Problem(
            "file",
            "unsupported_type",
            "Тек фото (JPEG, PNG, WebP, HEIC) немесе PDF / Только фото (JPEG, PNG, WebP, HEIC) или PDF",
        )
    return kind, None
