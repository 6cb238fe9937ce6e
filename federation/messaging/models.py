"""The outbox, in the public schema: every message any tenant (or the region) sends, keyed by source.

One table for all tenants lets one relay serve them all, and the write shares the sender's
transaction: the tenant's search_path ends in public, so the sender's change and its message
commit together or not at all.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class MessageState(models.TextChoices):
    PENDING = "pending", "күтуде / ожидает"
    DELIVERING = "delivering", "жеткізілуде / доставляется"
    DELIVERED = "delivered", "жеткізілді / доставлено"
    RETRYING = "retrying", "қате, қайталанады / ошибка, повтор"
    DEAD = "dead", "жеткізілмеді / не доставлено"


class Outcome(models.TextChoices):
    """What became of a delivered message: the receiver's answer, or the relay's own (superseded)."""

    APPLIED = "applied", "қолданылды / применено"
    DUPLICATE = "duplicate", "қайталама / дубликат (применено ранее)"
    STALE = "stale", "ескірген / устарело (применено более новое)"
    # The relay delivered a newer message of the same key instead (a kind registered newest_only);
    # the receiver never saw this one and would have kept the newer state anyway.
    SUPERSEDED = "superseded", "ауыстырылды / заменено более новым"


class Lane(models.TextChoices):
    """Who delivers a message: batches per target (`default`, `urgent` ahead of everything), or the
    kind's own task one message at a time (`own`, e.g. CAD documents on the queue `cad`)."""

    DEFAULT = "default", "жалпы / обычная"
    URGENT = "urgent", "шұғыл / срочная"
    OWN = "own", "өз тапсырмасы / своя задача"


class DeliveredVia(models.TextChoices):
    KICK = "kick", "коммиттен кейін / после коммита"
    RETRY = "retry", "қайталау / повтор"
    SWEEP = "sweep", "мерзімді тексеру / периодическая проверка"
    REPLAY = "replay", "қайта жіберу / повторная отправка"
    SUCCESSOR = "successor", "алдыңғысынан кейін / после предыдущего"
    DIRECT = "direct", "тікелей / напрямую"


