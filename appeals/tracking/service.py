"""A citizen tracks an appeal with its number and either the access code given at intake or the
last four digits of the phone: status and dates only, no login (decisions 28, 60).

A wrong answer and an unknown number answer the same (None). Wrong answers are limited:
- per client (its address, and its device when it sends one): after
  APPEALS_TRACKING_CLIENT_FAILURES in an hour it is refused (`too_many_attempts`, retry after);
  an address whose clients send device ids takes ten times as many (phones behind one carrier
  address), each device its own;
- per appeal number, for the phone's digits only: after APPEALS_TRACKING_APPEAL_PHONE_FAILURES
  wrong digits from anywhere (30 days), the digits no longer open it (`access_code_required`),
  the code still does; the same after APPEALS_TRACKING_AKIMAT_PHONE_FAILURES wrong digits in
  the whole akimat within an hour (many clients spreading guesses over many numbers).
Four digits are 10,000 possibilities; the code is ≈ 6.6·10^11 (appeals.tracking.access_code).
"""

from __future__ import annotations

from django.conf import settings

from appeals.errors import AppealError, Problem
from appeals.models import Appeal
from appeals.rules.text import ascii_digits
from appeals.tracking import access_code, limits
from appeals.tracking.limits import Counter, Requester

NUMBER_MAX = 2**63 - 1  # appeal numbers are bigint
HOUR = 3600


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def client_limit() -> int:
    return _setting("APPEALS_TRACKING_CLIENT_FAILURES", 10)


def appeal_phone_limit() -> int:
    return _setting("APPEALS_TRACKING_APPEAL_PHONE_FAILURES", 50)


def akimat_phone_limit() -> int:
    return _setting("APPEALS_TRACKING_AKIMAT_PHONE_FAILURES", 300)


APPEAL_PHONE_WINDOW = 30 * 24 * HOUR  # an appeal's life and call-back, with room to spare


class TooManyAttempts(AppealError):
    """This client gave too many wrong answers; it may try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            Problem(
                None,
                "too_many_attempts",
                f"Тым көп әрекет, {minutes} минуттан кейін қайталаңыз / "
                f"Слишком много попыток, повторите через {minutes} мин.",
            )
        )
        self.retry_after = retry_after


class TrackingUnavailable(AppealError):
    def __init__(self) -> None:
        super().__init__(
            Problem(
                None,
                "unavailable",
                "Қадағалау уақытша қолжетімсіз / Отслеживание временно недоступно, повторите позже",
            )
        )


ACCESS_CODE_REQUIRED = Problem(
    "accessCode",
    "access_code_required",
    "Бұл нөмір үшін телефон цифрлары енді жарамайды, қол жеткізу кодын енгізіңіз / "
    "Для этого номера цифры телефона больше не подходят, введите код доступа",
)


def _checked_input(number: int, phone_last4: str, code: str) -> tuple[str | None, str | None]:
    """(access code, phone digits): exactly one is set; malformed input is refused, not counted."""
    if not 0 < number <= NUMBER_MAX:
        raise AppealError.of("number", "invalid_number", "Өтініш нөмірі — оң сан / Номер обращения — число")
    if code.strip():
        normalised = access_code.normalised(code)
        if normalised is None:
            raise AppealError.of(
                "accessCode",
                "invalid_access_code",
                f"Код {access_code.LENGTH} таңбадан тұрады, мысалы ABCD-EFGH / "
                f"Код из {access_code.LENGTH} символов, например ABCD-EFGH",
            )
        return normalised, None
    digits = phone_last4.strip()
    if not digits:
        raise AppealError.of(
            "phoneLast4",
            "required",
            "Телефонның соңғы 4 саны немесе қол жеткізу коды қажет / "
            "Нужны последние 4 цифры телефона или код доступа",
        )
    if len(digits) != 4 or not ascii_digits(digits):
        raise AppealError.of(
            "phoneLast4", "invalid_phone_last4", "Телефонның соңғы 4 саны / Ровно 4 последние цифры телефона"
        )
    return None, digits


def track(number: int, requester: Requester, *, phone_last4: str = "", code: str = "") -> Appeal | None:
    """The appeal when the code (or, while they are allowed, the phone's digits) match, else None.

    Raises AppealError: malformed input (`invalid_*`, `required`), `too_many_attempts`
    (TooManyAttempts, this client), `access_code_required` (digits locked for this number),
    `unavailable` (the counters cannot be reached: no answers without limits).
    """
    given_code, digits = _checked_input(number, phone_last4, code)
    clients = limits.client_counters(requester, client_limit(), HOUR)
    counters: list[Counter] = list(clients)
    if digits is not None:
        counters += [
            limits.appeal_phone_counter(number, appeal_phone_limit(), APPEAL_PHONE_WINDOW),
            limits.akimat_phone_counter(akimat_phone_limit(), HOUR),
        ]
    try:
        blocked = limits.reserve(counters)
    except limits.CountersUnavailable:
        raise TrackingUnavailable() from None
    if blocked is not None:
        if blocked.counter in clients:
            raise TooManyAttempts(blocked.retry_after)
        raise AppealError(ACCESS_CODE_REQUIRED)
    appeal = (
        Appeal.objects.filter(number=number)
        .only(
            "number",
            "status",
            "received_at",
            "deadline",
            "resolved_at",
            "closed_at",
            "applicant_phone",
            "access_code",
        )
        .first()
    )
    if appeal is not None and _opens(appeal, given_code, digits):
        limits.refund(counters)
        return appeal
    return None


def _opens(appeal: Appeal, given_code: str | None, digits: str | None) -> bool:
    if given_code is not None:
        return access_code.matches(appeal.access_code, given_code)
    return digits is not None and appeal.applicant_phone.endswith(digits)
