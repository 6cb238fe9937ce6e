"""HTTP endpoints beside GraphQL: caller ID for the telephone exchange, attachments up and down."""

from __future__ import annotations

import json
import uuid

from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Operation, can, refusal
from apierrors.envelope import errors_response
from appeals import actions
from appeals.actions.telephony import EXCHANGE_TEXT_LIMITS, exchange_secret_matches
from appeals.attachments.actions import add_attachment_once
from appeals.errors import AppealError, Problem
from appeals.models import Appeal, Attachment
from appeals.models.appeal import tenant_prefix
from appeals.rules.access import reach
from appeals.rules.text import text_problem


def _errors(request: HttpRequest, problems: list[Problem], status: int) -> JsonResponse:
    """The API's one error envelope (apierrors.envelope), messages in the caller's language."""
    return errors_response(request, status, [(p.field, p.code, p.message) for p in problems])


def _error(
    request: HttpRequest, field: str | None, code: str, message: str | Promise, status: int
) -> JsonResponse:
    return _errors(request, [Problem(field, code, message)], status)


def _problems(request: HttpRequest, error: AppealError, status: int = 400) -> JsonResponse:
    codes = {p.code for p in error.problems}
    if "forbidden" in codes:
        status = 403
    elif "not_found" in codes:
        status = 404
    return _errors(request, error.problems, status)


WRONG_SECRET = _("Wrong or missing exchange secret (header X-Exchange-Secret).")
NOT_JSON = _("The body is not JSON.")
CALLER_REQUIRED = _("The caller's number is required.")
NOT_MULTIPART = _("A multipart/form-data body is expected.")
FILE_REQUIRED = _("The multipart field 'file' is required.")
NO_FILE = _("There is no such file.")


def _plain(value: object) -> str:
    """A call id or line as the exchange sent it: text or a number (anything else is not one)."""
    return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _exchange_secret(request: HttpRequest) -> str:
    # Its own header: `Authorization: Bearer` is reserved for Keycloak tokens on every endpoint.
    return request.headers.get("X-Exchange-Secret", "").strip()


@csrf_exempt  # a machine client authenticated by the akimat's shared secret, not by a cookie
@require_POST
def incoming_call(request: HttpRequest) -> JsonResponse:
    """The exchange reports an incoming call: {"caller": "+7...", "callId": "...", "line": "109"}."""
    if not exchange_secret_matches(_exchange_secret(request)):
        return _error(request, None, "unauthorised", WRONG_SECRET, 401)
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return _error(request, None, "invalid_json", NOT_JSON, 400)
    caller = body.get("caller") if isinstance(body, dict) else None
    if not isinstance(caller, str) or not caller.strip():
        return _error(request, "caller", "required", CALLER_REQUIRED, 400)
    call_id, line = _plain(body.get("callId")), _plain(body.get("line"))
    problems = [
        problem
        for field, text in (("caller", caller), ("callId", call_id), ("line", line))
        if (problem := text_problem(field, text, EXCHANGE_TEXT_LIMITS[field])) is not None
    ]
    if problems:
        return _errors(request, problems, 400)
    call, created = actions.record_incoming_call(caller, exchange_call_id=call_id, line=line)
    earlier = (
        Appeal.objects.filter(applicant_phone=call.phone).aggregate(n=Count("id"))["n"]
        if call.phone_valid
        else 0
    )
    return JsonResponse(
        {"id": call.pk, "phone": call.phone, "phoneValid": call.phone_valid, "earlierAppeals": earlier},
        status=201 if created else 200,
    )


@require_POST
def upload_attachment(request: HttpRequest, number: int) -> JsonResponse:
    """multipart `file`, optional `clientKey`: a resend with the same key answers 200 with the file
    stored the first time (201 when stored now)."""
    try:
        upload = request.FILES.get("file")
    except (MultiPartParserError, SuspiciousOperation):  # else Django's own HTML 400 page
        return _error(request, "file", "invalid_multipart", NOT_MULTIPART, 400)
    if upload is None:
        return _error(request, "file", "required", FILE_REQUIRED, 400)
    try:
        added = add_attachment_once(
            request.principal, number, upload, client_key=request.POST.get("clientKey", "")
        )
    except AppealError as error:
        return _problems(request, error)
    attachment = added.attachment
    return JsonResponse(
        {
            "token": str(attachment.token),
            "contentType": attachment.content_type,
            "size": attachment.size,
            "url": f"/appeals/attachments/{attachment.token}",
        },
        status=201 if added.created else 200,
    )


@require_GET
def download_attachment(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    if not can(request.principal, Operation.APPEAL_VIEW):
        return _error(request, None, "forbidden", refusal(request.principal, Operation.APPEAL_VIEW), 403)
    # Looked up in this tenant's schema only; the path check guards against a row pointing elsewhere.
    attachment = Attachment.objects.select_related("appeal").filter(token=token).first()
    if attachment is None or not attachment.file.name.startswith(tenant_prefix()):
        return _error(request, None, "not_found", NO_FILE, 404)
    try:
        reach(request.principal).require(attachment.appeal)  # an executor: its organisation's files
    except AppealError as error:
        return _problems(request, error)
    response = FileResponse(
        default_storage.open(attachment.file.name, "rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=f"{attachment.appeal.number}-{attachment.token}{attachment.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