OPEN_STATES = (MessageState.PENDING, MessageState.DELIVERING, MessageState.RETRYING)


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("түрі / тип", max_length=100)
    schema_version = models.PositiveSmallIntegerField("схема нұсқасы / версия схемы")
    source_schema = models.CharField("жіберуші / отправитель", max_length=63)
    target_schema = models.CharField("алушы / получатель", max_length=63)
    ordering_key = models.CharField("рет кілті / ключ порядка", max_length=200, null=True, blank=True)
    sequence = models.BigIntegerField("реттік нөмір / номер в очереди", null=True, blank=True)
    payload = models.JSONField("мазмұны / содержимое")

    state = models.CharField(
        "күйі / состояние", max_length=12, choices=MessageState.choices, default=MessageState.PENDING
    )
    outcome = models.CharField("нәтиже / результат", max_length=10, choices=Outcome.choices, blank=True)
    delivered_via = models.CharField(
        "қалай жеткізілді / как доставлено", max_length=10, choices=DeliveredVia.choices, blank=True
    )
    attempts = models.PositiveIntegerField("әрекеттер / попытки", default=0)
    max_attempts = models.PositiveIntegerField("әрекеттер шегі / предел попыток")
    replays = models.PositiveIntegerField("қайта жіберулер / повторные отправки", default=0)
    last_error = models.TextField("соңғы қате / последняя ошибка", blank=True)

    created_at = models.DateTimeField("жасалды / создано", default=timezone.now)
    next_attempt_at = models.DateTimeField("келесі әрекет / следующая попытка", default=timezone.now)
    last_attempt_at = models.DateTimeField("соңғы әрекет / последняя попытка", null=True, blank=True)
    delivered_at = models.DateTimeField("жеткізілді / доставлено", null=True, blank=True)
    dead_at = models.DateTimeField("тоқтатылды / остановлено", null=True, blank=True)
    handler_ms = models.FloatField("өңдеу, мс / обработка, мс", null=True, blank=True)

    lane = models.CharField("жолақ / полоса", max_length=10, choices=Lane.choices, default=Lane.DEFAULT)
    # The advisory-lock key of whoever marked it `delivering`: a drain ("drain:<lane>:<target>") or a
    # single delivery (the message id; also when empty). Its lock free = that deliverer is gone.
    claimed_by = models.CharField("кім жеткізуде / кем доставляется", max_length=120, blank=True)
    # Its last attempt died with its worker: the next one runs alone, so a message that kills its
    # worker cannot take a whole batch's attempts with it.
    solo = models.BooleanField("жеке жеткізу / доставлять отдельно", default=False)
    superseded_by = models.UUIDField("ауыстырған хабарлама / заменено сообщением", null=True, blank=True)

    class Meta:
        verbose_name = "федерация хабарламасы / сообщение федерации"
        verbose_name_plural = "федерация хабарламалары / сообщения федерации"
        ordering = ["-created_at"]
        indexes = [
            # The sweep's and the relay's "what is due" scan.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "retrying"]),
                name="federation_message_due",
            ),
            models.Index(
                fields=["created_at"], condition=Q(state="delivering"), name="federation_message_delivering"
            ),
            models.Index(fields=["dead_at"], condition=Q(state="dead"), name="federation_message_dead"),
            models.Index(fields=["delivered_at"], name="federation_message_delivered"),
            # A drain's claim: the due messages of one target and lane, oldest first.
            models.Index(
                fields=["target_schema", "lane", "next_attempt_at"],
                condition=Q(state__in=["pending", "retrying"]),
                name="federation_message_claim",
            ),
            models.Index(
                fields=["target_schema", "lane"],
                condition=Q(solo=True, state__in=["pending", "retrying"]),
                name="federation_message_solo",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ordering_key__isnull=True, sequence__isnull=True)
                | Q(ordering_key__isnull=False, sequence__isnull=False),
                name="federation_message_key_has_sequence",
            ),
            # Also the index of the ordering gate (predecessors of a key).
            models.UniqueConstraint(
                fields=["source_schema", "ordering_key", "sequence"],
                condition=Q(ordering_key__isnull=False),
                name="federation_message_key_sequence_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_schema}→{self.target_schema} [{self.state}] {self.id}"

    @property
    def latency_ms(self) -> float | None:
        if self.delivered_at is None:
            return None
        return (self.delivered_at - self.created_at).total_seconds() * 1000


class EventKind(models.TextChoices):
    RETRY_SCHEDULED = "retry_scheduled", "қайталау жоспарланды / повтор запланирован"
    DEAD = "dead", "жеткізілмеді / не доставлено"
    WORKER_LOST = "worker_lost", "әрекет үзілді / попытка прервана (процесс остановлен)"
    REPLAYED = "replayed", "қайта жіберілді / отправлено повторно"


class MessageEvent(models.Model):
    """What happened to a message besides a plain first-time delivery: failures, dead letter, replay."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("уақыты / время", default=timezone.now)
    event = models.CharField("оқиға / событие", max_length=20, choices=EventKind.choices)
    attempt = models.PositiveIntegerField("әрекет / попытка", default=0)
    error = models.TextField("қате немесе себеп / ошибка или причина", blank=True)
    actor = models.CharField("кім / кто", max_length=200, blank=True)

    class Meta:
        verbose_name = "хабарлама оқиғасы / событие сообщения"
        verbose_name_plural = "хабарлама оқиғалары / события сообщения"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event} #{self.attempt}"


class OrderingSequence(models.Model):
    """The last sequence number handed out per (source, ordering key).

    The upsert locks the row until the sender commits, so concurrent senders of one key get
    numbers in commit order.
    """

    source_schema = models.CharField(max_length=63)
    ordering_key = models.CharField(max_length=200)
    last_sequence = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_schema", "ordering_key"], name="federation_ordering_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_schema}:{self.ordering_key}={self.last_sequence}"
