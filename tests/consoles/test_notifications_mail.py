"""Staff notifications by e-mail (appeals/jobs/mail.py) through Django's mail backends: who gets
each notice and in which language, once; a mail server that refuses keeps them for the next run;
and a real worker sends a notice once its row commits."""

from __future__ import annotations

import datetime
import socket
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import StaffProfile
from appeals import actions
from appeals.jobs.mail import deliver_pending
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Notification, Organisation, ResponsiblePerson
from ikomek.celery import app as celery_app
from testkit.identities import user_with_roles
from testkit.processes import celery_worker, wait_until
from tests.appeals.conftest import HOUSING, OPERATOR, appeal_in, intake


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        # Browser tests commit notices in this tenant; this test's own start from none (rolled back).
        Notification.objects.all().delete()
        yield


def supervisor(name: str, email: str, language: str = "", **fields: object) -> None:
    user = user_with_roles(name, "supervisor", email=email, **fields)
    if language:
        StaffProfile.objects.create(user=user, language=language)


def overdue(appeal: Appeal) -> None:
    Appeal.objects.filter(pk=appeal.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    sweep()


def test_the_escalation_goes_to_each_supervisor_in_their_language(inside):
    supervisor("sup-kk", "kk@akimat.kz", "kk")
    supervisor("sup-any", "any@akimat.kz")
    supervisor("sup-nomail", "")
    supervisor("sup-gone", "gone@akimat.kz", is_active=False)
    user_with_roles("op", "operator", email="op@akimat.kz")
    appeal = appeal_in("in_progress")
    overdue(appeal)
    Notification.objects.exclude(kind="escalation").update(delivered_at=timezone.now())

    assert deliver_pending() == 1
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"kk@akimat.kz", "any@akimat.kz"}
    kazakh, both = by_address["kk@akimat.kz"], by_address["any@akimat.kz"]
    assert f"№{appeal.number}" in kazakh.body and "бақылауға алыңыз" in kazakh.body
    assert "возьмите на контроль" not in kazakh.body and "Жетекшіге" in kazakh.subject
    assert "бақылауға алыңыз" in both.body and "возьмите на контроль" in both.body
    link = f"http://petropavlovsk.localhost:{settings.IKOMEK_PUBLIC_PORT}/console/appeals/{appeal.number}/"
    assert link in kazakh.body
    assert kazakh.from_email == settings.DEFAULT_FROM_EMAIL
    assert Notification.objects.get(kind="escalation").delivered_at is not None
    assert deliver_pending() == 0 and len(mail.outbox) == 2  # sent once


def test_an_organisations_notice_goes_to_its_person_else_its_head_else_its_address(inside):
    organisation = Organisation.objects.get(code=HOUSING)
    head = ResponsiblePerson.objects.filter(organisation=organisation, is_head=True).first()
    if head is None:
        head = ResponsiblePerson.objects.create(organisation=organisation, full_name="Бас", is_head=True)
    ResponsiblePerson.objects.filter(pk=head.pk).update(email="head@housing.kz")
    Organisation.objects.filter(pk=organisation.pk).update(email="office@housing.kz")

    first = appeal_in("assigned")  # "new appeal" to the organisation, nobody assigned: the head
    deliver_pending()
    assert [m.to for m in mail.outbox] == [["head@housing.kz"]]
    assert f"Жаңа өтініш №{first.number}" in mail.outbox[0].body
    assert f"Новое обращение №{first.number}" in mail.outbox[0].body  # no language on record: both
    assert f"/console/executor/appeals/{first.number}/" in mail.outbox[0].body

    ResponsiblePerson.objects.filter(pk=head.pk).update(email="")
    appeal_in("assigned")
    deliver_pending()
    assert mail.outbox[-1].to == ["office@housing.kz"]

    Organisation.objects.filter(pk=organisation.pk).update(email="")
    appeal_in("assigned")
    assert deliver_pending() == 1 and len(mail.outbox) == 2  # nobody to write to: done all the same
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()


def test_a_run_with_nobody_to_write_to_leaves_no_empty_mail_file(inside, settings, tmp_path):
    """The file backend (`make run`) writes a file per connection: one is opened at the first message."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    organisation = Organisation.objects.get(code=HOUSING)
    ResponsiblePerson.objects.filter(organisation=organisation).update(email="")
    Organisation.objects.filter(pk=organisation.pk).update(email="")
    appeal_in("assigned")
    assert deliver_pending() == 1 and list(tmp_path.iterdir()) == []
    Organisation.objects.filter(pk=organisation.pk).update(email="office@housing.kz")
    appeal_in("assigned")
    assert deliver_pending() == 1
    [written] = list(tmp_path.iterdir())
    assert "office@housing.kz" in written.read_text()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


def test_a_mail_server_that_refuses_keeps_the_notices_for_the_next_run(inside, settings):
    supervisor("sup", "sup@akimat.kz")
    overdue(appeal_in("in_progress"))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    done = deliver_pending()  # the notices nobody has an address for need no server
    waiting = Notification.objects.filter(delivered_at__isnull=True)
    kinds = list(waiting.values_list("kind", flat=True))
    assert "escalation" in kinds and done + len(kinds) == 3  # the supervisor's waits
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending() == len(kinds)
    assert [m.to for m in mail.outbox if m.to == ["sup@akimat.kz"]] == [["sup@akimat.kz"]]


def test_beat_sweeps_every_akimat_for_notices_to_send(tenants):
    entry = settings.CELERY_BEAT_SCHEDULE["appeals-notification-mail"]
    assert entry["task"] == "ikomek.tasks.fan_out_to_tenants"
    assert entry["args"] == ("appeals.tasks.deliver_notifications",)
    celery_app.loader.import_default_modules()
    assert "appeals.tasks.deliver_notifications" in celery_app.tasks


@pytest.mark.slow
def test_a_worker_mails_a_notice_once_it_commits(onboarded, django_db_blocker, tmp_path):
    """No sweep here: the notice's own commit asks the worker (file backend, as `make run`)."""
    outbox = tmp_path / "mail"
    petropavlovsk = onboarded["petropavlovsk"]
    with django_db_blocker.unblock():
        with tenant_context(petropavlovsk):
            organisation = Organisation.objects.get(code=HOUSING)
            Organisation.objects.filter(pk=organisation.pk).update(email="office@housing.kz")
            ResponsiblePerson.objects.filter(organisation=organisation).update(email="")
            Notification.objects.filter(delivered_at__isnull=True).update(delivered_at=timezone.now())
            appeal = intake()
            actions.register_appeal(OPERATOR, appeal.number, assign=True)  # commits: notice + kick
        connection.set_schema_to_public()
        env = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
        with celery_worker(tmp_path / "worker.log", env=env | {"EMAIL_FILE_PATH": str(outbox)}):

            def mailed() -> bool:
                return any(f"№{appeal.number}" in f.read_text() for f in outbox.glob("*.log"))

            assert wait_until(mailed, timeout=60), (tmp_path / "worker.log").read_text()[-3000:]
        with tenant_context(petropavlovsk):
            notice = Notification.objects.get(appeal_id=appeal.pk, kind="assigned")
            assert notice.delivered_at is not None
            Organisation.objects.filter(pk=organisation.pk).update(email="")
        connection.set_schema_to_public()
