"""The appeal lifecycle as an explicit state machine: statuses, and which transition goes where.

received -> registered -> assigned -> in_progress -> done | not_done | rejected -> citizen_informed
-> closed; reopened when the citizen is not satisfied (then assigned again); cancelled as a duplicate
or spam; transferred to the akimat whose territory it concerns. An emergency leaves this path
for 112 (forwarded_112) and comes back either done (112 closed it) or received (112 says it is
no emergency: back in the operator's queue). Every transition is listed here once;
`appeals.actions` refuse anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from accounts.permissions import Operation


class Status(models.TextChoices):
    RECEIVED = "received", "Қабылданды / Принято"
    REGISTERED = "registered", "Тіркелді / Зарегистрировано"
    ASSIGNED = "assigned", "Жауаптыға жіберілді / Передано исполнителю"
    IN_PROGRESS = "in_progress", "Орындалуда / В работе"
    DONE = "done", "Орындалды / Выполнено"
    NOT_DONE = "not_done", "Орындалмады / Не выполнено"
    REJECTED = "rejected", "Қабылданбады / Отклонено"
    CITIZEN_INFORMED = "citizen_informed", "Өтініш берушіге хабарланды / Заявитель проинформирован"
    CLOSED = "closed", "Жабылды / Закрыто"
    REOPENED = "reopened", "Қайта ашылды / Открыто повторно"
    CANCELLED = "cancelled", "Жойылды / Аннулировано"
    FORWARDED_112 = "forwarded_112", "112-ге жіберілді / Передано в 112"
    # Handed to the akimat whose territory it concerns; that akimat's appeal carries on the work.
    TRANSFERRED = "transferred", "Басқа әкімдікке берілді / Передано другому акимату"


# The SLA clock runs in these: the responsible service has not answered yet.
ACTIVE_STATUSES = frozenset(
    {Status.RECEIVED, Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}
)
# The service answered; the operator owes the citizen a call.
AWAITING_CALLBACK = frozenset({Status.DONE, Status.NOT_DONE, Status.REJECTED})
TERMINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED, Status.TRANSFERRED})
# What of the lifecycle the public sees (appeals.reads.public; the region's open data reads the
# same from its read model): being worked, or answered; never cancelled, with 112 or transferred.
PUBLIC_OPEN_STATUSES = ACTIVE_STATUSES
PUBLIC_CLOSED_STATUSES = frozenset(AWAITING_CALLBACK | {Status.CITIZEN_INFORMED, Status.CLOSED})
# Statuses from which an appeal can still be forwarded to 112 (before anyone answered it).
FORWARDABLE_STATUSES = frozenset(
    {Status.RECEIVED, Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}
)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[Status]
    target: Status
    operation: Operation
    label: str  # kk / ru

    def allows(self, status: str) -> bool:
        return status in self.sources


_S = Status
_TRANSITIONS = (
    Transition(
        "register", frozenset({_S.RECEIVED}), _S.REGISTERED, Operation.APPEAL_ROUTE, "Тіркеу / Регистрация"
    ),
    Transition(
        "assign",
        frozenset({_S.REGISTERED, _S.ASSIGNED, _S.REOPENED}),
        _S.ASSIGNED,
        Operation.APPEAL_ROUTE,
        "Жауаптыға жіберу / Передача исполнителю",
    ),
    Transition(
        "start_work",
        frozenset({_S.ASSIGNED}),
        _S.IN_PROGRESS,
        Operation.APPEAL_EXECUTE,
        "Жұмысқа алу / В работу",
    ),
    Transition(
        "mark_done", frozenset({_S.IN_PROGRESS}), _S.DONE, Operation.APPEAL_EXECUTE, "Орындалды / Выполнено"
    ),
    Transition(
        "mark_not_done",
        frozenset({_S.IN_PROGRESS}),
        _S.NOT_DONE,
        Operation.APPEAL_EXECUTE,
        "Орындалмады / Не выполнено",
    ),
    Transition(
        "reject",
        frozenset({_S.REGISTERED, _S.ASSIGNED, _S.IN_PROGRESS}),
        _S.REJECTED,
        Operation.APPEAL_REJECT,
        "Қабылдамау / Отклонение",
    ),
    Transition(
        "inform_citizen",
        frozenset(AWAITING_CALLBACK),
        _S.CITIZEN_INFORMED,
        Operation.APPEAL_CALLBACK,
        "Өтініш берушіге хабарлау / Информирование заявителя",
    ),
    Transition(
        "close", frozenset({_S.CITIZEN_INFORMED}), _S.CLOSED, Operation.APPEAL_CALLBACK, "Жабу / Закрытие"
    ),
    Transition(
        "reopen",
        frozenset({_S.CITIZEN_INFORMED, _S.CLOSED}),
        _S.REOPENED,
        Operation.APPEAL_REOPEN,
        "Қайта ашу / Повторное открытие",
    ),
    Transition(
        "cancel",
        frozenset({_S.RECEIVED, _S.REGISTERED, _S.ASSIGNED}),
        _S.CANCELLED,
        Operation.APPEAL_CANCEL,
        "Жою (қайталама немесе спам) / Аннулирование (повтор или спам)",
    ),
    Transition(
        "transfer",
        frozenset({_S.RECEIVED, _S.REGISTERED, _S.ASSIGNED, _S.REOPENED}),
        _S.TRANSFERRED,
        Operation.APPEAL_TRANSFER,
        "Басқа әкімдікке беру / Передача другому акимату",
    ),
)
_TRANSITIONS += (
    # Forwarding again while 112 has the appeal updates the incident (e.g. one more service).
    Transition(
        "forward_112",
        frozenset(FORWARDABLE_STATUSES | {_S.FORWARDED_112}),
        _S.FORWARDED_112,
        Operation.APPEAL_FORWARD_112,
        "112-ге жіберу / Передача в 112",
    ),
    # 112 rejected it as not an emergency: back to the operator's queue with the dispatcher's note.
    Transition(
        "return_from_112",
        frozenset({_S.FORWARDED_112}),
        _S.RECEIVED,
        Operation.EMERGENCY_HANDLE,
        "112-ден қайтарылды / Возвращено из 112",
    ),
    # 112 closed the incident: the service answered, the operator owes the citizen a call-back.
    Transition(
        "closed_by_112",
        frozenset({_S.FORWARDED_112}),
        _S.DONE,
        Operation.EMERGENCY_HANDLE,
        "112 жабды / Закрыто службой 112",
    ),
)
TRANSITIONS: dict[str, Transition] = {transition.name: transition for transition in _TRANSITIONS}


def allowed_transitions(status: str) -> list[Transition]:
    """What may happen next to an appeal in this status (the console shows these as buttons)."""
    return [transition for transition in _TRANSITIONS if transition.allows(status)]
