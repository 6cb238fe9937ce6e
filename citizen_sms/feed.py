"""Answered appeals to SMS: one outbox message when an appeal becomes done, not done or refused,
written in the transaction that answered it (appeals.events listener), to a mobile number only.

Nothing is queued while no provider is set (SMS_PROVIDER_URL empty), in the sandbox akimat (its
appeals are not real), for an appeal without a phone or with a landline. Ordered per appeal: a
citizen reads its answers in the order they were given."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.db import connection

from appeals.jobs.mail import console_link
from appeals.models import Appeal, AppealEvent
from appeals.tracking.access_code import readable
from citizen_sms.texts import ANSWERED, answer_text
from federation.messaging.outbox import send
from tenants.sandbox import current_is_sandbox

SMS_KIND = "citizen_sms.answer"
MOBILE = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})


def is_mobile(phone: str) -> bool:
    try:
        return phonenumbers.number_type(phonenumbers.parse(phone, None)) in MOBILE
    except phonenumbers.NumberParseException:
        return False


def on_appeal_event(appeal: Appeal, event: AppealEvent) -> None:
    """appeals.events listener: inside the change's transaction; no query unless an SMS is due."""
    if (
        not settings.SMS_PROVIDER_URL
        or event.to_status not in ANSWERED
        or event.to_status == event.from_status
    ):
        return
    if not is_mobile(appeal.applicant_phone or "") or current_is_sandbox():
        return
    code = readable(appeal.access_code) if appeal.access_code else ""
    language = "kk" if appeal.applicant_language == "kk" else "ru"
    text = answer_text(appeal.number, event.to_status, language, console_link("/track/"), code)
    send(
        SMS_KIND,
        {"phone": appeal.applicant_phone, "text": text, "number": appeal.number},
        target=connection.schema_name,  # the relay calls out from the akimat itself
        ordering_key=f"sms:appeal:{appeal.number}",
        max_attempts=int(settings.SMS_MAX_ATTEMPTS),
    )
