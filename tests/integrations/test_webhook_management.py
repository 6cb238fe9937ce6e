"""Webhooks managed through GraphQL: an integrator makes, lists, rotates and deletes its own; the
secret is shown once; a supervisor sees and deletes any; nobody else touches them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from integrations.models import Webhook
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, user_with_roles

CREATE = """mutation ($url: String!, $types: [String!]!) {
  createWebhook(url: $url, eventTypes: $types) {
    webhook { id clientId url eventTypes previousSecretUntil }
    secret
    errors { field code message }
  }
}"""
ROTATE = """mutation ($id: ID!, $hours: Int) {
  rotateWebhookSecret(id: $id, overlapHours: $hours) {
    webhook { id previousSecretUntil } secret errors { field code message }
  }
}"""
DELETE = "mutation ($id: ID!) { deleteWebhook(id: $id) { deleted errors { field code message } } }"
LIST = "{ webhooks { id clientId url eventTypes } }"
URL = "http://127.0.0.1:9/hooks"


def created(client, url: str = URL, types: tuple[str, ...] = ("appeal.status_changed",)) -> dict:
    return data_of(gql(client, CREATE, {"url": url, "types": list(types)}))["createWebhook"]


def test_an_integrator_makes_a_webhook_and_sees_its_secret_once(integrator_client):
    made = created(integrator_client, types=("appeal.status_changed", "appeal.created"))
    assert made["secret"].startswith("whsec_") and len(made["secret"]) > 40
    assert made["webhook"]["clientId"] == "integrator-petropavlovsk"
    assert made["webhook"]["eventTypes"] == ["appeal.created", "appeal.status_changed"]
    listed = data_of(gql(integrator_client, LIST))["webhooks"]
    assert listed == [{key: made["webhook"][key] for key in ("id", "clientId", "url", "eventTypes")}]
    assert Webhook.objects.get().secret == made["secret"]  # kept as it is: signing needs it


def test_the_secret_is_not_a_field_of_a_listed_webhook(integrator_client):
    created(integrator_client)
    response = integrator_client.post(
        "/graphql/",
        {"query": "{ webhooks { secret } }"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        response.status_code == 400
        and "Cannot query field 'secret'" in response.json()["errors"][0]["message"]
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.kz/hooks", "invalid_url"),
        ("https://user:pw@example.kz/hooks", "invalid_url"),
        ("not a url", "invalid_url"),
        ("http://example.kz/hooks", "https_required"),  # plain http only to the loopback
        ("https://example.kz:99999/hooks", "invalid_url"),
    ],
)
def test_addresses_that_are_refused_in_development(integrator_client, url, code):
    refusal(gql(integrator_client, CREATE, {"url": url, "types": ["appeal.created"]}), code, "url")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1:9/hooks", "https_required"),
        ("https://127.0.0.1/hooks", "internal_address"),
        ("https://10.1.2.3/hooks", "internal_address"),
        ("https://[::1]/hooks", "internal_address"),
        ("https://crm.localhost/hooks", "internal_address"),
        # The resolver's other spellings of an IPv4 address.
        ("https://127.1/hooks", "internal_address"),
        ("https://2130706433/hooks", "internal_address"),
        ("https://0x7f.0.0.1/hooks", "internal_address"),
    ],
)
def test_production_takes_only_https_to_public_hosts(integrator_client, settings, url, code):
    settings.WEBHOOK_ALLOW_PLAIN_HTTP = False
    refusal(gql(integrator_client, CREATE, {"url": url, "types": ["appeal.created"]}), code, "url")
    assert created(integrator_client, url="https://crm.example.kz/ikomek")["webhook"]["id"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Webhooks are delivered over https only."),
        ("ru", "Вебхуки доставляются только по https."),
        (None, "Вебхуктар тек https арқылы жеткізіледі. / Вебхуки доставляются только по https."),
    ],
)
def test_a_refusal_is_said_in_the_callers_language(integrator_client, language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    answer = gql(
        integrator_client, CREATE, {"url": "http://example.kz/hooks", "types": ["appeal.created"]}, **headers
    )
    assert refusal(answer, "https_required", "url")["message"] == message


def test_unknown_or_no_event_types_and_duplicates_are_refused(integrator_client, settings):
    for types in ([], ["appeal.deleted"]):
        answer = gql(integrator_client, CREATE, {"url": URL, "types": types})
        error = refusal(answer, "invalid_event_types", "eventTypes")
        assert "appeal.created" in error["message"]
    created(integrator_client)
    refusal(gql(integrator_client, CREATE, {"url": URL, "types": ["appeal.created"]}), "duplicate_url", "url")
    settings.WEBHOOK_MAX_PER_CLIENT = 1
    answer = gql(integrator_client, CREATE, {"url": URL + "2", "types": ["appeal.created"]})
    refusal(answer, "too_many_webhooks", None)


def test_rotation_gives_a_new_secret_and_keeps_the_old_one_signing_for_the_overlap(integrator_client):
    made = created(integrator_client)
    webhook_id = made["webhook"]["id"]
    rotated = data_of(gql(integrator_client, ROTATE, {"id": webhook_id, "hours": 2}))["rotateWebhookSecret"]
    assert rotated["secret"] != made["secret"]
    assert rotated["webhook"]["previousSecretUntil"].endswith("+05:00")  # Almaty's time
    listed = data_of(gql(integrator_client, "{ webhooks { createdAt rotatedAt } }"))["webhooks"][0]
    assert listed["createdAt"].endswith("+05:00") and listed["rotatedAt"].endswith("+05:00")
    webhook = Webhook.objects.get()
    now = timezone.now()
    assert webhook.signing_secrets(now) == [rotated["secret"], made["secret"]]
    assert webhook.signing_secrets(now + datetime.timedelta(hours=2, seconds=1)) == [rotated["secret"]]
    answer = gql(integrator_client, ROTATE, {"id": webhook_id, "hours": 200})
    refusal(answer, "invalid_overlap", "overlapHours")


def test_an_integrator_reaches_only_its_own_webhooks_and_a_supervisor_all(integrator_client, petropavlovsk):
    mine = created(integrator_client)["webhook"]["id"]
    other = logged_in(user_with_roles("integrator-other", "integrator"))
    assert data_of(gql(other, LIST))["webhooks"] == []
    refusal(gql(other, ROTATE, {"id": mine}), "not_found", "id")
    refusal(gql(other, DELETE, {"id": mine}), "not_found", "id")
    refusal(gql(other, DELETE, {"id": "x1"}), "not_found", "id")
    supervisor = logged_in(user_with_roles("hooks-supervisor", "supervisor"))
    assert [w["id"] for w in data_of(gql(supervisor, LIST))["webhooks"]] == [mine]
    refusal(gql(supervisor, CREATE, {"url": URL, "types": ["appeal.created"]}), "integrators_only", None)
    assert data_of(gql(supervisor, DELETE, {"id": mine}))["deleteWebhook"]["deleted"] is True
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("role", ["operator", "executor", "analyst", "lawyer", "akim"])
def test_other_roles_are_refused(petropavlovsk, role):
    client = logged_in(user_with_roles(f"hooks-{role}", role, organisation="housing-department"))
    assert gql(client, LIST)["errors"][0]["extensions"]["code"] == "forbidden"
    refusal(gql(client, CREATE, {"url": URL, "types": ["appeal.created"]}), "forbidden", None)
