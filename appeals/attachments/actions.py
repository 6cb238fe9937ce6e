"""Adding a photo or a PDF to an appeal (by a person, or carried over with a transferred appeal);
photos only where the file is a photo of the place or of the work."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import Promise
from django.utils.text import format_lazy

from accounts.permissions import Operation, can
from accounts.principal import Principal
from appeals.attachments.files import FileKind, check_upload, named_by_kind
from appeals.errors import AppealError, Problem
from appeals.events import record_event
from appeals.models import Appeal, Attachment, EventKind
from appeals.rules.access import reach
from appeals.transitions import locked_appeal

# Operators attach what the citizen sent; executors attach photos of the work done.
MAY_ATTACH = (Operation.APPEAL_CREATE, Operation.APPEAL_ROUTE, Operation.APPEAL_EXECUTE)


# A sender's key for one file (a UUID from the phone's queue; anything printable, bounded).
CLIENT_KEY_MAX = 100


@dataclass(frozen=True)
class Added:
    attachment: Attachment
    created: bool  # False: a resend of a file already stored under the same client key


def add_attachment(
    actor: Principal, number: int, upload: UploadedFile, *, client_key: str = "", photo: bool = False
) -> Attachment:
    return add_attachment_once(actor, number, upload, client_key=client_key, photo=photo).attachment


def add_attachment_once(
    actor: Principal, number: int, upload: UploadedFile, *, client_key: str = "", photo: bool = False
) -> Added:
    """Add a file; with a `client_key`, a resend of the same file (its first answer lost on a weak
    connection) returns the one stored the first time instead of storing it twice. `photo`: a
    photo of the work (the executor's report), so a file that is no picture is refused
    (`not_a_photo`); without it a PDF is taken too."""
    client_key = (client_key or "").strip()
    if len(client_key) > CLIENT_KEY_MAX or not client_key.isprintable():
        raise AppealError.of(
            "clientKey",
            "invalid",
            f"Кілт {CLIENT_KEY_MAX} таңбадан аспауы керек / Ключ не длиннее {CLIENT_KEY_MAX} символов",
        )
    operation = next((op for op in MAY_ATTACH if can(actor, op)), None)
    if operation is None:
        raise AppealError.of(None, "forbidden", "Файл қосуға рұқсат жоқ / Нет права прикладывать файлы")
    head = upload.read(16)
    upload.seek(0)
    kind, problem = check_upload(upload.size, head, photo=photo)
    if problem:
        raise AppealError(problem)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        appeal = locked_appeal(number)
        reach(actor, operation).require(appeal)  # an executor attaches to its organisation's appeals
        # Under the appeal's lock: two resends racing each other find one stored file.
        stored = appeal.attachments.filter(client_key=client_key).first() if client_key else None
        if stored is not None:
            return Added(stored, created=False)
        if appeal.attachments.count() >= settings.APPEALS_ATTACHMENTS_PER_APPEAL:
            raise AppealError.of(
                "file",
                "too_many",
                f"Ең көбі {settings.APPEALS_ATTACHMENTS_PER_APPEAL} файл / не больше "
                f"{settings.APPEALS_ATTACHMENTS_PER_APPEAL} файлов",
            )
        attachment = _store(
            actor,
            appeal,
            upload,
            kind,
            size=upload.size,
            name=upload.name or "file",
            sha256=digest.hexdigest(),
            uploaded_by=actor.subject,
            operation=operation,
            client_key=client_key,
        )
        return Added(attachment, created=True)


@dataclass(frozen=True)
class CheckedUpload:
    upload: File  # as sent, or a kept photo of a refused portal form (appeals.portal.kept_photos)
    kind: FileKind
    sha256: str


def checked_uploads(
    uploads: list[UploadedFile], *, field: str = "file", photo: bool = False
) -> tuple[list[CheckedUpload], list[Problem]]:
    """Files sent with a new appeal (the citizens' portal), checked before the appeal is made: the
    good ones with their kind and digest, and a problem under `field` for each bad one, named.
    `photo`: pictures only, as `add_attachment_once`."""
    checked, problems = [], []
    for upload in uploads:
        head = upload.read(16)
        upload.seek(0)
        kind, problem = check_upload(upload.size, head, photo=photo)
        if problem:
            # Named: of the files chosen on a phone, the citizen must know which one to leave out.
            name = (upload.name or "")[-80:]
            problems.append(Problem(field, problem.code, _named(name, problem.message)))
            continue
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append(CheckedUpload(upload, kind, digest.hexdigest()))
    return checked, problems


def _named(name: str, message: str | Promise) -> str | Promise:
    if not name:
        return message
    if isinstance(message, Promise):  # gettext: said in the screen's language when shown
        return format_lazy("{name}: {message}", name=name, message=message)
    kk, _, ru = str(message).partition(" / ")
    return f"{name}: {kk} / {name}: {ru or kk}"


def store_sent_with(actor: Principal, appeal: Appeal, files: list[CheckedUpload]) -> None:
    """Store the checked files with the appeal they came with (in the intake's transaction)."""
    for sent in files:
        _store(
            actor,
            appeal,
            sent.upload,
            sent.kind,
            size=sent.upload.size,
            name=sent.upload.name or "photo",
            sha256=sent.sha256,
            uploaded_by=actor.subject,
        )


@dataclass(frozen=True)
class CarriedFile:
    """A file that came with a transferred appeal, already checked against the sender's digest."""

    name: str
    file: File
    size: int
    sha256: str
    uploaded_by: str


def attach_carried(actor: Principal, appeal: Appeal, files: list[CarriedFile]) -> list[str]:
    """Store the files with the new appeal here (in the caller's transaction) under this akimat's
    own rules; returns the names of those refused by them (the caller records why)."""
    refused: list[str] = []
    for carried in files:
        head = carried.file.read(16)
        carried.file.seek(0)
        kind, problem = check_upload(carried.size, head)
        if problem or appeal.attachments.count() >= settings.APPEALS_ATTACHMENTS_PER_APPEAL:
            refused.append(carried.name)
            continue
        _store(
            actor,
            appeal,
            carried.file,
            kind,
            size=carried.size,
            name=carried.name,
            sha256=carried.sha256,
            uploaded_by=carried.uploaded_by,
            transferred=True,
        )
    return refused


def _store(
    actor: Principal,
    appeal: Appeal,
    content: File,
    kind: FileKind,
    *,
    size: int,
    name: str,
    sha256: str,
    uploaded_by: str,
    operation: Operation | None = None,
    transferred: bool = False,
    client_key: str = "",
) -> Attachment:
    """Write the file under the akimat's folder, then its row and event (caller's transaction)."""
    attachment = Attachment(
        appeal=appeal,
        token=uuid.uuid4(),
        extension=kind.extension,
        content_type=kind.content_type,
        size=size,
        original_name=named_by_kind(name, kind)[-200:],
        sha256=sha256,
        uploaded_by=uploaded_by[:200],
        client_key=client_key,
    )
    attachment.file.save(f"{attachment.token}{kind.extension}", content, save=False)
    # The file is written first; a failure in the database removes it again.
    try:
        attachment.save()
        data = {"token": str(attachment.token), "type": kind.content_type, "size": size}
        record_event(
            appeal,
            EventKind.ATTACHMENT_ADDED,
            actor,
            operation=operation,
            data=data | {"transferred": True} if transferred else data,
        )
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment
